/**
 * Runs the worker (node only, no vscode): one Worker per request, terminated when done or when the
 * AbortSignal fires — termination stops the simulation mid-matmul, well within 100 ms.
 */
import { Worker } from 'node:worker_threads';
import type { GradientFlowReport, GraphCheck } from '../kernel/gradientFlow';
import type { SelfCheckResult } from '../kernel/selfCheck';
import type { CheckConfigArg, FromWorker, ToWorker } from './protocol';

export class WorkerCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'WorkerCancelled';
  }
}
/** The configuration was refused (bad input): show the message, not a stack. */
export class WorkerInputError extends Error {
  override name = 'WorkerInputError';
}

export interface Progress {
  readonly run: number;
  readonly runs: number;
  readonly step: number;
  readonly total: number;
}

function runWorker<T>(
  workerPath: string,
  request: ToWorker,
  accept: (m: FromWorker) => T | undefined,
  signal?: AbortSignal,
  onProgress?: (p: Progress) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(new WorkerCancelled());
    const worker = new Worker(workerPath);
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    const onAbort = (): void => finish(() => reject(new WorkerCancelled()));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'progress') return onProgress?.(m);
      if (m.type === 'error') {
        return finish(() =>
          reject(m.input ? new WorkerInputError(m.message) : new Error(m.message)),
        );
      }
      const v = accept(m);
      if (v !== undefined) finish(() => resolve(v));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`gradient-flow worker exited (code ${code})`))),
    );
    worker.postMessage(request);
  });
}

export function checkInWorker(
  workerPath: string,
  configs: CheckConfigArg[],
  opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
): Promise<GradientFlowReport[]> {
  return runWorker(
    workerPath,
    { type: 'check', configs },
    (m) => (m.type === 'reports' ? m.reports : undefined),
    opts.signal,
    opts.onProgress,
  );
}

export function selfCheckInWorker(
  workerPath: string,
  signal?: AbortSignal,
): Promise<SelfCheckResult> {
  return runWorker(
    workerPath,
    { type: 'selfcheck' },
    (m) => (m.type === 'selfcheck' ? m.result : undefined),
    signal,
  );
}

/** A layer graph (the model check of a model read from source) in the same worker. */
export function graphInWorker(
  workerPath: string,
  check: GraphCheck,
  opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
): Promise<GradientFlowReport> {
  return runWorker(
    workerPath,
    { type: 'graph', check },
    (m) => (m.type === 'report' ? m.report : undefined),
    opts.signal,
    opts.onProgress,
  );
}
