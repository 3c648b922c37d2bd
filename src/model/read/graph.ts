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

  graph(output: TensorVal): Graph {
    return { nodes: this.nodes, output: output.id };
  }
}
