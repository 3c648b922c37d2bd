// A user runs the plot commands from the command palette: the panel's chart is drawn (canvas
// pixels read from inside the webview's frame) and the webview reports no CSP violation.
/* global describe, it, before, after, afterEach -- mocha BDD globals */
import * as assert from 'node:assert/strict';
import {
  canvasesInWebviews,
  closeWorkbench,
  openWorkbench,
  runCommand,
  screenshot,
  slug,
  waitForDrawnCanvas,
  webviewTexts,
} from './workbench.mjs';

/**
 * Picks the quick-pick row of each `{ label, id }` (a row reads "<label><id> · <spellings>", so
 * "Tanh" does not pick "Tanhshrink"); with `many`, clicks each row as a user ticks it, then OK.
 */
async function pick(page, items, { many = false } = {}) {
  const input = page.locator('.quick-input-widget input.input');
  for (const { label, id } of items) {
    await input.fill(label);
    const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const row = page
      .locator('.quick-input-list .monaco-list-row', {
        hasText: new RegExp(`^\\s*${escaped}\\s*${id}\\b`),
      })
      .first();
    await row.waitFor({ timeout: 20_000 });
    if (many) await row.click();
    else await page.keyboard.press('Enter');
  }
  if (many) {
    await input.fill('');
    await page
      .locator('.quick-input-widget .quick-input-action a, .quick-input-widget .monaco-button', {
        hasText: 'OK',
      })
      .first()
      .click();
  }
}

/** The plot panel's inner frame (the one with the chart's shading toggles). */
async function panelFrame(page) {
  for (let i = 0; i < 40; i++) {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      if (
        (await f
          .locator('#shade-vanish')
          .count()
          .catch(() => 0)) > 0
      )
        return f;
    }
    await page.waitForTimeout(250);
  }
  throw new Error('no plot panel frame with #shade-vanish');
}

for (const theme of ['dark', 'light']) {
  describe(`plot panel in a real workbench (${theme} theme)`, function () {
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

    it('plots one activation picked from the command palette', async () => {
      await runCommand(wb.page, 'Activation Lens: Plot Activations');
      await pick(wb.page, [{ label: 'GELU (tanh approximation)', id: 'gelu_tanh' }], {
        many: true,
      });
      const canvases = await waitForDrawnCanvas(wb.page);
      await wb.page.waitForTimeout(1000);
      await screenshot(wb.page, `plot-1-${theme}`);
      assert.ok(
        canvases.some((c) => c.drawn > 500),
        JSON.stringify(canvases),
      );
      assert.match(await webviewTexts(wb.page), /gelu/i, 'the panel names the activation');
    });

    it('overlays four activations ticked in Plot Activations, in pick order', async () => {
      // A fresh panel, so the comparison holds exactly the four picked curves.
      await runCommand(wb.page, 'View: Close All Editors');
      await runCommand(wb.page, 'Activation Lens: Plot Activations');
      await pick(
        wb.page,
        [
          { label: 'Sigmoid', id: 'sigmoid' },
          { label: 'Tanh', id: 'tanh' },
          { label: 'ReLU6', id: 'relu6' },
          { label: 'SiLU (swish)', id: 'silu' },
        ],
        { many: true },
      );
      await waitForDrawnCanvas(wb.page);
      await wb.page.waitForTimeout(1000);
      const text = await webviewTexts(wb.page);
      await screenshot(wb.page, `plot-4-${theme}`);
      for (const id of ['sigmoid', 'tanh', 'relu6', 'silu'])
        assert.match(text, new RegExp(id, 'i'), `${id} in the panel`);
      // The cards follow the order of the ticks, not the list's.
      const frame = await panelFrame(wb.page);
      const ids = await frame.locator('.card header code').allInnerTexts();
      assert.deepEqual(ids, ['sigmoid', 'tanh', 'relu6', 'silu']);
    });

    it('shades near-zero and growing gradients only when asked', async () => {
      const frame = await panelFrame(wb.page);
      const vanish = frame.locator('#shade-vanish');
      assert.equal(await vanish.isChecked(), false, 'shading is off by default');
      await vanish.check();
      await frame.locator('#shade-explode').check();
      await wb.page.waitForTimeout(500);
      await screenshot(wb.page, `plot-shading-${theme}`);
      assert.match(await frame.locator('body').innerText(), /near-zero gradient/);
    });

    it('causes no Content-Security-Policy violation in any frame', async () => {
      const canvases = await canvasesInWebviews(wb.page);
      assert.ok(
        canvases.length > 0,
        'no webview with a canvas is open, so there is nothing to check',
      );
      assert.deepEqual(wb.cspViolations, []);
    });
  });
}
