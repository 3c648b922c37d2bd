import { describe, expect, it } from 'vitest';
import { checkModel } from '../../../src/model/check';
import { readModelsInText } from '../../../src/model/parse';
import {
  DocumentModels,
  lensTitle,
  modelAt,
  notificationText,
  parseCheckModelOptions,
  readModelConfig,
  resultLensTitles,
  rowItems,
} from '../../../src/model/present';

const TEXT = `import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
        self.head = nn.Linear(8, 2)
    def forward(self, x):
        return self.head(self.body(x))

bad = nn.Sequential(nn.Linear(4, 8), nn.Linear(9, 2))
`;

describe('what the editor shows for models', () => {
  it('titles lenses with the layer count, or with the reason a model is declined', async () => {
    const [net, bad] = await readModelsInText(TEXT);
    expect(lensTitle(net!)).toBe('Check gradient flow (2 Linear layers)');
    expect(lensTitle(bad!)).toMatch(/^Gradient flow: not checked — line 10: width mismatch/);
    expect(lensTitle(bad!).length).toBeLessThanOrEqual(31 + 80);
  });

  it('picks the model by name, around the cursor, or the only one', async () => {
    const models = await readModelsInText(TEXT);
    expect(modelAt(models, 'bad', undefined)?.name).toBe('bad');
    expect(modelAt(models, undefined, 6)?.name).toBe('Net');
    expect(modelAt(models, undefined, 10)?.name).toBe('bad');
    expect(modelAt(models, undefined, 9)).toBeUndefined();
    expect(modelAt(models.slice(0, 1), undefined, undefined)?.name).toBe('Net');
  });

  it('lists one pick item per layer with its source line and figures', async () => {
    const [net] = await readModelsInText(TEXT);
    const items = rowItems(checkModel(net!, { seed: 1 }));
    expect(items.map((i) => [i.label, i.description, i.line])).toEqual([
      ['Layer 1 · body.0 · 4→8 relu', 'line 5', 5],
      ['Layer 2 · head · 8→2 linear', 'line 6', 6],
    ]);
    expect(items[0]!.detail).toMatch(
      /^postMean \S+ · postStd \S+ · dead \d+\.\d% · ‖∂L\/∂W‖ \S+ · rms ∂L\/∂h_in \S+$/,
    );
  });

  it('reads settings with defaults for anything that is not a boolean', () => {
    expect(readModelConfig(() => undefined)).toEqual({ codeLens: true, diagnostics: true });
    expect(readModelConfig((k) => (k === 'codeLens.enabled' ? false : 'yes'))).toEqual({
      codeLens: false,
      diagnostics: true,
    });
  });

  it('validates the command options', () => {
    expect(parseCheckModelOptions(undefined)).toEqual({});
    expect(parseCheckModelOptions({ batch: 64, seed: 3, silent: true })).toEqual({
      batch: 64,
      seed: 3,
      silent: true,
    });
    expect(parseCheckModelOptions({ batch: 0 })).toMatch(/batch must be/);
    expect(parseCheckModelOptions({ seed: -1 })).toMatch(/seed must be/);
    expect(parseCheckModelOptions('fast')).toMatch(/options must be an object/);
  });

  it('reads a document once per version', async () => {
    const docs = new DocumentModels();
    let reads = 0;
    const text = () => (reads++, TEXT);
    const a = await docs.models('doc', 1, text);
    expect(await docs.models('doc', 1, text)).toBe(a);
    expect(reads).toBe(1);
    await docs.models('doc', 2, text);
    expect(reads).toBe(2);
  });
});

describe('the verdict where the lens and the notification show it', () => {
  const BN = `import torch.nn as nn
m = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.Tanh(), nn.Linear(16, 4))
`;
  it('names skipped layers before the check and the partial result after it', async () => {
    const [m] = await readModelsInText(BN);
    expect(lensTitle(m!)).toBe('Check gradient flow (2 Linear layers; BatchNorm1d skipped)');
    const r = checkModel(m!, { batch: 16 });
    expect(resultLensTitles(r)).toEqual({
      result: '⚠ partial (2 layers simulated, BatchNorm1d skipped) · healthy',
      report: 'Report',
      rerun: 'Re-run',
    });
    const n = notificationText('m', r);
    expect(n.tone).toBe('warning');
    expect(n.text).toMatch(/^m: partial \(2 layers simulated, BatchNorm1d skipped\) · healthy — /);
  });

  it('shows a vanishing model in red with its ratio for people', async () => {
    const deep = `import torch.nn as nn
m = nn.Sequential(${Array.from({ length: 10 }, () => 'nn.Linear(32, 32), nn.Sigmoid()').join(', ')}, nn.Linear(32, 2))
`;
    const [m] = await readModelsInText(deep);
    const r = checkModel(m!, { batch: 16 });
    expect(r.verdict).toBe('vanishing');
    expect(resultLensTitles(r).result).toMatch(/^✖ vanishing \d(\.\d)? × 10⁻[¹²³⁴⁵⁶⁷⁸⁹⁰]+$/);
    expect(notificationText('m', r).tone).toBe('error');
  });
});
