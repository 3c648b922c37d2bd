import { describe, expect, it } from 'vitest';
import { activationForName, curveAtCursor, dottedNameAt } from '../../../src/plot/cursor';

const all = [
  {
    id: 'gelu',
    spellings: [{ qualifiedName: 'torch.nn.GELU' }, { qualifiedName: 'torch.nn.functional.gelu' }],
  },
  { id: 'relu', spellings: [{ qualifiedName: 'torch.nn.ReLU' }, { qualifiedName: 'jax.nn.relu' }] },
  { id: 'leaky_relu', spellings: [] },
];

describe('activation at the cursor (fallback for files the recogniser does not parse)', () => {
  it('finds the dotted name around an offset, at either end too', () => {
    const line = 'y = F.gelu(x) + nn.ReLU()(x)';
    expect(dottedNameAt(line, 6)).toBe('F.gelu');
    expect(dottedNameAt(line, 4)).toBe('F.gelu');
    expect(dottedNameAt(line, 10)).toBe('F.gelu');
    expect(dottedNameAt(line, 19)).toBe('nn.ReLU');
    expect(dottedNameAt(line, 3)).toBeUndefined();
  });

  it('matches spellings by their dotted suffix, longest first, then kernel ids', () => {
    expect(activationForName('nn.GELU', all)).toBe('gelu');
    expect(activationForName('F.gelu', all)).toBe('gelu');
    expect(activationForName('jax.nn.relu', all)).toBe('relu');
    expect(activationForName('leaky_relu', all)).toBe('leaky_relu');
    expect(activationForName('nn.Linear', all)).toBeUndefined();
  });

  it('gives a curve request with default params', () => {
    expect(curveAtCursor('act = nn.ReLU()', 9, all)).toEqual({ id: 'relu', params: {} });
    expect(curveAtCursor('x = 1', 0, all)).toBeUndefined();
  });
});
