/**
 * Runs a model check in a worker thread (node only, no vscode): one Worker per request,
 * terminated when done or when the AbortSignal fires, which stops the simulation mid-layer.
 */
import { Worker } from 'node:worker_threads';
import { ModelCheckError, type ModelCheckOptions, type ModelCheckReport } from './check';
import type { ReadModel } from './types';

/** Options that survive structured cloning (no callbacks). */
export type WorkerCheckOptions = Omit<ModelCheckOptions, 'shouldCancel' | 'onProgress'>;

export type ToModelWorker = { readonly model: ReadModel; readonly options: WorkerCheckOptions };
export type FromModelWorker =
  | { type: 'progress'; step: number; total: number }
  | { type: 'report'; report: ModelCheckReport }
  | { type: 'error'; message: string; input: boolean };

export class ModelCheckCancelled extends Error {
  override name = 'ModelCheckCancelled';
  constructor() {
    super('model check cancelled');
  }
}

export function checkModelInWorker(
  workerPath: string,
  model: ReadModel,
  options: WorkerCheckOptions,
  opts: { signal?: AbortSignal; onProgress?: (step: number, total: number) => void } = {},
): Promise<ModelCheckReport> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new ModelCheckCancelled());
    const worker = new Worker(workerPath);
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
      finish(() => resolve(m.report));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`model-check worker exited (code ${code})`))),
    );
    const request: ToModelWorker = { model, options };
    worker.postMessage(request);
  });
}
