#!/usr/bin/env node
// `npm run test:electron`: the same integration suite as `npm run test:integration`, under desktop
// VS Code downloaded by @vscode/test-electron (needs access to update.code.visualstudio.com, so it
// is for developers' desktops; CI and headless machines use scripts/code-server.mjs).
// VSCODE_VERSION picks the version (default: 1.100.3, the one code-server 4.100.3 embeds).
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const testsPath = path.join(root, 'out', 'test', 'integration', 'index.js');
if (!existsSync(testsPath) || !existsSync(path.join(root, 'dist', 'extension.js'))) {
  console.error(
    'missing build output: run `npm run build && node scripts/build-tests.mjs` (npm run test:electron does both)',
  );
  process.exit(1);
}

const profile = mkdtempSync(path.join(tmpdir(), 'activation-lens-electron-'));
mkdirSync(path.join(profile, 'user-data', 'User'), { recursive: true });
writeFileSync(
  path.join(profile, 'user-data', 'User', 'settings.json'),
  JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none' }),
);
let code = 1;
try {
  code = await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: testsPath,
    launchArgs: [
      path.join(root, 'samples'),
      '--disable-extensions',
      '--disable-workspace-trust',
      `--user-data-dir=${path.join(profile, 'user-data')}`,
      `--extensions-dir=${path.join(profile, 'extensions')}`,
    ],
  });
} catch (e) {
  console.error(`test-electron: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
} finally {
  rmSync(profile, { recursive: true, force: true });
}
process.exit(code);
