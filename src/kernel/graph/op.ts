/**
 * The interface every graph op implements, and the registry the executor looks ops up in.
 *
 * How an op registers itself: a module under ./ops/ calls
 *
 *     registerOp('linear', {
 *       arity: 1,                               // input count, or [min, max]
 *       outputShape(op, inputs) { ... },        // throw OpError('one line') on bad shapes
 *       params(op, inputs) { return { weight: { shape, spec: op.weight }, ... } },
 *       forward(ctx) { ...write ctx.output.data...; return saved },
 *       backward(ctx) { ...ACCUMULATE (+=) into ctx.gradInputs[i] and ctx.gradParams[name]... },
 *     });
 *
 * at module load, and ./ops/index.ts imports that module for its side effect (one line per
 * module). The executor (./executor.ts) imports ./ops/index.ts, so every op registered there is
 * available to every graph. Each op name has exactly one implementation; registering twice throws.
 *
 * Division of work between the executor and an op:
 * - The executor validates the graph, calls `outputShape` (prefixing the node id to any error),
 *   counts memory (outputs, parameters, their gradients, `workspaceBytes`, the largest
 *   `scratchBytes`) before allocating
 *   anything, allocates and initialises parameters from `params` (honouring `tiedTo`), allocates
 *   each node's output (zero-filled) and, in backward, zero-filled gradient buffers for the inputs
 *   and parameters that need one.
 * - The op fills `ctx.output` in forward and returns whatever it needs for backward (its "saved"
 *   state, typed by the op). In backward it ADDS its contribution to `ctx.gradInputs[i]` (null:
 *   that input needs no gradient, e.g. token ids) and to `ctx.gradParams[name]`: a tensor feeding
 *   several nodes, or a tied parameter, sums contributions from every use.
 * - Storage follows the run's dtype: every Tensor's data is a Float32Array (float32 runs) or a
 *   Float64Array (float64 runs); inputs, output, params and gradients of one run share the type.
 *   Ops may accumulate in float64 internally, but must round what they store to the run's dtype
 *   (writing into the typed array does that).
 * - Long ops call `ctx.checkCancel()` every few milliseconds of work (between samples, channels,
 *   time steps or gemm tiles): it throws CancelledError when the run was cancelled, so the run
 *   reacts within 100 ms.
 * - Dense products go through `gemm` (./gemm.ts).
 */
import type { Rng } from '../random';
import type { Buf } from './gemm';
import type { Dtype, Op, OpName, ParamSpecG, Shape } from './types';

export type { Buf } from './gemm';

/** A dense row-major tensor. `data.length` is the product of `shape`. */
export interface Tensor {
  readonly shape: Shape;
  readonly data: Buf;
}

/** The op variant for an op name, e.g. OpOf<'linear'>. */
export type OpOf<K extends OpName> = Extract<Op, { readonly op: K }>;

/** One parameter of a node: its torch-layout shape and how it is initialised. */
export interface ParamDecl {
  readonly shape: Shape;
  readonly spec: ParamSpecG;
  /**
   * For `torch_bias` (U(±1/√fan_in)): the name of the sibling parameter whose fan_in is used
   * (`weight` for Linear/Conv). Without it the bias's own fan is used.
   */
  readonly fanFrom?: string;
  /**
   * Override the fans torch.nn.init would compute from `shape` (e.g. ConvTranspose, whose weight
   * layout is in×out but whose default init still uses size(1)·receptive as fan_in — give the
   * numbers explicitly when they differ from _calculate_fan_in_and_fan_out(shape)).
   */
  readonly fans?: { readonly fanIn: number; readonly fanOut: number };
}

/** The run was cancelled (RunOptions.shouldCancel returned true). */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('gradient-flow check cancelled');
  }
}

/** Thrown by outputShape / forward on a bad configuration: one line, without the node id (the
 * executor prefixes "node <id> (<op>): "). */
export class OpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpError';
  }
}

export interface ForwardCtx<O extends Op> {
  readonly op: O;
  readonly dtype: Dtype;
  readonly inputs: readonly Tensor[];
  /** By the names `params` declared. */
  readonly params: Readonly<Record<string, Tensor>>;
  /** Pre-allocated with the shape `outputShape` returned, zero-filled. */
  readonly output: Tensor;
  /** The run's seeded stream (dropout masks, token ids). Draw in a fixed order. */
  readonly rng: Rng;
  /** Throws CancelledError if the run was cancelled; call it inside long loops. */
  readonly checkCancel: () => void;
}

export interface BackwardCtx<O extends Op, S> extends ForwardCtx<O> {
  /** What forward returned. */
  readonly saved: S;
  /** ∂L/∂output (the total over every consumer). */
  readonly gradOutput: Tensor;
  /** Accumulate into these (+=); null where the input needs no gradient. */
  readonly gradInputs: readonly (Tensor | null)[];
  /** Accumulate into these (+=), by parameter name. */
  readonly gradParams: Readonly<Record<string, Tensor>>;
}

export interface OpImpl<O extends Op, S = unknown> {
  /** Output shape from the input shapes; throw OpError (one line) when they do not fit the op. */
  outputShape(op: O, inputs: readonly Shape[]): Shape;
  /** The node's parameters by name, in torch's layout and in torch's registration order. */
  params?(op: O, inputs: readonly Shape[]): Readonly<Record<string, ParamDecl>>;
  /** How many input arguments the op takes: exact number, or [min, max] (max Infinity). */
  readonly arity: number | readonly [number, number];
  /**
   * Inputs (by position) that never receive a gradient (token ids); the executor passes null for
   * them in gradInputs.
   */
  readonly nonDifferentiableInputs?: readonly number[];
  forward(ctx: ForwardCtx<O>): S;
  backward(ctx: BackwardCtx<O, S>): void;
  /**
   * Bytes held beyond the output and the parameters (saved masks, im2col buffers, gate values
   * kept for backward), for the memory estimate made before anything is allocated.
   */
  workspaceBytes?(op: O, inputs: readonly Shape[], output: Shape, bytesPerElement: number): number;
  /**
   * Bytes needed only while the op runs and reused by the next node (conv's im2col chunks and
   * gemm's linear memory): the estimate adds the largest over the graph once, not per node.
   */
  scratchBytes?(op: O, inputs: readonly Shape[], output: Shape, bytesPerElement: number): number;
  /**
   * For rows with an activation: per unit along `unitAxis` of the output (the executor passes the
   * last axis for channels-last data such as a Linear's (N, L, F), axis 1 for (N, C, …) data from
   * convolutions), whether the derivative was zero at every position of every sample. Returns
   * the dead share in [0, 1].
   */
  deadFraction?(ctx: ForwardCtx<O>, saved: S, unitAxis: number): number;
}

// The registry stores implementations type-erased; `registerOp` is the only way in and checks
// that the op name and the implementation's op type agree.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyImpl = OpImpl<any, any>;
const registry = new Map<OpName, AnyImpl>();

export function registerOp<K extends OpName, S>(name: K, impl: OpImpl<OpOf<K>, S>): void {
  if (registry.has(name)) throw new Error(`op ${name} is registered twice`);
  registry.set(name, impl as AnyImpl);
}

export function getOp<K extends OpName>(name: K): OpImpl<OpOf<K>, unknown> | undefined {
  return registry.get(name) as OpImpl<OpOf<K>, unknown> | undefined;
}

export function registeredOps(): OpName[] {
  return [...registry.keys()];
}

/** Number of elements of a shape. */
export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A zero-filled tensor of the run's dtype. */
export function zeros(shape: Shape, dtype: Dtype): Tensor {
  const n = numel(shape);
  return { shape, data: dtype === 'float32' ? new Float32Array(n) : new Float64Array(n) };
}

/** Row-major strides of a shape. */
export function strides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** A dim index as Python accepts it (negative counts from the end); throws OpError when out of range. */
export function normDim(dim: number, rank: number, what = 'dim'): number {
  const d = dim < 0 ? dim + rank : dim;
  if (!Number.isInteger(d) || d < 0 || d >= rank)
    throw new OpError(`${what} ${dim} is out of range for a tensor of rank ${rank}`);
  return d;
}

export function shapeStr(shape: Shape): string {
  return `(${shape.join(', ')})`;
}
