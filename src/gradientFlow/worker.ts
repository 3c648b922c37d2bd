/**
 * Worker-thread entry (dist/worker.js), the one for every check: plain checks, a model's layer
 * graph (the model check) and the self-check, off the extension host's thread. The host cancels
 * by terminating the worker, so nothing here needs to poll a flag.
 */
import { parentPort } from 'node:worker_threads';
import { enableGemmThreads } from '../gemmPool';
import { checkGraph, GradientFlowInputError, runCheck } from '../kernel/gradientFlow';
import { runSelfCheck } from '../kernel/selfCheck';
import type { FromWorker, ToWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('activation-lens worker: must run in a worker thread');
const post = (m: FromWorker): void => port.postMessage(m);
// The engine's products on every core (helpers end with this worker when the host terminates it).
enableGemmThreads();

port.on('message', (m: ToWorker) => {
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
