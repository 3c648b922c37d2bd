// The gradient-flow check inside a real VS Code: given an options object, the command runs in its
// worker without prompts, opens the report panel and returns the report.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface Report {
  verdict: string;
  gradRatioLog10: number;
  advice: string;
  layers: { layer: number; postStd: number; inputGradRms: number; deadFraction: number }[];
  selfNormalisation: { layer: number; pass: boolean }[];
  clipping: { totalNormBefore: number; totalNormAfter: number } | null;
}

async function check<T = Report>(arg: unknown): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('the check did not finish within 60 s (waiting for a prompt?)')),
      60_000,
    );
  });
  try {
    return await Promise.race([
      Promise.resolve(vscode.commands.executeCommand<T>('activationLens.checkGradientFlow', arg)),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Gradient-flow check command', function () {
  this.timeout(120_000);

  before(async () => {
    await vscode.extensions.getExtension('activation-lens.activation-lens')?.activate();
  });

  it('finds sigmoid with Xavier init vanishing', async () => {
    const r = await check({ activation: 'sigmoid', init: 'xavier_normal' });
    assert.equal(r.verdict, 'vanishing');
    assert.equal(r.layers.length, 32);
    assert.ok(r.gradRatioLog10 < -10, `ratio 10^${r.gradRatioLog10}`);
    assert.match(r.advice, /use ReLU \+ He or SELU \+ LeCun-normal/);
  });

  it('finds ReLU with He init healthy', async () => {
    const r = await check({ activation: 'relu', init: 'he_normal' });
    assert.equal(r.verdict, 'healthy');
    assert.ok(Math.abs(r.gradRatioLog10) < 3);
  });

  it('keeps SELU + LeCun-normal with alpha dropout in the self-normalisation band', async () => {
    const r = await check({ activation: 'selu', init: 'lecun_normal', alphaDropout: 0.1 });
    assert.equal(r.selfNormalisation.length, 32);
    assert.deepEqual(
      r.selfNormalisation.filter((s) => !s.pass),
      [],
    );
  });

  it('runs several activations side by side from the hover-link form and returns one report each', async () => {
    const rs = await check<Report[]>([
      { activation: 'tanh' },
      { activation: 'leaky_relu', params: { negative_slope: 0.2 } },
    ]);
    assert.equal(rs.length, 2);
    assert.deepEqual(
      rs.map((r) => r.layers.length),
      [32, 32],
    );
  });

  it('reports clipping of an exploding stack', async () => {
    const r = await check({ activation: 'relu', init: 'he_normal', gain: 1.5, clipNorm: 1 });
    assert.equal(r.verdict, 'exploding');
    assert.ok(r.clipping && r.clipping.totalNormBefore > 1);
    assert.ok(Math.abs(r.clipping.totalNormAfter - 1) < 1e-6);
  });

  it('refuses bad options with a message instead of throwing', async () => {
    assert.equal(await check({ activation: 'relu', depth: 0 }), undefined);
    assert.equal(await check({ activation: 'no_such_fn' }), undefined);
  });

  it('self-check returns a passing row per kernel', async () => {
    const r = await vscode.commands.executeCommand<{
      rows: { id: string; pass: boolean }[];
      pass: boolean;
    }>('activationLens.selfCheck');
    assert.ok(r.rows.length > 20);
    assert.deepEqual(
      r.rows.filter((x) => !x.pass).map((x) => x.id),
      [],
    );
  });
});
