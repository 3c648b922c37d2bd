/**
 * Runs a model check off the extension host's thread (node only, no vscode), in the one worker
 * entry of every check (dist/worker.js, src/gradientFlow/worker.ts): the host prepares the layer
 * list and reads the findings, the worker only simulates. One Worker per request, terminated when
 * done or when the AbortSignal fires, which stops the simulation mid-node.
 */
import { networkInWorker, WorkerCancelled, WorkerInputError } from '../gradientFlow/runner';
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

export class ModelCheckCancelled extends Error {
  override name = 'ModelCheckCancelled';
  constructor() {
    super('model check cancelled');
  }
}

/** The check in the worker at `workerPath` (dist/worker.js). */
export function checkModelInWorker(
  workerPath: string,
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
  return networkInWorker(workerPath, prepared, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: (p) => opts.onProgress!(p.step, p.total) } : {}),
  }).then(
    (report) => finishCheck(model, report),
    (e: unknown) => {
      if (e instanceof WorkerCancelled) throw new ModelCheckCancelled();
      if (e instanceof WorkerInputError) throw new ModelCheckError(e.message);
      throw e;
    },
  );
}
