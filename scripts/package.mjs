#!/usr/bin/env node
// `npm run package`: a production build, then `vsce package --no-dependencies` (esbuild bundles
// every dependency, so node_modules never ships) into out/activation-lens.vsix. Fails when the .vsix
// reaches 5 MiB (the Marketplace-readiness budget), so a stray asset cannot creep into what users
// download; .vscodeignore decides what ships (check with `npx vsce ls`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const vsixPath = path.join(root, 'out', 'activation-lens.vsix');
const MAX_BYTES = 5 * 1024 * 1024;

function step(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

export function packageVsix() {
  mkdirSync(path.dirname(vsixPath), { recursive: true });
  step(process.execPath, ['esbuild.mjs', '--production']);
  step(path.join(root, 'node_modules', '.bin', 'vsce'), [
    'package',
    '--no-dependencies',
    '--out',
    vsixPath,
  ]);
  const size = statSync(vsixPath).size;
  if (size >= MAX_BYTES)
    throw new Error(`${vsixPath} is ${(size / 1024).toFixed(0)} KiB, over the 5 MiB budget`);
  console.log(`package: ${path.relative(root, vsixPath)} ${(size / 1024).toFixed(0)} KiB`);
  return vsixPath;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    packageVsix();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
