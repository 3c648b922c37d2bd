/**
 * Runs a model check off the extension host's thread (node only, no vscode). The worker is a few
 * lines of inline source over the kernel bundle the extension already ships (dist/kernel.js),
 * so the check costs no extra bundle in the .vsix; the host prepares the layer list and reads the
 * findings, the worker only simulates. One Worker per request, terminated when done or when the
 * AbortSignal fires, which stops the simulation mid-layer.
 */
import { Worker } from 'node:worker_threads';
import type { GradientFlowReport } from '../kernel/gradientFlow';
import {
  finishCheck,
  ModelCheckError,
  prepareCheck,
  type ModelCheckOptions,
  type ModelCheckReport,
  type PreparedCheck,
} from './check';
import type { ReadModel } from './types';

/** Options that survive structured cloning (no callbacks). */
export type WorkerCheckOptions = Omit<ModelCheckOptions, 'shouldCancel' | 'onProgress'>;

export type FromModelWorker =
  | { type: 'progress'; step: number; total: number }
  | { type: 'report'; report: GradientFlowReport }
  | { type: 'error'; message: string; input: boolean };

// Plain CommonJS, evaluated by the Worker: `kernelPath` comes in workerData, a PreparedCheck in
// the one message; structured clone carries NaN and ±Infinity unchanged.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const kernel = require(workerData.kernelPath);
parentPort.once('message', (p) => {
  try {
    const onProgress = (step, total) => parentPort.postMessage({ type: 'progress', step, total });
    const report = kernel.checkNetwork(p.layers, { ...p.options, onProgress }, p.config, p.title);
    parentPort.postMessage({ type: 'report', report });
  } catch (e) {
    parentPort.postMessage({
      type: 'error',
      message: e instanceof Error ? e.message : String(e),
      input: !!e && e.name === 'GradientFlowInputError',
    });
  }
});
`;

export class ModelCheckCancelled extends Error {
  override name = 'ModelCheckCancelled';
  constructor() {
    super('model check cancelled');
  }
}

/** The check in a worker that loads the kernel bundle at `kernelPath` (dist/kernel.js). */
export function checkModelInWorker(
  kernelPath: string,
  model: ReadModel,
  options: WorkerCheckOptions,
  opts: { signal?: AbortSignal; onProgress?: (step: number, total: number) => void } = {},
): Promise<ModelCheckReport> {
  let prepared: PreparedCheck;
  try {
    prepared = prepareCheck(model, options);
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new ModelCheckCancelled());
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { kernelPath } });
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    const onAbort = (): void => finish(() => reject(new ModelCheckCancelled()));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: FromModelWorker) => {
      if (m.type === 'progress') return opts.onProgress?.(m.step, m.total);
      if (m.type === 'error') {
        return finish(() =>
          reject(m.input ? new ModelCheckError(m.message) : new Error(m.message)),
        );
      }
      finish(() => resolve(finishCheck(model, m.report)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`model-check worker exited (code ${code})`))),
    );
    worker.postMessage(prepared);
  });
}
