#!/usr/bin/env node
// Runs the extension inside a real VS Code (code-server 4.100.3 = VS Code 1.100.3) in Debian's
// Chromium. @vscode/test-electron cannot download VS Code on machines that only reach the npm
// registry, so this is the runner for CI and headless machines.
//
//   node scripts/code-server.mjs install            install code-server into the cache (reused)
//   node scripts/code-server.mjs test-integration   run out/test/integration/index.js in the extension host
//   node scripts/code-server.mjs e2e                package the .vsix, install it, run test/e2e with Playwright
//   node scripts/code-server.mjs serve [folder]     serve the extension (development path) on loopback
//
// Environment: ACTIVATION_LENS_CACHE (default ~/.cache/activation-lens), CHROMIUM (default
// /usr/bin/chromium), CODE_SERVER_TIMEOUT_MS (integration-run timeout, default 300000).
import {
  cleanupAll,
  e2e,
  install,
  RunnerError,
  serve,
  testIntegration,
} from './code-server-lib.mjs';

const log = (msg) => process.stderr.write(`[code-server] ${msg}\n`);

async function main(argv) {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'install':
      await install();
      return 0;
    case 'test-integration':
      return testIntegration();
    case 'e2e':
      return e2e();
    case 'serve':
      return serve(rest[0]);
    default:
      process.stderr.write(
        'usage: node scripts/code-server.mjs install|test-integration|e2e|serve [folder]\n',
      );
      return 2;
  }
}

{
  let code = 1;
  try {
    code = await main(process.argv.slice(2));
  } catch (e) {
    log(
      e instanceof RunnerError
        ? e.message
        : e instanceof Error
          ? (e.stack ?? e.message)
          : String(e),
    );
    code = 1;
  } finally {
    await cleanupAll();
  }
  process.exit(code);
}
