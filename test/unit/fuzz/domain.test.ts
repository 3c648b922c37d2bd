import { describe, expect, it } from 'vitest';
import { buildHover } from '../../../src/hover/build';
import { parseCommandArg } from '../../../src/gradientFlow/protocol';
import { getActivation } from '../../../src/kernel';
import { normalizeParams } from '../../../src/plot/params';
import { resolveCheckConfig } from '../../../src/kernel/gradientFlow/config';
import { simulate } from '../../../src/kernel/gradientFlow/simulate';
import { buildGraph } from '../../../src/model/read/index';
import { at } from '../language/helpers';

const HARDTANH = `import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(4, 4)
        self.a = nn.Hardtanh(5, -5)
    def forward(self, x):
        return self.a(self.l(x))
`;

describe('parameters PyTorch refuses are refused, not simulated', () => {
  it('the model reader declines nn.Hardtanh(5, -5) with the reason', async () => {
    const r = await buildGraph(HARDTANH, 'M()');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toMatch(/max_val must be greater than min_val/);
    expect(r.line).toBe(8); // where forward applies it
  });

  it('the hover names the problem and draws no curve', async () => {
    const r = await at(HARDTANH, 'Hardtanh(5');
    expect(r?.invalid).toMatch(/PyTorch refuses Hardtanh\(5, -5\)/);
    const md = buildHover(r!, { theme: 'dark', showPlot: true }) ?? '';
    expect(md).toMatch(/not simulated/);
    expect(md).not.toMatch(/svg|command:activationLens\.plot/);
  });

  it('in-domain arguments are untouched', async () => {
    const r = await at('import torch.nn as nn\nnn.Hardtanh(0, 20)\nnn.CELU(0)\n', 'Hardtanh');
    expect(r?.invalid).toBeUndefined();
    const c = await at('import torch.nn as nn\nnn.CELU(0)\n', 'CELU');
    expect(c?.invalid).toMatch(/alpha must be > 0/);
  });
});

describe('the kernel entry points share checkParams', () => {
  it('resolveCheckConfig refuses values outside the domain', () => {
    expect(() => resolveCheckConfig({ activation: 'celu', params: { alpha: 0 } })).toThrow(
      /celu: alpha must be > 0/,
    );
    expect(() => resolveCheckConfig({ activation: 'softplus', params: { beta: 0 } })).toThrow(
      /beta must be > 0/,
    );
  });

  const layer = (params: Record<string, number>, memoryLimitBytes?: unknown) =>
    simulate({
      layers: [
        {
          inFeatures: 4,
          outFeatures: 4,
          activation: { id: 'hardtanh', params },
          init: 'xavier_normal',
        },
      ],
      batch: 4,
      seed: 0,
      ...(memoryLimitBytes === undefined ? {} : { memoryLimitBytes: memoryLimitBytes as number }),
    });

  it('simulate (layer specs, the graph engine) refuses Hardtanh(5, -5)', () => {
    expect(() => layer({ min_val: 5, max_val: -5 })).toThrow(/PyTorch refuses Hardtanh\(5, -5\)/);
    expect(layer({ min_val: -2, max_val: 2 }).layers).toHaveLength(1);
  });

  it('a memory limit that is NaN, negative or not a number is refused, not "guard off"', () => {
    for (const bad of [NaN, -1, '1e9', null, {}])
      expect(() => layer({}, bad), String(bad)).toThrow(/memory limit must be/);
    expect(() => layer({}, 10)).toThrow(/more than the 0 MiB limit/);
  });
});

describe('sizes are refused before anything is read or allocated', () => {
  it('input shapes past int32, of rank > 8, or not integers', async () => {
    for (const inputShape of [
      [1e20],
      [3e9, 3],
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
      [],
      [1.5],
      [NaN],
      [-1],
    ]) {
      const r = await buildGraph(HARDTANH, 'M()', { inputShape });
      expect(r.ok ? '' : r.reason, JSON.stringify(inputShape)).toMatch(
        /input shape (needs|dimensions must be)/,
      );
    }
    const b = await buildGraph(HARDTANH, 'M()', { batch: 1e300 });
    expect(b.ok ? '' : b.reason).toMatch(/batch must be an integer/);
  });

  it("the command's options object refuses depth 1e8 (MAX_DEPTH is in the schema)", () => {
    expect(() => parseCommandArg({ activation: 'relu', depth: 1e8 })).toThrow(
      /invalid gradient-flow options at depth/,
    );
    expect(() => parseCommandArg({ activation: 'relu', depth: 99999999999 })).toThrow(/at depth/);
  });
});

describe('the plot falls back to the defaults where the clamped values are still refused', () => {
  it('RReLU(0.5, 0.1) and Hardtanh(5, -5)', () => {
    const rrelu = getActivation('rrelu')!;
    const r = normalizeParams(rrelu.paramSpecs, { lower: 0.5, upper: 0.1 }, 'RReLU', 'rrelu');
    expect(r.params).toEqual(rrelu.params);
    expect(r.notes.join(' ')).toMatch(/lower must be ≤ upper.*defaults shown/);
    const ht = getActivation('hardtanh')!;
    const h = normalizeParams(ht.paramSpecs, { min_val: 5, max_val: -5 }, 'Hardtanh', 'hardtanh');
    expect(h.params.min_val).toBeLessThan(h.params.max_val!);
    const ok = normalizeParams(rrelu.paramSpecs, { lower: 0.1, upper: 0.2 }, 'RReLU', 'rrelu');
    expect(ok.params).toMatchObject({ lower: 0.1, upper: 0.2 });
  });
});
