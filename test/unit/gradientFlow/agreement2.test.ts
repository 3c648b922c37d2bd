// Agreement with PyTorch 1.13 float64 on the gradflow2 protocol (test/reference/gradflow2.json,
// 20 seeds per config): normalisation, residual stacks and recurrent nets. One run with our own
// seed must land within 4 sd + 0.1 of every log10 mean and 4 sd + 0.02 of every postMean and
// deadFraction, at every layer and every time step.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceFile } from '../referenceFile';
import {
  runCheck,
  type Arch,
  type InitName,
  type NormKind,
} from '../../../src/kernel/gradientFlow';

interface Band {
  mean: number;
  sd: number;
}
type Row = Record<string, number>;
interface FeedForward {
  activation: string;
  init: InitName;
  norm: NormKind;
  residual: boolean;
  depth: number;
  width: number;
  batch: number;
  layers: Row[];
}
interface Recurrent {
  arch: Exclude<Arch, 'mlp'>;
  activation: string;
  depth: number;
  width: number;
  batch: number;
  steps: number;
  steps_stats: Row[];
}

const ref = JSON.parse(readFileSync(referenceFile('gradflow2.json'), 'utf8')) as {
  feedforward: FeedForward[];
  recurrent: Recurrent[];
};

let checked = 0;
let missed = 0;
afterAll(() =>
  console.log(`gradflow2 agreement: ${checked - missed} of ${checked} figures within the band`),
);

/** Returns the misses of one figure: log10 figures get 4 sd + 0.1, linear ones 4 sd + 0.02. */
function within(what: string, ours: number, ref: Row, key: string, log: boolean): string[] {
  const b: Band = {
    mean: ref[log ? `${key}Log10` : key]!,
    sd: ref[log ? `${key}Log10Sd` : `${key}Sd`]!,
  };
  const v = log ? Math.log10(ours) : ours;
  const allowed = 4 * b.sd + (log ? 0.1 : 0.02);
  checked++;
  if (Math.abs(v - b.mean) <= allowed) return [];
  missed++;
  return [`${what} ${log ? 'log10 ' : ''}${key}: ${v} vs ${b.mean} (allowed ±${allowed})`];
}

describe('gradflow2: normalisation and residual stacks agree with PyTorch', () => {
  it('covers every reference config', () =>
    expect(ref.feedforward.length).toBeGreaterThanOrEqual(10));
  for (const c of ref.feedforward) {
    it(`${c.activation} / ${c.init} / norm ${c.norm}${c.residual ? ' / residual' : ''}`, () => {
      const r = runCheck({
        activation: c.activation,
        init: c.init,
        norm: c.norm,
        residual: c.residual,
        depth: c.depth,
        width: c.width,
        batch: c.batch,
        seed: 0,
      });
      expect(r.layers).toHaveLength(c.depth);
      const misses = c.layers.flatMap((L, i) => {
        const l = r.layers[i]!;
        const at = `layer ${i + 1}`;
        return [
          ...within(at, l.postStd, L, 'postStd', true),
          ...within(at, l.weightGradNorm, L, 'weightGradNorm', true),
          ...within(at, l.inputGradRms, L, 'inputGradRms', true),
          ...within(at, l.postMean, L, 'postMean', false),
          ...within(at, l.deadFraction, L, 'deadFraction', false),
        ];
      });
      expect(misses).toEqual([]);
    });
  }
});

describe('gradflow2: recurrent nets agree with PyTorch at every time step', () => {
  it('covers rnn, lstm and gru', () =>
    expect(new Set(ref.recurrent.map((c) => c.arch))).toEqual(new Set(['rnn', 'lstm', 'gru'])));
  for (const c of ref.recurrent) {
    it(`${c.arch}${c.arch === 'rnn' ? ` (${c.activation})` : ''}, ${c.steps} steps`, () => {
      const r = runCheck({
        activation: c.activation,
        arch: c.arch,
        steps: c.steps,
        depth: c.depth,
        width: c.width,
        batch: c.batch,
        seed: 0,
      });
      expect(r.steps).toHaveLength(c.steps);
      const misses = c.steps_stats.flatMap((S, i) => {
        const s = r.steps![i]!;
        expect(s.step).toBe(i + 1);
        return [
          ...within(`step ${i + 1}`, s.inputGradRms, S, 'inputGradRms', true),
          ...within(`step ${i + 1}`, s.hiddenStd, S, 'hiddenStd', true),
        ];
      });
      expect(misses).toEqual([]);
    });
  }
});
