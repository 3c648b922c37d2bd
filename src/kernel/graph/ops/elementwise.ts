/**
 * Elementwise ops: input, identity, parameter, affine_const, activation, dropout, alpha_dropout,
 * softmax / log_softmax.
 */
import { checkParams } from '../../params';
import { getActivation } from '../../registry';
import type { Batch, Params } from '../../types';
import { numel, OpError, registerOp, type Buf, type Tensor } from '../op';
import type { Dtype, Shape } from '../types';
import { around, normDimOp, pacer, pieces, positiveInt, rate } from './util';

registerOp('input', {
  arity: 0,
  outputShape(op) {
    if (!Array.isArray(op.shape) || op.shape.length === 0) throw new OpError('input needs a shape');
    op.shape.forEach((d, i) => positiveInt(d, `input dimension ${i}`));
    if (op.tokens) positiveInt(op.tokens.vocab, 'vocab');
    return op.shape;
  },
  forward({ op, output, rng }) {
    const d = output.data;
    if (op.tokens) {
      const v = op.tokens.vocab;
      for (let i = 0; i < d.length; i++) d[i] = Math.min(v - 1, Math.floor(rng.uniform() * v));
    } else rng.fillNormal(d, 0, 1);
  },
  backward() {
    // An input has nothing upstream.
  },
});

registerOp('identity', {
  arity: 1,
  outputShape: (_op, [x]) => x!,
  forward({ inputs, output }) {
    output.data.set(inputs[0]!.data);
  },
  backward({ gradOutput, gradInputs }) {
    addInto(gradInputs[0], gradOutput.data);
  },
});

registerOp('parameter', {
  arity: 0,
  outputShape(op) {
    op.shape.forEach((d, i) => positiveInt(d, `parameter dimension ${i}`));
    return op.shape;
  },
  params: (op) => ({ weight: { shape: op.shape, spec: op.weight } }),
  forward({ params, output }) {
    output.data.set(params.weight!.data);
  },
  backward({ gradOutput, gradParams }) {
    addInto(gradParams.weight!, gradOutput.data);
  },
});

registerOp('affine_const', {
  arity: 1,
  outputShape(op, [x]) {
    if (!Number.isFinite(op.factor) || !Number.isFinite(op.offset ?? 0))
      throw new OpError('factor and offset must be finite');
    return x!;
  },
  forward({ op, inputs, output }) {
    const x = inputs[0]!.data;
    const y = output.data;
    const f = op.factor;
    const o = op.offset ?? 0;
    for (let i = 0; i < y.length; i++) y[i] = x[i]! * f + o;
  },
  backward({ op, gradOutput, gradInputs }) {
    const gx = gradInputs[0];
    if (!gx) return;
    const g = gradOutput.data;
    const d = gx.data;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + g[i]! * op.factor;
  },
});

/** dst += src (elementwise, same length). */
export function addInto(dst: Tensor | null | undefined, src: Buf): void {
  if (!dst) return;
  const d = dst.data;
  for (let i = 0; i < d.length; i++) d[i] = d[i]! + src[i]!;
}

/** PyTorch's AlphaDropout constant: −SELU scale·alpha, negated (aten/src/ATen/native/Dropout.cpp). */
export const ALPHA_DROPOUT_ALPHA = 1.7580993408473766;

const CHUNK = 4096;
const scratchIn = new Float64Array(CHUNK);
const scratchOut = new Float64Array(CHUNK);

/**
 * Applies a Float64 batch kernel to any storage: directly on Float64Array, through a small Float64
 * scratch on Float32Array (the kernel's result is rounded to float32 as it is stored).
 */
export function applyBatch(fn: Batch, params: Params, x: Buf, out: Buf): void {
  if (x instanceof Float64Array && out instanceof Float64Array) {
    fn(x, params, out);
    return;
  }
  for (let s = 0; s < x.length; s += CHUNK) {
    const n = Math.min(CHUNK, x.length - s);
    const xin = n === CHUNK ? scratchIn : scratchIn.subarray(0, n);
    const xout = n === CHUNK ? scratchOut : scratchOut.subarray(0, n);
    for (let i = 0; i < n; i++) xin[i] = x[s + i]!;
    fn(xin, params, xout);
    out.set(xout, s);
  }
}

/** f and f′ together: float32 input is widened once per chunk for both kernels. */
function applyBatch2(f: Batch, df: Batch, params: Params, x: Buf, out: Buf, gate: Buf): void {
  if (x instanceof Float64Array) {
    applyBatch(df, params, x, gate);
    applyBatch(f, params, x, out);
    return;
  }
  for (let s = 0; s < x.length; s += CHUNK) {
    const n = Math.min(CHUNK, x.length - s);
    const xin = n === CHUNK ? scratchIn : scratchIn.subarray(0, n);
    const xout = n === CHUNK ? scratchOut : scratchOut.subarray(0, n);
    for (let i = 0; i < n; i++) xin[i] = x[s + i]!;
    df(xin, params, xout);
    gate.set(xout, s);
    f(xin, params, xout);
    out.set(xout, s);
  }
}

function activationParams(op: { id: string; params?: Readonly<Record<string, number>> }): {
  f: Batch;
  df: Batch;
  params: Params;
} {
  const a = getActivation(op.id);
  if (!a) throw new OpError(`unknown activation '${op.id}'`);
  // The one parameter check (names, finiteness, the function's domain: Hardtanh(5, -5) is refused).
  const checked = checkParams(a, op.params);
  if (!checked.ok) throw new OpError(checked.message);
  return { f: a.fBatch, df: a.dfBatch, params: checked.params };
}

/** Share of units along `axis` whose derivative is 0 at every position of every sample. */
export function deadShare(gate: Buf, shape: Shape, axis: number): number {
  const [outer, units, inner] = shape.length === 0 ? [1, 1, 1] : around(shape, axis);
  let dead = 0;
  for (let u = 0; u < units; u++) {
    let alive = false;
    for (let o = 0; o < outer && !alive; o++) {
      const base = (o * units + u) * inner;
      for (let i = 0; i < inner; i++)
        if (gate[base + i] !== 0) {
          alive = true;
          break;
        }
    }
    if (!alive) dead++;
  }
  return dead / units;
}

/**
 * The three ops whose ∂y/∂x is one saved factor per element (act′, a dropout mask): ∂x += ∂y ⊙ s.
 * Their forward also keeps that factor at the output's size, counted as workspace.
 */
function scaleBackward(ctx: {
  readonly saved: Buf;
  readonly gradOutput: Tensor;
  readonly gradInputs: readonly (Tensor | null)[];
  readonly checkCancel: () => void;
}): void {
  const gx = ctx.gradInputs[0];
  if (!gx) return;
  const g = ctx.gradOutput.data;
  const s = ctx.saved;
  const d = gx.data;
  pieces(0, d.length, pacer(ctx.checkCancel), (i0, i1) => {
    for (let i = i0; i < i1; i++) d[i] = d[i]! + g[i]! * s[i]!;
  });
}
const scaleWorkspace = (_op: unknown, _in: unknown, out: Shape, b: number): number =>
  numel(out) * b;
const factors = (n: number, dtype: Dtype): Buf =>
  dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);

registerOp('activation', {
  arity: 1,
  outputShape(op, [x]) {
    activationParams(op);
    return x!;
  },
  workspaceBytes: scaleWorkspace,
  forward({ op, inputs, output, dtype, checkCancel }) {
    const { f, df, params } = activationParams(op);
    const x = inputs[0]!.data;
    const y = output.data;
    // act′ is kept from forward (as the old simulation did): backward then needs no input.
    const gate = factors(x.length, dtype);
    pieces(0, x.length, pacer(checkCancel), (i0, i1) =>
      applyBatch2(f, df, params, x.subarray(i0, i1), y.subarray(i0, i1), gate.subarray(i0, i1)),
    );
    return gate;
  },
  deadFraction: (ctx, gate, axis) => deadShare(gate, ctx.output.shape, axis),
  backward: scaleBackward,
});

/** Mask multipliers kept from forward; 0 where dropped. */
registerOp('dropout', {
  arity: 1,
  outputShape(op, [x]) {
    rate(op.p, 'dropout p');
    return x!;
  },
  workspaceBytes: scaleWorkspace,
  forward({ op, inputs, output, rng, dtype, checkCancel }) {
    const x = inputs[0]!.data;
    const y = output.data;
    const keep = 1 - op.p;
    const scale = 1 / keep;
    const m = factors(x.length, dtype);
    pieces(0, x.length, pacer(checkCancel), (i0, i1) => {
      for (let i = i0; i < i1; i++) {
        const k = rng.uniform() < keep ? scale : 0;
        m[i] = k;
        y[i] = x[i]! * k;
      }
    });
    return m;
  },
  backward: scaleBackward,
});

/**
 * PyTorch's alpha_dropout (aten/src/ATen/native/Dropout.cpp), training mode:
 * a = 1/√((α²p + 1)(1 − p)), b = (mask − 1)·α·a + α·a·p, y = x·(mask·a) + b; dy/dx = mask·a.
 */
registerOp('alpha_dropout', {
  arity: 1,
  outputShape(op, [x]) {
    rate(op.p, 'alpha dropout p');
    return x!;
  },
  workspaceBytes: scaleWorkspace,
  forward({ op, inputs, output, rng, dtype, checkCancel }) {
    const x = inputs[0]!.data;
    const y = output.data;
    const p = op.p;
    const al = ALPHA_DROPOUT_ALPHA;
    const a = 1 / Math.sqrt((al * al * p + 1) * (1 - p));
    const kept = al * a * p;
    const dropped = -al * a + al * a * p;
    const m = factors(x.length, dtype);
    pieces(0, x.length, pacer(checkCancel), (i0, i1) => {
      for (let i = i0; i < i1; i++) {
        if (rng.uniform() < 1 - p) {
          m[i] = a;
          y[i] = x[i]! * a + kept;
        } else {
          m[i] = 0;
          y[i] = dropped;
        }
      }
    });
    return m;
  },
  backward: scaleBackward,
});

registerOp('softmax', {
  arity: 1,
  outputShape(op, [x]) {
    normDimOp(op.dim, x!.length);
    return x!;
  },
  forward({ op, inputs, output }) {
    const shape = inputs[0]!.shape;
    softmaxForward(
      inputs[0]!.data,
      output.data,
      ...around(shape, normDimOp(op.dim, shape.length)),
      op.log ?? false,
    );
  },
  backward({ op, output, gradOutput, gradInputs }) {
    const gx = gradInputs[0];
    if (!gx) return;
    const [outer, size, inner] = around(output.shape, normDimOp(op.dim, output.shape.length));
    const y = output.data;
    const g = gradOutput.data;
    const d = gx.data;
    const log = op.log ?? false;
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let s = 0;
        for (let k = 0; k < size; k++) {
          const j = base + k * inner;
          s += log ? g[j]! : g[j]! * y[j]!;
        }
        for (let k = 0; k < size; k++) {
          const j = base + k * inner;
          // softmax: y(g − Σ g·y); log_softmax: g − exp(y)·Σ g.
          d[j] = d[j]! + (log ? g[j]! - Math.exp(y[j]!) * s : y[j]! * (g[j]! - s));
        }
      }
  },
});

/** Softmax (or log-softmax) over the middle axis of (outer, size, inner); −∞ entries get 0. */
export function softmaxForward(
  x: Buf,
  y: Buf,
  outer: number,
  size: number,
  inner: number,
  log: boolean,
): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let m = -Infinity;
      for (let k = 0; k < size; k++) m = Math.max(m, x[base + k * inner]!);
      let s = 0;
      for (let k = 0; k < size; k++) s += Math.exp(x[base + k * inner]! - m);
      const ls = Math.log(s);
      for (let k = 0; k < size; k++) {
        const j = base + k * inner;
        y[j] = log ? x[j]! - m - ls : Math.exp(x[j]! - m) / s;
      }
    }
}
