// Property tests (fast-check): symmetries, claimed monotonicity and range, batch ≡ scalar bit for
// bit, NaN propagation, parameter defaults, and the kink convention checked against PyTorch 1.13.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KINK_CONVENTION, NUMERICS } from '../../../src/kernel/activations';
import type { ActivationNumerics } from '../../../src/kernel/types';
import { ulpDistance } from '../../../src/kernel/ulp';

const byId = new Map(NUMERICS.map((a) => [a.id, a]));
function act(id: string): ActivationNumerics {
  const a = byId.get(id);
  if (!a) throw new Error(`no activation ${id}`);
  return a;
}

const moderate = fc.double({ min: -50, max: 50, noNaN: true });
const anyDouble = fc.double(); // includes ±0, ±∞, NaN, subnormals, ±MAX_VALUE
const RUNS = { numRuns: 400 };

describe('ids and order', () => {
  it('has the 31 activations in the agreed order', () => {
    expect(NUMERICS.map((a) => a.id)).toEqual([
      'sigmoid',
      'tanh',
      'relu',
      'leaky_relu',
      'elu',
      'selu',
      'celu',
      'gelu',
      'gelu_tanh',
      'softplus',
      'silu',
      'mish',
      'softsign',
      'hardtanh',
      'relu6',
      'hardsigmoid',
      'hardswish',
      'logsigmoid',
      'tanhshrink',
      'softshrink',
      'hardshrink',
      'quick_gelu',
      'prelu',
      'rrelu',
      'threshold',
      'identity',
      'step',
      'squareplus',
      'hard_sigmoid_linear',
      'exponential',
      'relu2',
    ]);
  });
  it('gives every activation its texts, and every parameter a sensible spec', () => {
    for (const a of NUMERICS) {
      expect(a.name.length, a.id).toBeGreaterThan(0);
      expect(a.summary.length, a.id).toBeGreaterThan(0);
      expect(a.summary.includes('\n'), a.id).toBe(false);
      expect(a.description.length, a.id).toBeGreaterThan(40);
      expect(a.lesson.length, a.id).toBeGreaterThan(20);
      for (const p of a.paramSpecs) {
        expect(p.min <= p.default && p.default <= p.max, `${a.id}.${p.name}`).toBe(true);
        expect(
          p.step > 0 && p.symbol.length > 0 && p.description.length > 0,
          `${a.id}.${p.name}`,
        ).toBe(true);
      }
    }
  });
  it('states the PyTorch parameter names', () => {
    const names = (id: string) => act(id).paramSpecs.map((p) => `${p.name}=${p.default}`);
    expect(names('leaky_relu')).toEqual(['negative_slope=0.01']);
    expect(names('elu')).toEqual(['alpha=1']);
    expect(names('celu')).toEqual(['alpha=1']);
    expect(names('softplus')).toEqual(['beta=1', 'threshold=20']);
    expect(names('hardtanh')).toEqual(['min_val=-1', 'max_val=1']);
    expect(names('softshrink')).toEqual(['lambd=0.5']);
    expect(names('hardshrink')).toEqual(['lambd=0.5']);
    expect(names('prelu')).toEqual(['weight=0.25']);
    expect(names('rrelu')).toEqual([`lower=${1 / 8}`, `upper=${1 / 3}`]);
    expect(names('threshold')).toEqual(['threshold=0', 'value=0']);
    expect(names('squareplus')).toEqual(['b=4']);
  });
  it("softplus's description gives PyTorch's threshold gap computed from log1p(e^{−20})", () => {
    expect(Math.log1p(Math.exp(-20))).toBeCloseTo(2.0611536e-9, 15);
    expect(act('softplus').description).toContain('2.1e−9');
    expect(act('threshold').description).toMatch(/requires both/);
    expect(act('step').description).toMatch(/blocks gradients/);
  });
});

describe('symmetries', () => {
  const odd = [
    'tanh',
    'softsign',
    'tanhshrink',
    'hardtanh',
    'softshrink',
    'hardshrink',
    'identity',
  ];
  for (const id of odd) {
    it(`${id} is odd`, () => {
      const a = act(id);
      // signed zeros must mirror too, except in a dead zone, which is +0 on both sides as in PyTorch
      const deadZone = (x: number) =>
        Math.abs(x) <= 0.5 && (id === 'softshrink' || id === 'hardshrink');
      fc.assert(
        fc.property(
          anyDouble,
          (x) =>
            Object.is(a.f(-x), -a.f(x)) ||
            (deadZone(x) && a.f(x) === 0 && a.f(-x) === 0) ||
            (Number.isNaN(x) && Number.isNaN(a.f(x))),
        ),
        RUNS,
      );
    });
  }
  // f(x) − f(−x) = x for the self-gated x·g(x) with g(x) + g(−x) = 1, and the log/softplus pair
  for (const id of [
    'gelu',
    'gelu_tanh',
    'silu',
    'quick_gelu',
    'softplus',
    'logsigmoid',
    'hardswish',
  ]) {
    it(`${id}(x) − ${id}(−x) = x`, () => {
      const a = act(id);
      fc.assert(
        fc.property(
          moderate,
          (x) => Math.abs(a.f(x) - a.f(-x) - x) <= 4 * Number.EPSILON * Math.max(1, Math.abs(x)),
        ),
        RUNS,
      );
    });
  }
  for (const id of ['sigmoid', 'hardsigmoid', 'hard_sigmoid_linear']) {
    it(`${id}(−x) = 1 − ${id}(x)`, () => {
      const a = act(id);
      fc.assert(
        fc.property(moderate, (x) => Math.abs(a.f(-x) - (1 - a.f(x))) <= 2 * Number.EPSILON),
        RUNS,
      );
    });
  }
  for (const id of ['sigmoid', 'tanh', 'softsign', 'tanhshrink']) {
    it(`${id}′ is even`, () => {
      const a = act(id);
      fc.assert(
        fc.property(anyDouble, (x) => Object.is(a.df(-x), a.df(x)) || Number.isNaN(x)),
        RUNS,
      );
    });
  }
});

describe('claimed properties hold', () => {
  for (const a of NUMERICS) {
    const { range, monotonic, boundedAbove, boundedBelow, zeroCentred, smooth } = a.properties;
    it(`${a.id}: range [${range[0]}, ${range[1]}] contains f(x)`, () => {
      // range[0] of the non-monotonic ones is f at the zero of f′, itself rounded: allow 2 ulp
      fc.assert(
        fc.property(anyDouble, (x) => {
          const y = a.f(x);
          if (Number.isNaN(x)) return Number.isNaN(y);
          return (
            (y >= range[0] || ulpDistance(y, range[0]) <= 2) &&
            (y <= range[1] || ulpDistance(y, range[1]) <= 2)
          );
        }),
        RUNS,
      );
      expect(boundedAbove).toBe(Number.isFinite(range[1]));
      expect(boundedBelow).toBe(Number.isFinite(range[0]));
    });
    it(`${a.id}: monotonic=${monotonic} is true to f`, () => {
      if (monotonic) {
        fc.assert(
          fc.property(anyDouble, anyDouble, (p, q) => {
            if (Number.isNaN(p) || Number.isNaN(q)) return true;
            const [lo, hi] = p <= q ? [p, q] : [q, p];
            const flo = a.f(lo);
            const fhi = a.f(hi);
            return flo <= fhi || ulpDistance(flo, fhi) <= 1;
          }),
          { numRuns: 1000 },
        );
        for (let x = -20; x <= 20; x += 0.01)
          expect(a.df(x), `${a.id}′(${x})`).toBeGreaterThanOrEqual(0);
      } else {
        let negative = false;
        for (let x = -20; x <= 20 && !negative; x += 0.01) negative = a.df(x) < 0;
        expect(negative).toBe(true);
      }
    });
    it(`${a.id}: zeroCentred=${zeroCentred}, smooth=${smooth} agree with f and its kinks`, () => {
      let neg = false;
      let pos = false;
      for (let x = -20; x <= 20; x += 0.01) {
        const y = a.f(x);
        neg ||= y < 0;
        pos ||= y > 0;
      }
      expect(zeroCentred).toBe(a.f(0) === 0 && neg && pos);
      expect(smooth).toBe(a.kinks().length === 0);
    });
  }
});

describe('forms and inputs', () => {
  const arrays = fc.array(anyDouble, { minLength: 0, maxLength: 64 });
  for (const a of NUMERICS) {
    it(`${a.id}: batch forms equal the scalar forms bit for bit`, () => {
      fc.assert(
        fc.property(arrays, fc.boolean(), (list, withParams) => {
          const xs = Float64Array.from(list);
          const p = withParams
            ? Object.fromEntries(a.paramSpecs.map((s) => [s.name, s.min + (s.max - s.min) / 3]))
            : undefined;
          const f = a.fBatch(xs, p);
          const out = new Float64Array(xs.length + 3);
          const df = a.dfBatch(xs, p, out);
          const d2f = a.d2fBatch(xs, p);
          expect(df).toBe(out);
          return list.every(
            (x, i) =>
              Object.is(f[i], a.f(x, p)) &&
              Object.is(df[i], a.df(x, p)) &&
              Object.is(d2f[i], a.d2f(x, p)),
          );
        }),
        { numRuns: 100 },
      );
    });
    it(`${a.id}: NaN in gives NaN out for f, f′, f″ (batch too)`, () => {
      const p = Object.fromEntries(a.paramSpecs.map((s) => [s.name, s.max]));
      for (const q of [undefined, p]) {
        expect(a.f(NaN, q)).toBeNaN();
        expect(a.df(NaN, q)).toBeNaN();
        expect(a.d2f(NaN, q)).toBeNaN();
        expect(a.fBatch(Float64Array.of(NaN), q)[0]).toBeNaN();
      }
    });
    it(`${a.id}: missing parameters take the defaults`, () => {
      const defaults = Object.fromEntries(a.paramSpecs.map((s) => [s.name, s.default]));
      fc.assert(
        fc.property(moderate, (x) => {
          const want = a.f(x, defaults);
          return (
            Object.is(a.f(x), want) &&
            Object.is(a.f(x, {}), want) &&
            Object.is(a.f(x, { unrelated: 7 }), want) &&
            Object.is(a.df(x), a.df(x, defaults)) &&
            Object.is(a.d2f(x), a.d2f(x, defaults))
          );
        }),
        { numRuns: 100 },
      );
    });
    it(`${a.id}: f′ and f″ are finite or NaN-for-NaN at ±∞ and extreme inputs`, () => {
      for (const x of [
        Infinity,
        -Infinity,
        Number.MAX_VALUE,
        -Number.MAX_VALUE,
        5e-324,
        -5e-324,
        0,
        -0,
      ]) {
        expect(Number.isNaN(a.df(x)), `${a.id}′(${x})`).toBe(false);
        expect(Number.isNaN(a.d2f(x)), `${a.id}″(${x})`).toBe(false);
      }
    });
  }
  it('rejects a too-short output array instead of writing past it', () => {
    expect(() => act('relu').fBatch(new Float64Array(4), undefined, new Float64Array(2))).toThrow(
      RangeError,
    );
  });
  it('changes with its parameters', () => {
    expect(act('leaky_relu').f(-2, { negative_slope: 0.2 })).toBe(-0.4);
    expect(act('elu').f(-Infinity, { alpha: 0.5 })).toBe(-0.5);
    expect(act('celu').df(-1, { alpha: 2 })).toBe(Math.exp(-0.5));
    expect(act('hardtanh').f(5, { min_val: -2, max_val: 3 })).toBe(3);
    expect(act('softplus').f(1, { beta: 2 })).toBeCloseTo(Math.log1p(Math.exp(2)) / 2, 15);
    expect(act('rrelu').f(-1)).toBe(-(1 / 8 + 1 / 3) / 2);
    expect(act('threshold').f(0.5, { threshold: 1, value: -2 })).toBe(-2);
    expect(act('squareplus').f(0)).toBe(1);
    expect(act('squareplus').f(0, { b: 0 })).toBe(0);
    expect(act('softshrink').f(1.5, { lambd: 1 })).toBe(0.5);
  });
});

describe('kink convention (PyTorch 1.13 autograd, float64)', () => {
  // Each value below was read from torch 1.13.1: x.requires_grad_(); F.<fn>(x).sum().backward(); x.grad.
  const TORCH: [string, Record<string, number> | undefined, number, number][] = [
    ['relu', undefined, 0, 0],
    ['leaky_relu', undefined, 0, 0.01],
    ['elu', { alpha: 0.5 }, 0, 0.5],
    ['celu', { alpha: 0.5 }, 0, 1],
    ['hardtanh', undefined, -1, 0],
    ['hardtanh', undefined, 1, 0],
    ['relu6', undefined, 0, 0],
    ['relu6', undefined, 6, 0],
    ['hardsigmoid', undefined, -3, 0],
    ['hardsigmoid', undefined, 3, 0],
    ['hardswish', undefined, -3, -0.5],
    ['hardswish', undefined, 3, 1.5],
    ['softshrink', undefined, -0.5, 0],
    ['softshrink', undefined, 0.5, 0],
    ['hardshrink', undefined, -0.5, 0],
    ['hardshrink', undefined, 0.5, 0],
    ['prelu', undefined, 0, 0.25],
    ['rrelu', undefined, 0, 0.22916666666666666],
    ['threshold', undefined, 0, 0],
  ];
  for (const [id, p, x, want] of TORCH) {
    it(`${id}′(${x}) = ${want}`, () => expect(act(id).df(x, p)).toBe(want));
  }
  it('selu′(0) is λα (torch rounds λ·α from the rounded factors: 1 ulp lower)', () => {
    expect(ulpDistance(act('selu').df(0), 1.7580993408473766)).toBeLessThanOrEqual(1);
  });
  it('is stated once, naming the cases', () => {
    for (const s of [
      'relu′(0) = 0',
      'negative_slope',
      'relu6′ = 0 at 0 and 6',
      'hardtanh′ = 0',
      'x/3 + ½',
    ]) {
      expect(KINK_CONVENTION).toContain(s);
    }
  });
  it('lists the kinks where f′ jumps', () => {
    expect(act('relu').kinks()).toEqual([0]);
    expect(act('hardtanh').kinks({ min_val: -2 })).toEqual([-2, 1]);
    expect(act('elu').kinks()).toEqual([]);
    expect(act('elu').kinks({ alpha: 0.5 })).toEqual([0]);
    expect(act('softshrink').kinks({ lambd: 1 })).toEqual([-1, 1]);
    expect(act('gelu').kinks()).toEqual([]);
  });
});
