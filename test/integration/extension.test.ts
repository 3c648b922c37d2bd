// What every user relies on before any feature: the extension activates, its manifest's commands
// exist, and the commands that accept an options argument run without prompting.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'activation-lens.activation-lens';

/** Fails instead of hanging when a command waits for input nobody will give. */
async function withinMs<T>(ms: number, what: string, p: Thenable<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not settle within ${ms} ms (waiting for a prompt?)`)),
      ms,
    );
  });
  try {
    return await Promise.race([Promise.resolve(p), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this VS Code`);
  return ext;
}

describe('Activation Lens extension', () => {
  it('activates without errors', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every command contributed in package.json', async () => {
    const contributed = (
      extension().packageJSON as { contributes: { commands: { command: string }[] } }
    ).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 6, `only ${contributed.length} commands contributed`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('opens the plot for an {id, params} argument without prompting and returns a result', async () => {
    const result: unknown = await withinMs(
      20_000,
      'activationLens.plot',
      vscode.commands.executeCommand('activationLens.plot', {
        id: 'leaky_relu',
        params: { negative_slope: 0.2 },
      }),
    );
    assert.notEqual(result, undefined, 'activationLens.plot returned nothing');
  });

  it("accepts the hover link's [{id, params}] array form for the plot", async () => {
    const result: unknown = await withinMs(
      20_000,
      'activationLens.plot',
      vscode.commands.executeCommand('activationLens.plot', [{ id: 'gelu_tanh', params: {} }]),
    );
    assert.notEqual(result, undefined, 'activationLens.plot returned nothing');
  });

  it('runs the gradient-flow check for an options object without prompting and returns the report', async () => {
    const report: unknown = await withinMs(
      60_000,
      'activationLens.checkGradientFlow',
      vscode.commands.executeCommand('activationLens.checkGradientFlow', {
        activation: 'relu',
        init: 'he_normal',
        depth: 4,
        width: 16,
        batch: 16,
        seed: 1,
      }),
    );
    assert.ok(
      typeof report === 'object' && report !== null && 'verdict' in report,
      `activationLens.checkGradientFlow returned no report with a verdict: ${JSON.stringify(report)}`,
    );
  });

  it('runs the kernel self-check without prompting and returns its results', async () => {
    const result: unknown = await withinMs(
      60_000,
      'activationLens.selfCheck',
      vscode.commands.executeCommand('activationLens.selfCheck'),
    );
    assert.notEqual(result, undefined, 'activationLens.selfCheck returned nothing');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
