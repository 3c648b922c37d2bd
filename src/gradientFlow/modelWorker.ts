/**
 * The model reader's worker (node only, no vscode): one long-lived worker that keeps each
 * document's parsed tree between requests, so the lenses' listing and a check's build run off the
 * extension host's thread. Cancelling a request terminates the worker (within 100 ms, mid-matmul
 * if need be); a terminated or crashed worker fails what it had pending with one line and the next
 * request starts a fresh one.
 */
import { Worker } from 'node:worker_threads';
import type { GradientFlowReport } from '../kernel/gradientFlow';
import type { FoundModel } from '../model/read/index';
import type { BuildAndCheck, BuiltModel, FromWorker, ToWorker, WorkerDocument } from './protocol';
import { WorkerCancelled, WorkerInputError, type Progress } from './runner';

type Reply = Extract<FromWorker, { id?: number }>;
interface Pending {
  readonly resolve: (m: Reply) => void;
  readonly reject: (e: Error) => void;
  readonly onProgress?: (p: Progress) => void;
}

export type CheckedInWorker =
  | { readonly ok: true; readonly report: GradientFlowReport; readonly built: BuiltModel }
  | { readonly ok: false; readonly reason: string };

export class ModelWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly workerPath: string) {}

  /** Every model of the document (readModels' contract). */
  async models(doc: WorkerDocument): Promise<{ models: FoundModel[]; declined?: string }> {
    const m = await this.request((id) => ({ type: 'models', id, doc }));
    if (m.type !== 'models') throw new Error(`model worker: unexpected '${m.type}'`);
    return m.declined !== undefined
      ? { models: m.models, declined: m.declined }
      : { models: m.models };
  }

  /** Builds the model and runs its graph; a build the reader declines comes back as its reason. */
  async buildAndCheck(
    request: BuildAndCheck,
    opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
  ): Promise<CheckedInWorker> {
    const m = await this.request(
      (id) => ({ type: 'build+check', id, request }),
      opts.signal,
      opts.onProgress,
    );
    if (m.type === 'declined') return { ok: false, reason: m.reason };
    if (m.type === 'checked') return { ok: true, report: m.report, built: m.built };
    throw new Error(`model worker: unexpected '${m.type}'`);
  }

  /** The document is closed: its tree can go. */
  forget(uri: string): void {
    this.worker?.postMessage({ type: 'forget', uri } satisfies ToWorker);
  }

  dispose(): void {
    this.stop(new WorkerCancelled());
  }

  private request(
    make: (id: number) => ToWorker,
    signal?: AbortSignal,
    onProgress?: (p: Progress) => void,
  ): Promise<Reply> {
    if (signal?.aborted) return Promise.reject(new WorkerCancelled());
    const id = this.nextId++;
    const worker = this.start();
    return new Promise<Reply>((resolve, reject) => {
      const onAbort = (): void => {
        // The worker may be mid-simulation: only terminating it stops it now.
        if (this.worker === worker) this.stop(new WorkerCancelled());
      };
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      worker.ref();
      this.pending.set(id, {
        resolve: (m) => (done(), resolve(m)),
        reject: (e) => (done(), reject(e)),
        ...(onProgress ? { onProgress } : {}),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage(make(id));
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath);
    this.worker = worker;
    worker.on('message', (m: FromWorker) => {
      const id = 'id' in m ? m.id : undefined;
      const p = id !== undefined ? this.pending.get(id) : undefined;
      if (!p || id === undefined) return;
      if (m.type === 'progress') return p.onProgress?.(m);
      this.pending.delete(id);
      // Idle, it must not keep a CLI or test process alive.
      if (this.pending.size === 0) worker.unref();
      if (m.type === 'error')
        return p.reject(m.input ? new WorkerInputError(m.message) : new Error(m.message));
      p.resolve(m as Reply);
    });
    const lost = (why: string): void => {
      if (this.worker === worker) this.stop(new Error(`the model worker stopped (${why})`));
    };
    worker.on('error', (e) => lost(e.message.split('\n')[0] ?? 'error'));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    return worker;
  }

  /** Ends the worker and fails everything it had pending; the next request starts a fresh one. */
  private stop(reason: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(reason);
  }
}
