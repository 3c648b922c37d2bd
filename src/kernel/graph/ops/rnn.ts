/**
 * nn.RNN / nn.LSTM / nn.GRU, training mode, zero initial state, PyTorch's gate order (LSTM i, f,
 * g, o; GRU r, z, n) and parameter names (weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k},
 * bias_hh_l{k}). Internally time-major; each layer's input-to-hidden products for all steps are
 * one gemm, the hidden-to-hidden product one gemm per step.
 */
import { gemm } from '../gemm';
import { OpError, registerOp, shapeStr, type Buf } from '../op';
import type { Op, Shape } from '../types';
import { gemmBlocked, positiveInt, rate } from './util';

type RnnOp = Extract<Op, { op: 'rnn' }>;

function gatesOf(mode: RnnOp['mode']): number {
  return mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
}

function geom(op: RnnOp, x: Shape): { L: number; N: number; I: number; H: number; G: number } {
  const I = positiveInt(op.inputSize, 'input_size');
  const H = positiveInt(op.hiddenSize, 'hidden_size');
  positiveInt(op.numLayers, 'num_layers');
  rate(op.dropout ?? 0, 'dropout');
  if (!['rnn_tanh', 'rnn_relu', 'lstm', 'gru'].includes(op.mode))
    throw new OpError(`unknown mode '${String(op.mode)}'`);
  if (x.length !== 3 || x[2] !== I)
    throw new OpError(
      `expects ${op.batchFirst ? '(N, L, ' : '(L, N, '}${I}) input, got ${shapeStr(x)}`,
    );
  return {
    L: op.batchFirst ? x[1]! : x[0]!,
    N: op.batchFirst ? x[0]! : x[1]!,
    I,
    H,
    G: gatesOf(op.mode),
  };
}

function alloc(n: number, like: Buf): Buf {
  return like instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

/** (N, L, C) ↔ (L, N, C). */
function swap01(src: Buf, A: number, B: number, C: number, dst: Buf, add = false): void {
  for (let a = 0; a < A; a++)
    for (let b = 0; b < B; b++) {
      const s = (a * B + b) * C;
      const d = (b * A + a) * C;
      if (add) for (let c = 0; c < C; c++) dst[d + c] = dst[d + c]! + src[s + c]!;
      else for (let c = 0; c < C; c++) dst[d + c] = src[s + c]!;
    }
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

interface LayerSaved {
  readonly x: Buf; // (L·N × in) time-major input of this layer
  readonly h: Buf; // ((L+1)·N × H), h[0] = 0
  readonly c: Buf | null; // LSTM cell states, ((L+1)·N × H)
  readonly act: Buf; // post-activation gates (L·N × G·H); GRU also keeps gh_n
  readonly ghn: Buf | null; // GRU: h W_hnᵀ + b_hn per step (L·N × H)
  /** Dropout multipliers (0 or 1/(1−p)) applied to this layer's output before the next layer. */
  readonly mask: Buf | null;
}

registerOp('rnn', {
  arity: 1,
  outputShape(op, [x]) {
    const { L, N, H } = geom(op, x!);
    return op.batchFirst ? [N, L, H] : [L, N, H];
  },
  params(op, [x]) {
    const { I, H, G } = geom(op, x!);
    const spec = { init: op.init };
    const r: Record<string, { shape: Shape; spec: typeof spec }> = {};
    for (let k = 0; k < op.numLayers; k++) {
      r[`weight_ih_l${k}`] = { shape: [G * H, k === 0 ? I : H], spec };
      r[`weight_hh_l${k}`] = { shape: [G * H, H], spec };
      if (op.bias) {
        r[`bias_ih_l${k}`] = { shape: [G * H], spec };
        r[`bias_hh_l${k}`] = { shape: [G * H], spec };
      }
    }
    return r;
  },
  workspaceBytes(op, [x], _out, b) {
    const { L, N, I, H, G } = geom(op, x!);
    const drop = op.dropout ? 2 * L * N * H : 0; // mask + dropped output
    return (
      op.numLayers * (L * N * Math.max(I, H) + 2 * (L + 1) * N * H + L * N * (G + 1) * H + drop) * b
    );
  },
  forward({ op, inputs, params, output, rng, checkCancel }) {
    const { L, N, I, H, G } = geom(op, inputs[0]!.shape);
    const GH = G * H;
    let x: Buf = inputs[0]!.data;
    if (op.batchFirst) {
      const t = alloc(x.length, x);
      swap01(x, N, L, I, t);
      x = t;
    }
    const layers: LayerSaved[] = [];
    let inW = I;
    for (let k = 0; k < op.numLayers; k++) {
      const wih = params[`weight_ih_l${k}`]!.data;
      const whh = params[`weight_hh_l${k}`]!.data;
      const bih = params[`bias_ih_l${k}`]?.data;
      const bhh = params[`bias_hh_l${k}`]?.data;
      const input = x;
      const xi = alloc(L * N * GH, x);
      gemmBlocked(
        {
          transA: false,
          transB: true,
          m: L * N,
          n: GH,
          k: inW,
          alpha: 1,
          a: x,
          lda: inW,
          b: wih,
          ldb: inW,
          beta: 0,
          c: xi,
          ldc: GH,
        },
        checkCancel,
      );
      if (bih)
        for (let r = 0; r < L * N; r++)
          for (let j = 0; j < GH; j++) xi[r * GH + j] = xi[r * GH + j]! + bih[j]!;
      const h = alloc((L + 1) * N * H, x);
      const c = op.mode === 'lstm' ? alloc((L + 1) * N * H, x) : null;
      const ghn = op.mode === 'gru' ? alloc(L * N * H, x) : null;
      const hh = alloc(N * GH, x);
      for (let t = 0; t < L; t++) {
        checkCancel();
        gemm({
          transA: false,
          transB: true,
          m: N,
          n: GH,
          k: H,
          alpha: 1,
          a: h,
          aOffset: t * N * H,
          lda: H,
          b: whh,
          ldb: H,
          beta: 0,
          c: hh,
          ldc: GH,
        });
        if (bhh)
          for (let r = 0; r < N; r++)
            for (let j = 0; j < GH; j++) hh[r * GH + j] = hh[r * GH + j]! + bhh[j]!;
        const ho = (t + 1) * N * H;
        const hp = t * N * H;
        for (let r = 0; r < N; r++) {
          const a = (t * N + r) * GH; // row in xi / act
          const q = r * GH; // row in hh
          for (let j = 0; j < H; j++) {
            const out = ho + r * H + j;
            if (op.mode === 'rnn_tanh' || op.mode === 'rnn_relu') {
              const v = xi[a + j]! + hh[q + j]!;
              h[out] = op.mode === 'rnn_tanh' ? Math.tanh(v) : Math.max(0, v);
              xi[a + j] = h[out]!;
            } else if (op.mode === 'lstm') {
              const i = sigmoid(xi[a + j]! + hh[q + j]!);
              const f = sigmoid(xi[a + H + j]! + hh[q + H + j]!);
              const g = Math.tanh(xi[a + 2 * H + j]! + hh[q + 2 * H + j]!);
              const o = sigmoid(xi[a + 3 * H + j]! + hh[q + 3 * H + j]!);
              xi[a + j] = i;
              xi[a + H + j] = f;
              xi[a + 2 * H + j] = g;
              xi[a + 3 * H + j] = o;
              c![out] = f * c![hp + r * H + j]! + i * g;
              h[out] = o * Math.tanh(c![out]!);
            } else {
              const rr = sigmoid(xi[a + j]! + hh[q + j]!);
              const z = sigmoid(xi[a + H + j]! + hh[q + H + j]!);
              const gn = hh[q + 2 * H + j]!;
              const n = Math.tanh(xi[a + 2 * H + j]! + rr * gn);
              xi[a + j] = rr;
              xi[a + H + j] = z;
              xi[a + 2 * H + j] = n;
              ghn![(t * N + r) * H + j] = gn;
              h[out] = (1 - z) * n + z * h[hp + r * H + j]!;
            }
          }
        }
      }
      x = h.subarray(N * H);
      // torch's stacked RNNs drop each layer's output except the last's (training mode), drawn
      // in time-major order like the rest of the layer.
      let mask: Buf | null = null;
      if (op.dropout && k < op.numLayers - 1) {
        const keep = 1 - op.dropout;
        const scale = 1 / keep;
        mask = alloc(x.length, x);
        const dropped = alloc(x.length, x);
        for (let i = 0; i < x.length; i++) {
          const m = rng.uniform() < keep ? scale : 0;
          mask[i] = m;
          dropped[i] = x[i]! * m;
        }
        x = dropped;
      }
      layers.push({ x: input, h, c, act: xi, ghn, mask });
      inW = H;
    }
    if (op.batchFirst) swap01(x, L, N, H, output.data);
    else output.data.set(x);
    return layers;
  },
  backward({ op, inputs, params, saved, gradOutput, gradInputs, gradParams, checkCancel }) {
    const { L, N, I, H, G } = geom(op, inputs[0]!.shape);
    const GH = G * H;
    const like = gradOutput.data;
    let dH = alloc(L * N * H, like);
    if (op.batchFirst) swap01(gradOutput.data, N, L, H, dH);
    else dH.set(gradOutput.data);
    for (let k = op.numLayers - 1; k >= 0; k--) {
      const { x, h, c, act, ghn } = saved[k]!;
      const inW = k === 0 ? I : H;
      const whh = params[`weight_hh_l${k}`]!.data;
      const wih = params[`weight_ih_l${k}`]!.data;
      const gwhh = gradParams[`weight_hh_l${k}`]!.data;
      const gwih = gradParams[`weight_ih_l${k}`]!.data;
      const gbih = gradParams[`bias_ih_l${k}`]?.data;
      const gbhh = gradParams[`bias_hh_l${k}`]?.data;
      const dGI = alloc(L * N * GH, like); // ∂ of the input-side pre-activations, all steps
      const dGH = alloc(N * GH, like); // ∂ of the hidden-side pre-activations, one step
      const dh = alloc(N * H, like); // ∂L/∂h_t carried back through time
      const dc = c ? alloc(N * H, like) : null;
      for (let t = L - 1; t >= 0; t--) {
        checkCancel();
        const ho = (t + 1) * N * H;
        const hp = t * N * H;
        for (let r = 0; r < N; r++) {
          const a = (t * N + r) * GH;
          const q = r * GH;
          for (let j = 0; j < H; j++) {
            const e = r * H + j;
            const g = dh[e]! + dH[t * N * H + e]!;
            if (op.mode === 'rnn_tanh' || op.mode === 'rnn_relu') {
              const hv = h[ho + e]!;
              const da = op.mode === 'rnn_tanh' ? g * (1 - hv * hv) : hv > 0 ? g : 0;
              dGI[a + j] = da;
              dGH[q + j] = da;
            } else if (op.mode === 'lstm') {
              const i = act[a + j]!;
              const f = act[a + H + j]!;
              const gg = act[a + 2 * H + j]!;
              const o = act[a + 3 * H + j]!;
              const tc = Math.tanh(c![ho + e]!);
              const dcv = dc![e]! + g * o * (1 - tc * tc);
              const vi = dcv * gg * i * (1 - i);
              const vf = dcv * c![hp + e]! * f * (1 - f);
              const vg = dcv * i * (1 - gg * gg);
              const vo = g * tc * o * (1 - o);
              dGI[a + j] = dGH[q + j] = vi;
              dGI[a + H + j] = dGH[q + H + j] = vf;
              dGI[a + 2 * H + j] = dGH[q + 2 * H + j] = vg;
              dGI[a + 3 * H + j] = dGH[q + 3 * H + j] = vo;
              dc![e] = dcv * f;
            } else {
              const rr = act[a + j]!;
              const z = act[a + H + j]!;
              const n = act[a + 2 * H + j]!;
              const gn = ghn![(t * N + r) * H + j]!;
              const hprev = h[hp + e]!;
              const dan = g * (1 - z) * (1 - n * n);
              const dz = g * (hprev - n) * z * (1 - z);
              const dr = dan * gn * rr * (1 - rr);
              dGI[a + j] = dGH[q + j] = dr;
              dGI[a + H + j] = dGH[q + H + j] = dz;
              dGI[a + 2 * H + j] = dan;
              dGH[q + 2 * H + j] = dan * rr;
              // The direct path h_prev → h (through z's complement) joins the recurrent one below.
              dh[e] = g * z;
            }
          }
        }
        gemm({
          transA: true,
          transB: false,
          m: GH,
          n: H,
          k: N,
          alpha: 1,
          a: dGH,
          lda: GH,
          b: h,
          bOffset: hp,
          ldb: H,
          beta: 1,
          c: gwhh,
          ldc: H,
        });
        if (gbhh)
          for (let r = 0; r < N; r++)
            for (let j = 0; j < GH; j++) gbhh[j] = gbhh[j]! + dGH[r * GH + j]!;
        gemm({
          transA: false,
          transB: false,
          m: N,
          n: H,
          k: GH,
          alpha: 1,
          a: dGH,
          lda: GH,
          b: whh,
          ldb: H,
          beta: op.mode === 'gru' ? 1 : 0,
          c: dh,
          ldc: H,
        });
      }
      gemmBlocked(
        {
          transA: true,
          transB: false,
          m: GH,
          n: inW,
          k: L * N,
          alpha: 1,
          a: dGI,
          lda: GH,
          b: x,
          ldb: inW,
          beta: 1,
          c: gwih,
          ldc: inW,
        },
        checkCancel,
      );
      if (gbih)
        for (let r = 0; r < L * N; r++)
          for (let j = 0; j < GH; j++) gbih[j] = gbih[j]! + dGI[r * GH + j]!;
      const dX = alloc(L * N * inW, like);
      gemmBlocked(
        {
          transA: false,
          transB: false,
          m: L * N,
          n: inW,
          k: GH,
          alpha: 1,
          a: dGI,
          lda: GH,
          b: wih,
          ldb: inW,
          beta: 0,
          c: dX,
          ldc: inW,
        },
        checkCancel,
      );
      dH = dX;
      const below = saved[k - 1]?.mask;
      if (below) for (let i = 0; i < dH.length; i++) dH[i] = dH[i]! * below[i]!;
    }
    const gx = gradInputs[0]?.data;
    if (!gx) return;
    if (op.batchFirst) swap01(dH, L, N, I, gx, true);
    else for (let i = 0; i < gx.length; i++) gx[i] = gx[i]! + dH[i]!;
  },
});
