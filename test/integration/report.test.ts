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
    for (const k of ['depth', 'width', 'batch'])
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
