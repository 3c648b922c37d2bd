// A user opens a deep sigmoid MLP, clicks the "Check gradient flow" CodeLens above it, and sees
// warnings on the layers whose gradients vanish. The screenshot goes to screenshots/.
/* global describe, it, before, after, afterEach -- mocha BDD globals */
import * as assert from 'node:assert/strict';
import { closeWorkbench, openFile, openWorkbench, screenshot, slug } from './workbench.mjs';

describe('model check in a real workbench', function () {
  this.timeout(180_000);
  let wb;
  before(async () => {
    wb = await openWorkbench({ theme: 'dark' });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb)
      await screenshot(wb.page, `failed-${slug(this.currentTest.fullTitle())}`);
  });
  after(async () => {
    await closeWorkbench(wb);
  });

  it('marks the vanishing layers of deep_sigmoid_mlp.py after the CodeLens is clicked', async () => {
    const { page } = wb;
    await openFile(page, 'deep_sigmoid_mlp.py');
    const lens = page.locator('.codelens-decoration a', { hasText: 'Check gradient flow' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();
    // The verdict notification, then the squiggles and the Problems panel.
    const toast = page.locator('.notification-toast', { hasText: 'vanishing' }).first();
    await toast.waitFor({ timeout: 60_000 });
    await page.locator('.squiggly-warning').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel .monaco-list-row', {
      hasText: 'Vanishing gradient',
    });
    await problems.first().waitFor({ timeout: 30_000 });
    const count = await problems.count();
    await screenshot(page, 'model-diagnostics');
    assert.ok(count >= 4, `expected ≥ 4 vanishing-gradient problems, saw ${count}`);
    assert.match((await toast.innerText()).replace(/\s+/g, ' '), /model: vanishing/);
  });
});
