// The code-server runner's library: install into the cache, start a server, launch Debian's Chromium,
// run the integration suite, serve. The CLI is scripts/code-server.mjs; test/e2e imports this file
// (a module cannot import the entry module that is still awaiting at top level).
/* global fetch -- Node 20 built-in */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cacheRoot =
  process.env.ACTIVATION_LENS_CACHE ?? path.join(homedir(), '.cache', 'activation-lens');
export const installDir = path.join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerBin = path.join(installDir, 'node_modules', '.bin', 'code-server');
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Chromium flags that keep a headless run from reaching the network or a GPU. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** Written last by `install`, so a directory without it is never mistaken for a usable install. */
const completeMarker = path.join(installDir, '.install-complete');
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

const log = (msg) => process.stderr.write(`[code-server] ${msg}\n`);

export class RunnerError extends Error {}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* not in this dir */
    }
  }
  return undefined;
}

export function isInstalled() {
  return existsSync(completeMarker) && existsSync(codeServerBin);
}

/**
 * @vscode/ripgrep (a code-server dependency) downloads rg from GitHub in its postinstall unless its
 * cache already holds the archive; Debian's rg is a fine substitute and needs no network.
 */
function seedRipgrepCache() {
  const rg = which('rg');
  if (!rg) throw new RunnerError('ripgrep (rg) is not on PATH: apt-get install ripgrep');
  const dir = path.join(tmpdir(), RIPGREP_CACHE);
  mkdirSync(dir, { recursive: true });
  const archive = path.join(dir, RIPGREP_ARCHIVE);
  if (existsSync(archive)) return;
  const r = spawnSync('tar', ['czf', archive, '-C', path.dirname(rg), path.basename(rg)], {
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new RunnerError(`could not seed the ripgrep cache at ${archive}`);
}

/** Installs code-server into the cache folder; a no-op when a complete install is already there. */
export async function install() {
  if (isInstalled()) {
    log(`using cached ${installDir}`);
    return;
  }
  mkdirSync(cacheRoot, { recursive: true });
  seedRipgrepCache();
  // Install next to the final folder (same filesystem) and rename at the end: an interrupted or
  // failed install leaves only a temp dir that the next run ignores and removes.
  const tmp = mkdtempSync(path.join(cacheRoot, `.code-server-${CODE_SERVER_VERSION}-`));
  const started = Date.now();
  log(`installing code-server@${CODE_SERVER_VERSION} into ${installDir} (about 2 minutes)`);
  try {
    const code = await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--no-save',
        '--prefix',
        tmp,
        `code-server@${CODE_SERVER_VERSION}`,
      ],
      {
        cwd: tmp,
        env: {
          ...process.env,
          // As root, code-server's postinstall refuses to run without unsafe-perm; node-pty's
          // postinstall runs `npx node-gyp`, which would otherwise prompt.
          npm_config_unsafe_perm: 'true',
          npm_config_yes: 'true',
        },
      },
    );
    if (code !== 0)
      throw new RunnerError(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${code})`);
    if (!existsSync(path.join(tmp, 'node_modules', '.bin', 'code-server'))) {
      throw new RunnerError('npm install finished but node_modules/.bin/code-server is missing');
    }
    writeFileSync(path.join(tmp, '.install-complete'), `${new Date().toISOString()}\n`);
    rmSync(installDir, { recursive: true, force: true });
    renameSync(tmp, installDir);
    log(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Tracks every child and browser this process started, so every exit path stops them. */
const cleanups = [];
let cleaningUp;
export function onCleanup(fn) {
  cleanups.push(fn);
}
export async function cleanupAll() {
  cleaningUp ??= (async () => {
    while (cleanups.length > 0) {
      const fn = cleanups.pop();
      try {
        await fn();
      } catch (e) {
        log(`cleanup: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  })();
  await cleaningUp;
  cleaningUp = undefined;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

/** Kills a detached child's whole process group (code-server forks its extension host). */
function killGroup(child, signal = 'SIGTERM') {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

async function stopChild(child, name) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  killGroup(child, 'SIGTERM');
  const t = setTimeout(() => {
    log(`${name} did not stop in 5 s, sending SIGKILL`);
    killGroup(child, 'SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(t);
}

/** Runs a command to completion with inherited output; its process group is stopped on exit paths. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
      ...opts,
    });
    const cleanup = () => stopChild(child, cmd);
    onCleanup(cleanup);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const i = cleanups.indexOf(cleanup);
      if (i >= 0) cleanups.splice(i, 1);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A fresh user-data and extensions folder with the settings that keep dialogs out of the way. */
export function makeProfile(name, extraSettings = {}) {
  const root = mkdtempSync(path.join(tmpdir(), `activation-lens-${name}-`));
  const userData = path.join(root, 'user-data');
  const extensions = path.join(root, 'extensions');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  const settings = {
    // Otherwise a trust dialog covers the window and restricted mode disables extensions.
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    ...extraSettings,
  };
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  onCleanup(() => {
    if (!process.env.KEEP_PROFILE) rmSync(root, { recursive: true, force: true });
  });
  return { root, userData, extensions };
}

/** Installs a .vsix into an extensions folder with code-server's own CLI. */
export async function installVsix(vsix, extensionsDir, userDataDir) {
  const code = await run(codeServerBin, [
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--install-extension',
    vsix,
    '--force',
  ]);
  if (code !== 0)
    throw new RunnerError(`code-server --install-extension ${vsix} failed (exit ${code})`);
}

/**
 * Starts code-server on a free loopback port and waits until it answers /healthz.
 * `onLine` sees every line of its output (the extension host's console goes there too).
 */
export async function startServer({
  profile,
  workspace,
  onLine = () => {},
  quiet = false,
  env = {},
}) {
  if (!isInstalled())
    throw new RunnerError(
      `code-server is not installed: run 'node scripts/code-server.mjs install'`,
    );
  const port = await freePort();
  const args = [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir',
    profile.userData,
    '--extensions-dir',
    profile.extensions,
    workspace,
  ];
  const child = spawn(codeServerBin, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  onCleanup(() => stopChild(child, 'code-server'));
  const output = [];
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        output.push(line);
        if (output.length > 400) output.shift();
        // open-vsx.org is unreachable here; those errors are expected noise.
        if (!quiet && !/open-vsx|ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(line))
          process.stderr.write(`  | ${line}\n`);
        onLine(line);
      }
    });
  }
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new RunnerError(
        `code-server exited (${child.exitCode}) before it answered:\n${output.join('\n')}`,
      );
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline)
      throw new RunnerError(`code-server did not answer on ${url} within 60 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, port, child, output, stop: () => stopChild(child, 'code-server') };
}

/** Launches Debian's Chromium through playwright-core (no browser download). */
export async function launchBrowser() {
  if (!existsSync(chromiumPath)) {
    throw new RunnerError(
      `Chromium not found at ${chromiumPath}: apt-get install chromium (or set CHROMIUM)`,
    );
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
  });
  onCleanup(() => browser.close());
  return browser;
}

function ensureBuilt(files) {
  const missing = files.filter((f) => !existsSync(path.join(repoRoot, f)));
  if (missing.length > 0)
    throw new RunnerError(`missing ${missing.join(', ')}: run 'npm run build' first`);
}

/**
 * Runs the mocha suite (out/test/integration/index.js) inside code-server's extension host.
 * The suite writes its events to a JSON-lines file that we tail to the terminal; the browser
 * itself only shows the workbench.
 */
export async function testIntegration() {
  await install();
  ensureBuilt(['dist/extension.js', 'out/test/integration/index.js']);
  const timeoutMs = Number(process.env.CODE_SERVER_TIMEOUT_MS ?? 300_000);
  const profile = makeProfile('integration');
  const resultsFile = path.join(profile.root, 'results.jsonl');
  const workspace = path.join(repoRoot, 'samples');
  // The extension host inherits code-server's environment: that is how index.ts learns where to
  // write its results.
  const server = await startServer({
    profile,
    workspace,
    quiet: !process.env.VERBOSE,
    env: { ACTIVATION_LENS_RESULTS: resultsFile },
  });
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(repoRoot)],
    ['extensionTestsPath', remote(path.join(repoRoot, 'out', 'test', 'integration', 'index.js'))],
  ];
  const browser = await launchBrowser();
  const page = await browser.newPage();
  page.on('pageerror', (e) => log(`workbench page error: ${e.message}`));
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const started = Date.now();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  const summary = await tailResults(resultsFile, timeoutMs, server);
  log(
    `VS Code ${VSCODE_VERSION} (code-server ${CODE_SERVER_VERSION}) integration: ${summary.passed} passed, ${summary.failed} failed, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (summary.failed > 0 || summary.passed === 0) return 1;
  return 0;
}

/** Streams results.jsonl lines as they appear until the 'end' record, a crash or the timeout. */
async function tailResults(file, timeoutMs, server) {
  const deadline = Date.now() + timeoutMs;
  let shown = 0;
  for (;;) {
    let lines = [];
    if (existsSync(file)) lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    for (; shown < lines.length; shown++) {
      const rec = JSON.parse(lines[shown]);
      if (rec.type === 'pass') process.stdout.write(`  ✓ ${rec.title} (${rec.duration ?? 0} ms)\n`);
      else if (rec.type === 'fail')
        process.stdout.write(
          `  ✗ ${rec.title}\n      ${String(rec.error).replace(/\n/g, '\n      ')}\n`,
        );
      else if (rec.type === 'suite') process.stdout.write(`${rec.title}\n`);
      else if (rec.type === 'info') process.stdout.write(`${rec.message}\n`);
      else if (rec.type === 'end') {
        process.stdout.write(`${rec.passed} passed, ${rec.failed} failed\n`);
        return rec;
      }
    }
    if (server.child.exitCode !== null)
      throw new RunnerError('code-server exited before the tests finished');
    if (Date.now() > deadline)
      throw new RunnerError(`integration tests did not finish within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The end-to-end suite: the packaged .vsix, a plain workbench URL, Playwright as the user. */
export async function e2e() {
  await install();
  const { packageVsix } = await import('./package.mjs');
  const vsix = process.env.VSIX ?? packageVsix();
  const { runE2e } = await import(
    pathToFileURL(path.join(repoRoot, 'test', 'e2e', 'run.mjs')).href
  );
  return runE2e({ vsix });
}

/** Serves the extension under development (for `npm start` on machines without desktop VS Code). */
export async function serve(folder = path.join(repoRoot, 'samples')) {
  await install();
  const profile = makeProfile('serve');
  const server = await startServer({ profile, workspace: path.resolve(folder), quiet: true });
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${repoRoot}`],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(path.resolve(folder))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  process.stdout.write(
    `\nActivation Lens is running in VS Code ${VSCODE_VERSION} (code-server ${CODE_SERVER_VERSION}).\nOpen:\n\n  ${url}\n\nCtrl-C stops it.\n`,
  );
  const code = await new Promise((resolve) => server.child.once('exit', (c) => resolve(c ?? 0)));
  return code;
}
