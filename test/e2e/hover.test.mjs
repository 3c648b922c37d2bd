// A user opens a PyTorch model and hovers an activation: the hover names the function and offers
// the Plot link. Screenshots in both themes go to screenshots/.
/* global describe, it, before, after, afterEach -- mocha BDD globals */
import * as assert from 'node:assert/strict';
import {
  closeWorkbench,
  hoverText,
  openFile,
  openWorkbench,
  screenshot,
  slug,
} from './workbench.mjs';

for (const theme of ['dark', 'light']) {
  describe(`hover in a real workbench (${theme} theme)`, function () {
    this.timeout(120_000);
    let wb;
    before(async () => {
      wb = await openWorkbench({ theme });
    });
    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && wb)
        await screenshot(wb.page, `failed-${slug(this.currentTest.fullTitle())}`);
    });
    after(async () => {
      await closeWorkbench(wb);
    });

    it('shows what nn.LeakyReLU(0.2) computes, with the slope in effect and a Plot link', async () => {
      await openFile(wb.page, 'pytorch_mlp.py');
      const text = await hoverText(wb.page, 'LeakyReLU', 'nn.LeakyReLU(0.2)', {
        mustContain: /leaky/i,
      });
      await wb.page.waitForTimeout(1000); // hovers fade in; capture the settled one
      await screenshot(wb.page, `hover-${theme}`);
      assert.match(text, /leaky.?relu/i, 'the hover names the function');
      assert.match(text, /0\.2/, 'the hover shows negative_slope = 0.2 from the code');
      assert.match(text, /\bPlot\b/, 'the hover offers the Plot link');
      const plotLink = wb.page.locator('.monaco-hover-content a', { hasText: /^Plot/ }).first();
      const href =
        (await plotLink.getAttribute('data-href')) ?? (await plotLink.getAttribute('href')) ?? '';
      assert.match(
        decodeURIComponent(href),
        /activationLens\.plot\?.*leaky_relu/,
        `Plot link target: ${href}`,
      );
    });

    it('tells GELU(approximate="tanh") apart from the exact GELU', async () => {
      await wb.page.mouse.move(5, 400);
      await wb.page.keyboard.press('Escape');
      const text = await hoverText(wb.page, 'GELU', 'nn.GELU(approximate="tanh")', {
        mustContain: /gelu/i,
      });
      assert.match(text, /tanh/i, 'the hover says it is the tanh approximation');
    });

    it('reads a module defined in the file by what it computes (QuickGELU, Snake)', async () => {
      await wb.page.mouse.move(5, 400);
      await wb.page.keyboard.press('Escape');
      await openFile(wb.page, 'custom_activations.py');
      const quick = await hoverText(wb.page, 'QuickGELU', 'QuickGELU(nn.Module)', {
        mustContain: /Computes/,
      });
      await wb.page.waitForTimeout(1000);
      await screenshot(wb.page, `hover-custom-match-${theme}`);
      assert.match(quick, /Quick GELU/, 'names the built-in it computes');
      assert.match(quick, /max \|Δ\|/, 'says how closely');
      await wb.page.mouse.move(5, 400);
      await wb.page.keyboard.press('Escape');
      const snake = await hoverText(wb.page, 'Snake', 'Snake(nn.Module)', {
        mustContain: /computes no built-in/,
      });
      await wb.page.waitForTimeout(1000);
      await screenshot(wb.page, `hover-custom-snake-${theme}`);
      assert.match(snake, /alpha/, 'shows the parameter in effect');
    });
  });
}
