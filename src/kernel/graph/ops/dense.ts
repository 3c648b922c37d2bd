/** Dense products: linear, matmul (batched, broadcasting), embedding. Every product is a gemm. */
import { gemm } from '../gemm';
import { numel, OpError, registerOp, shapeStr, type ParamDecl } from '../op';
import type { Shape } from '../types';
import { blocks, broadcastIndex, broadcastShapes, positiveInt } from './util';

registerOp('linear', {
  arity: 1,
  outputShape(op, [x]) {
    positiveInt(op.inFeatures, 'in_features');
    positiveInt(op.outFeatures, 'out_features');
    if (x!.length < 1 || x![x!.length - 1] !== op.inFeatures)
      throw new OpError(`expects (…, ${op.inFeatures}) input, got ${shapeStr(x!)}`);
    return [...x!.slice(0, -1), op.outFeatures];
  },
  params(op): Record<string, ParamDecl> {
    const weight = { shape: [op.outFeatures, op.inFeatures], spec: op.weight };
    return op.bias
      ? { weight, bias: { shape: [op.outFeatures], spec: op.bias, fanFrom: 'weight' } }
      : { weight };
  },
  forward({ op, inputs, params, output, checkCancel }) {
    const x = inputs[0]!.data;
    const { inFeatures: K, outFeatures: O } = op;
    const M = x.length / K;
    const w = params.weight!.data;
    const y = output.data;
    blocks(M, K * O, checkCancel, (r0, r1) =>
      gemm({
        transA: false,
        transB: true,
        m: r1 - r0,
        n: O,
        k: K,
        alpha: 1,
        a: x,
        aOffset: r0 * K,
        lda: K,
        b: w,
        ldb: K,
        beta: 0,
        c: y,
        cOffset: r0 * O,
        ldc: O,
      }),
    );
    const b = params.bias?.data;
    if (b)
      for (let r = 0; r < M; r++)
        for (let o = 0, ro = r * O; o < O; o++) y[ro + o] = y[ro + o]! + b[o]!;
  },
  backward({ op, inputs, params, gradOutput, gradInputs, gradParams, checkCancel }) {
    const x = inputs[0]!.data;
    const { inFeatures: K, outFeatures: O } = op;
    const M = x.length / K;
    const gy = gradOutput.data;
    const gw = gradParams.weight!.data;
    // ∂L/∂W += gyᵀ·x, accumulated over row blocks.
    blocks(M, K * O, checkCancel, (r0, r1) =>
      gemm({
        transA: true,
        transB: false,
        m: O,
        n: K,
        k: r1 - r0,
        alpha: 1,
        a: gy,
        aOffset: r0 * O,
        lda: O,
        b: x,
        bOffset: r0 * K,
        ldb: K,
        beta: 1,
        c: gw,
        ldc: K,
      }),
    );
    const gb = gradParams.bias?.data;
    if (gb) {
      for (let o = 0; o < O; o++) {
        let s = 0;
        for (let r = 0; r < M; r++) s += gy[r * O + o]!;
        gb[o] = gb[o]! + s;
      }
    }
    const gx = gradInputs[0]?.data;
    if (gx) {
      const w = params.weight!.data;
      blocks(M, K * O, checkCancel, (r0, r1) =>
        gemm({
          transA: false,
          transB: false,
          m: r1 - r0,
          n: K,
          k: O,
          alpha: 1,
          a: gy,
          aOffset: r0 * O,
          lda: O,
          b: w,
          ldb: K,
          beta: 1,
          c: gx,
          cOffset: r0 * K,
          ldc: K,
        }),
      );
    }
  },
});

interface MatmulPlan {
  readonly M: number;
  readonly K: number;
  readonly N: number;
  readonly batch: number;
  readonly aIdx: Int32Array;
  readonly bIdx: Int32Array;
}

function matmulShapes(a: Shape, b: Shape): { out: Shape; aB: Shape; bB: Shape; outB: Shape } {
  if (a.length < 2 || b.length < 2)
    throw new OpError(`matmul needs operands of rank ≥ 2, got ${shapeStr(a)} and ${shapeStr(b)}`);
  const [M, K] = a.slice(-2) as [number, number];
  const [K2, N] = b.slice(-2) as [number, number];
  if (K !== K2) throw new OpError(`cannot multiply ${shapeStr(a)} by ${shapeStr(b)}`);
  const aB = a.slice(0, -2);
  const bB = b.slice(0, -2);
  const outB = broadcastShapes([aB, bB]);
  return { out: [...outB, M, N], aB, bB, outB };
}

function matmulPlan(a: Shape, b: Shape): MatmulPlan {
  const { aB, bB, outB } = matmulShapes(a, b);
  return {
    M: a[a.length - 2]!,
    K: a[a.length - 1]!,
    N: b[b.length - 1]!,
    batch: numel(outB),
    aIdx: broadcastIndex(aB, outB),
    bIdx: broadcastIndex(bB, outB),
  };
}

registerOp('matmul', {
  arity: 2,
  outputShape: (_op, [a, b]) => matmulShapes(a!, b!).out,
  forward({ inputs, output, checkCancel }) {
    const [A, B] = inputs as [(typeof inputs)[0] & object, (typeof inputs)[0] & object];
    const p = matmulPlan(A.shape, B.shape);
    const { M, K, N } = p;
    blocks(p.batch, M * K * N, checkCancel, (b0, b1) => {
      for (let i = b0; i < b1; i++)
        gemm({
          transA: false,
          transB: false,
          m: M,
          n: N,
          k: K,
          alpha: 1,
          a: A.data,
          aOffset: p.aIdx[i]! * M * K,
          lda: K,
          b: B.data,
          bOffset: p.bIdx[i]! * K * N,
          ldb: N,
          beta: 0,
          c: output.data,
          cOffset: i * M * N,
          ldc: N,
        });
    });
  },
  backward({ inputs, gradOutput, gradInputs, checkCancel }) {
    const [A, B] = inputs as [(typeof inputs)[0] & object, (typeof inputs)[0] & object];
    const p = matmulPlan(A.shape, B.shape);
    const { M, K, N } = p;
    const gy = gradOutput.data;
    const [gA, gB] = gradInputs;
    blocks(p.batch, 2 * M * K * N, checkCancel, (b0, b1) => {
      for (let i = b0; i < b1; i++) {
        // Broadcast operands sum their gradient over the batch entries they were copied to.
        if (gA)
          gemm({
            transA: false,
            transB: true,
            m: M,
            n: K,
            k: N,
            alpha: 1,
            a: gy,
            aOffset: i * M * N,
            lda: N,
            b: B.data,
            bOffset: p.bIdx[i]! * K * N,
            ldb: N,
            beta: 1,
            c: gA.data,
            cOffset: p.aIdx[i]! * M * K,
            ldc: K,
          });
        if (gB)
          gemm({
            transA: true,
            transB: false,
            m: K,
            n: N,
            k: M,
            alpha: 1,
            a: A.data,
            aOffset: p.aIdx[i]! * M * K,
            lda: K,
            b: gy,
            bOffset: i * M * N,
            ldb: N,
            beta: 1,
            c: gB.data,
            cOffset: p.bIdx[i]! * K * N,
            ldc: N,
          });
      }
    });
  },
});

registerOp('embedding', {
  arity: 1,
  nonDifferentiableInputs: [0],
  outputShape(op, [x]) {
    positiveInt(op.numEmbeddings, 'num_embeddings');
    positiveInt(op.embeddingDim, 'embedding_dim');
    return [...x!, op.embeddingDim];
  },
  params: (op) => ({ weight: { shape: [op.numEmbeddings, op.embeddingDim], spec: op.weight } }),
  forward({ op, inputs, params, output }) {
    const ids = inputs[0]!.data;
    const D = op.embeddingDim;
    const w = params.weight!.data;
    const y = output.data;
    for (let i = 0; i < ids.length; i++) {
      const t = ids[i]!;
      if (!(Number.isInteger(t) && t >= 0 && t < op.numEmbeddings))
        throw new OpError(`token id ${t} is not an integer in [0, ${op.numEmbeddings})`);
      y.set(w.subarray(t * D, t * D + D), i * D);
    }
  },
  backward({ op, inputs, gradOutput, gradParams }) {
    const ids = inputs[0]!.data;
    const D = op.embeddingDim;
    const gw = gradParams.weight!.data;
    const g = gradOutput.data;
    for (let i = 0; i < ids.length; i++) {
      const o = ids[i]! * D;
      for (let d = 0; d < D; d++) gw[o + d] = gw[o + d]! + g[i * D + d]!;
    }
  },
});
