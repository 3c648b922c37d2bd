#!/usr/bin/env node
// Renders media/icon.svg to media/icon.png (128 × 128, the Marketplace's icon size) in Debian's
// Chromium, so the committed PNG always matches its source. Run after editing the SVG:
//   node scripts/media/render-icon.mjs
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, repoRoot } from '../code-server-lib.mjs';

const svg = readFileSync(path.join(repoRoot, 'media', 'icon.svg'), 'utf8');
const out = path.join(repoRoot, 'media', 'icon.png');
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: out, omitBackground: true });
  console.log(`render-icon: ${path.relative(repoRoot, out)}`);
} finally {
  await browser.close();
}
