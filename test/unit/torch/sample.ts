import type { TorchCheckResult } from '../../../src/torch/protocol';

/** The fields of a torch_check.py result that the tests do not vary. */
export const resultHeader = {
  ok: true,
  engine: 'torch',
  torch: '1.13.0',
  python: '/usr/bin/python3',
  file: '/m.py',
  model: 'Net()',
  seed: 0,
  dtype: 'float32',
  inputShape: [8, 16],
  tokens: null,
  outputShape: [8, 4],
  parameters: 676,
} as const satisfies Omit<TorchCheckResult, 'layers' | 'notes' | 'timing'>;
