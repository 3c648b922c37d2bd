// The worker as the extension runs it: bundled with esbuild (as dist/worker.js is), real threads.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  graphInWorker,
  checkInWorker,
  selfCheckInWorker,
  WorkerCancelled,
  WorkerInputError,
  type Progress,
} from '../../../src/gradientFlow/runner';
import { parseCommandArg } from '../../../src/gradientFlow/protocol';
import { toViewReport, viewReportSchema } from '../../../src/gradientFlow/view';
import { bundleWorker } from './workerBundle';

let dir: string;
let workerPath: string;
beforeAll(async () => ({ dir, workerPath } = await bundleWorker()));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gradient-flow worker', () => {
  it('returns reports for several runs, with progress per graph node', async () => {
    const seen: Progress[] = [];
    const reports = await checkInWorker(
      workerPath,
      [
        { activation: 'sigmoid', depth: 20, width: 32, batch: 32 },
        { activation: 'relu', depth: 20, width: 32, batch: 32 },
      ],
      { onProgress: (p) => seen.push(p) },
    );
    expect(reports.map((r) => r.verdict)).toEqual(['vanishing', 'healthy']);
    // Per pass: the input node, then linear and activation per layer.
    const nodes = 1 + 2 * 20;
    expect(seen.filter((p) => p.run === 0)).toHaveLength(2 * nodes);
    expect(seen.at(-1)).toMatchObject({
      type: 'progress',
      run: 1,
      runs: 2,
      step: 2 * nodes,
      total: 2 * nodes,
    });
  });

  it('runs a layer graph (the model check of a read model), with progress', async () => {
    const seen: Progress[] = [];
    const report = await graphInWorker(
      workerPath,
      {
        graph: {
          nodes: [
            { id: 'x', inputs: [], op: { op: 'input', shape: [8, 3, 6, 6] } },
            {
              id: 'conv',
              inputs: ['x'],
              row: 'conv1',
              op: {
                op: 'conv',
                dims: 2,
                inChannels: 3,
                outChannels: 4,
                kernel: [3, 3],
                stride: [1, 1],
                padding: [1, 1],
                paddingMode: 'zeros',
                dilation: [1, 1],
                groups: 1,
                weight: { init: { kind: 'kaiming_uniform', a: Math.sqrt(5) } },
                bias: { init: { kind: 'torch_bias' } },
              },
            },
            { id: 'relu', inputs: ['conv'], row: 'conv1', op: { op: 'activation', id: 'relu' } },
          ],
          output: 'relu',
        },
        options: { seed: 0, dtype: 'float32' },
        config: { model: 'tiny' },
        title: 'tiny',
      },
      { onProgress: (p) => seen.push(p) },
    );
    expect(report.rows!.map((r) => r.row)).toEqual(['conv1']);
    expect(report.layers[0]).toMatchObject({ inFeatures: 3, outFeatures: 4, activation: 'relu' });
    expect(seen).toHaveLength(6);
  });

  it('stops within 100 ms of cancellation, mid-run', async () => {
    const ac = new AbortController();
    let abortedAt = 0;
    const p = checkInWorker(
      workerPath,
      [{ activation: 'relu', depth: 60, width: 512, batch: 512 }],
      {
        signal: ac.signal,
        onProgress: (q) => {
          if (q.step === 2 && !abortedAt) {
            abortedAt = performance.now();
            ac.abort();
          }
        },
      },
    );
    await expect(p).rejects.toBeInstanceOf(WorkerCancelled);
    expect(performance.now() - abortedAt).toBeLessThan(100);
  });

  it('turns a refused configuration into WorkerInputError with the message', async () => {
    await expect(
      checkInWorker(workerPath, [
        { activation: 'relu', depth: 1000, width: 100_000, batch: 100_000 },
      ]),
    ).rejects.toThrow(WorkerInputError);
    await expect(
      checkInWorker(workerPath, [{ activation: 'relu', depth: 1000, width: 100_000 }]),
    ).rejects.toThrow(/MiB/);
  });

  it('runs the self-check', async () => {
    const r = await selfCheckInWorker(workerPath);
    expect(r.rows.length).toBeGreaterThan(20);
    expect(r.rows.find((x) => x.id === 'relu')!.costVsRelu).toBe(1);
  });
});

describe('command argument and webview payload', () => {
  it('accepts one options object, an array (hover link) or {runs}', () => {
    expect(parseCommandArg({ activation: 'relu', init: 'he_normal' })).toEqual({
      configs: [{ activation: 'relu', init: 'he_normal' }],
      many: false,
    });
    expect(
      parseCommandArg([{ activation: 'leaky_relu', params: { negative_slope: 0.2 } }]).many,
    ).toBe(true);
    expect(
      parseCommandArg({ runs: [{ activation: 'relu' }, { activation: 'tanh' }] }).configs,
    ).toHaveLength(2);
  });

  it.each([
    [{ activation: 'relu', depth: 0 }, /depth/],
    [{ activation: 'relu', dropout: 1 }, /dropout/],
    [{ activation: 'relu', init: 'glorot' }, /init/],
    [{ activation: 'relu', colour: 'red' }, /colour|Unrecognized/i],
    [{ activation: 'relu', depth: 10_001 }, /depth/],
    [{ activation: 'relu', norm: 'group' }, /norm/],
    [
      { activation: 'relu', arch: 'lstm', residual: true },
      /residual does not apply to --arch lstm/,
    ],
    [{ activation: 'gelu', arch: 'rnn' }, /nn.RNN takes tanh or relu, got 'gelu'/],
    [{ activation: 'relu', steps: 8 }, /steps applies to recurrent archs/],
    [{ activation: 'relu', params: { slope: 1 } }, /relu has no parameter 'slope'/],
    ['relu', /invalid gradient-flow options/],
  ])('refuses %j with a message naming the problem', (arg, msg) => {
    expect(() => parseCommandArg(arg)).toThrow(msg);
  });

  it('accepts the gradflow2 options', () => {
    expect(
      parseCommandArg({ activation: 'relu', norm: 'batch', residual: true }).configs[0],
    ).toEqual({ activation: 'relu', norm: 'batch', residual: true });
    expect(parseCommandArg({ activation: 'tanh', arch: 'gru', steps: 64 }).configs[0]).toEqual({
      activation: 'tanh',
      arch: 'gru',
      steps: 64,
    });
  });

  it('sends non-finite numbers as null, and the schema accepts what the host sends', async () => {
    const [r] = await checkInWorker(workerPath, [
      { activation: 'relu', gain: 200, depth: 200, width: 16, batch: 16 },
    ]);
    const view = toViewReport(r!, { id: 'run-1' });
    const json = JSON.parse(JSON.stringify(view)) as unknown;
    expect(viewReportSchema.parse(json)).toEqual(view);
    expect(view.layers.some((l) => l.inputGradRms === null || l.postStd === null)).toBe(true);
  });
});
