// Parameter initialisation from InitSpec: torch.nn.init's formulas and fans, Keras/Flax
// variance scaling, PyTorch's default bias, checked on the moments and bounds of large draws.
import { describe, expect, it } from 'vitest';
import { calculateGain, initTensor, torchFans } from '../../../src/kernel/graph/init';
import { createRng } from '../../../src/kernel/random';
import type { InitSpec, Shape } from '../../../src/kernel/graph/types';

function draw(spec: InitSpec, shape: Shape, f32 = false): Float64Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = f32 ? new Float32Array(n) : new Float64Array(n);
  initTensor(out, shape, spec, createRng(11));
  return Float64Array.from(out);
}
function moments(a: Float64Array): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  for (const v of a) s += v;
  const mean = s / a.length;
  let ss = 0;
  for (const v of a) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / a.length), min: Math.min(...a), max: Math.max(...a) };
}

const conv: Shape = [64, 32, 3, 3]; // fan_in 288, fan_out 576

describe('InitSpec', () => {
  it('computes fans as torch does', () => {
    expect(torchFans(conv)).toEqual({ fanIn: 288, fanOut: 576 });
    expect(torchFans([10, 7])).toEqual({ fanIn: 7, fanOut: 10 });
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(calculateGain('selu')).toBe(0.75);
    expect(calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
  });

  it('kaiming_uniform(a=√5) is U(±1/√fan_in), PyTorch Conv/Linear default', () => {
    const m = moments(draw({ kind: 'kaiming_uniform', a: Math.sqrt(5) }, conv));
    const bound = 1 / Math.sqrt(288);
    expect(m.max).toBeLessThanOrEqual(bound);
    expect(m.min).toBeGreaterThanOrEqual(-bound);
    expect(m.std).toBeCloseTo(bound / Math.sqrt(3), 3);
  });

  it('kaiming_normal relu fan_out, xavier normal/uniform with gain', () => {
    expect(
      moments(draw({ kind: 'kaiming_normal', mode: 'fan_out', nonlinearity: 'relu' }, conv)).std,
    ).toBeCloseTo(Math.sqrt(2 / 576), 3);
    expect(moments(draw({ kind: 'xavier_normal', gain: 2 }, conv)).std).toBeCloseTo(
      2 * Math.sqrt(2 / 864),
      3,
    );
    const u = moments(draw({ kind: 'xavier_uniform' }, conv));
    expect(u.max).toBeLessThanOrEqual(Math.sqrt(6 / 864));
    expect(u.std).toBeCloseTo(Math.sqrt(2 / 864), 3);
  });

  it('variance_scaling: lecun_normal (truncated, std corrected), glorot_uniform, he untruncated', () => {
    const t = moments(
      draw(
        { kind: 'variance_scaling', scale: 1, mode: 'fan_in', distribution: 'truncated_normal' },
        conv,
      ),
    );
    expect(t.std).toBeCloseTo(Math.sqrt(1 / 288), 3);
    expect(t.max).toBeLessThanOrEqual((2 * Math.sqrt(1 / 288)) / 0.87962566103423978);
    const g = moments(
      draw({ kind: 'variance_scaling', scale: 1, mode: 'fan_avg', distribution: 'uniform' }, conv),
    );
    expect(g.max).toBeLessThanOrEqual(Math.sqrt(6 / 864));
    const h = moments(
      draw(
        { kind: 'variance_scaling', scale: 2, mode: 'fan_in', distribution: 'untruncated_normal' },
        conv,
      ),
    );
    expect(h.std).toBeCloseTo(Math.sqrt(2 / 288), 3);
  });

  it('normal, uniform, trunc_normal, constants', () => {
    expect(moments(draw({ kind: 'normal', mean: 1, std: 0.02 }, conv)).mean).toBeCloseTo(1, 3);
    const u = moments(draw({ kind: 'uniform', low: 2, high: 3 }, conv));
    expect([u.min >= 2, u.max < 3]).toEqual([true, true]);
    const t = moments(draw({ kind: 'trunc_normal', std: 1, a: -0.5, b: 0.5 }, conv));
    expect([t.min >= -0.5, t.max <= 0.5]).toEqual([true, true]);
    expect(draw({ kind: 'constant', value: 0.25 }, [3]).every((v) => v === 0.25)).toBe(true);
    expect(draw({ kind: 'ones' }, [3]).every((v) => v === 1)).toBe(true);
    expect(draw({ kind: 'zeros' }, [3]).every((v) => v === 0)).toBe(true);
  });

  it('orthogonal rows, scaled by gain, also stored as float32', () => {
    const w = draw({ kind: 'orthogonal', gain: 2 }, [6, 10], true);
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++) {
        let d = 0;
        for (let k = 0; k < 10; k++) d += w[i * 10 + k]! * w[j * 10 + k]!;
        expect(d).toBeCloseTo(i === j ? 4 : 0, 5);
      }
  });

  it('torch_bias takes the fan it is given (the owning weight’s fan_in)', () => {
    const b = new Float64Array(10_000);
    initTensor(b, [10_000], { kind: 'torch_bias' }, createRng(1), { fanIn: 16, fanOut: 4 });
    const m = moments(b);
    expect(m.max).toBeLessThanOrEqual(0.25);
    expect(m.max).toBeGreaterThan(0.24);
  });
});
