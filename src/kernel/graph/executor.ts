/**
 * Runs a layer graph (./types.ts): validation and shape inference, a memory estimate from the
 * shapes before anything is allocated, parameter initialisation, forward, loss Σ out ⊙ G with
 * G ~ N(0, 1), reverse-mode backward with gradients summed per tensor, clip_grad_norm_, and the
 * statistics per row that RowStats documents.
 *
 * Draw order (one seeded stream, so a seed fixes the run): every input node's data in graph order,
 * then every parameter in graph order, then whatever ops draw in forward (dropout masks), then G.
 * The plain check's historical order (X, weights, masks, G) is the same.
 */
import { createRng, isValidSeed } from '../random';
import {
  CancelledError,
  getOp,
  numel,
  OpError,
  shapeStr,
  zeros,
  type BackwardCtx,
  type ForwardCtx,
  type OpImpl,
  type ParamDecl,
  type Tensor,
} from './op';
import './ops';
import { initProblem, initTensor, torchFans } from './init';
import type {
  Dtype,
  Graph,
  GraphNode,
  GraphRunResult,
  Op,
  RowStats,
  RunOptions,
  Shape,
} from './types';

/** A graph the engine cannot run; the message is one line meant for the user. */
export class GraphError extends Error {
  override name = 'GraphError';
}

export const DEFAULT_MEMORY_LIMIT = 1024 ** 3;
/** Largest graph accepted, in nodes (a plain check of depth 10 000 with norm and residual is ~40 000). */
export const MAX_GRAPH_NODES = 200_000;
/** Largest tensor, in elements (typed arrays beyond 2³¹ are not portable). */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

interface ParamSlot {
  readonly name: string;
  readonly decl: ParamDecl;
  /** Index into the run's unique parameter storage (tied parameters share one). */
  readonly storage: number;
}

export interface CompiledNode {
  readonly node: GraphNode;
  readonly index: number;
  readonly impl: OpImpl<Op, unknown>;
  readonly inputs: readonly number[];
  readonly inShapes: readonly Shape[];
  readonly outShape: Shape;
  readonly params: readonly ParamSlot[];
}

export interface CompiledGraph {
  readonly nodes: readonly CompiledNode[];
  readonly output: number;
  /** Unique parameter tensors: owner key `node.param`, shape, decl. */
  readonly storage: readonly {
    readonly key: string;
    readonly shape: Shape;
    readonly decl: ParamDecl;
    readonly fansFrom: Shape;
  }[];
  /** Nodes whose backward runs (ancestors of the output through differentiable edges). */
  readonly needsBackward: readonly boolean[];
}

function fail(node: GraphNode | null, msg: string): never {
  throw new GraphError(node ? `node ${node.id} (${String(node.op?.op)}): ${msg}` : msg);
}

function checkShape(node: GraphNode, shape: Shape, what: string): void {
  if (!Array.isArray(shape)) fail(node, `${what} is not a shape`);
  for (const d of shape)
    if (!(Number.isInteger(d) && d > 0))
      fail(node, `${what} ${shapeStr(shape)} has a dimension that is not a positive integer`);
}

/** After the memory check (which names the usual problem, size), the hard limit of typed arrays. */
function checkTensorSizes(g: CompiledGraph): void {
  for (const n of g.nodes) {
    if (numel(n.outShape) > MAX_TENSOR_ELEMENTS)
      fail(n.node, `output ${shapeStr(n.outShape)} has more than ${MAX_TENSOR_ELEMENTS} elements`);
    for (const p of n.params)
      if (numel(p.decl.shape) > MAX_TENSOR_ELEMENTS)
        fail(
          n.node,
          `parameter ${p.name} ${shapeStr(p.decl.shape)} has more than ${MAX_TENSOR_ELEMENTS} elements`,
        );
  }
}

/** Validates the graph and infers every shape; throws GraphError naming the node. */
export function compileGraph(graph: Graph): CompiledGraph {
  if (!graph || !Array.isArray(graph.nodes) || graph.nodes.length === 0)
    fail(null, 'the graph has no nodes');
  if (graph.nodes.length > MAX_GRAPH_NODES)
    fail(null, `the graph has ${graph.nodes.length} nodes, more than ${MAX_GRAPH_NODES}`);
  const byId = new Map<string, number>();
  const nodes: CompiledNode[] = [];
  const storage: { key: string; shape: Shape; decl: ParamDecl; fansFrom: Shape }[] = [];
  const paramIndex = new Map<string, number>();
  const pendingTies: {
    node: GraphNode;
    name: string;
    decl: ParamDecl;
    tiedTo: string;
    slots: ParamSlot[];
  }[] = [];
  graph.nodes.forEach((node, index) => {
    if (typeof node?.id !== 'string' || node.id === '') fail(null, `node ${index + 1} has no id`);
    if (byId.has(node.id)) fail(node, 'the id is used twice');
    const impl = getOp(node.op?.op);
    if (!impl) fail(node, `unknown op '${String(node.op?.op)}'`);
    if (!Array.isArray(node.inputs)) fail(node, 'inputs is not a list');
    const inputs = (node.inputs as readonly string[]).map((id: string) => {
      const i = byId.get(id);
      if (i === undefined) fail(node, `input '${id}' is not a node defined before this one`);
      return i;
    });
    const [lo, hi] = typeof impl.arity === 'number' ? [impl.arity, impl.arity] : impl.arity;
    if (inputs.length < lo || inputs.length > hi)
      fail(
        node,
        `takes ${lo === hi ? lo : hi === Infinity ? `at least ${lo}` : `${lo} to ${hi}`} input${hi === 1 ? '' : 's'}, got ${inputs.length}`,
      );
    const inShapes = inputs.map((i) => nodes[i]!.outShape);
    let outShape: Shape;
    let decls: Readonly<Record<string, ParamDecl>>;
    try {
      outShape = impl.outputShape(node.op, inShapes);
      decls = impl.params?.(node.op, inShapes) ?? {};
    } catch (e) {
      if (e instanceof OpError || e instanceof RangeError || e instanceof TypeError)
        fail(node, (e as Error).message);
      throw e;
    }
    checkShape(node, outShape, 'output');
    const params: ParamSlot[] = [];
    for (const [name, decl] of Object.entries(decls)) {
      checkShape(node, decl.shape, `parameter ${name}`);
      const problem = initProblem(decl.spec?.init);
      if (problem) fail(node, `parameter ${name}: ${problem}`);
      const key = `${node.id}.${name}`;
      if (decl.spec.tiedTo !== undefined) {
        pendingTies.push({ node, name, decl, tiedTo: decl.spec.tiedTo, slots: params });
        continue;
      }
      const fansFrom = decl.fanFrom !== undefined ? decls[decl.fanFrom]?.shape : decl.shape;
      if (!fansFrom) fail(node, `parameter ${name} takes its fan from unknown '${decl.fanFrom}'`);
      paramIndex.set(key, storage.length);
      params.push({ name, decl, storage: storage.length });
      storage.push({ key, shape: decl.shape, decl, fansFrom });
    }
    byId.set(node.id, index);
    nodes.push({ node, index, impl, inputs, inShapes, outShape, params });
  });
  // Ties resolve after every node is known: a GPT's token embedding may tie to a later head.
  for (const t of pendingTies) {
    const target = paramIndex.get(t.tiedTo);
    if (target === undefined)
      fail(
        t.node,
        `parameter ${t.name} is tied to '${t.tiedTo}', which is no parameter of the graph`,
      );
    const ts = storage[target]!.shape;
    if (
      numel(ts) !== numel(t.decl.shape) ||
      ts.length !== t.decl.shape.length ||
      ts.some((d, i) => d !== t.decl.shape[i])
    )
      fail(
        t.node,
        `parameter ${t.name} ${shapeStr(t.decl.shape)} is tied to '${t.tiedTo}' of shape ${shapeStr(ts)}`,
      );
    t.slots.push({ name: t.name, decl: t.decl, storage: target });
  }
  const output = byId.get(graph.output);
  if (output === undefined)
    fail(null, `the output '${String(graph.output)}' is not a node of the graph`);
  // Backward runs on the output's ancestors only; edges into non-differentiable inputs stop it.
  const needsBackward = new Array<boolean>(nodes.length).fill(false);
  needsBackward[output] = true;
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (!needsBackward[i]) continue;
    const n = nodes[i]!;
    const nd = n.impl.nonDifferentiableInputs ?? [];
    n.inputs.forEach((j, pos) => {
      if (!nd.includes(pos)) needsBackward[j] = true;
    });
  }
  return { nodes, output, storage, needsBackward };
}

function bytesPer(dtype: Dtype): number {
  return dtype === 'float32' ? 4 : 8;
}

/**
 * Peak bytes of a run, from the shapes alone: parameters and their gradients throughout, every
 * output and workspace until its node's backward has run, and each gradient buffer from its first
 * contribution until its producer's backward, plus the largest scratch one node needs while it
 * runs (scratchBytes: reused between nodes, so counted once). Counted in the run's element size.
 */
export function estimateGraphBytes(g: CompiledGraph, dtype: Dtype): number {
  const b = bytesPer(dtype);
  let params = 0;
  for (const s of g.storage) params += 2 * numel(s.shape);
  const work = g.nodes.map(
    (n) => n.impl.workspaceBytes?.(n.node.op, n.inShapes, n.outShape, b) ?? 0,
  );
  let live = 0;
  for (const n of g.nodes) live += numel(n.outShape) * b + work[n.index]!;
  let peak = live;
  const gradLive = new Array<boolean>(g.nodes.length).fill(false);
  const add = (i: number): void => {
    if (gradLive[i]) return;
    gradLive[i] = true;
    live += numel(g.nodes[i]!.outShape) * b;
  };
  add(g.output);
  peak = Math.max(peak, live);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (g.needsBackward[i]) {
      const nd = n.impl.nonDifferentiableInputs ?? [];
      n.inputs.forEach((j, pos) => {
        if (!nd.includes(pos) && g.needsBackward[j]) add(j);
      });
      peak = Math.max(peak, live);
    }
    live -= numel(n.outShape) * b + work[i]!;
    if (gradLive[i]) live -= numel(n.outShape) * b;
  }
  let scratch = 0;
  for (const n of g.nodes)
    scratch = Math.max(scratch, n.impl.scratchBytes?.(n.node.op, n.inShapes, n.outShape, b) ?? 0);
  return peak + params * b + scratch;
}

/** Runs an op's forward or backward; an OpError (bad data such as a token id) names the node. */
function guard<T>(n: CompiledNode, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof OpError) fail(n.node, e.message);
    throw e;
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function validateOptions(opts: RunOptions): number {
  if (!isValidSeed(opts.seed))
    fail(null, `seed must be an integer in [0, 4294967295], got ${opts.seed}`);
  if (opts.dtype !== 'float32' && opts.dtype !== 'float64')
    fail(null, `dtype must be float32 or float64, got ${String(opts.dtype)}`);
  if (opts.clipNorm !== undefined && !(opts.clipNorm > 0 && Number.isFinite(opts.clipNorm)))
    fail(null, `clip norm must be a positive finite number, got ${opts.clipNorm}`);
  // Only an absent limit means the default: null from a JSON caller is refused like NaN.
  const limit = opts.memoryLimitBytes === undefined ? DEFAULT_MEMORY_LIMIT : opts.memoryLimitBytes;
  if (typeof limit !== 'number' || Number.isNaN(limit) || limit < 0)
    fail(null, `memory limit must be a non-negative number of bytes, got ${String(limit)}`);
  return limit;
}

function meanStd(d: ArrayLike<number>, off = 0, len = d.length, stride = 1): [number, number] {
  let s = 0;
  for (let i = 0; i < len; i++) s += d[off + i * stride]!;
  const mean = s / len;
  let ss = 0;
  for (let i = 0; i < len; i++) {
    const v = d[off + i * stride]! - mean;
    ss += v * v;
  }
  return [mean, Math.sqrt(ss / len)];
}

function sumSq(d: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return s;
}

interface RowPlan {
  readonly key: string;
  readonly nodes: number[];
}

/** Ops that keep their input's layout; the unit axis is decided further up. */
const LAYOUT_KEEPING = new Set<string>([
  'activation',
  'dropout',
  'alpha_dropout',
  'affine_const',
  'add',
  'mul',
  'identity',
  'batch_norm',
  'group_norm',
  'instance_norm',
  'softmax',
  'causal_mask',
  'concat',
  'split',
  'slice',
  'bernoulli_mask',
  'exp',
  'pad',
]);
/** Ops whose output is channels-last (features on the last axis). */
const CHANNELS_LAST = new Set<string>([
  'linear',
  'embedding',
  'matmul',
  'sdpa',
  'multihead_attention',
  'rnn',
  'layer_norm',
  'rms_norm',
]);

/**
 * The axis of a node's output whose entries are the "units" of dead counting: features of a
 * Linear (the last axis, also for (N, L, F) sequences), channels of a convolution (axis 1).
 * Found by walking up through layout-keeping ops to the op that made the layout; rank ≤ 2 is
 * (N, F) either way.
 */
function unitAxis(g: CompiledGraph, i: number): number {
  const rank = g.nodes[i]!.outShape.length;
  if (rank <= 2) return Math.max(0, rank - 1);
  for (let j: number | undefined = i; j !== undefined; j = g.nodes[j]!.inputs[0]) {
    const op = g.nodes[j]!.node.op.op;
    if (LAYOUT_KEEPING.has(op)) continue;
    return CHANNELS_LAST.has(op) ? rank - 1 : 1;
  }
  return 1;
}

/** Time axis and step count of a recurrent node's input and output. */
function timeAxis(op: Op): number {
  return op.op === 'rnn' && op.batchFirst ? 1 : 0;
}

/** Per step t: RMS over the slice t of `d` along `axis` of `shape`. Also works for std (mode). */
function perStep(d: ArrayLike<number>, shape: Shape, axis: number, kind: 'rms' | 'std'): number[] {
  const T = shape[axis]!;
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  const res: number[] = [];
  for (let t = 0; t < T; t++) {
    let s = 0;
    let ss = 0;
    for (let o = 0; o < outer; o++) {
      const base = (o * T + t) * inner;
      for (let i = 0; i < inner; i++) {
        const v = d[base + i]!;
        s += v;
        ss += v * v;
      }
    }
    const n = outer * inner;
    if (kind === 'rms') res.push(Math.sqrt(ss / n));
    else {
      const m = s / n;
      res.push(Math.sqrt(Math.max(0, ss / n - m * m)));
    }
  }
  return res;
}

/** Runs the graph; throws GraphError for a graph or option it cannot run, CancelledError on cancel. */
export function runGraph(graph: Graph, opts: RunOptions): GraphRunResult {
  const limit = validateOptions(opts);
  const g = compileGraph(graph);
  const { dtype } = opts;
  const bytes = estimateGraphBytes(g, dtype);
  if (bytes > limit)
    fail(
      null,
      `this network needs about ${(bytes / 2 ** 20).toFixed(0)} MiB, more than the ${(limit / 2 ** 20).toFixed(0)} MiB limit; reduce its size or batch`,
    );
  checkTensorSizes(g);
  const t0 = now();
  const rng = createRng(opts.seed);
  const checkCancel = (): void => {
    if (opts.shouldCancel?.()) throw new CancelledError();
  };
  const N = g.nodes.length;
  const outputs: (Tensor | null)[] = new Array<Tensor | null>(N).fill(null);
  const saved: unknown[] = new Array<unknown>(N).fill(undefined);
  const paramT: Tensor[] = [];
  const paramG: Tensor[] = [];

  const nodeParams = (n: CompiledNode, from: readonly Tensor[]): Record<string, Tensor> => {
    const r: Record<string, Tensor> = {};
    for (const p of n.params) r[p.name] = from[p.storage]!;
    return r;
  };
  const fctx = (n: CompiledNode): ForwardCtx<Op> => ({
    op: n.node.op,
    dtype,
    inputs: n.inputs.map((i) => outputs[i]!),
    params: nodeParams(n, paramT),
    output: outputs[n.index]!,
    rng,
    checkCancel,
  });

  // Inputs first, then parameters (the draw order in the module comment).
  for (const n of g.nodes) {
    if (n.node.op.op !== 'input') continue;
    outputs[n.index] = zeros(n.outShape, dtype);
    saved[n.index] = n.impl.forward(fctx(n));
  }
  for (const s of g.storage) {
    const t = zeros(s.shape, dtype);
    initTensor(t.data, s.shape, s.decl.spec.init, rng, s.decl.fans ?? torchFans(s.fansFrom));
    paramT.push(t);
    paramG.push(zeros(s.shape, dtype));
  }

  // Rows, in order of first appearance.
  const rowMap = new Map<string, RowPlan>();
  g.nodes.forEach((n) => {
    const key = n.node.row;
    if (key === undefined) return;
    let r = rowMap.get(key);
    if (!r) rowMap.set(key, (r = { key, nodes: [] }));
    r.nodes.push(n.index);
  });
  const rows = [...rowMap.values()];
  const lastOfRow = new Map<number, number>();
  rows.forEach((r, ri) => lastOfRow.set(r.nodes[r.nodes.length - 1]!, ri));
  const rowPost: [number, number][] = rows.map(() => [0, 0]);
  const rowDead: number[] = rows.map(() => 0);
  const rowHidden: (number[] | null)[] = rows.map(() => null);
  const rowRecurrent: (number | null)[] = rows.map(
    (r) => r.nodes.find((i) => g.nodes[i]!.node.op.op === 'rnn') ?? null,
  );
  const deadNode = new Map<number, number>();
  rows.forEach((r, ri) => {
    for (const i of r.nodes) if (g.nodes[i]!.impl.deadFraction) deadNode.set(i, ri);
  });

  const total = N;
  let done = 0;
  for (const n of g.nodes) {
    checkCancel();
    if (n.node.op.op !== 'input') {
      outputs[n.index] = zeros(n.outShape, dtype);
      const ctx = fctx(n);
      saved[n.index] = guard(n, () => n.impl.forward(ctx));
      const ri = deadNode.get(n.index);
      if (ri !== undefined)
        rowDead[ri] = n.impl.deadFraction!(ctx, saved[n.index], unitAxis(g, n.index));
    }
    const ri = lastOfRow.get(n.index);
    if (ri !== undefined) rowPost[ri] = meanStd(outputs[n.index]!.data);
    rows.forEach((_, r) => {
      if (rowRecurrent[r] === n.index)
        rowHidden[r] = perStep(outputs[n.index]!.data, n.outShape, timeAxis(n.node.op), 'std');
    });
    opts.onProgress?.(++done, total, 'forward');
  }

  // Backward. grads[i] = ∂L/∂output_i, summed over consumers; G seeds the output.
  const grads: (Tensor | null)[] = new Array<Tensor | null>(N).fill(null);
  const out = g.nodes[g.output]!;
  const G = zeros(out.outShape, dtype);
  rng.fillNormal(G.data, 0, 1);
  grads[g.output] = G;
  // Which rows read the total gradient of which tensor: the row's first node's first input, and
  // for recurrent rows, per step, the recurrent node's own input.
  const rowInputOf: number[][] = Array.from({ length: N }, () => []);
  const stepInputOf: number[][] = Array.from({ length: N }, () => []);
  rows.forEach((r, ri) => {
    const src = g.nodes[r.nodes[0]!]!.inputs[0];
    if (src !== undefined) rowInputOf[src]!.push(ri);
    const rec = rowRecurrent[ri];
    if (rec !== null && rec !== undefined) stepInputOf[g.nodes[rec]!.inputs[0]!]!.push(ri);
  });
  const rowInRms: number[] = rows.map(() => 0);
  const rowInSteps: (number[] | null)[] = rows.map(() => null);
  const recordInputGrad = (i: number): void => {
    const gr = grads[i];
    for (const ri of rowInputOf[i]!)
      rowInRms[ri] = gr ? Math.sqrt(sumSq(gr.data) / gr.data.length) : 0;
    for (const ri of stepInputOf[i]!) {
      const shape = g.nodes[i]!.outShape;
      const axis = timeAxis(g.nodes[rowRecurrent[ri]!]!.node.op);
      rowInSteps[ri] = gr
        ? perStep(gr.data, shape, axis, 'rms')
        : new Array<number>(shape[axis]!).fill(0);
    }
  };
  done = 0;
  for (let i = N - 1; i >= 0; i--) {
    checkCancel();
    const n = g.nodes[i]!;
    recordInputGrad(i);
    if (g.needsBackward[i] && n.node.op.op !== 'input') {
      const gradOutput = grads[i] ?? zeros(n.outShape, dtype);
      const nd = n.impl.nonDifferentiableInputs ?? [];
      const gradInputs = n.inputs.map((j, pos) => {
        if (nd.includes(pos) || !g.needsBackward[j]) return null;
        return (grads[j] ??= zeros(g.nodes[j]!.outShape, dtype));
      });
      const ctx: BackwardCtx<Op, unknown> = {
        ...fctx(n),
        saved: saved[i],
        gradOutput,
        gradInputs,
        gradParams: nodeParams(n, paramG),
      };
      guard(n, () => n.impl.backward(ctx));
    }
    // Nothing later in the sweep reads this node's output, gradient or saved state.
    outputs[i] = null;
    grads[i] = null;
    saved[i] = undefined;
    opts.onProgress?.(++done, total, 'backward');
  }

  let total2 = 0;
  for (const t of paramG) total2 += sumSq(t.data);
  const totalGradNorm = Math.sqrt(total2);
  let clipping: GraphRunResult['clipping'] = null;
  if (opts.clipNorm !== undefined) {
    // torch.nn.utils.clip_grad_norm_: clip_coef = max_norm / (total_norm + 1e-6), clamped to 1.
    const coefficient = Math.min(1, opts.clipNorm / (totalGradNorm + 1e-6));
    clipping = {
      maxNorm: opts.clipNorm,
      totalNormBefore: totalGradNorm,
      totalNormAfter: totalGradNorm * coefficient,
      coefficient,
    };
  }

  const gradNorm = (
    n: CompiledNode,
    prefix: 'weight' | 'bias',
    rowNodes: readonly number[],
  ): number | null => {
    // A recurrent module the reader spread over several nodes (bidirectional: a node per
    // direction and layer) owns every one of their weights, as torch's module.parameters() does.
    const slots =
      n.node.op.op === 'rnn'
        ? rowNodes
            .map((i) => g.nodes[i]!)
            .filter((m) => m.node.op.op === 'rnn')
            .flatMap((m) => m.params.filter((p) => p.name.startsWith(`${prefix}_`)))
        : n.params.filter((p) => p.name === prefix);
    if (slots.length === 0) return null;
    let s = 0;
    for (const storage of new Set(slots.map((p) => p.storage)))
      s += sumSq(paramG[storage]!.data);
    return Math.sqrt(s);
  };
  const result: RowStats[] = rows.map((r, ri) => {
    const first = g.nodes[r.nodes[0]!]!;
    const last = g.nodes[r.nodes[r.nodes.length - 1]!]!;
    const has = (prefix: 'weight' | 'bias'): CompiledNode | undefined =>
      r.nodes
        .map((i) => g.nodes[i]!)
        .find((n) =>
          n.node.op.op === 'rnn'
            ? n.params.some((p) => p.name.startsWith(`${prefix}_`))
            : n.params.some((p) => p.name === prefix),
        );
    const wn = has('weight');
    const bn = has('bias');
    const hidden = rowHidden[ri];
    const inSteps = rowInSteps[ri];
    const row: RowStats = {
      row: r.key,
      kind: first.node.kind ?? first.node.op.op,
      line: first.node.line ?? null,
      outputShape: last.outShape,
      postMean: rowPost[ri]![0],
      postStd: rowPost[ri]![1],
      weightGradNorm: wn ? gradNorm(wn, 'weight', r.nodes) : null,
      biasGradNorm: bn ? gradNorm(bn, 'bias', r.nodes) : null,
      inputGradRms: rowInRms[ri]!,
      deadFraction: rowDead[ri]!,
      ...(hidden
        ? {
            steps: hidden.map((h, t) => ({
              step: t + 1,
              inputGradRms: inSteps?.[t] ?? 0,
              hiddenStd: h,
            })),
          }
        : {}),
    };
    return row;
  });
  return { rows: result, totalGradNorm, clipping, elapsedMs: now() - t0 };
}
