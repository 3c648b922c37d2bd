// Hovers inside a real VS Code: vscode.executeHoverProvider on the samples, per framework, with
// the settings that turn hovers off per language and hide the plot.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'activation-lens.activation-lens';

function samplesUri(...parts: string[]): vscode.Uri {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  return vscode.Uri.joinPath(ext.extensionUri, 'samples', ...parts);
}

/** Our hover's markdown at the first occurrence of `marker` (+ delta), or undefined. */
async function hoverAt(
  doc: vscode.TextDocument,
  marker: string,
  delta = 1,
): Promise<string | undefined> {
  const i = doc.getText().indexOf(marker);
  assert.ok(i >= 0, `'${marker}' not found in ${doc.uri.toString()}`);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    doc.uri,
    doc.positionAt(i + delta),
  );
  for (const h of hovers ?? []) {
    for (const c of h.contents) {
      const value = typeof c === 'string' ? c : 'value' in c ? c.value : '';
      if (value.includes('kernel id `')) return value;
    }
  }
  return undefined;
}

/** The JSON argument of the Plot link. */
function plotArg(markdown: string): unknown {
  const m = /\(command:activationLens\.plot\?([^)]*)\)/.exec(markdown);
  assert.ok(m?.[1], 'no Plot link in the hover');
  return JSON.parse(decodeURIComponent(m[1]));
}

async function open(...parts: string[]): Promise<vscode.TextDocument> {
  return vscode.workspace.openTextDocument(samplesUri(...parts));
}

async function setHover(key: 'enabled' | 'showPlot', value: unknown): Promise<void> {
  await vscode.workspace
    .getConfiguration('activationLens.hover')
    .update(key, value, vscode.ConfigurationTarget.Global);
}

describe('Hovers (vscode.executeHoverProvider on samples/)', function () {
  this.timeout(60_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  afterEach(async () => {
    await setHover('enabled', undefined);
    await setHover('showPlot', undefined);
  });

  it('PyTorch: nn.LeakyReLU(0.2) shows the slope given and a Plot link with it', async () => {
    const md = await hoverAt(await open('pytorch_mlp.py'), 'LeakyReLU(0.2)');
    assert.ok(md, 'no Activation Lens hover');
    assert.match(md, /kernel id `leaky_relu`/);
    assert.match(md, /torch\.nn\.LeakyReLU/);
    assert.match(md, /given \(PyTorch default 0\.01\)/);
    assert.deepEqual(plotArg(md), [{ id: 'leaky_relu', params: { negative_slope: 0.2 } }]);
    assert.match(md, /\(command:activationLens\.checkGradientFlow\?/);
    assert.match(md, /f′\(x\) = /);
  });

  it('PyTorch: nn.GELU(approximate="tanh") is the tanh GELU', async () => {
    const md = await hoverAt(await open('pytorch_mlp.py'), 'GELU(approximate');
    assert.ok(md);
    assert.match(md, /kernel id `gelu_tanh`/);
  });

  it('Flax: nn.gelu after `import flax.linen as nn` is JAX’s tanh GELU', async () => {
    const md = await hoverAt(await open('flax_model.py'), 'nn.gelu(x)', 4);
    assert.ok(md);
    assert.match(md, /Flax `flax\.linen\.gelu`/);
    assert.deepEqual(plotArg(md), [{ id: 'gelu_tanh', params: {} }]);
  });

  it('Keras: layers.LeakyReLU() uses Keras’s default slope 0.3', async () => {
    const md = await hoverAt(await open('keras_model.py'), 'LeakyReLU()');
    assert.ok(md);
    assert.deepEqual(plotArg(md), [{ id: 'leaky_relu', params: { negative_slope: 0.3 } }]);
    assert.match(md, /Keras default\*\* \(PyTorch: 0\.01\)/);
  });

  it('TF.js: tf.layers.leakyReLU({ alpha: 0.1 }) in TypeScript', async () => {
    const md = await hoverAt(await open('tfjs_model.ts'), 'leakyReLU({');
    assert.ok(md);
    assert.deepEqual(plotArg(md), [{ id: 'leaky_relu', params: { negative_slope: 0.1 } }]);
  });

  it('Hugging Face: "hidden_act": "gelu_new" in config.json', async () => {
    const md = await hoverAt(await open('hf_config.json'), '"gelu_new"');
    assert.ok(md);
    assert.match(md, /kernel id `gelu_tanh`/);
    assert.match(md, /Hugging Face/);
  });

  it('works in an untitled document (no file scheme needed)', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'python',
      content: 'import torch.nn.functional as F\ny = F.elu(x, alpha=0.5)\n',
    });
    const md = await hoverAt(doc, 'elu(');
    assert.ok(md);
    assert.deepEqual(plotArg(md), [{ id: 'elu', params: { alpha: 0.5 } }]);
  });

  it('includes an SVG plot unless activationLens.hover.showPlot is false', async () => {
    const doc = await open('pytorch_mlp.py');
    // Typeset formulas are SVG data URIs too: look for the plot's own image by its alt text.
    const plot = /!\[f and f′ of .*?\]\(data:image\/svg\+xml;base64,/; // alt ends '[−5, 5]'
    assert.match((await hoverAt(doc, 'LeakyReLU(0.2)')) ?? '', plot);
    await setHover('showPlot', false);
    const md = await hoverAt(doc, 'LeakyReLU(0.2)');
    assert.ok(md);
    assert.doesNotMatch(md, plot);
    assert.match(md, /negative_slope/, 'the rest of the hover stays');
  });

  it('is silent for a language turned off in activationLens.hover.enabled', async () => {
    const doc = await open('pytorch_mlp.py');
    await setHover('enabled', { python: false });
    assert.equal(await hoverAt(doc, 'LeakyReLU(0.2)'), undefined);
    const json = await hoverAt(await open('hf_config.json'), '"gelu_new"');
    assert.ok(json, 'other languages keep their hovers');
  });
});
