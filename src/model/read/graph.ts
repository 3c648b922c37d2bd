/**
 * Builds the layer graph (src/kernel/graph/types.ts) while forward() runs: every op appends a node
 * with the output shape the reader computed, parameters are shared by identity (weight tying
 * becomes `tiedTo` on the second use) and rows are the modules' qualified names.
 */
import type { Graph, GraphNode, Op, ParamSpecG } from '../../kernel/graph/types';
import { Decline, type ParamObj, type TensorVal } from './values';

type MutableNode = { -readonly [K in keyof GraphNode]: GraphNode[K] };

/** Nodes past this many are refused: a loop that builds a graph without end is not a model. */
const MAX_NODES = 200_000;

export class GraphBuilder {
  readonly nodes: MutableNode[] = [];
  /** Where each parameter object was first used: `nodeId.name`. */
  private readonly owners = new Map<ParamObj, string>();
  /** Parameter nodes already made for a parameter object (one per tensor per forward). */
  readonly paramNodes = new Map<ParamObj, TensorVal>();
  /** The row a leaf module call is running under (custom leaf modules tag their nodes). */
  rowStack: { row: string; kind: string }[] = [];
  /** How many times each leaf module ran in this forward. */
  private readonly runs = new Map<string, number>();

  add(
    op: Op,
    inputs: readonly TensorVal[],
    shape: readonly number[],
    line: number,
    kind?: string,
    row?: string,
    int?: boolean,
  ): TensorVal {
    if (this.nodes.length >= MAX_NODES)
      throw new Decline(line, `the graph passes ${MAX_NODES} nodes`);
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Decline(line, `shape (${shape.join(', ')}) is not a valid tensor shape`, true);
    }
    const id = `n${this.nodes.length}`;
    const outer = this.rowStack[this.rowStack.length - 1];
    const node: MutableNode = { id, inputs: inputs.map((t) => t.id), op, line };
    const r = row ?? outer?.row;
    // Nodes inside a custom leaf module show the module's kind (its row is one layer).
    const k = row === undefined && outer ? outer.kind : kind;
    if (r !== undefined) node.row = r;
    if (k !== undefined) node.kind = k;
    this.nodes.push(node);
    return { t: 'tensor', id, shape, ...(int ? { int } : {}) };
  }

  /** The ParamSpecG for a parameter used by node `nodeId` as `name`: tied after its first use. */
  param(p: ParamObj, nodeId: string, name: string, line: number): ParamSpecG {
    if (p.uninitialised)
      throw new Decline(line, 'a parameter made with torch.empty is used before any init');
    const owner = this.owners.get(p);
    if (owner !== undefined) return { init: p.init, tiedTo: owner };
    this.owners.set(p, `${nodeId}.${name}`);
    return { init: p.init };
  }

  /** The id the next node will get (parameters name their owner before the node exists). */
  nextId(): string {
    return `n${this.nodes.length}`;
  }

  node(id: string): MutableNode | undefined {
    const i = Number(id.slice(1));
    return this.nodes[i];
  }

  /** A leaf module (row) starts a run. */
  ran(row: string): void {
    this.runs.set(row, (this.runs.get(row) ?? 0) + 1);
  }

  /** Takes the row off nodes of a module that is not a leaf in PyTorch's sense (it has children,
   * such as nn.MultiheadAttention's out_proj): torch's hooks give it no row. */
  unrow(row: string, from: number): void {
    for (let i = from; i < this.nodes.length; i++) {
      const n = this.nodes[i]!;
      if (n.row === row) delete n.row;
    }
  }

  graph(output: TensorVal): Graph {
    // The "Real models" protocol scores leaf modules that run once per forward: one run of a
    // module run twice (weight sharing, a ReLU or Dropout reused) is not its row, nor are both.
    for (const n of this.nodes)
      if (n.row !== undefined && (this.runs.get(n.row) ?? 0) > 1) delete n.row;
    return { nodes: this.nodes, output: output.id };
  }
}
