import { describe, expect, it } from 'vitest';
import { activations } from '../../../src/kernel/registry';
import { activationPickItems, pickOrder, plainText } from '../../../src/plot/pick';

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

  it('shows summaries as plain text, not TeX', () => {
    expect(plainText('σ(x) = 1/(1 + e^{−x}).')).toBe('σ(x) = 1/(1 + e⁻ˣ).');
    expect(plainText('α(e^{x/α} − 1)')).toBe('α(e^(x/α) − 1)');
    expect(plainText('log(1 + e^{βx})/β')).toBe('log(1 + eᵝˣ)/β');
    for (const item of activationPickItems(activations))
      expect(item.detail, item.id).not.toMatch(/[\\{}$]|\^\{/);
  });

  it('keeps the order in which activations were ticked', () => {
    let order: string[] = ['relu'];
    order = pickOrder(order, ['gelu', 'relu']); // the list shows gelu first
    expect(order).toEqual(['relu', 'gelu']);
    order = pickOrder(order, ['elu', 'gelu', 'relu']);
    expect(order).toEqual(['relu', 'gelu', 'elu']);
    order = pickOrder(order, ['elu', 'relu']);
    expect(order).toEqual(['relu', 'elu']);
    expect(pickOrder(order, [])).toEqual([]);
  });
});
