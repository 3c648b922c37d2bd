import { describe, expect, it } from 'vitest';
import { graphLensTitle, parseGraphCheckArgs, parseShapeText } from '../../../src/model/graphLens';
import type { FoundModel } from '../../../src/model/read/index';

const found = (name: string, checkable: boolean, reason?: string): FoundModel => ({
  name,
  line: 3,
  endLine: 9,
  framework: 'pytorch',
  kind: 'class',
  checkable,
  ...(reason ? { reason } : {}),
  expr: `${name}()`,
  instantiations: [],
});

describe('graph check lens and options', () => {
  it('reads typed input shapes and refuses what is not one', () => {
    expect(parseShapeText('8, 3, 32, 32')).toEqual([8, 3, 32, 32]);
    expect(parseShapeText('(8x28×28x1)')).toEqual([8, 28, 28, 1]);
    expect(parseShapeText('8,0')).toBeUndefined();
    expect(parseShapeText('eight')).toBeUndefined();
  });

  it('checks the command options at the door', () => {
    expect(parseGraphCheckArgs(undefined)).toEqual({});
    expect(
      parseGraphCheckArgs({ inputShape: [2, 4], seed: 3, dtype: 'float64', silent: true }),
    ).toEqual({ inputShape: [2, 4], seed: 3, dtype: 'float64', silent: true });
    expect(parseGraphCheckArgs({ inputShape: [2, -1] })).toMatch(/inputShape/);
    expect(parseGraphCheckArgs({ dtype: 'half' })).toMatch(/dtype/);
    expect(parseGraphCheckArgs({ batch: 32 })).toEqual({ batch: 32 });
    expect(parseGraphCheckArgs({ batch: -1 })).toMatch(/batch/);
    expect(parseGraphCheckArgs(5)).toMatch(/object/);
  });

  it('says why in the lens of a declined model, and asks for a shape when that is all it needs', () => {
    expect(graphLensTitle(found('Net', true))).toBe('Check gradient flow (pytorch)');
    expect(graphLensTitle(found('Net', false, 'line 42: torch.einsum is not read'))).toBe(
      'Not checkable: line 42: torch.einsum is not read',
    );
    expect(
      graphLensTitle(
        found('Sub', false, 'a subclassed model declares no input: give an input shape'),
      ),
    ).toMatch(/asks for an input shape/);
    expect(graphLensTitle(found('Net', false, 'x'.repeat(200))).length).toBeLessThan(110);
  });
});
