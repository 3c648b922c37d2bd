// A first-time user opens the "Get started with Activation Lens" walkthrough and follows its
// buttons: the sample opens, the hover shows, the plot draws, the check finds the vanishing model.
// The screenshot (walkthrough beside the sample with its hover) goes to screenshots/.
/* global describe, it, before, after, afterEach -- mocha BDD globals */
import * as assert from 'node:assert/strict';
import {
  closeWorkbench,
  openWorkbench,
  runCommand,
  screenshot,
  slug,
  waitForDrawnCanvas,
} from './workbench.mjs';

const TITLE = 'Get started with Activation Lens';

describe('walkthrough in a real workbench', function () {
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

  /**
   * A step's button: a command link on a line of its own renders as an `a.monaco-button` (the
   * step itself is a `button.getting-started-step` whose text contains the link's, so not that).
   */
  const button = (text) =>
    wb.page.locator('.gettingStartedContainer a.monaco-button', { hasText: text });
  /** Expands a step by its title. */
  const openStep = async (title) => {
    // force: a collapsed step reports itself disabled to Playwright while another is expanded.
    await wb.page
      .locator('.gettingStartedContainer .getting-started-step', { hasText: title })
      .first()
      .click({ force: true });
  };

  it('opens from the command palette and lists its four steps', async () => {
    await runCommand(wb.page, 'Welcome: Open Walkthrough');
    const input = wb.page.locator('.quick-input-widget input');
    await input.fill('Activation Lens');
    await wb.page
      .locator('.quick-input-list .monaco-list-row', { hasText: TITLE })
      .first()
      .waitFor({ timeout: 30_000 });
    await wb.page.keyboard.press('Enter');
    const page = wb.page.locator('.gettingStartedContainer', { hasText: TITLE });
    await page.first().waitFor({ timeout: 30_000 });
    const text = await page.first().innerText();
    for (const step of [
      'Open a sample model',
      'Hover an activation',
      'Plot and compare',
      'Check gradient flow',
    ])
      assert.ok(text.includes(step), `step '${step}' in the walkthrough: ${text}`);
  });

  it('opens the sample and shows the hover on nn.LeakyReLU(0.2)', async () => {
    await button('Open the sample').first().click();
    // Monaco renders spaces as no-break spaces, which \s matches.
    const editor = wb.page.locator('.editor-instance .view-lines', {
      hasText: /deep\s=\snn\.Sequential/,
    });
    await editor.first().waitFor({ timeout: 30_000 });
    await openStep('Hover an activation');
    await button('Show the hover').first().click();
    const hover = wb.page.locator('.monaco-hover-content', { hasText: /leaky/i });
    await hover.first().waitFor({ timeout: 60_000 });
    await wb.page.waitForTimeout(1000); // hovers fade in; capture the settled one
    await screenshot(wb.page, 'walkthrough-dark');
    assert.match(await hover.first().innerText(), /0\.2/, 'the slope written in the sample');
  });

  it('plots the sample activations and checks the deep model', async () => {
    await wb.page.keyboard.press('Escape');
    await openStep('Plot and compare');
    await button("Plot the sample's activations").first().click();
    await waitForDrawnCanvas(wb.page);
    await openStep('Check gradient flow');
    await button('Check the sample model').first().click();
    const toast = wb.page.locator('.notification-toast', { hasText: 'vanishing' }).first();
    await toast.waitFor({ timeout: 60_000 });
    assert.match((await toast.innerText()).replace(/\s+/g, ' '), /deep/);
  });
});
