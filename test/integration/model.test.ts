// The model check inside a real VS Code: one CodeLens per model on the samples (files and notebook
// cells), the command returning the graph check's report, and diagnostics that follow the settings
// and the text.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'activation-lens.activation-lens';
const COMMAND = 'activationLens.checkModel';

interface Report {
  verdict: string;
  name: string;
  expr: string;
  assumptions: string[];
  rows: { row: string; kind: string; line: number | null; postMean: number; postStd: number }[];
  findings: { line: number; severity: string; kind: string }[];
}

const linearLines = (r: Report): (number | null)[] =>
  r.rows.filter((x) => x.kind === 'Linear' || x.kind === 'Dense').map((x) => x.line);

function sample(...parts: string[]): vscode.Uri {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  return vscode.Uri.file(path.join(ext.extensionPath, 'samples', ...parts));
}

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  // executeCodeLensProvider needs the document loaded ("Illegal argument" otherwise). Notebook
  // cells are loaded with their notebook.
  if (uri.scheme === 'file') await vscode.workspace.openTextDocument(uri);
  // The provider answers asynchronously (tree-sitter loads once); ask until it has.
  for (let i = 0; i < 40; i++) {
    const got =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        uri,
      )) ?? [];
    const ours = got.filter((l) => l.command?.command === COMMAND);
    if (ours.length > 0) return ours;
    await new Promise((r) => setTimeout(r, 250));
  }
  return [];
}

async function waitFor(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function runLens(lens: vscode.CodeLens): Promise<Report | undefined> {
  const c = lens.command!;
  return vscode.commands.executeCommand<Report | undefined>(c.command, ...(c.arguments ?? []), {
    silent: true,
  });
}

describe('Model check', function () {
  this.timeout(120_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  afterEach(async () => {
    const cfg = vscode.workspace.getConfiguration('activationLens');
    await cfg.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Global);
    await cfg.update('diagnostics.enabled', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows a "Check gradient flow" lens above the deep sigmoid MLP; its command returns a vanishing report', async () => {
    const uri = sample('models', 'deep_sigmoid_mlp.py');
    await vscode.window.showTextDocument(uri);
    const [lens, ...more] = await lenses(uri);
    assert.ok(lens, 'no CodeLens on deep_sigmoid_mlp.py');
    assert.equal(more.length, 0);
    assert.match(lens.command!.title, /^Check gradient flow \(pytorch\)$/);
    assert.equal(lens.range.start.line, 13);
    const report = await runLens(lens);
    assert.ok(report, 'the command returned no report');
    assert.equal(report.verdict, 'vanishing');
    assert.deepEqual(linearLines(report), [18, 20, 22, 24, 26, 28, 30, 32]);
    const diags = vscode.languages.getDiagnostics(uri);
    const warned = diags
      .filter((d) => d.severity === vscode.DiagnosticSeverity.Warning)
      .map((d) => d.range.start.line + 1);
    assert.deepEqual(warned, [18, 20, 22, 24]);
    assert.ok(diags.every((d) => d.source === 'Activation Lens'));
  });

  it('returns healthy reports for the ReLU, SELU and Keras samples', async () => {
    const expected: [string, string, number][] = [
      ['relu_mlp.py', 'ReluMLP', 4],
      ['selu_alphadropout.py', 'SNN', 7],
      ['keras_mlp.py', 'model', 4],
    ];
    for (const [file, name, linears] of expected) {
      const uri = sample('models', file);
      const all = await lenses(uri);
      assert.equal(all.length, 1, `${file}: one lens per model`);
      const report = await runLens(all[0]!);
      assert.equal(report?.name, name, file);
      assert.equal(report?.verdict, 'healthy', file);
      assert.equal(linearLines(report!).length, linears, file);
      if (file.startsWith('selu'))
        // Self-normalising: every SELU's output near mean 0, std 1.
        for (const r of report!.rows.filter((x) => x.kind === 'SELU'))
          assert.ok(
            Math.abs(r.postMean) < 0.1 && r.postStd > 0.8 && r.postStd < 1.5,
            `SNN left the band at ${r.row}: ${r.postMean}, ${r.postStd}`,
          );
    }
  });

  it('puts one lens on each model of conv_batchnorm.py and simulates the CNN whole', async () => {
    const uri = sample('models', 'conv_batchnorm.py');
    const all = await lenses(uri);
    assert.deepEqual(
      all.map((l) => l.command!.arguments?.[1]),
      ['CNN', 'bn_mlp', 'conv_in_the_middle'],
    );
    const cnn = await runLens(all[0]!);
    assert.ok(cnn, 'no report for the CNN');
    assert.deepEqual(
      cnn.rows.map((r) => r.kind),
      ['Conv2d', 'ReLU', 'MaxPool2d', 'Flatten', 'Linear', 'ReLU', 'Linear'],
    );
    assert.equal(cnn.verdict, 'healthy');
    // What the reader assumed is said, and the lens does not read as a plain ✓.
    assert.ok(
      cnn.assumptions.some((a) => /input \(8, 1, 28, 28\)/.test(a)),
      cnn.assumptions.join('; '),
    );
    const titles = (
      (await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        uri,
      )) ?? []
    ).map((l) => l.command?.title ?? '');
    // Healthy gradients; some ReLU channels may be dead at init (amber either way, never a ✓).
    assert.ok(
      titles.some((t) => /^⚠ (healthy|dead units) · 1 assumption$/.test(t)),
      titles.join(' | '),
    );
    assert.equal(
      await vscode.commands.executeCommand(COMMAND, uri, 'conv_in_the_middle_nope', {
        silent: true,
      }),
      undefined,
    );
  });

  it('works in a notebook cell', async () => {
    const nb = await vscode.workspace.openNotebookDocument(sample('notebook.ipynb'));
    await vscode.window.showNotebookDocument(nb);
    const cell = nb.getCells().find((c) => c.document.getText().includes('nn.Sequential'));
    assert.ok(cell, 'no model cell in samples/notebook.ipynb');
    const [lens] = await lenses(cell.document.uri);
    assert.ok(lens, 'no CodeLens in the notebook cell');
    const report = await runLens(lens);
    assert.equal(linearLines(report!).length, 3);
  });

  it('clears diagnostics when the text changes and when the setting is turned off', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'python',
      content:
        'import torch.nn as nn\nnet = nn.Sequential(\n' +
        '    nn.Linear(64, 64), nn.Sigmoid(),\n'.repeat(10) +
        '    nn.Linear(64, 1),\n)\n',
    });
    const check = () =>
      vscode.commands.executeCommand<Report | undefined>(COMMAND, doc.uri, 'net', { silent: true });
    assert.equal((await check())?.verdict, 'vanishing');
    assert.ok(
      vscode.languages.getDiagnostics(doc.uri).length > 0,
      'no diagnostics after a vanishing check',
    );
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(0, 0), '# edited\n');
    await vscode.workspace.applyEdit(edit);
    await waitFor(
      'diagnostics to clear after an edit',
      () => vscode.languages.getDiagnostics(doc.uri).length === 0,
    );

    await check();
    assert.ok(vscode.languages.getDiagnostics(doc.uri).length > 0);
    await vscode.workspace
      .getConfiguration('activationLens')
      .update('diagnostics.enabled', false, vscode.ConfigurationTarget.Global);
    await waitFor(
      'diagnostics to clear when the setting is off',
      () => vscode.languages.getDiagnostics(doc.uri).length === 0,
    );
    await check();
    assert.equal(
      vscode.languages.getDiagnostics(doc.uri).length,
      0,
      'diagnostics set while the setting is off',
    );
  });

  it('shows no lenses when activationLens.codeLens.enabled is false', async () => {
    const uri = sample('models', 'relu_mlp.py');
    assert.ok((await lenses(uri)).length > 0);
    await vscode.workspace
      .getConfiguration('activationLens')
      .update('codeLens.enabled', false, vscode.ConfigurationTarget.Global);
    const got =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        uri,
      )) ?? [];
    assert.equal(got.filter((l) => l.command?.command === COMMAND).length, 0);
  });

  it('rejects a bad options argument with a message, not a crash', async () => {
    const r = await vscode.commands.executeCommand(
      COMMAND,
      sample('models', 'relu_mlp.py'),
      'ReluMLP',
      { batch: -1 },
    );
    assert.equal(r, undefined);
  });
});
