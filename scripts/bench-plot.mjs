// Plot redraw in Chromium: 4 curves × 2000 points × (f, f′, f″), 200 slider moves, each a full
// reduce → resample → chart.update('none') (animation and decimation off) timed inside the page;
// plus chart.update alone. Runs the browser test's harness (test/browser/plot.ts) in bench mode
// against the production (minified) webview bundle. Target: median ≤ 16 ms.
// Usage: node scripts/bench-plot.mjs   (needs /usr/bin/chromium or CHROMIUM_PATH)
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, ['esbuild.mjs', '--production'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);
const outfile = join(root, '.cache', 'browser', 'plot-bench.cjs');
await esbuild.build({
  entryPoints: [join(root, 'test', 'browser', 'plot.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, [outfile], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PLOT_BENCH: '1' },
});
process.exit(r.status ?? 1);
