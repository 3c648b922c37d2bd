#!/usr/bin/env node
// `npm start`: build, then open a real VS Code with the extension under development and samples/.
// Desktop VS Code when `code` is on PATH; otherwise code-server on loopback (installed into the
// runner's cache on first use) with the URL printed. Ctrl-C stops whatever was started.
import { spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const samples = path.join(root, 'samples');

function onPath(cmd) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      return statSync(path.join(dir, cmd)).isFile();
    } catch {
      return false;
    }
  });
}

const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

if (onPath('code') && !process.env.ACTIVATION_LENS_CODE_SERVER) {
  // --wait keeps this process alive while the window is open, so Ctrl-C here closes it too.
  const child = spawn(
    'code',
    ['--new-window', '--wait', `--extensionDevelopmentPath=${root}`, samples],
    {
      stdio: 'inherit',
    },
  );
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const { serve, cleanupAll } = await import('./code-server-lib.mjs');
  let code = 1;
  try {
    code = await serve(samples);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
  } finally {
    await cleanupAll();
  }
  process.exit(code);
}
