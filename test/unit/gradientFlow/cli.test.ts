import { describe, expect, it } from 'vitest';
import { cliHarness } from '../cli/harness';

const { io, run } = cliHarness();
const small = ['--depth', '8', '--width', '32', '--batch', '32'];

interface JsonReport {
  config: Record<string, unknown>;
  layers: {
    layer: number;
    postMean: number;
    postStd: number;
    deadFraction: number;
    weightGradNorm: number;
    inputGradRms: number;
  }[];
  verdict: string;
  advice: string;
  clipping: { totalNormBefore: number; totalNormAfter: number } | null;
}

describe('activation-lens check', () => {
  it('prints the JSON report with the reference field names', async () => {
    expect(await run('check', '--activation', 'tanh', ...small, '--seed', '3', '--json')).toBe(0);
    const r = JSON.parse(io.out.join('\n')) as JsonReport;
    expect(r.config).toMatchObject({
      activation: 'tanh',
      init: 'xavier_normal',
      depth: 8,
      width: 32,
      batch: 32,
      seed: 3,
      dtype: 'float64',
    });
    expect(r.layers).toHaveLength(8);
    expect(Object.keys(r.layers[0]!)).toEqual([
      'layer',
      'postMean',
      'postStd',
      'deadFraction',
      'weightGradNorm',
      'inputGradRms',
    ]);
    expect(['healthy', 'vanishing', 'exploding']).toContain(r.verdict);
  });

  it('prints a readable table by default with the verdict and advice', async () => {
    expect(
      await run(
        'check',
        '-a',
        'sigmoid',
        '--init',
        'xavier_normal',
        '--depth',
        '24',
        '--width',
        '64',
        '--batch',
        '64',
      ),
    ).toBe(0);
    const text = io.out.join('\n');
    expect(text).toMatch(/^sigmoid · xavier_normal · 24×64/);
    expect(text).toMatch(/layer\s+postMean\s+postStd\s+dead %/);
    expect(text).toMatch(/verdict: VANISHING/);
    expect(text).toMatch(
      /advice: sigmoid with xavier_normal: the first layer's gradient is \d(\.\d)? × 10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+ \(\d+ orders of magnitude\)/,
    );
  });

  it('passes activation parameters through', async () => {
    expect(
      await run('check', '-a', 'leaky_relu', '--param', 'negative_slope=0.2', ...small, '--json'),
    ).toBe(0);
    const r = JSON.parse(io.out.join('\n')) as JsonReport;
    expect(r.config['params']).toEqual({ negative_slope: 0.2 });
    expect(r.config['init']).toBe('he_normal');
  });

  it('--fail-on makes exit code 1 when the verdict matches, 0 otherwise', async () => {
    expect(
      await run(
        'check',
        '-a',
        'sigmoid',
        '--depth',
        '24',
        '--width',
        '32',
        '--batch',
        '32',
        '--fail-on',
        'vanishing,exploding',
      ),
    ).toBe(1);
    expect(await run('check', '-a', 'relu', ...small, '--fail-on', 'vanishing,exploding')).toBe(0);
  });

  it('reports clipping with the norm before and after', async () => {
    expect(
      await run('check', '-a', 'relu', '--gain', '1.5', ...small, '--clip-norm', '1', '--json'),
    ).toBe(0);
    const r = JSON.parse(io.out.join('\n')) as JsonReport;
    expect(r.clipping!.totalNormBefore).toBeGreaterThan(1);
    expect(r.clipping!.totalNormAfter).toBeCloseTo(1, 6);
  });

  it.each([
    [['--depth', '0'], /--depth must be a positive integer, got 0/],
    [['--depth', '-3'], /--depth must be a positive integer/],
    [['--width', '2.5'], /--width must be a positive integer, got 2.5/],
    [['--width', 'wide'], /--width: 'wide' is not a number/],
    [['--init', 'glorot'], /unknown init 'glorot'/],
    [['--dropout', '1'], /--dropout must be in \[0, 1\), got 1/],
    [['--alpha-dropout', '-0.1'], /--alpha-dropout must be in \[0, 1\)/],
    [['--clip-norm', '0'], /--clip-norm must be a positive finite number/],
    [['--dtype', 'float16'], /unknown dtype 'float16' \(one of float64, float32\)/],
    [['--seed', '1.5'], /--seed must be an integer/],
    [['--fail-on', 'slow'], /--fail-on: 'slow' is not a verdict/],
    [['--param', 'slope=2'], /relu has no parameter 'slope'/],
    [['--depth', '1000', '--width', '100000'], /MiB.*limit/],
    [['--norm', 'group'], /unknown norm 'group' \(one of none, batch, layer\)/],
    [['--arch', 'transformer'], /unknown arch 'transformer'/],
    [['--steps', '8'], /steps applies to recurrent archs/],
    [['--arch', 'lstm', '--norm', 'batch'], /norm does not apply to --arch lstm/],
    [['--arch', 'rnn', '--steps', '0'], /--steps must be a positive integer/],
    [['--depth', '10001'], /--depth must be at most 10000/],
    [['--dropout', '0.1', '--alpha-dropout', '0.1'], /use either dropout or alpha dropout/],
    [['--bias', 'ones'], /unknown bias init 'ones'/],
  ])('refuses %j with one clear line and exit 2', async (args, msg) => {
    expect(await run('check', '-a', 'relu', ...args)).toBe(2);
    expect(io.err).toMatch(msg);
    expect(io.err.trim().split('\n')).toHaveLength(1);
  });

  it('runs the gradflow2 comparisons: BatchNorm, residual stacks', async () => {
    expect(
      await run('check', '-a', 'sigmoid', ...small, '--norm', 'batch', '--residual', '--json'),
    ).toBe(0);
    const r = JSON.parse(io.out.join('\n')) as JsonReport;
    expect(r.config).toMatchObject({ norm: 'batch', residual: true, arch: 'mlp', steps: null });
    expect(r.layers).toHaveLength(8);
  });

  it('runs a recurrent net over time and reports every step', async () => {
    expect(
      await run(
        'check',
        '--arch',
        'lstm',
        '--steps',
        '12',
        '--width',
        '16',
        '--batch',
        '8',
        '--json',
      ),
    ).toBe(0);
    const r = JSON.parse(io.out.join('\n')) as JsonReport & {
      steps: { step: number; inputGradRms: number; hiddenStd: number }[];
    };
    expect(r.config).toMatchObject({ arch: 'lstm', steps: 12, depth: 1 });
    expect(r.steps.map((s) => s.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // Only the last step is scored: the gradient reaching step 1 has crossed 11 steps back.
    expect(r.steps[0]!.inputGradRms).toBeLessThan(r.steps[11]!.inputGradRms);
    io.out.length = 0;
    expect(
      await run(
        'check',
        '--arch',
        'rnn',
        '-a',
        'tanh',
        '--steps',
        '5',
        '--width',
        '8',
        '--batch',
        '4',
      ),
    ).toBe(0);
    expect(io.out.join('\n')).toMatch(/step +rms ∂L\/∂x_t +std h_t/);
  });

  it('refuses an unknown or missing activation', async () => {
    expect(await run('check', '-a', 'swooshy')).toBe(2);
    expect(io.err).toMatch(/unknown activation 'swooshy'/);
    io.err = '';
    expect(await run('check')).toBe(2);
    expect(io.err).toMatch(/--activation is required/);
  });
});

describe('activation-lens selfcheck', () => {
  it('checks every activation and prints JSON', async () => {
    const code = await run('selfcheck', '--json');
    const r = JSON.parse(io.out.join('\n')) as {
      pass: boolean;
      rows: { id: string; pass: boolean; costVsRelu: number }[];
    };
    expect(r.rows.length).toBeGreaterThan(3);
    expect(code).toBe(r.pass ? 0 : 1);
    expect(r.rows.find((x) => x.id === 'relu')!.costVsRelu).toBe(1);
  });
});

describe('activation-lens check --ratio-limit / --dead-warning', () => {
  const reluXavier = [
    'check',
    '-a',
    'relu',
    '--init',
    'xavier_normal',
    '--depth',
    '16',
    '--width',
    '64',
    '--batch',
    '64',
  ];

  it('reads the verdict against the given limit', async () => {
    expect(await run(...reluXavier, '--fail-on', 'vanishing')).toBe(0);
    expect(io.out.join('\n')).toContain('verdict: HEALTHY');
    io.out = [];
    expect(await run(...reluXavier, '--ratio-limit', '2', '--fail-on', 'vanishing')).toBe(1);
    expect(io.out.join('\n')).toContain('verdict: VANISHING');
    expect(io.out.join('\n')).toContain('(limit 10⁻²)');
  });

  it('refuses a bad threshold in one line, exit 2', async () => {
    expect(await run(...reluXavier, '--ratio-limit', '0')).toBe(2);
    expect(io.err.trim()).toBe(
      'activation-lens: --ratio-limit must be a number of orders of magnitude in [0.1, 300], got 0',
    );
    io.err = '';
    expect(await run(...reluXavier, '--dead-warning', '5')).toBe(2);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(io.err).toContain('--dead-warning must be a fraction in (0, 1]');
  });
});
