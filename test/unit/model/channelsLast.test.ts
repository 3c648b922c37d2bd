import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../src/model/read/graph';
import {
  batchNormLast,
  convLast,
  LayerParams,
  namedInit,
  poolLast,
  samePadding,
  toChannelsLast,
  varianceScaling,
} from '../../../src/model/read/channelsLast';
import { Decline, type TensorVal } from '../../../src/model/read/values';

const at = { row: 'conv2d', kind: 'Conv2D', line: 3 };

describe('channels-last emission', () => {
  it('pads as TensorFlow SAME: out = ceil(in / stride)', () => {
    expect(samePadding(32, 3, 1, 1, 1)).toEqual({ pad: 1, shifted: false });
    expect(samePadding(32, 1, 2, 1, 1)).toEqual({ pad: 0, shifted: false });
    // 3×3 stride 2 on 32: total 1 → read as 1 each side, same output size 16.
    expect(samePadding(32, 3, 2, 1, 1)).toEqual({ pad: 1, shifted: true });
    expect(() => samePadding(8, 2, 1, 1, 7)).toThrow(Decline);
  });

  it('computes variance_scaling as Keras and Flax do', () => {
    // glorot_uniform on a 784→256 kernel: limit = sqrt(6 / (784 + 256)).
    const g = varianceScaling(1, 'fan_avg', 'uniform', 784, 256);
    expect(g.kind).toBe('uniform');
    if (g.kind === 'uniform') expect(g.high).toBeCloseTo(Math.sqrt(6 / 1040), 12);
    // lecun_normal: truncated to ±2σ with σ = sqrt(1/fan_in) / 0.8796…
    const l = namedInit('lecun_normal', { fanIn: 100, fanOut: 10 }, 1);
    expect(l).toMatchObject({ kind: 'trunc_normal' });
    if (l.kind === 'trunc_normal') {
      expect(l.std).toBeCloseTo(0.1 / 0.87962566103423978, 12);
      expect(l.b).toBeCloseTo(2 * l.std, 12);
    }
    expect(() => namedInit('nope', { fanIn: 1, fanOut: 1 }, 4)).toThrow(/line 4/);
  });

  it('wraps an NHWC conv in permutes and keeps the shape arithmetic channels-last', () => {
    const g = new GraphBuilder();
    const x = g.add({ op: 'input', shape: [8, 32, 32, 3] }, [], [8, 32, 32, 3], 1);
    const ps = new LayerParams();
    const w = ps.get('kernel', [16, 3, 3, 3], { kind: 'zeros' }, 3);
    const notes: string[] = [];
    const yc = convLast(
      g,
      at,
      x,
      { filters: 16, kernel: [3, 3], stride: [2, 2], dilation: [1, 1], padding: 'same', groups: 1 },
      w,
      null,
      notes,
    );
    expect(yc.shape).toEqual([8, 16, 16, 16]);
    const y = toChannelsLast(g, at, yc);
    expect(y.shape).toEqual([8, 16, 16, 16]);
    expect(notes[0]).toMatch(/unevenly/);
    expect(g.nodes.map((n) => n.op.op)).toEqual(['input', 'permute', 'conv', 'permute']);
    expect(g.nodes.slice(1).every((n) => n.row === 'conv2d')).toBe(true);
    const bn = batchNormLast(g, { ...at, row: 'bn' }, y, 1e-3, null, null);
    expect(bn.shape).toEqual([8, 16, 16, 16]);
    const p = poolLast(g, { ...at, row: 'pool' }, bn, 'max', [2, 2], [2, 2], 'valid', true, notes);
    expect(p.shape).toEqual([8, 8, 8, 16]);
  });

  it('shares a layer’s parameters between calls and refuses a second shape', () => {
    const ps = new LayerParams();
    const a = ps.get('kernel', [4, 2], { kind: 'zeros' }, 1);
    expect(ps.get('kernel', [4, 2], { kind: 'ones' }, 2)).toBe(a);
    expect(() => ps.get('kernel', [4, 3], { kind: 'zeros' }, 9)).toThrow(/line 9/);
  });

  it('declines a convolution on the wrong rank as a shape mismatch', () => {
    const g = new GraphBuilder();
    const x: TensorVal = g.add({ op: 'input', shape: [8, 10] }, [], [8, 10], 1);
    const w = new LayerParams().get('kernel', [4, 10, 3, 3], { kind: 'zeros' }, 3);
    try {
      convLast(
        g,
        at,
        x,
        {
          filters: 4,
          kernel: [3, 3],
          stride: [1, 1],
          dilation: [1, 1],
          padding: 'valid',
          groups: 1,
        },
        w,
        null,
        [],
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Decline);
      expect((e as Decline).shapeMismatch).toBe(true);
    }
  });
});
