/**
 * The simulated column for "Check with PyTorch": the reader builds the model's graph, the engine
 * runs it with the same seed and dtype. Both the editor and the CLI use it. No `vscode`.
 */
import { runGraph } from '../kernel/graph/executor';
import type { Dtype, Graph, RowStats } from '../kernel/graph/types';
import { buildGraph } from '../model/read/index';

export type SimulatedSide = { readonly rows: readonly RowStats[] } | { readonly declined: string };

export interface Reading {
  /** The input the reader inferred (or was given): PyTorch gets the same one. */
  readonly inputShape: readonly number[] | undefined;
  /** The graph read, or why there is none (for running it elsewhere, e.g. the worker). */
  readonly graph: Graph | null;
  readonly declined: string | null;
  /** Runs the engine on the graph read (or says why there is none). */
  readonly simulate: (shouldCancel?: () => boolean) => SimulatedSide;
}

/** Reads `expr` from the file's text; the engine runs only when `simulate` is called. */
export async function readForTorch(
  text: string,
  expr: string,
  opts: { readonly inputShape?: readonly number[]; readonly seed: number; readonly dtype: Dtype },
): Promise<Reading> {
  const built = await buildGraph(
    text,
    expr,
    opts.inputShape ? { inputShape: opts.inputShape } : {},
  );
  return {
    inputShape: opts.inputShape ?? (built.ok ? built.inputShape : undefined),
    graph: built.ok ? built.graph : null,
    declined: built.ok ? null : built.reason,
    simulate(shouldCancel) {
      if (!built.ok) return { declined: built.reason };
      try {
        return {
          rows: runGraph(built.graph, {
            seed: opts.seed,
            dtype: opts.dtype,
            ...(shouldCancel ? { shouldCancel } : {}),
          }).rows,
        };
      } catch (e) {
        return { declined: (e as Error).message };
      }
    },
  };
}
