import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/kernel/gradientFlow';
import { parseCommandArg } from '../../../src/gradientFlow/protocol';
import { suggestionFor } from '../../../src/gradientFlow/suggest';
import { summarize } from '../../../src/gradientFlow/summary';
import {
  fixLineOf,
  groupRows,
  parseFromWebview,
  toViewReport,
  viewReportSchema,
} from '../../../src/gradientFlow/view';
import { advice, checkGraph, judge } from '../../../src/kernel/gradientFlow';
import { rowFindings } from '../../../src/model/findings';
import { layerRow } from '../../../src/model/graphCheck';
import { buildModel } from '../../../src/model/read/frameworks';

describe('the report as the webview shows it', () => {
  it('carries the tone, label and per-layer table of a plain check', () => {
    const r = runCheck({
      activation: 'sigmoid',
      init: 'xavier_normal',
      depth: 12,
      width: 32,
      batch: 32,
    });
    const v = toViewReport(r, { id: 'run-1', suggestion: 'relu + he_normal' });
    expect(v).toMatchObject({ id: 'run-1', tone: 'error', label: 'vanishing', partial: null });
    expect(v.layers[0]).toMatchObject({
      layer: 1,
      shape: '32→32',
      activation: 'sigmoid',
      init: 'xavier_normal',
    });
    expect(v.layers[0]!.name).toBeUndefined();
    expect(viewReportSchema.parse(JSON.parse(JSON.stringify(v)))).toEqual(v);
  });

  it('names a model report’s rows and flags the rows its findings name', async () => {
    const text = readFileSync('samples/models/deep_sigmoid_mlp.py', 'utf8');
    const built = await buildModel(text, 'model', { framework: 'pytorch', batch: 32 });
    if (!built.ok) throw new Error(built.reason);
    // As the editor's worker runs it, with the findings the editor adds.
    const r = checkGraph(built.graph, { seed: 0, dtype: 'float32' }, {}, 'model');
    const findings = rowFindings((r.rows ?? []).map(layerRow), built.notes);
    const v = toViewReport({ ...r, findings }, { id: 'r', source: 'file:///x.py' });
    expect(v.layers[0]).toMatchObject({ name: 'fc1', flag: 'error' });
    const out = v.layers.find((l) => l.name === 'out')!;
    expect(out.flag).toBeUndefined();
    expect(v).toMatchObject({ tone: 'error', label: 'vanishing', partial: null });
  });

  it('gives a model report’s rows their source line, kind and shape from the graph rows', async () => {
    const text = readFileSync('samples/models/deep_sigmoid_mlp.py', 'utf8');
    const built = await buildModel(text, 'model', { framework: 'pytorch', batch: 32 });
    if (!built.ok) throw new Error(built.reason);
    const r = checkGraph(built.graph, { seed: 0, dtype: 'float32' }, {}, 'model');
    const v = toViewReport(r, { id: 'r', source: 'file:///x.py' });
    const lineOf = (name: string) => text.split('\n').findIndex((t) => t.includes(`"${name}"`)) + 1;
    expect(v.layers.map((l) => l.name)).toEqual([
      'fc1',
      'fc2',
      'fc3',
      'fc4',
      'fc5',
      'fc6',
      'fc7',
      'out',
    ]);
    expect(v.layers[0]).toMatchObject({
      name: 'fc1',
      line: lineOf('fc1'),
      kind: 'Linear',
      shape: '(32, 256)',
    });
    expect(v.layers[7]).toMatchObject({ name: 'out', line: lineOf('out'), shape: '(32, 10)' });
    // A plain check has no graph rows: no line, no kind.
    const plain = toViewReport(runCheck({ activation: 'relu', depth: 2, width: 8, batch: 8 }), {
      id: 'p',
    });
    expect(plain.layers[0]!.line).toBeUndefined();
    expect(plain.layers[0]!.kind).toBeUndefined();
    expect(viewReportSchema.parse(JSON.parse(JSON.stringify(v)))).toEqual(v);
  });

  it('does not open a model’s advice with the plain check’s single activation and init', async () => {
    const text = readFileSync('samples/models/deep_sigmoid_mlp.py', 'utf8');
    const built = await buildModel(text, 'model', { framework: 'pytorch', batch: 32 });
    if (!built.ok) throw new Error(built.reason);
    const r = checkGraph(built.graph, { seed: 0, dtype: 'float32' }, {}, 'model');
    expect(r.verdict).toBe('vanishing');
    expect(r.advice).toMatch(/^the first layer's gradient is /);
    const plain = runCheck({
      activation: 'sigmoid',
      init: 'xavier_normal',
      depth: 12,
      width: 32,
      batch: 32,
    });
    expect(plain.advice).toMatch(/^sigmoid with xavier_normal: the first layer's gradient is /);
    // Every verdict's wording, with and without the head.
    for (const [act, init, gain] of [
      ['relu', 'he_normal', 1],
      ['relu', 'he_normal', 2],
    ] as const) {
      const p = runCheck({ activation: act, init, gain, depth: 12, width: 32, batch: 32 });
      const a = {
        activation: act,
        init,
        gain,
        verdict: judge(p.layers),
        layers: p.layers,
        selu: [],
        clipped: false,
      };
      const own = advice({ ...a, model: true });
      expect(advice(a)).toBe(`${act} with ${init}${gain !== 1 ? ` ×${gain}` : ''}: ${own}`);
      expect(own).not.toMatch(new RegExp(`^${act} with`));
    }
  });

  it('takes measured figures and recurrent steps when a row has them', () => {
    const r = runCheck({ activation: 'tanh', depth: 2, width: 8, batch: 8 });
    const rows = r.layers.map((l, i) => ({
      ...l,
      module: `rnn.${i}`,
      kind: 'RNN',
      outputShape: [8, 64, 8],
      measured: { postStd: 1, weightGradNorm: 2, inputGradRms: Infinity },
      disagreement: 'inputGradRms 10× lower than measured',
      steps: [{ step: 1, inputGradRms: 1e-9, hiddenStd: NaN }],
    }));
    const v = toViewReport({ ...r, layers: rows }, { id: 'x' });
    expect(v.layers[0]).toMatchObject({
      name: 'rnn.0',
      kind: 'RNN',
      shape: '(8, 64, 8)',
      measured: { postStd: 1, weightGradNorm: 2, inputGradRms: null },
      steps: [{ step: 1, inputGradRms: 1e-9, hiddenStd: null }],
      flag: 'warning',
      note: 'inputGradRms 10× lower than measured',
    });
  });

  it('points a model report at its first fixable line', () => {
    expect(
      fixLineOf({
        findings: [
          { kind: 'selfNormalisation', line: 3 },
          { kind: 'vanishing', line: 20 },
          { kind: 'dead', line: 18 },
        ],
      }),
    ).toBe(18);
    expect(fixLineOf({ findings: [{ kind: 'shrinking', line: 3 }] })).toBeUndefined();
    expect(fixLineOf({})).toBeUndefined();
    expect(parseFromWebview({ type: 'fixes', id: 'run-2' })).toEqual({
      type: 'fixes',
      id: 'run-2',
    });
  });

  it('carries a recurrent run’s steps (non-finite as null)', () => {
    const r = runCheck({ activation: 'tanh', depth: 2, width: 8, batch: 8 });
    const steps = [
      { step: 1, inputGradRms: 1e-20, hiddenStd: 0.5 },
      { step: 2, inputGradRms: NaN, hiddenStd: 0.5 },
    ];
    expect(toViewReport({ ...r, steps }, { id: 'x' }).steps).toEqual([
      { step: 1, inputGradRms: 1e-20, hiddenStd: 0.5 },
      { step: 2, inputGradRms: null, hiddenStd: 0.5 },
    ]);
    expect(toViewReport(r, { id: 'y' }).steps).toBeUndefined();
  });

  it('collapses repeated blocks, keeps single blocks and unnamed rows as they are', () => {
    const names = [
      'transformer.wte',
      ...[0, 1, 2].flatMap((b) => [
        `transformer.h.${b}.attn.c_attn`,
        `transformer.h.${b}.mlp.c_fc`,
      ]),
      'transformer.ln_f',
      'lm_head',
      'features.0',
      undefined,
    ];
    expect(groupRows(names)).toEqual([
      { type: 'layer', index: 0 },
      { type: 'blocks', prefix: 'transformer.h', count: 3, indices: [1, 2, 3, 4, 5, 6] },
      { type: 'layer', index: 7 },
      { type: 'layer', index: 8 },
      { type: 'layer', index: 9 },
      { type: 'layer', index: 10 },
    ]);
    expect(groupRows(['layer1.0.conv1', 'layer1.0.conv2'])).toEqual([
      { type: 'layer', index: 0 },
      { type: 'layer', index: 1 },
    ]);
  });

  it('accepts the webview’s messages and drops malformed ones', () => {
    expect(parseFromWebview({ type: 'reveal', id: 'run-1', line: 17 })).toEqual({
      type: 'reveal',
      id: 'run-1',
      line: 17,
    });
    expect(parseFromWebview({ type: 'reveal', id: 'run-1', line: 0 })).toBeUndefined();
    expect(
      parseFromWebview({ type: 'exportPng', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' })?.type,
    ).toBe('exportPng');
    expect(parseFromWebview({ type: 'rerun' })).toBeUndefined();
  });
});

describe('re-run with the suggestion', () => {
  const run = (c: Parameters<typeof runCheck>[0]) =>
    runCheck({ depth: 12, width: 32, batch: 32, ...c });
  it('swaps a saturating activation for ReLU + He, keeping the sizes', () => {
    const s = suggestionFor(run({ activation: 'sigmoid', init: 'xavier_normal' }));
    expect(s).toEqual({
      label: 'relu + he_normal',
      config: expect.objectContaining({
        activation: 'relu',
        init: 'he_normal',
        depth: 12,
        width: 32,
        batch: 32,
        seed: 0,
      }),
    });
  });
  it('fixes the gain of an exploding ReLU stack', () => {
    const s = suggestionFor(run({ activation: 'relu', init: 'he_normal', gain: 1.5, depth: 32 }));
    expect(s?.label).toBe('relu + he_normal, gain 1');
    expect(s?.config.gain).toBeUndefined();
  });
  it('offers LeakyReLU for dead units, nothing for a clean run or a model', () => {
    expect(
      suggestionFor(
        run({ activation: 'relu', init: 'he_normal', depth: 32, width: 256, batch: 256 }),
      )?.label,
    ).toBe('leaky_relu + he_normal');
    expect(suggestionFor(run({ activation: 'selu', init: 'lecun_normal' }))).toBeUndefined();
    const r = run({ activation: 'sigmoid', init: 'xavier_normal' });
    expect(suggestionFor({ ...r, config: { ...r.config, model: 'm' } })).toBeUndefined();
  });
});

describe('re-run with the suggestion, recurrent', () => {
  it('suggests an LSTM over the same steps for a vanishing tanh RNN, nothing for the LSTM', () => {
    const rnn = runCheck({ activation: 'tanh', arch: 'rnn', steps: 24, width: 16, batch: 16 });
    expect(rnn.verdict).toBe('vanishing');
    expect(suggestionFor(rnn)).toEqual({
      label: 'an LSTM over the same steps',
      config: expect.objectContaining({ arch: 'lstm', activation: 'tanh', steps: 24, width: 16 }),
    });
    const lstm = runCheck({ activation: 'tanh', arch: 'lstm', steps: 24, width: 16, batch: 16 });
    expect(suggestionFor(lstm)).toBeUndefined();
  });
});

describe('the suggestion is a command argument', () => {
  it('passes the command’s own validation, normalisation and residual kept', () => {
    for (const c of [
      { activation: 'sigmoid', init: 'xavier_normal' as const, depth: 12, width: 32, batch: 32 },
      {
        activation: 'sigmoid',
        depth: 12,
        width: 32,
        batch: 32,
        norm: 'batch' as const,
        residual: true,
      },
      { activation: 'tanh', arch: 'rnn' as const, steps: 24, width: 16, batch: 16 },
    ]) {
      const r = runCheck(c);
      const s = suggestionFor(r);
      // Only a flagged run has a suggestion (sigmoid with BatchNorm and residuals flows).
      expect(s === undefined, JSON.stringify(c)).toBe(summarize(r).tone === 'ok');
      if (s) expect(() => parseCommandArg(s.config)).not.toThrow();
    }
  });
});
