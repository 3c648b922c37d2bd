import { describe, expect, it } from 'vitest';
import { getActivation } from '../../../src/kernel';
import {
  ALPHA_DROPOUT_ALPHA,
  CancelledError,
  GradientFlowInputError,
  initBias,
  initWeight,
  matmulABt,
  runCheck,
  simulate,
  transpose,
  type LayerSpec,
} from '../../../src/kernel/gradientFlow';
import { createRng } from '../../../src/kernel/random';

function naiveABt(
  a: Float64Array,
  bt: Float64Array,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * bt[j * k + p]!;
      c[i * n + j] = s;
    }
  return c;
}

describe('matmul', () => {
  it.each([
    [4, 4, 4],
    [7, 5, 9],
    [1, 3, 1],
    [13, 8, 6],
    [64, 33, 17],
  ])('A(%i×%i)·Bᵀ with n=%i matches the triple loop, edges included', (m, k, n) => {
    const rng = createRng(3);
    const a = rng.fillNormal(new Float64Array(m * k), 0, 1);
    const bt = rng.fillNormal(new Float64Array(n * k), 0, 1);
    const got = matmulABt(a, bt, new Float64Array(m * n).fill(NaN), m, k, n);
    const want = naiveABt(a, bt, m, k, n);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 12);
  });

  it('transposes non-square matrices', () => {
    const src = Float64Array.from({ length: 6 * 11 }, (_, i) => i);
    const t = transpose(src, 6, 11, new Float64Array(66));
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 11; j++) expect(t[j * 6 + i]).toBe(src[i * 11 + j]);
  });
});

describe('initialisers', () => {
  const n = 200;
  const stats = (w: Float64Array): { mean: number; varc: number; max: number } => {
    let s = 0;
    let ss = 0;
    let max = 0;
    for (const v of w) {
      s += v;
      ss += v * v;
      max = Math.max(max, Math.abs(v));
    }
    return { mean: s / w.length, varc: ss / w.length - (s / w.length) ** 2, max };
  };
  it.each([
    ['xavier_normal', 2 / (n + 100)],
    ['xavier_uniform', 2 / (n + 100)],
    ['he_normal', 2 / n],
    ['he_uniform', 2 / n],
    ['lecun_normal', 1 / n],
    ['lecun_uniform', 1 / n],
    ['pytorch_default', 1 / (3 * n)],
  ] as const)('%s has the variance of its definition', (init, variance) => {
    const w = initWeight(new Float64Array(100 * n), init, n, 100, 1, createRng(1));
    const s = stats(w);
    expect(Math.abs(s.mean)).toBeLessThan(4 * Math.sqrt(variance / w.length));
    expect(s.varc / variance).toBeGreaterThan(0.97);
    expect(s.varc / variance).toBeLessThan(1.03);
    if (init.endsWith('uniform') || init === 'pytorch_default')
      expect(s.max).toBeLessThanOrEqual(Math.sqrt(3 * variance));
  });

  it.each([
    [8, 5],
    [5, 8],
    [6, 6],
  ])('orthogonal (%i×%i) has orthonormal rows or columns, scaled by gain', (rows, cols) => {
    const w = initWeight(new Float64Array(rows * cols), 'orthogonal', cols, rows, 2, createRng(9));
    const small = Math.min(rows, cols);
    // W Wᵀ = 4·I when wide, Wᵀ W = 4·I when tall.
    for (let p = 0; p < small; p++)
      for (let q = 0; q < small; q++) {
        let s = 0;
        if (rows >= cols) for (let i = 0; i < rows; i++) s += w[i * cols + p]! * w[i * cols + q]!;
        else for (let j = 0; j < cols; j++) s += w[p * cols + j]! * w[q * cols + j]!;
        expect(s).toBeCloseTo(p === q ? 4 : 0, 12);
      }
  });

  it('PyTorch bias is U(±1/√fan_in), Keras bias is zero', () => {
    const b = initBias(new Float64Array(1000), 'pytorch_default', 16, createRng(2));
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...b.map(Math.abs))).toBeGreaterThan(0.24);
    expect(initBias(new Float64Array(5), 'zeros', 16, createRng(2)).every((v) => v === 0)).toBe(
      true,
    );
  });
});

describe('forward and backward, against a plain re-implementation', () => {
  // Draw order is part of the protocol: X, then each layer's W (and b), dropout masks during the
  // forward pass, then G. The reference code below redraws the same numbers and does everything
  // with textbook loops.
  it('matches per-layer statistics for a small tanh/selu network with bias and both dropouts', () => {
    const layers: LayerSpec[] = [
      {
        inFeatures: 5,
        outFeatures: 7,
        activation: { id: 'tanh' },
        init: 'he_uniform',
        bias: 'pytorch_default',
        dropout: 0.3,
      },
      {
        inFeatures: 7,
        outFeatures: 3,
        activation: { id: 'selu' },
        init: 'lecun_normal',
        bias: 'zeros',
        alphaDropout: 0.2,
      },
      { inFeatures: 3, outFeatures: 2, activation: null, init: 'pytorch_default', bias: 'none' },
    ];
    const B = 6;
    const got = simulate({ layers, batch: B, seed: 42 });

    const rng = createRng(42);
    let h: number[][] = Array.from({ length: B }, () =>
      Array.from({ length: 5 }, () => rng.normal()),
    );
    const Ws: number[][][] = [];
    const bs: (number[] | null)[] = [];
    for (const l of layers) {
      const w = initWeight(
        new Float64Array(l.inFeatures * l.outFeatures),
        l.init,
        l.inFeatures,
        l.outFeatures,
        1,
        rng,
      );
      Ws.push(
        Array.from({ length: l.outFeatures }, (_, o) =>
          Array.from(w.subarray(o * l.inFeatures, (o + 1) * l.inFeatures)),
        ),
      );
      bs.push(
        l.bias && l.bias !== 'none'
          ? Array.from(initBias(new Float64Array(l.outFeatures), l.bias, l.inFeatures, rng))
          : null,
      );
    }
    const inputs: number[][][] = [];
    const gates: number[][][] = [];
    for (const [li, l] of layers.entries()) {
      inputs.push(h);
      const act = l.activation ? getActivation(l.activation.id)! : null;
      const W = Ws[li]!;
      const next: number[][] = [];
      const gate: number[][] = [];
      for (let r = 0; r < B; r++) {
        next.push([]);
        gate.push([]);
        for (let o = 0; o < l.outFeatures; o++) {
          let z = bs[li]?.[o] ?? 0;
          for (let i = 0; i < l.inFeatures; i++) z += h[r]![i]! * W[o]![i]!;
          next[r]!.push(act ? act.f(z) : z);
          gate[r]!.push(act ? act.df(z) : 1);
        }
      }
      for (let r = 0; r < B; r++)
        for (let o = 0; o < l.outFeatures; o++) {
          if (l.dropout) {
            const m = rng.uniform() < 1 - l.dropout ? 1 / (1 - l.dropout) : 0;
            next[r]![o]! *= m;
            gate[r]![o]! *= m;
          } else if (l.alphaDropout) {
            const p = l.alphaDropout;
            const al = ALPHA_DROPOUT_ALPHA;
            const a = 1 / Math.sqrt((al * al * p + 1) * (1 - p));
            const keep = rng.uniform() < 1 - p;
            next[r]![o] = keep ? a * next[r]![o]! + al * a * p : a * -al + al * a * p;
            gate[r]![o] = keep ? gate[r]![o]! * a : 0;
          }
        }
      gates.push(gate);
      const flat = next.flat();
      const mean = flat.reduce((s, v) => s + v, 0) / flat.length;
      const std = Math.sqrt(flat.reduce((s, v) => s + (v - mean) ** 2, 0) / flat.length);
      expect(got.layers[li]!.postMean).toBeCloseTo(mean, 12);
      expect(got.layers[li]!.postStd).toBeCloseTo(std, 12);
      h = next;
    }
    let g: number[][] = Array.from({ length: B }, () =>
      Array.from({ length: 2 }, () => rng.normal()),
    );
    for (let li = layers.length - 1; li >= 0; li--) {
      const l = layers[li]!;
      const gz = g.map((row, r) => row.map((v, o) => v * gates[li]![r]![o]!));
      let w2 = 0;
      for (let o = 0; o < l.outFeatures; o++)
        for (let i = 0; i < l.inFeatures; i++) {
          let s = 0;
          for (let r = 0; r < B; r++) s += gz[r]![o]! * inputs[li]![r]![i]!;
          w2 += s * s;
        }
      const prev = Array.from({ length: B }, (_, r) =>
        Array.from({ length: l.inFeatures }, (_, i) =>
          gz[r]!.reduce((s, v, o) => s + v * Ws[li]![o]![i]!, 0),
        ),
      );
      const rms = Math.sqrt(prev.flat().reduce((s, v) => s + v * v, 0) / (B * l.inFeatures));
      expect(got.layers[li]!.weightGradNorm).toBeCloseTo(Math.sqrt(w2), 12);
      expect(got.layers[li]!.inputGradRms).toBeCloseTo(rms, 12);
      if (bs[li]) {
        const bn = Math.sqrt(
          Array.from(
            { length: l.outFeatures },
            (_, o) => gz.reduce((s, row) => s + row[o]!, 0) ** 2,
          ).reduce((s, v) => s + v, 0),
        );
        expect(got.layers[li]!.biasGradNorm).toBeCloseTo(bn, 12);
      } else {
        expect(got.layers[li]!.biasGradNorm).toBeNull();
      }
      g = prev;
    }
  });
});

describe('the check', () => {
  const small = { depth: 12, width: 64, batch: 64 };
  it('is deterministic per seed and differs between seeds', () => {
    const a = runCheck({ activation: 'tanh', ...small, seed: 5 });
    const b = runCheck({ activation: 'tanh', ...small, seed: 5 });
    const c = runCheck({ activation: 'tanh', ...small, seed: 6 });
    expect(b.layers).toEqual(a.layers);
    expect(c.layers[0]!.postStd).not.toBe(a.layers[0]!.postStd);
  });

  it('finds sigmoid + Xavier vanishing and says why', () => {
    const r = runCheck({ activation: 'sigmoid', init: 'xavier_normal' });
    expect(r.verdict).toBe('vanishing');
    expect(r.gradRatioLog10).toBeLessThan(-15);
    expect(r.advice).toMatch(
      /^sigmoid with xavier_normal: the first layer's gradient is \d(\.\d)? × 10⁻[¹²][⁰¹²³⁴⁵⁶⁷⁸⁹] \(\d+ orders of magnitude\) of the last's; use ReLU \+ He or SELU \+ LeCun-normal\.$/,
    );
  });

  it('finds ReLU + He healthy, with dead-unit warnings from the numbers', () => {
    const r = runCheck({ activation: 'relu', init: 'he_normal' });
    expect(r.verdict).toBe('healthy');
    expect(Math.abs(r.gradRatioLog10)).toBeLessThan(1);
    const dead = r.layers.filter((l) => l.deadFraction >= 0.05).length;
    expect(r.warnings.some((w) => w.startsWith('dead units'))).toBe(dead > 0);
  });

  it('chooses the init from the activation when none is given', () => {
    expect(runCheck({ activation: 'relu', ...small }).config['init']).toBe('he_normal');
    expect(runCheck({ activation: 'selu', ...small }).config['init']).toBe('lecun_normal');
    expect(runCheck({ activation: 'tanh', ...small }).config['init']).toBe('xavier_normal');
  });

  it('keeps SELU + LeCun-normal self-normalising, with and without alpha dropout; plain dropout breaks it', () => {
    for (const alphaDropout of [0, 0.1]) {
      const r = runCheck({ activation: 'selu', init: 'lecun_normal', alphaDropout });
      expect(r.selfNormalisation).toHaveLength(32);
      expect(r.selfNormalisation.filter((s) => !s.pass)).toEqual([]);
      expect(r.verdict).toBe('healthy');
    }
    const broken = runCheck({ activation: 'selu', init: 'lecun_normal', dropout: 0.2 });
    expect(broken.selfNormalisation.some((s) => !s.pass)).toBe(true);
  });

  it('finds a too-large init exploding; clipping scales the total norm to the limit', () => {
    const r = runCheck({ activation: 'relu', init: 'he_normal', gain: 1.5 });
    expect(r.verdict).toBe('exploding');
    expect(r.gradRatioLog10).toBeGreaterThan(3);
    expect(r.clipping).toBeNull();
    expect(r.advice).toMatch(
      /^relu with he_normal ×1\.5: the first layer's gradient is \d(\.\d)? × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+ \(\d orders of magnitude\) times the last's; use he_normal with gain 1\./,
    );
    const c = runCheck({ activation: 'relu', init: 'he_normal', gain: 1.5, clipNorm: 1 });
    expect(c.clipping!.totalNormBefore).toBeCloseTo(r.totalGradNorm, 6);
    expect(c.clipping!.coefficient).toBeCloseTo(1 / (r.totalGradNorm + 1e-6), 15);
    expect(c.clipping!.totalNormAfter).toBeCloseTo(1, 6);
    expect(c.advice).toMatch(/Clipping scales the whole update down/);
    const loose = runCheck({ activation: 'relu', ...small, clipNorm: 1e12 });
    expect(loose.clipping!.coefficient).toBe(1);
    expect(loose.clipping!.totalNormAfter).toBe(loose.totalGradNorm);
  });

  it('reports overflow as exploding instead of crashing', () => {
    const r = runCheck({
      activation: 'relu',
      init: 'he_normal',
      gain: 200,
      depth: 200,
      width: 16,
      batch: 16,
    });
    expect(r.verdict).toBe('exploding');
    expect(r.reason).toMatch(/Infinity|NaN/);
  });

  it('float32 agrees with float64 to float32 precision in log10 terms', () => {
    const a = runCheck({ activation: 'tanh', ...small });
    const b = runCheck({ activation: 'tanh', ...small, dtype: 'float32' });
    for (const [i, l] of a.layers.entries()) {
      expect(Math.log10(b.layers[i]!.inputGradRms)).toBeCloseTo(Math.log10(l.inputGradRms), 4);
      expect(b.layers[i]!.postStd).toBeCloseTo(l.postStd, 4);
    }
    expect(b.layers[3]!.postStd).not.toBe(a.layers[3]!.postStd);
  });

  it('refuses bad input with clear messages', () => {
    const bad: [Parameters<typeof runCheck>[0], RegExp][] = [
      [{ activation: 'nope' }, /unknown activation 'nope'/],
      [{ activation: 'relu', depth: 0 }, /depth must be a positive integer/],
      [{ activation: 'relu', width: 2.5 }, /width must be a positive integer/],
      [{ activation: 'relu', init: 'bogus' as never }, /unknown init 'bogus'/],
      [{ activation: 'relu', dropout: 1 }, /dropout must be in \[0, 1\)/],
      [{ activation: 'relu', alphaDropout: -0.1 }, /alpha dropout must be in \[0, 1\)/],
      [{ activation: 'relu', seed: -1 }, /seed must be an integer/],
      [{ activation: 'leaky_relu', params: { slope: 1 } }, /has no parameter 'slope'/],
    ];
    for (const [cfg, msg] of bad) expect(() => runCheck(cfg)).toThrow(msg);
  });

  it('refuses a configuration that would not fit in memory before allocating', () => {
    const t = performance.now();
    expect(() =>
      runCheck({ activation: 'relu', depth: 1000, width: 100_000, batch: 100_000 }),
    ).toThrow(GradientFlowInputError);
    expect(() =>
      runCheck({ activation: 'relu', depth: 1000, width: 100_000, batch: 100_000 }),
    ).toThrow(/MiB/);
    expect(performance.now() - t).toBeLessThan(500);
  });

  it('checks that consecutive layers fit together', () => {
    expect(() =>
      simulate({
        layers: [
          { inFeatures: 4, outFeatures: 8, activation: null, init: 'he_normal' },
          { inFeatures: 6, outFeatures: 2, activation: null, init: 'he_normal' },
        ],
        batch: 2,
        seed: 0,
      }),
    ).toThrow(/layer 2: takes 6 inputs but the previous layer gives 8/);
  });

  it('stops at the next check after cancellation, before any further node', () => {
    let cancelled = false;
    let progress = 0;
    expect(() =>
      runCheck(
        { activation: 'relu', ...small },
        {
          shouldCancel: () => cancelled,
          onProgress: (s) => {
            progress = s;
            if (s === 3) cancelled = true;
          },
        },
      ),
    ).toThrow(CancelledError);
    expect(progress).toBe(3);
  });

  it('carries layer labels through (for the model check)', () => {
    const r = simulate({
      layers: [
        {
          inFeatures: 3,
          outFeatures: 3,
          activation: { id: 'relu' },
          init: 'pytorch_default',
          bias: 'pytorch_default',
          label: 'model.py:4',
        },
      ],
      batch: 4,
      seed: 0,
    });
    expect(r.layers[0]!.label).toBe('model.py:4');
  });
});
