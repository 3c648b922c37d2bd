/**
 * Worker-thread entry (dist/modelWorker.js): runs a model check off the extension host's thread.
 * The host cancels by terminating the worker, so nothing here polls a flag.
 */
import { parentPort } from 'node:worker_threads';
import { GradientFlowInputError } from '../kernel/gradientFlow';
import { checkModel, ModelCheckError } from './check';
import type { FromModelWorker, ToModelWorker } from './runner';

const port = parentPort;
if (!port) throw new Error('activation-lens model worker: must run in a worker thread');
const post = (m: FromModelWorker): void => port.postMessage(m);

port.on('message', (m: ToModelWorker) => {
  try {
    const report = checkModel(m.model, {
      ...m.options,
      onProgress: (step, total) => post({ type: 'progress', step, total }),
    });
    post({ type: 'report', report });
  } catch (e) {
    post({
      type: 'error',
      message: e instanceof Error ? e.message : String(e),
      input: e instanceof ModelCheckError || e instanceof GradientFlowInputError,
    });
  }
});
