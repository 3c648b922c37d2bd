// Drives code-server's workbench the way a user does: quick open, the command palette, the mouse.
// Used by the *.e2e.mjs files; the runner (scripts/code-server.mjs e2e) installs the packaged .vsix
// into `extensionsDir` before mocha starts.
/* global window, document, NodeFilter -- used inside page.evaluate callbacks, which run in the browser */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  launchBrowser,
  makeProfile,
  repoRoot,
  startServer,
} from '../../scripts/code-server-lib.mjs';

export const samplesDir = path.join(repoRoot, 'samples');
export const screenshotsDir = path.join(repoRoot, 'screenshots');
/** The screenshots README and the walkthrough show, committed under media/screenshots/. */
export const publishedDir = path.join(repoRoot, 'media', 'screenshots');
const PUBLISHED = new Set([
  'hover-dark',
  'plot-4-dark',
  'plot-shading-dark',
  'model-diagnostics',
  'walkthrough-dark',
  'report-dark',
  'report-light',
  'model-partial-dark',
  'model-partial-light',
  'quick-fix-dark',
  'quick-fix-light',
]);

export const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' };

/**
 * A code-server with the installed .vsix, a browser page on the samples folder, and a log of CSP
 * violations seen in any frame (webviews are nested iframes).
 */
export async function openWorkbench({ theme }) {
  const extensionsDir = process.env.E2E_EXTENSIONS_DIR;
  if (!extensionsDir)
    throw new Error('E2E_EXTENSIONS_DIR is not set: run through scripts/code-server.mjs e2e');
  const profile = makeProfile(`e2e-${theme}`, {
    'workbench.colorTheme': THEMES[theme],
    'window.commandCenter': false,
    'editor.hover.delay': 300,
    'editor.minimap.enabled': false,
    'files.autoSave': 'off',
    'workbench.editor.enablePreview': false,
    'extensions.ignoreRecommendations': true,
    'python.languageServer': 'None',
    'git.openRepositoryInParentFolders': 'never',
    'git.enabled': false,
  });
  profile.extensions = extensionsDir;
  const server = await startServer({ profile, workspace: samplesDir, quiet: !process.env.VERBOSE });
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const cspViolations = [];
  // Runs in every frame as it is created, including the webviews' inner frames.
  await context.addInitScript(() => {
    window.addEventListener(
      'securitypolicyviolation',
      (e) =>
        console.error(
          `CSP-VIOLATION ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`,
        ),
      true,
    );
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    const text = msg.text();
    if (text.startsWith('CSP-VIOLATION') || /Content Security Policy/.test(text)) {
      cspViolations.push({ url: msg.location().url, text });
    }
  });
  await page.goto(`${server.url}/?folder=${encodeURIComponent(samplesDir)}`, {
    waitUntil: 'domcontentloaded',
    timeout: 120_000,
  });
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  // The explorer shows the folder once the remote file system is up.
  await page.locator('.explorer-folders-view').waitFor({ timeout: 120_000 });
  return { server, browser, context, page, cspViolations, theme };
}

/** Opens a workspace file through quick open (Ctrl+P), as a user would. */
export async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${name}"]`).waitFor({ timeout: 20_000 });
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/**
 * Runs a command from the command palette (F1) by its title. The palette lists an extension's
 * commands only once the extension host has scanned it, which takes a while after the workbench
 * appears on a busy machine, so an empty list is retried rather than trusted.
 */
export async function runCommand(page, title, { timeout = 60_000 } = {}) {
  const deadline = Date.now() + timeout;
  const input = page.locator('.quick-input-widget input');
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 3000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline)
        throw new Error(`the command palette has no '${title}' after ${timeout} ms`, { cause: e });
      await page.waitForTimeout(1000);
    }
  }
}

/**
 * Moves the mouse onto the first occurrence of `token` in the visible editor lines. Works however
 * the tokenizer split the line into spans: it measures the characters themselves with a Range.
 */
export async function hoverToken(page, token, lineContains = token) {
  const box = await page.evaluate(
    ({ token, lineContains }) => {
      for (const line of document.querySelectorAll('.monaco-editor .view-lines .view-line')) {
        const text = line.textContent ?? '';
        if (!text.includes(lineContains) || !text.includes(token)) continue;
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        let offset = text.indexOf(lineContains) + lineContains.indexOf(token);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const len = node.textContent?.length ?? 0;
          if (offset < len) {
            const range = document.createRange();
            range.setStart(node, offset);
            range.setEnd(node, Math.min(len, offset + token.length));
            const r = range.getBoundingClientRect();
            return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
          }
          offset -= len;
        }
      }
      return undefined;
    },
    { token, lineContains },
  );
  if (!box) throw new Error(`'${token}' is not visible in the editor`);
  await page.mouse.move(box.x - 40, box.y + 60);
  await page.mouse.move(box.x, box.y, { steps: 5 });
  return box;
}

/**
 * Hovers `token` until a hover whose text matches `mustContain` is visible and returns its text
 * (a hidden, empty .monaco-hover is always in the page). The extension activates on the language
 * and may still be starting, so the mouse leaves and comes back between attempts.
 */
export async function hoverText(page, token, lineContains, { mustContain, timeout = 60_000 }) {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    await hoverToken(page, token, lineContains);
    const attemptEnd = Math.min(deadline, Date.now() + 5000);
    while (Date.now() < attemptEnd) {
      const texts = await page.locator('.monaco-hover-content').allInnerTexts();
      last = texts
        .map((t) => t.trim())
        .filter(Boolean)
        .join('\n---\n');
      if (mustContain.test(last)) return last;
      await page.waitForTimeout(250);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `no hover matching ${mustContain} on '${token}' within ${timeout} ms; visible hover text: ${JSON.stringify(last)}`,
      );
    }
    await page.mouse.move(5, 400);
    await page.keyboard.press('Escape');
  }
}

/**
 * Counts drawn (non-transparent) pixels on every canvas in every webview frame. Returns the
 * largest count per frame so a caller can wait for a chart to be painted.
 */
export async function canvasesInWebviews(page) {
  const found = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const canvases = await frame
      .evaluate(() =>
        [...document.querySelectorAll('canvas')].map((c) => {
          const ctx = c.getContext('2d');
          if (!ctx || c.width === 0 || c.height === 0)
            return { width: c.width, height: c.height, drawn: 0 };
          const data = ctx.getImageData(0, 0, c.width, c.height).data;
          let drawn = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) drawn++;
          return { width: c.width, height: c.height, drawn };
        }),
      )
      .catch(() => []);
    for (const c of canvases) found.push({ frame: frame.url(), ...c });
  }
  return found;
}

/** Waits until some webview canvas has at least `minPixels` drawn pixels. */
export async function waitForDrawnCanvas(page, { minPixels = 500, timeout = 30_000 } = {}) {
  const deadline = Date.now() + timeout;
  let last = [];
  while (Date.now() < deadline) {
    last = await canvasesInWebviews(page);
    const best = last.reduce((m, c) => Math.max(m, c.drawn), 0);
    if (best >= minPixels) return last;
    await page.waitForTimeout(300);
  }
  throw new Error(
    `no webview canvas with ${minPixels}+ drawn pixels within ${timeout} ms: ${JSON.stringify(last)}`,
  );
}

/** Text of every webview frame's body (to read legends and labels). */
export async function webviewTexts(page) {
  const texts = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const t = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
    if (t.trim()) texts.push(t);
  }
  return texts.join('\n');
}

export function slug(title) {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

/**
 * Every run writes to screenshots/ (ignored by git, for looking at a failure); with
 * UPDATE_SCREENSHOTS=1 the published ones are also copied to media/screenshots/, so the committed
 * pictures change only when someone asks for it.
 */
export async function screenshot(page, name) {
  mkdirSync(screenshotsDir, { recursive: true });
  const file = path.join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.UPDATE_SCREENSHOTS === '1' && PUBLISHED.has(name)) {
    mkdirSync(publishedDir, { recursive: true });
    copyFileSync(file, path.join(publishedDir, `${name}.png`));
  }
  return file;
}

export async function closeWorkbench(wb) {
  await wb?.context?.close().catch(() => {});
  await wb?.browser?.close().catch(() => {});
  await wb?.server?.stop();
}
