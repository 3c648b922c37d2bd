// Quick fixes that show their effect, inside a real VS Code: on the deep sigmoid MLP the vanishing
// diagnostics offer CodeActions titled with the re-simulated figure; applying the first changes
// the code, and checking again no longer says vanishing.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'activation-lens.activation-lens';
const COMMAND = 'activationLens.checkModel';

interface Report {
  verdict: string;
  gradRatioLog10: number;
}

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses =
    (await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      uri,
    )) ?? [];
  return lenses.map((l) => l.command?.title ?? '');
}

describe('Model quick fixes', function () {
  this.timeout(180_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  it('offers fixes on a vanishing model; the first one cures it and the lens says so', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const content = readFileSync(
      path.join(ext.extensionPath, 'samples', 'models', 'deep_sigmoid_mlp.py'),
      'utf8',
    );
    // An untitled copy: the sample on disk stays as it is.
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content });
    await vscode.window.showTextDocument(doc);
    const before = await vscode.commands.executeCommand<Report>(COMMAND, doc.uri, 'model', {
      silent: true,
    });
    assert.equal(before?.verdict, 'vanishing');

    const diags = vscode.languages
      .getDiagnostics(doc.uri)
      .filter((d) => d.source === 'Activation Lens' && /^Vanishing gradient/.test(d.message));
    assert.ok(diags.length >= 4, `expected ≥ 4 vanishing diagnostics, saw ${diags.length}`);
    assert.match(diags[0]!.message, /× 10⁻\S+ \(\d+ orders of magnitude\)/);

    // The fixes are measured in the worker: ask until they are there.
    let actions: vscode.CodeAction[] = [];
    for (let i = 0; i < 120 && actions.length === 0; i++) {
      const got =
        (await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          doc.uri,
          diags[0]!.range,
          vscode.CodeActionKind.QuickFix.value,
        )) ?? [];
      actions = got.filter((a) => a.title.includes('first-layer gradient'));
      if (actions.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(actions.length >= 2, `expected ≥ 2 measured quick fixes, saw ${actions.length}`);
    for (const a of actions) {
      assert.equal(a.kind?.value, 'quickfix');
      assert.match(a.title, /→ first-layer gradient 10⁻⁶·\S+ → 10\S+ \(/);
    }
    const first = actions[0]!;
    assert.equal(first.isPreferred, true);

    const textBefore = doc.getText();
    assert.ok(first.edit, 'the first fix has no edit');
    assert.ok(await vscode.workspace.applyEdit(first.edit));
    assert.notEqual(doc.getText(), textBefore);
    assert.match(doc.getText(), /nn\.init\.kaiming_normal_\(m\.weight/);

    // The action's command re-checks, as VS Code runs it after the edit.
    assert.equal(first.command?.command, COMMAND);
    const after = await vscode.commands.executeCommand<Report>(
      first.command.command,
      ...(first.command.arguments ?? []),
    );
    assert.ok(after, 'the re-check returned no report');
    assert.notEqual(after.verdict, 'vanishing');
    assert.ok(after.gradRatioLog10 > -3, `still ${after.gradRatioLog10}`);

    // The lens shows the new result, not "vanishing".
    const titles = await lensTitles(doc.uri);
    assert.ok(titles.includes('Report') && titles.includes('Re-run'), titles.join(' | '));
    assert.ok(
      titles.some((t) => /^[✓⚠] /.test(t) && !/vanishing/.test(t)),
      `lens titles: ${titles.join(' | ')}`,
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it("checks conv_batchnorm.py's bn_mlp whole (BatchNorm1d simulated) and says what it assumed", async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const uri = vscode.Uri.file(
      path.join(ext.extensionPath, 'samples', 'models', 'conv_batchnorm.py'),
    );
    const doc = await vscode.workspace.openTextDocument(uri);
    const r = await vscode.commands.executeCommand<
      Report & { rows: { kind: string }[]; assumptions: string[] }
    >(COMMAND, doc.uri, 'bn_mlp', { silent: true });
    assert.ok(r, 'no report for bn_mlp');
    assert.deepEqual(
      r.rows.map((x) => x.kind),
      ['Linear', 'BatchNorm1d', 'Tanh', 'Linear'],
    );
    assert.equal(r.assumptions.length, 1);
    const titles = await lensTitles(doc.uri);
    assert.ok(titles.includes('⚠ healthy · 1 assumption'), titles.join(' | '));
  });
});
