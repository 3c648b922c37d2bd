/**
 * Worker-thread entry (dist/worker.js), the one for every check: plain checks, a model's layer
 * graph (the model check) and the self-check, off the extension host's thread. The host cancels
 * by terminating the worker, so nothing here needs to poll a flag.
 */
import { parentPort } from 'node:worker_threads';
import { enableGemmThreads } from '../gemmPool';
import { checkGraph, GradientFlowInputError, runCheck } from '../kernel/gradientFlow';
import { runSelfCheck } from '../kernel/selfCheck';
import { DocumentReader } from '../model/read/documents';
import type { BuildAndCheck, FromWorker, ToWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('activation-lens worker: must run in a worker thread');
const post = (m: FromWorker): void => port.postMessage(m);
// The engine's products on every core (helpers end with this worker when the host terminates it).
enableGemmThreads();

const reader = new DocumentReader();

/** The model check entirely here: build from the cached tree, then run the graph. */
async function buildAndCheck(id: number, r: BuildAndCheck): Promise<FromWorker> {
  const built = await reader.build(r.doc, r.expr, {
    ...(r.framework ? { framework: r.framework } : {}),
    ...(r.inputShape ? { inputShape: r.inputShape } : {}),
    ...(r.batch !== undefined ? { batch: r.batch } : {}),
  });
  if (!built.ok) return { type: 'declined', id, reason: built.reason };
  const report = checkGraph(
    built.graph,
    {
      seed: r.seed,
      dtype: r.dtype,
      onProgress: (step, total) => post({ type: 'progress', id, run: 0, runs: 1, step, total }),
    },
    {
      model: r.expr,
      framework: r.shownFramework,
      file: r.doc.uri,
      inputShape: built.inputShape,
      seed: r.seed,
      dtype: r.dtype,
      assumptions: built.notes,
      ratioLimit: r.ratioLimit,
      deadWarning: r.deadWarning,
    },
    `${r.expr} · ${r.shownFramework} · input ${built.inputShape.join('×')}`,
    r.thresholds,
  );
  return {
    type: 'checked',
    id,
    report,
    built: { graph: built.graph, inputShape: built.inputShape, notes: built.notes },
  };
}

/** The model reader's requests: answered in order of completion, each by its id. */
function answer(id: number, work: Promise<FromWorker>): void {
  work.then(post, (e: unknown) =>
    post({
      type: 'error',
      id,
      message: e instanceof Error ? e.message : String(e),
      input: e instanceof GradientFlowInputError,
    }),
  );
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'models') {
    return answer(
      m.id,
      reader.models(m.doc).then((r) => ({ type: 'models', id: m.id, ...r })),
    );
  }
  if (m.type === 'build+check') return answer(m.id, buildAndCheck(m.id, m.request));
  if (m.type === 'forget') return reader.forget(m.uri);
  try {
    if (m.type === 'selfcheck') {
      post({ type: 'selfcheck', result: runSelfCheck() });
      return;
    }
    if (m.type === 'graph') {
      const p = m.check;
      const onProgress = (step: number, total: number): void =>
        post({ type: 'progress', run: 0, runs: 1, step, total });
      post({
        type: 'report',
        report: checkGraph(
          p.graph,
          { ...p.options, onProgress },
          p.config,
          p.title,
          p.thresholds,
        ),
      });
      return;
    }
    const reports = m.configs.map((config, run) =>
      runCheck(config, {
        onProgress: (step, total) =>
          post({ type: 'progress', run, runs: m.configs.length, step, total }),
      }),
    );
    post({ type: 'reports', reports });
  } catch (e) {
    post({
      type: 'error',
      message: e instanceof Error ? e.message : String(e),
      input: e instanceof GradientFlowInputError,
    });
  }
});
