import { describe, expect, it } from 'vitest';
import { parsePlotArgs } from '../../../src/plot/args';

describe('plot command arguments', () => {
  it('takes {id, params}, a list of them (command links), or a bare id', () => {
    expect(parsePlotArgs([{ id: 'gelu', params: {} }])).toEqual({
      kind: 'curves',
      curves: [{ id: 'gelu', params: {} }],
    });
    expect(parsePlotArgs([[{ id: 'gelu' }, { id: 'elu', params: { alpha: 2 } }]])).toEqual({
      kind: 'curves',
      curves: [{ id: 'gelu' }, { id: 'elu', params: { alpha: 2 } }],
    });
    expect(parsePlotArgs(['relu'])).toEqual({ kind: 'curves', curves: [{ id: 'relu' }] });
  });

  it('treats nothing, or the editor URI from a context menu, as "ask the user"', () => {
    expect(parsePlotArgs([])).toEqual({ kind: 'none' });
    expect(parsePlotArgs([undefined])).toEqual({ kind: 'none' });
    expect(parsePlotArgs([{ scheme: 'file', path: '/a.py', authority: '' }])).toEqual({
      kind: 'none',
    });
  });

  it('refuses malformed arguments with a message (never throws)', () => {
    for (const bad of [
      42,
      { id: 3 },
      { id: 'gelu', params: { alpha: 'x' } },
      { id: 'gelu', params: { alpha: NaN } },
      [],
      [{}],
    ]) {
      const r = parsePlotArgs([bad]);
      expect(r.kind).toBe('invalid');
      if (r.kind === 'invalid') expect(r.message).toMatch(/expects \{id, params\}/);
    }
  });
});
