// The check's settings and the self-check view inside a real VS Code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'activation-lens.activation-lens';

describe('Check defaults and the self-check view', function () {
  this.timeout(120_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    const cfg = vscode.workspace.getConfiguration('activationLens.gradientFlow');
    for (const k of ['depth', 'width', 'batch', 'ratioLimit', 'deadUnitWarning'])
      await cfg.update(k, undefined, vscode.ConfigurationTarget.Global);
  });

  it('takes the sizes a run leaves out from activationLens.gradientFlow.*', async () => {
    const cfg = vscode.workspace.getConfiguration('activationLens.gradientFlow');
    await cfg.update('depth', 5, vscode.ConfigurationTarget.Global);
    await cfg.update('width', 24, vscode.ConfigurationTarget.Global);
    await cfg.update('batch', 12, vscode.ConfigurationTarget.Global);
    const r = await vscode.commands.executeCommand<{
      layers: unknown[];
      config: { width: number; batch: number };
    }>('activationLens.checkGradientFlow', { activation: 'relu' });
    assert.equal(r?.layers.length, 5);
    assert.equal(r.config.width, 24);
    assert.equal(r.config.batch, 12);
    // What the run gives wins over the settings.
    const r2 = await vscode.commands.executeCommand<{ layers: unknown[] }>(
      'activationLens.checkGradientFlow',
      { activation: 'relu', depth: 3 },
    );
    assert.equal(r2?.layers.length, 3);
  });

  it('reads the verdict against activationLens.gradientFlow.ratioLimit', async () => {
    type R = { verdict: string; gradRatioLog10: number; config: { ratioLimit: number } };
    const cfg = vscode.workspace.getConfiguration('activationLens.gradientFlow');
    // ReLU with Xavier over 16 layers: about 10^-2.4, healthy within the default 3 orders.
    const run = { activation: 'relu', init: 'xavier_normal', depth: 16, width: 64, batch: 64 };
    const loose = await vscode.commands.executeCommand<R>('activationLens.checkGradientFlow', run);
    assert.equal(loose?.verdict, 'healthy');
    assert.equal(loose.config.ratioLimit, 3);
    await cfg.update('ratioLimit', 2, vscode.ConfigurationTarget.Global);
    const strict = await vscode.commands.executeCommand<R>('activationLens.checkGradientFlow', run);
    assert.equal(strict?.verdict, 'vanishing');
    assert.equal(strict.gradRatioLog10, loose.gradRatioLog10);
    assert.equal(strict.config.ratioLimit, 2);
    // A bad value: the default, and the run still goes.
    await cfg.update('ratioLimit', -1, vscode.ConfigurationTarget.Global);
    const fallback = await vscode.commands.executeCommand<R>(
      'activationLens.checkGradientFlow',
      run,
    );
    assert.equal(fallback?.verdict, 'healthy');
  });

  it('shows the self-check in a read-only document, not a dirty Untitled file', async () => {
    const r = await vscode.commands.executeCommand<{ pass: boolean }>('activationLens.selfCheck');
    assert.equal(r?.pass, true);
    const doc = vscode.workspace.textDocuments.find(
      (d) => d.uri.scheme === 'activation-lens-selfcheck',
    );
    assert.ok(doc, 'no self-check document');
    assert.equal(doc.isUntitled, false);
    assert.equal(doc.isDirty, false);
    assert.match(doc.getText(), /\*\*Self-check passed: f′ and f″ of all \d+ activations/);
    assert.ok(
      !vscode.workspace.textDocuments.some((d) => d.isUntitled && /self-check/i.test(d.getText())),
      'an Untitled self-check document is open',
    );
  });
});
