import { describe, expect, it } from 'vitest';
import { activationPickItems } from '../../../src/plot/pick';

describe('plot quick-pick items', () => {
  it('has one item per activation, searchable by every distinct spelling, with the summary as detail', () => {
    const items = activationPickItems([
      {
        id: 'gelu',
        name: 'GELU',
        summary: 'x·Φ(x)',
        spellings: [
          { qualifiedName: 'torch.nn.GELU' },
          { qualifiedName: 'keras.activations.gelu' },
          { qualifiedName: 'keras.activations.gelu' },
        ],
      },
    ]);
    expect(items).toEqual([
      {
        id: 'gelu',
        label: 'GELU',
        description: 'gelu · torch.nn.GELU · keras.activations.gelu',
        detail: 'x·Φ(x)',
      },
    ]);
  });
});
