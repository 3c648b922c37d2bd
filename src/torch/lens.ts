/**
 * What the "Check with PyTorch" CodeLens says and runs, per model and trust state. Pure: the
 * adapter (register.ts) wraps it in a vscode.CodeLens.
 */
import type { FoundModel } from '../model/read/index';

export const TORCH_COMMAND = 'activationLens.checkWithTorch';
export const RESTRICTED_REASON =
  'Check with PyTorch runs this file’s definitions in your Python: trust the workspace to enable it';

/** The expression a lens builds: the first instantiation written in the file, else the reader's. */
export function defaultExpression(m: Pick<FoundModel, 'name' | 'expr' | 'instantiations'>): string {
  return m.instantiations[0] ?? m.expr ?? `${m.name}()`;
}

export interface TorchLens {
  readonly title: string;
  readonly tooltip: string;
  /** Empty in restricted mode: VS Code draws a command-less lens as plain, unclickable text. */
  readonly command: string;
  /** The expression to pass after the document's URI (absent when there is no command). */
  readonly expression?: string;
}

export function torchLens(
  m: Pick<FoundModel, 'name' | 'expr' | 'instantiations'>,
  trusted: boolean,
): TorchLens {
  if (!trusted)
    return {
      title: 'Check with PyTorch (restricted mode)',
      tooltip: RESTRICTED_REASON,
      command: '',
    };
  const expression = defaultExpression(m);
  return {
    title: 'Check with PyTorch',
    tooltip: `Run ${expression} with PyTorch in your Python and set its numbers beside the simulation's`,
    command: TORCH_COMMAND,
    expression,
  };
}
