/**
 * Attention: causal_mask, sdpa (F.scaled_dot_product_attention) and multihead_attention
 * (nn.MultiheadAttention called as mha(x, x, x)). One core computes softmax(q·kᵀ·scale [+ causal
 * mask])·v per head on contiguous (L×E) blocks; every product is a gemm.
 */
import { gemm } from '../gemm';
import { numel, OpError, registerOp, shapeStr, type Buf, type OpOf, type Tensor } from '../op';
import type { Dtype, Shape } from '../types';
import { blocks, gemmBlocked, positiveInt, sameShape } from './util';

function alloc(n: number, like: Buf | Dtype): Buf {
  const f32 = like === 'float32' || like instanceof Float32Array;
  return f32 ? new Float32Array(n) : new Float64Array(n);
}

registerOp('causal_mask', {
  arity: 1,
  outputShape(_op, [x]) {
    if (x!.length < 2)
      throw new OpError(`causal_mask needs a tensor of rank ≥ 2, got ${shapeStr(x!)}`);
    return x!;
  },
  forward({ inputs, output }) {
    const [L, S] = output.shape.slice(-2) as [number, number];
    const x = inputs[0]!.data;
    const y = output.data;
    for (let b = 0; b < y.length; b += L * S)
      for (let i = 0; i < L; i++)
        for (let j = 0; j < S; j++) y[b + i * S + j] = j > i ? -Infinity : x[b + i * S + j]!;
  },
  backward({ gradOutput, gradInputs }) {
    const gx = gradInputs[0]?.data;
    if (!gx) return;
    const [L, S] = gradOutput.shape.slice(-2) as [number, number];
    const g = gradOutput.data;
    for (let b = 0; b < g.length; b += L * S)
      for (let i = 0; i < L; i++)
        for (let j = 0; j <= Math.min(i, S - 1); j++)
          gx[b + i * S + j] = gx[b + i * S + j]! + g[b + i * S + j]!;
  },
});

interface Head {
  readonly L: number;
  readonly S: number;
  readonly E: number;
  readonly Ev: number;
  readonly scale: number;
  readonly causal: boolean;
}

/** P (L×S) = softmax(q kᵀ·scale), o (L×Ev) = P v. */
function headForward(h: Head, q: Buf, k: Buf, v: Buf, P: Buf, pOff: number, o: Buf): void {
  const { L, S, E, Ev, scale } = h;
  gemm({
    transA: false,
    transB: true,
    m: L,
    n: S,
    k: E,
    alpha: scale,
    a: q,
    lda: E,
    b: k,
    ldb: E,
    beta: 0,
    c: P,
    cOffset: pOff,
    ldc: S,
  });
  for (let i = 0; i < L; i++) {
    const r = pOff + i * S;
    const lim = h.causal ? Math.min(i, S - 1) : S - 1;
    let m = -Infinity;
    for (let j = 0; j <= lim; j++) m = Math.max(m, P[r + j]!);
    let s = 0;
    for (let j = 0; j <= lim; j++) s += Math.exp(P[r + j]! - m);
    for (let j = 0; j < S; j++) P[r + j] = j <= lim ? Math.exp(P[r + j]! - m) / s : 0;
  }
  gemm({
    transA: false,
    transB: false,
    m: L,
    n: Ev,
    k: S,
    alpha: 1,
    a: P,
    aOffset: pOff,
    lda: S,
    b: v,
    ldb: Ev,
    beta: 0,
    c: o,
    ldc: Ev,
  });
}

/** Adds ∂q, ∂k, ∂v (contiguous blocks) for upstream go; gS is an L×S scratch. */
function headBackward(
  h: Head,
  q: Buf,
  k: Buf,
  v: Buf,
  P: Buf,
  pOff: number,
  go: Buf,
  gq: Buf,
  gk: Buf,
  gv: Buf,
  gS: Buf,
): void {
  const { L, S, E, Ev, scale } = h;
  gemm({
    transA: false,
    transB: true,
    m: L,
    n: S,
    k: Ev,
    alpha: 1,
    a: go,
    lda: Ev,
    b: v,
    ldb: Ev,
    beta: 0,
    c: gS,
    ldc: S,
  });
  gemm({
    transA: true,
    transB: false,
    m: S,
    n: Ev,
    k: L,
    alpha: 1,
    a: P,
    aOffset: pOff,
    lda: S,
    b: go,
    ldb: Ev,
    beta: 1,
    c: gv,
    ldc: Ev,
  });
  for (let i = 0; i < L; i++) {
    let s = 0;
    for (let j = 0; j < S; j++) s += gS[i * S + j]! * P[pOff + i * S + j]!;
    for (let j = 0; j < S; j++) gS[i * S + j] = P[pOff + i * S + j]! * (gS[i * S + j]! - s);
  }
  gemm({
    transA: false,
    transB: false,
    m: L,
    n: E,
    k: S,
    alpha: scale,
    a: gS,
    lda: S,
    b: k,
    ldb: E,
    beta: 1,
    c: gq,
    ldc: E,
  });
  gemm({
    transA: true,
    transB: false,
    m: S,
    n: E,
    k: L,
    alpha: scale,
    a: gS,
    lda: S,
    b: q,
    ldb: E,
    beta: 1,
    c: gk,
    ldc: E,
  });
}

function sdpaShapes(
  q: Shape,
  k: Shape,
  v: Shape,
): { batch: number; L: number; S: number; E: number; Ev: number } {
  if (q.length < 2 || k.length !== q.length || v.length !== q.length)
    throw new OpError(
      `sdpa needs q, k, v of one rank ≥ 2, got ${shapeStr(q)}, ${shapeStr(k)}, ${shapeStr(v)}`,
    );
  const lead = q.slice(0, -2);
  if (!sameShape(lead, k.slice(0, -2)) || !sameShape(lead, v.slice(0, -2)))
    throw new OpError(
      `sdpa q, k, v leading dims differ: ${shapeStr(q)}, ${shapeStr(k)}, ${shapeStr(v)}`,
    );
  const [L, E] = q.slice(-2) as [number, number];
  const [S, Ek] = k.slice(-2) as [number, number];
  const [Sv, Ev] = v.slice(-2) as [number, number];
  if (Ek !== E || Sv !== S)
    throw new OpError(
      `sdpa shapes do not fit: q ${shapeStr(q)}, k ${shapeStr(k)}, v ${shapeStr(v)}`,
    );
  return { batch: numel(lead), L, S, E, Ev };
}

/** An sdpa node's q, k and v, its batch count and its per-head plan (scale 1/√E by default). */
function sdpaPlan(
  op: OpOf<'sdpa'>,
  inputs: readonly Tensor[],
): { Q: Tensor; K: Tensor; V: Tensor; batch: number; h: Head } {
  const [Q, K, V] = inputs as [Tensor, Tensor, Tensor];
  const { batch, L, S, E, Ev } = sdpaShapes(Q.shape, K.shape, V.shape);
  const h: Head = { L, S, E, Ev, scale: op.scale ?? 1 / Math.sqrt(E), causal: op.causal };
  return { Q, K, V, batch, h };
}

registerOp('sdpa', {
  arity: 3,
  outputShape(op, [q, k, v]) {
    if (op.scale !== undefined && !Number.isFinite(op.scale))
      throw new OpError('scale must be finite');
    const s = sdpaShapes(q!, k!, v!);
    return [...q!.slice(0, -1), s.Ev];
  },
  workspaceBytes: (_op, [q, k], _out, b) =>
    (numel(q!) / q![q!.length - 1]!) * k![k!.length - 2]! * b,
  forward({ op, inputs, output, checkCancel }) {
    const { Q, K, V, batch, h } = sdpaPlan(op, inputs);
    const { L, S, E, Ev } = h;
    const P = alloc(batch * L * S, Q.data);
    blocks(batch, L * S * (E + Ev), checkCancel, (b0, b1) => {
      for (let b = b0; b < b1; b++)
        headForward(
          h,
          Q.data.subarray(b * L * E),
          K.data.subarray(b * S * E),
          V.data.subarray(b * S * Ev),
          P,
          b * L * S,
          output.data.subarray(b * L * Ev),
        );
    });
    return P;
  },
  backward({ op, inputs, saved, gradOutput, gradInputs, checkCancel }) {
    const { Q, K, V, batch, h } = sdpaPlan(op, inputs);
    const { L, S, E, Ev } = h;
    // Inputs without a gradient still need somewhere to write; scratch that is thrown away.
    const gq = gradInputs[0]?.data ?? alloc(Q.data.length, Q.data);
    const gk = gradInputs[1]?.data ?? alloc(K.data.length, Q.data);
    const gv = gradInputs[2]?.data ?? alloc(V.data.length, Q.data);
    const gS = alloc(L * S, Q.data);
    blocks(batch, 2 * L * S * (E + Ev), checkCancel, (b0, b1) => {
      for (let b = b0; b < b1; b++)
        headBackward(
          h,
          Q.data.subarray(b * L * E),
          K.data.subarray(b * S * E),
          V.data.subarray(b * S * Ev),
          saved,
          b * L * S,
          gradOutput.data.subarray(b * L * Ev),
          gq.subarray(b * L * E),
          gk.subarray(b * S * E),
          gv.subarray(b * S * Ev),
          gS,
        );
    });
  },
});

interface MhaGeom {
  readonly N: number;
  readonly L: number;
  readonly E: number;
  readonly H: number;
  readonly D: number;
  /** Token row of (n, l) in the input's layout. */
  readonly row: (n: number, l: number) => number;
}

function mhaGeom(
  op: { embedDim: number; numHeads: number; batchFirst: boolean },
  x: Shape,
): MhaGeom {
  const E = positiveInt(op.embedDim, 'embed_dim');
  const H = positiveInt(op.numHeads, 'num_heads');
  if (E % H !== 0) throw new OpError(`embed_dim ${E} is not divisible by num_heads ${H}`);
  if (x.length !== 3 || x[2] !== E)
    throw new OpError(
      `expects ${op.batchFirst ? '(N, L, E)' : '(L, N, E)'} input with E = ${E}, got ${shapeStr(x)}`,
    );
  const N = op.batchFirst ? x[0]! : x[1]!;
  const L = op.batchFirst ? x[1]! : x[0]!;
  return { N, L, E, H, D: E / H, row: op.batchFirst ? (n, l) => n * L + l : (n, l) => l * N + n };
}

interface MhaSaved {
  readonly qkv: Buf;
  readonly P: Buf;
  readonly o: Buf;
}

/** Copies head h of part `part` (0 q, 1 k, 2 v) of sample n between (M×3E) rows and an (L×D) block. */
function headCopy(
  g: MhaGeom,
  qkv: Buf,
  n: number,
  part: number,
  h: number,
  blk: Buf,
  toBlock: boolean,
  width: number,
): void {
  const { L, D } = g;
  for (let l = 0; l < L; l++) {
    const base = g.row(n, l) * width + part * g.E + h * D;
    for (let d = 0; d < D; d++) {
      if (toBlock) blk[l * D + d] = qkv[base + d]!;
      else qkv[base + d] = qkv[base + d]! + blk[l * D + d]!;
    }
  }
}

/**
 * Runs fn for every (sample, head) with that head's q, k, v copied into (L×D) blocks, in blocks
 * of work with a cancellation check between them (forward and backward share the walk).
 */
function eachHead(
  g: MhaGeom,
  qkv: Buf,
  workPerHead: number,
  checkCancel: () => void,
  fn: (n: number, h: number, i: number, q: Buf, k: Buf, v: Buf) => void,
): void {
  const { L, D, H, N, E } = g;
  const q = alloc(L * D, qkv);
  const k = alloc(L * D, qkv);
  const v = alloc(L * D, qkv);
  blocks(N * H, workPerHead, checkCancel, (i0, i1) => {
    for (let i = i0; i < i1; i++) {
      const n = Math.floor(i / H);
      const h = i % H;
      headCopy(g, qkv, n, 0, h, q, true, 3 * E);
      headCopy(g, qkv, n, 1, h, k, true, 3 * E);
      headCopy(g, qkv, n, 2, h, v, true, 3 * E);
      fn(n, h, i, q, k, v);
    }
  });
}

registerOp('multihead_attention', {
  arity: 1,
  outputShape(op, [x]) {
    mhaGeom(op, x!);
    return x!;
  },
  params(op) {
    const E = op.embedDim;
    const r: Record<string, { shape: Shape; spec: typeof op.inProjWeight }> = {
      in_proj_weight: { shape: [3 * E, E], spec: op.inProjWeight },
    };
    if (op.bias && op.inProjBias) r.in_proj_bias = { shape: [3 * E], spec: op.inProjBias };
    r['out_proj.weight'] = { shape: [E, E], spec: op.outProjWeight };
    if (op.bias && op.outProjBias) r['out_proj.bias'] = { shape: [E], spec: op.outProjBias };
    return r;
  },
  workspaceBytes(op, [x], _out, b) {
    const g = mhaGeom(op, x!);
    return (5 * g.N * g.L * g.E + g.N * g.H * g.L * g.L) * b;
  },
  forward({ op, inputs, params, output, checkCancel }) {
    const x = inputs[0]!.data;
    const g = mhaGeom(op, inputs[0]!.shape);
    const { N, L, E, H, D } = g;
    const M = N * L;
    const qkv = alloc(M * 3 * E, x);
    gemmBlocked(
      {
        transA: false,
        transB: true,
        m: M,
        n: 3 * E,
        k: E,
        alpha: 1,
        a: x,
        lda: E,
        b: params.in_proj_weight!.data,
        ldb: E,
        beta: 0,
        c: qkv,
        ldc: 3 * E,
      },
      checkCancel,
    );
    const bi = params.in_proj_bias?.data;
    if (bi)
      for (let r = 0; r < M; r++)
        for (let j = 0; j < 3 * E; j++) qkv[r * 3 * E + j] = qkv[r * 3 * E + j]! + bi[j]!;
    const P = alloc(N * H * L * L, x);
    const o = alloc(M * E, x);
    const oh = alloc(L * D, x);
    const head: Head = { L, S: L, E: D, Ev: D, scale: 1 / Math.sqrt(D), causal: op.causal };
    eachHead(g, qkv, 2 * L * L * D, checkCancel, (n, h, i, q, k, v) => {
      headForward(head, q, k, v, P, i * L * L, oh);
      for (let l = 0; l < L; l++)
        for (let d = 0; d < D; d++) o[g.row(n, l) * E + h * D + d] = oh[l * D + d]!;
    });
    const y = output.data;
    gemmBlocked(
      {
        transA: false,
        transB: true,
        m: M,
        n: E,
        k: E,
        alpha: 1,
        a: o,
        lda: E,
        b: params['out_proj.weight']!.data,
        ldb: E,
        beta: 0,
        c: y,
        ldc: E,
      },
      checkCancel,
    );
    const bo = params['out_proj.bias']?.data;
    if (bo)
      for (let r = 0; r < M; r++) for (let j = 0; j < E; j++) y[r * E + j] = y[r * E + j]! + bo[j]!;
    return { qkv, P, o } satisfies MhaSaved;
  },
  backward({ op, inputs, params, saved, gradOutput, gradInputs, gradParams, checkCancel }) {
    const x = inputs[0]!.data;
    const g = mhaGeom(op, inputs[0]!.shape);
    const { N, L, E, D } = g;
    const M = N * L;
    const gy = gradOutput.data;
    const { qkv, P, o } = saved;
    gemmBlocked(
      {
        transA: true,
        transB: false,
        m: E,
        n: E,
        k: M,
        alpha: 1,
        a: gy,
        lda: E,
        b: o,
        ldb: E,
        beta: 1,
        c: gradParams['out_proj.weight']!.data,
        ldc: E,
      },
      checkCancel,
    );
    const gbo = gradParams['out_proj.bias']?.data;
    if (gbo)
      for (let r = 0; r < M; r++) for (let j = 0; j < E; j++) gbo[j] = gbo[j]! + gy[r * E + j]!;
    const go = alloc(M * E, x);
    gemmBlocked(
      {
        transA: false,
        transB: false,
        m: M,
        n: E,
        k: E,
        alpha: 1,
        a: gy,
        lda: E,
        b: params['out_proj.weight']!.data,
        ldb: E,
        beta: 0,
        c: go,
        ldc: E,
      },
      checkCancel,
    );
    const gqkv = alloc(M * 3 * E, x);
    const goh = alloc(L * D, x);
    const gq = alloc(L * D, x);
    const gk = alloc(L * D, x);
    const gv = alloc(L * D, x);
    const gS = alloc(L * L, x);
    const head: Head = { L, S: L, E: D, Ev: D, scale: 1 / Math.sqrt(D), causal: op.causal };
    eachHead(g, qkv, 4 * L * L * D, checkCancel, (n, h, i, q, k, v) => {
      for (let l = 0; l < L; l++)
        for (let d = 0; d < D; d++) goh[l * D + d] = go[g.row(n, l) * E + h * D + d]!;
      gq.fill(0);
      gk.fill(0);
      gv.fill(0);
      headBackward(head, q, k, v, P, i * L * L, goh, gq, gk, gv, gS);
      headCopy(g, gqkv, n, 0, h, gq, false, 3 * E);
      headCopy(g, gqkv, n, 1, h, gk, false, 3 * E);
      headCopy(g, gqkv, n, 2, h, gv, false, 3 * E);
    });
    gemmBlocked(
      {
        transA: true,
        transB: false,
        m: 3 * E,
        n: E,
        k: M,
        alpha: 1,
        a: gqkv,
        lda: 3 * E,
        b: x,
        ldb: E,
        beta: 1,
        c: gradParams.in_proj_weight!.data,
        ldc: E,
      },
      checkCancel,
    );
    const gbi = gradParams.in_proj_bias?.data;
    if (gbi)
      for (let r = 0; r < M; r++)
        for (let j = 0; j < 3 * E; j++) gbi[j] = gbi[j]! + gqkv[r * 3 * E + j]!;
    const gx = gradInputs[0]?.data;
    if (gx)
      gemmBlocked(
        {
          transA: false,
          transB: false,
          m: M,
          n: E,
          k: 3 * E,
          alpha: 1,
          a: gqkv,
          lda: 3 * E,
          b: params.in_proj_weight!.data,
          ldb: E,
          beta: 1,
          c: gx,
          ldc: E,
        },
        checkCancel,
      );
  },
});
