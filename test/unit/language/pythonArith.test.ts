import { describe, expect, it } from 'vitest';
import { pythonBinaryOp } from '../../../src/language/pythonArith';

describe('pythonBinaryOp', () => {
  it('folds the arithmetic operators as Python does', () => {
    expect(pythonBinaryOp('*', 28, 28)).toBe(784);
    expect(pythonBinaryOp('/', 1, 4)).toBe(0.25);
    expect(pythonBinaryOp('**', 2, 10)).toBe(1024);
    expect(pythonBinaryOp('-', 1, 3)).toBe(-2);
  });

  it('floors // and % like Python, not like JavaScript', () => {
    expect(pythonBinaryOp('//', -7, 2)).toBe(-4);
    expect(pythonBinaryOp('%', -7, 3)).toBe(2);
    expect(pythonBinaryOp('%', 7, -3)).toBe(-2);
    expect(pythonBinaryOp('//', 512, 2)).toBe(256);
  });

  it('is undefined for other operators and non-finite results', () => {
    expect(pythonBinaryOp('@', 2, 3)).toBeUndefined();
    expect(pythonBinaryOp(undefined, 2, 3)).toBeUndefined();
    expect(pythonBinaryOp('/', 1, 0)).toBeUndefined();
    expect(pythonBinaryOp('**', 10, 400)).toBeUndefined();
  });
});
