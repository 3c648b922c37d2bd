import { describe, expect, it } from 'vitest';
import { activations, getActivation } from '../../../src/kernel';
import { checkParams } from '../../../src/kernel/params';

const get = (id: string) => getActivation(id)!;

describe('checkParams', () => {
  it('accepts every default and fills defaults', () => {
    for (const a of activations) {
      const r = checkParams(a, undefined);
      expect(r, a.id).toEqual({ ok: true, params: a.params });
    }
  });
  it('accepts real code outside the slider range (DeepSpeech Hardtanh(0, 20))', () => {
    expect(checkParams(get('hardtanh'), { min_val: 0, max_val: 20 })).toMatchObject({ ok: true });
  });
  it.each([
    ['celu', { alpha: 0 }, 'alpha must be > 0'],
    ['softplus', { beta: 0 }, 'beta must be > 0'],
    ['hardtanh', { min_val: 5, max_val: -5 }, 'PyTorch refuses Hardtanh(5, -5)'],
    ['hardtanh', { min_val: 1, max_val: 1 }, 'max_val must be greater'],
    ['rrelu', { lower: 0.5, upper: 0.1 }, 'lower must be ≤ upper'],
    ['softshrink', { lambd: -1 }, 'lambd must be ≥ 0'],
    ['squareplus', { b: -1 }, 'b must be ≥ 0'],
    ['elu', { alpha: NaN }, 'finite number'],
    ['leaky_relu', { negative_slope: Infinity }, 'finite number'],
    ['relu', { alpha: 1 }, "relu has no parameter 'alpha' (parameters: none)"],
  ])('%s %o → %s', (id, params, message) => {
    const r = checkParams(get(id), params);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});

describe('the kernel API is read-only', () => {
  it('freezes descriptors down to parameter specs, properties, formulas and spellings', () => {
    const a = get('celu');
    expect(Object.isFrozen(a.paramSpecs)).toBe(true);
    expect(Object.isFrozen(a.paramSpecs[0])).toBe(true);
    expect(Object.isFrozen(a.properties.range)).toBe(true);
    expect(Object.isFrozen(a.formulas.f)).toBe(true);
    expect(Object.isFrozen(a.spellings)).toBe(true);
    expect(() => {
      (a.paramSpecs[0] as { min: number }).min = -1;
    }).toThrow(TypeError);
    expect(get('celu').paramSpecs[0]!.min).toBe(0.01);
  });
});
