// The model check on other frameworks and shapes inside a real VS Code: its lens on a Flax module
// and a convolution between Linear layers, the command (and its alias checkModelGraph) returning
// rows named as the framework names them, with the reader's assumptions.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'activation-lens.activation-lens';
const COMMAND = 'activationLens.checkModel';
/** The expression check's former id, kept as an alias of the one command. */
const ALIAS = 'activationLens.checkModelGraph';

interface GraphReport {
  verdict: string;
  expr: string;
  assumptions: string[];
  rows: { row: string; kind: string; outputShape: number[]; line: number | null }[];
}

function sample(...parts: string[]): vscode.Uri {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  return vscode.Uri.file(path.join(ext.extensionPath, 'samples', ...parts));
}

async function graphLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  await vscode.workspace.openTextDocument(uri);
  for (let i = 0; i < 60; i++) {
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

describe('Model check on the layer graph', function () {
  this.timeout(120_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  it('puts a lens on a Flax module and checks it with the given input shape', async () => {
    const uri = sample('flax_model.py');
    const [lens] = await graphLenses(uri);
    assert.ok(lens, 'no graph-check lens on flax_model.py');
    assert.match(lens.command!.title, /^Check gradient flow \(flax, asks for an input shape\)$/);
    const report = await vscode.commands.executeCommand<GraphReport | undefined>(
      COMMAND,
      ...(lens.command!.arguments ?? []),
      { silent: true, inputShape: [8, 64] },
    );
    assert.ok(report, 'the command returned no report');
    assert.deepEqual(
      report.rows.map((r) => r.row),
      ['Dense_0', 'Dense_1', 'Dense_2'],
    );
    assert.deepEqual(report.rows[2]!.outputShape, [8, 10]);
    assert.ok(['healthy', 'vanishing', 'exploding'].includes(report.verdict));
  });

  it('checks a convolution between Linear layers, through the alias', async () => {
    const uri = sample('models', 'conv_batchnorm.py');
    const lenses = await graphLenses(uri);
    const lens = lenses.find((l) => l.command!.arguments?.[1] === 'conv_in_the_middle');
    assert.ok(lens, 'no graph-check lens on conv_in_the_middle');
    const report = await vscode.commands.executeCommand<GraphReport | undefined>(
      ALIAS,
      ...(lens.command!.arguments ?? []),
      { silent: true },
    );
    assert.ok(report, 'the command returned no report');
    assert.ok(
      report.rows.some((r) => r.kind === 'Conv1d' || r.kind === 'Conv2d'),
      JSON.stringify(report.rows.map((r) => r.kind)),
    );
    assert.ok(Array.isArray(report.assumptions));
  });

  it('returns nothing, without failing, for an expression the reader declines', async () => {
    const uri = sample('models', 'conv_batchnorm.py');
    const r = await vscode.commands.executeCommand(COMMAND, uri, 'NoSuchModel(3)', {
      silent: true,
    });
    assert.equal(r, undefined);
  });
});
