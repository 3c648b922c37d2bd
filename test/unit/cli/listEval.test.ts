import { describe, expect, it } from 'vitest';
import { cliHarness } from './harness';

const { io, run } = cliHarness();

describe('activation-lens list', () => {
  it('lists at least 30 activations with parameters and defaults as JSON', async () => {
    expect(await run('list', '--json')).toBe(0);
    const rows = JSON.parse(io.out.join('\n')) as {
      id: string;
      params: { name: string; default: number }[];
    }[];
    expect(rows.length).toBeGreaterThanOrEqual(30);
    const leaky = rows.find((r) => r.id === 'leaky_relu');
    expect(leaky?.params).toEqual([
      expect.objectContaining({ name: 'negative_slope', default: 0.01 }),
    ]);
  });

  it('prints one readable line per activation', async () => {
    expect(await run('list')).toBe(0);
    expect(
      io.out.some(
        (l) => l.startsWith('softplus') && l.includes('beta=1') && l.includes('threshold=20'),
      ),
    ).toBe(true);
  });
});

describe('activation-lens eval', () => {
  it('answers f, f′, f″ with non-finite numbers as strings in JSON', async () => {
    expect(await run('eval', 'sigmoid', '--x', '0,inf,nan', '--json')).toBe(0);
    const r = JSON.parse(io.out.join('\n'));
    expect(r.points[0]).toEqual({ x: 0, f: 0.5, df: 0.25, d2f: 0 });
    expect(r.points[1]).toMatchObject({ x: 'Infinity', f: 1, df: 0 });
    expect(r.points[2]).toEqual({ x: 'NaN', f: 'NaN', df: 'NaN', d2f: 'NaN' });
  });

  it('takes parameters by PyTorch name', async () => {
    expect(
      await run('eval', 'leaky_relu', '--param', 'negative_slope=0.2', '--x', '-1', '--json'),
    ).toBe(0);
    expect(JSON.parse(io.out.join('\n')).points[0]).toMatchObject({ f: -0.2, df: 0.2 });
  });

  it.each([
    [['eval', 'nope', '--x', '1'], /unknown activation 'nope'/],
    [['eval', 'relu', '--x', 'abc'], /'abc' is not a number/],
    [
      ['eval', 'leaky_relu', '--param', 'alpha=0.2', '--x', '1'],
      /has no parameter 'alpha'.*negative_slope/,
    ],
    [['eval', 'elu', '--param', 'alpha=x', '--x', '1'], /'x' is not a number/],
    [['eval', 'elu', '--param', 'alpha', '--x', '1'], /expected name=value/],
    [['eval', 'relu'], /--x/],
    [['eval', 'celu', '--param', 'alpha=0', '--x', '1'], /celu: alpha must be > 0/],
    [['eval', 'elu', '--param', 'alpha=inf', '--x', '1'], /must be a finite number/],
    [
      ['eval', 'hardtanh', '--param', 'min_val=5', '--param', 'max_val=-5', '--x', '1'],
      /PyTorch refuses Hardtanh\(5, -5\)/,
    ],
    [['check', '--activation', 'softplus', '--param', 'beta=0'], /beta must be > 0/],
    [['check', '--activation', 'relu', '--fail-on', ''], /--fail-on: empty/],
    [['frobnicate'], /unknown command/],
  ])('exits 2 with a one-line message for %j', async (argv, message) => {
    expect(await run(...argv)).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.err.trim().split('\n')).toHaveLength(1);
  });

  it('shows --help on every command with exit 0', async () => {
    for (const argv of [['--help'], ['list', '--help'], ['eval', '--help']]) {
      expect(await run(...argv)).toBe(0);
    }
  });
});
