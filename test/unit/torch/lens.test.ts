import { describe, expect, it } from 'vitest';
import {
  defaultExpression,
  RESTRICTED_REASON,
  TORCH_COMMAND,
  torchLens,
} from '../../../src/torch/lens';

const gpt = {
  name: 'GPT',
  expr: 'GPT(GPTConfig())',
  instantiations: ['GPT(GPTConfig(n_layer=4))'],
};

describe('the Check with PyTorch lens', () => {
  it('runs the first instantiation written in the file, else the reader default, else Name()', () => {
    expect(defaultExpression(gpt)).toBe('GPT(GPTConfig(n_layer=4))');
    expect(defaultExpression({ ...gpt, instantiations: [] })).toBe('GPT(GPTConfig())');
    expect(defaultExpression({ name: 'Net', instantiations: [] })).toBe('Net()');
  });

  it('in a trusted workspace: the command with the expression', () => {
    expect(torchLens(gpt, true)).toEqual({
      title: 'Check with PyTorch',
      tooltip:
        "Run GPT(GPTConfig(n_layer=4)) with PyTorch in your Python and set its numbers beside the simulation's",
      command: TORCH_COMMAND,
      expression: 'GPT(GPTConfig(n_layer=4))',
    });
  });

  it('in restricted mode: shown without a command, with the reason', () => {
    expect(torchLens(gpt, false)).toEqual({
      title: 'Check with PyTorch (restricted mode)',
      tooltip: RESTRICTED_REASON,
      command: '',
    });
    expect(RESTRICTED_REASON).toMatch(/trust the workspace/);
  });
});
