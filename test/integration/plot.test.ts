// The plot commands inside a real VS Code: each resolves to the panel's state once the webview
// has loaded, re-uses the one panel (plot adds, compare replaces) and refuses bad arguments
// without throwing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface PlotState {
  curves: {
    key: string;
    id: string;
    params: Record<string, number>;
    custom?: { name: string; expr: unknown; params: Record<string, number> };
  }[];
  xMin: number;
  xMax: number;
}

async function run(command: string, ...args: unknown[]): Promise<PlotState | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${command} did not settle within 30 s`)), 30_000);
  });
  try {
    return await Promise.race([
      Promise.resolve(vscode.commands.executeCommand<PlotState | undefined>(command, ...args)),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function plotTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter(
      (t) =>
        t.input instanceof vscode.TabInputWebview &&
        t.input.viewType.endsWith('activationLens.plot'),
    );
}

describe('Plot panel commands', function () {
  this.timeout(120_000);

  before(async () => {
    await vscode.extensions.getExtension('activation-lens.activation-lens')?.activate();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens a panel for {id, params} and returns its state with default params filled in', async () => {
    const state = await run('activationLens.plot', { id: 'gelu', params: {} });
    assert.ok(state, 'no state returned');
    assert.deepEqual(
      state.curves.map((c) => c.id),
      ['gelu'],
    );
    assert.equal(plotTabs().length, 1, 'one plot tab');
    assert.match(plotTabs()[0]?.label ?? '', /GELU/);
  });

  it("adds to the open panel (the hover link's array form) instead of opening another", async () => {
    const state = await run('activationLens.plot', [
      { id: 'leaky_relu', params: { negative_slope: 0.2 } },
    ]);
    assert.deepEqual(
      state?.curves.map((c) => [c.id, c.params]),
      [
        ['gelu', {}],
        ['leaky_relu', { negative_slope: 0.2 }],
      ],
    );
    assert.equal(plotTabs().length, 1);
  });

  it('clamps an out-of-range parameter instead of plotting it', async () => {
    const state = await run('activationLens.plot', { id: 'elu', params: { alpha: 1e6 } });
    const elu = state?.curves.find((c) => c.id === 'elu');
    assert.ok(elu && Number.isFinite(elu.params.alpha) && (elu.params.alpha ?? 0) < 1e6);
  });

  it('compare replaces the curves with the selection', async () => {
    const state = await run('activationLens.compare', [
      { id: 'sigmoid' },
      { id: 'tanh' },
      { id: 'relu6' },
      { id: 'silu' },
    ]);
    assert.deepEqual(
      state?.curves.map((c) => c.id),
      ['sigmoid', 'tanh', 'relu6', 'silu'],
    );
    assert.equal(plotTabs().length, 1);
  });

  it('refuses a malformed argument or unknown id without throwing', async () => {
    assert.equal(await run('activationLens.plot', { id: 42 }), undefined);
    const state = await run('activationLens.plot', { id: 'no_such_activation' });
    assert.ok(state && !state.curves.some((c) => c.id === 'no_such_activation'));
  });

  it('plots the activation at the cursor with the parameters written in the code', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'python',
      content: 'import torch.nn as nn\n\nact = nn.LeakyReLU(0.3)\n',
    });
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.lineAt(2).text;
    const pos = new vscode.Position(2, line.indexOf('LeakyReLU') + 3);
    editor.selection = new vscode.Selection(pos, pos);
    const state = await run('activationLens.plotAtCursor');
    const leaky = state?.curves.find((c) => c.id === 'leaky_relu');
    assert.ok(leaky, `no leaky_relu in ${JSON.stringify(state?.curves)}`);
    assert.equal(leaky.params.negative_slope, 0.3);
  });

  it('closing the panel and plotting again opens a fresh one', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(plotTabs().length, 0);
    const state = await run('activationLens.plot', 'relu');
    assert.deepEqual(
      state?.curves.map((c) => c.id),
      ['relu'],
    );
    assert.equal(plotTabs().length, 1);
  });

  it("the hover's Plot link for a definition in the file adds the custom curve beside a built-in", async () => {
    const ext = vscode.extensions.getExtension('activation-lens.activation-lens');
    assert.ok(ext);
    const doc = await vscode.workspace.openTextDocument(
      vscode.Uri.joinPath(ext.extensionUri, 'samples', 'hover', 'custom_activations.py'),
    );
    const at = doc.getText().indexOf('Snake()');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      doc.positionAt(at + 1),
    );
    const md = (hovers ?? [])
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .find((v) => v.includes('computes no built-in'));
    assert.ok(md, 'no custom-definition hover on Snake()');
    const link = /\[Plot Snake\]\(command:activationLens\.plot\?([^)\s]+)\)/.exec(md);
    assert.ok(link?.[1], `no 'Plot Snake' link in:\n${md}`);
    // What VS Code does with a command link: decode the query, spread the JSON array as arguments.
    const args = JSON.parse(decodeURIComponent(link[1])) as unknown[];
    await run('activationLens.plot', 'gelu');
    const state = await run('activationLens.plot', ...args);
    const snake = state?.curves.find((c) => c.id === 'custom:Snake');
    assert.ok(snake, `no custom:Snake in ${JSON.stringify(state?.curves.map((c) => c.id))}`);
    assert.ok(
      state?.curves.some((c) => c.id === 'gelu'),
      'GELU is still there',
    );
    // The written default (alpha: float = 0.5) is the slider's start, and the definition is kept.
    assert.deepEqual(snake.params, { alpha: 0.5 });
    assert.equal(snake.custom?.name, 'Snake');
    assert.deepEqual(snake.custom?.params, { alpha: 0.5 });
    assert.equal(plotTabs().length, 1);
    // The tab's label reaches the tab API a moment after the panel's title is set.
    for (let i = 0; i < 40 && !/Snake/.test(plotTabs()[0]?.label ?? ''); i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(plotTabs()[0]?.label ?? '', /Snake/);

    // "Plot Activation at Cursor" on the same definition: the same curve, not a second one.
    const editor = await vscode.window.showTextDocument(doc);
    const pos = doc.positionAt(at + 2);
    editor.selection = new vscode.Selection(pos, pos);
    const again = await run('activationLens.plotAtCursor');
    assert.deepEqual(
      again?.curves.filter((c) => c.id === 'custom:Snake').map((c) => c.params),
      [{ alpha: 0.5 }],
    );
  });
});
