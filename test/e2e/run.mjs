// Runs every test/e2e/*.test.mjs with mocha in Node: each suite starts its own code-server with the
// packaged .vsix installed (not the development folder) and drives it through Playwright.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';
import {
  CODE_SERVER_VERSION,
  VSCODE_VERSION,
  installVsix,
  makeProfile,
} from '../../scripts/code-server-lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function runE2e({ vsix }) {
  const profile = makeProfile('e2e-extensions');
  await installVsix(vsix, profile.extensions, profile.userData);
  process.env.E2E_EXTENSIONS_DIR = profile.extensions;
  const only = process.env.E2E_GREP;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: 120_000,
    color: Boolean(process.stdout.isTTY) && !process.env.CI,
    ...(only ? { grep: only } : {}),
  });
  for (const f of readdirSync(here)
    .filter((f) => f.endsWith('.test.mjs'))
    .sort())
    mocha.addFile(path.join(here, f));
  await mocha.loadFilesAsync();
  const started = Date.now();
  const stats = await new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
  });
  process.stderr.write(
    `[code-server] VS Code ${VSCODE_VERSION} (code-server ${CODE_SERVER_VERSION}) e2e: ${stats.passes} passed, ${stats.failures} failed, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return stats.failures > 0 || stats.passes === 0 ? 1 : 0;
}
