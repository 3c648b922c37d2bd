// "Check with PyTorch" inside a real VS Code: the lens on a sample, the command running Debian's
// torch (/usr/bin/python3 through the activationLens.python.path setting), both columns returned.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'activation-lens.activation-lens';
const COMMAND = 'activationLens.checkWithTorch';
const PYTHON = process.env['ACTIVATION_LENS_TEST_PYTHON'] ?? '/usr/bin/python3';

interface Layer {
  module: string;
  kind: string;
  postStd: number | null;
  measured: { postStd: number | null; weightGradNorm: number | null };
  disagreement?: string;
}
interface Report {
  engine: string;
  layers: Layer[];
  comparison: {
    agree: number;
    disagree: number;
    rows: { module: string; verdict: string }[];
  } | null;
  measured: { inputShape: number[]; python: string };
}

function sample(...parts: string[]): vscode.Uri {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  return vscode.Uri.file(path.join(ext.extensionPath, 'samples', ...parts));
}

async function torchLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  await vscode.workspace.openTextDocument(uri);
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

describe('Check with PyTorch', function () {
  this.timeout(180_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await vscode.workspace
      .getConfiguration('activationLens')
      .update('python.path', PYTHON, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('activationLens')
      .update('python.path', undefined, vscode.ConfigurationTarget.Global);
  });

  it('puts a lens on the ReLU MLP whose command returns simulated and PyTorch columns that agree', async () => {
    const uri = sample('models', 'relu_mlp.py');
    const [lens] = await torchLenses(uri);
    assert.ok(lens, 'no "Check with PyTorch" lens on relu_mlp.py');
    assert.equal(lens.command!.title, 'Check with PyTorch');
    const report = await vscode.commands.executeCommand<Report | undefined>(
      COMMAND,
      ...(lens.command!.arguments ?? []),
      { silent: true },
    );
    assert.ok(report, 'the command returned no report');
    assert.equal(report.engine, 'torch');
    assert.equal(report.measured.python, PYTHON);
    assert.deepEqual(report.measured.inputShape, [8, 784]);
    assert.ok(report.layers.length >= 4);
    for (const l of report.layers) {
      assert.equal(typeof l.measured.postStd, 'number', `${l.module}: no measured postStd`);
      assert.equal(typeof l.postStd, 'number', `${l.module}: no simulated postStd`);
    }
    assert.ok(report.comparison, 'no comparison');
    assert.equal(
      report.comparison.disagree,
      0,
      JSON.stringify(report.layers.filter((l) => l.disagreement)),
    );
  });

  it('puts an error diagnostic on the line where the model raised', async () => {
    const uri = sample('models', 'conv_batchnorm.py');
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand(COMMAND, uri, 'CNN()', {
          silent: true,
          inputShape: [8, 1, 32, 32],
        }),
      ),
      /raised: .*conv_batchnorm\.py:\d+: RuntimeError: mat1 and mat2 shapes cannot be multiplied/,
    );
    const diags = vscode.languages
      .getDiagnostics(uri)
      .filter((d) => d.source === 'Activation Lens (PyTorch)');
    assert.equal(diags.length, 1);
    assert.match(diags[0]!.message, /^RuntimeError: mat1 and mat2 shapes cannot be multiplied/);
    // forward(): `return self.head(self.features(x))`, where the 32-px input breaks the Linear.
    assert.equal(diags[0]!.range.start.line + 1, 29);
  });
});
