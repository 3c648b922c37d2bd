/**
 * The gradient-flow simulation over a general list of dense layers (the plain check builds a
 * uniform stack; the model check builds one from a parsed nn.Sequential / Keras model).
 *
 * Protocol (shared/reference/README.md, gradflow): X ~ N(0,1) (batch × in₀); per layer
 * z = h·Wᵀ (+ b), a = act(z), h = dropout(a); loss L = Σ h_last ⊙ G with G ~ N(0,1). Backward by
 * hand. Per layer: postMean/postStd (population) of h, deadFraction (units whose act′(z) is 0 on
 * every row), ‖∂L/∂W‖_F, RMS(∂L/∂h_prev).
 */
import { getActivation } from '../registry';
import { createRng, isValidSeed } from '../random';
import type { Batch, Params } from '../types';
import {
  initBias,
  initWeight,
  isBiasInit,
  isInitName,
  INITS,
  type BiasInit,
  type InitName,
} from './init';
import { matmulABt, transpose } from './matmul';

export type Dtype = 'float64' | 'float32';

export interface LayerSpec {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Applied after the affine map; `null` for a linear layer. Ids are kernel ids. */
  readonly activation: { readonly id: string; readonly params?: Partial<Params> } | null;
  readonly init: InitName;
  /** Multiplies the init's standard deviation / bound, as torch.nn.init's `gain`. Default 1. */
  readonly gain?: number;
  /** Default `none` (the reference protocol has no bias). */
  readonly bias?: BiasInit;
  /** Inverted dropout rate after the activation, training mode. */
  readonly dropout?: number;
  /** PyTorch AlphaDropout rate after the activation, training mode. */
  readonly alphaDropout?: number;
  /** Free text carried into the result (e.g. a source location), not interpreted. */
  readonly label?: string;
}

export interface SimulationOptions {
  readonly layers: readonly LayerSpec[];
  readonly batch: number;
  readonly seed: number;
  readonly dtype?: Dtype;
  /** Clip the gradients of all parameters to this global L2 norm (clip_grad_norm_). */
  readonly clipNorm?: number;
  /** Refuse configurations needing more than this many bytes. Default 1 GiB. */
  readonly memoryLimitBytes?: number;
  /** Polled once per layer in each pass; returning true aborts with CancelledError. */
  readonly shouldCancel?: () => boolean;
  /** Called after each layer of each pass (for progress). step counts 1..2·depth. */
  readonly onProgress?: (step: number, total: number) => void;
}

export interface LayerStats {
  readonly layer: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly activation: string | null;
  readonly postMean: number;
  readonly postStd: number;
  readonly deadFraction: number;
  /** ‖∂L/∂W‖_F before clipping. */
  readonly weightGradNorm: number;
  /** ‖∂L/∂b‖₂ before clipping, or null without a bias. */
  readonly biasGradNorm: number | null;
  readonly inputGradRms: number;
  readonly label?: string;
}

export interface Clipping {
  readonly maxNorm: number;
  /** Global L2 norm of all parameter gradients before clipping. */
  readonly totalNormBefore: number;
  readonly totalNormAfter: number;
  /** The factor applied to every gradient: min(1, maxNorm / (total + 1e-6)). */
  readonly coefficient: number;
}

export interface SimulationResult {
  readonly layers: LayerStats[];
  readonly totalGradNorm: number;
  readonly clipping: Clipping | null;
  readonly elapsedMs: number;
}

/** A configuration the simulation cannot run; the message is meant for the user. */
export class GradientFlowInputError extends Error {
  override name = 'GradientFlowInputError';
}
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('gradient-flow check cancelled');
  }
}

/** PyTorch's AlphaDropout constant: −SELU scale·alpha, negated (aten/src/ATen/native/Dropout.cpp). */
export const ALPHA_DROPOUT_ALPHA = 1.7580993408473766;
export const DEFAULT_MEMORY_LIMIT = 1024 ** 3;
export const MAX_DEPTH = 10_000;

function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0;
}
function checkRate(p: number | undefined, what: string): number {
  if (p === undefined) return 0;
  if (!(typeof p === 'number' && p >= 0 && p < 1))
    throw new GradientFlowInputError(`${what} must be in [0, 1), got ${p}`);
  return p;
}

/** Bytes the simulation would allocate, counted before allocating anything. */
export function estimateBytes(layers: readonly LayerSpec[], batch: number): number {
  let floats = 0;
  let maxW = 0;
  let maxWW = 0;
  const first = layers[0];
  if (first) floats += batch * first.inFeatures; // X
  for (const l of layers) {
    floats += l.inFeatures * l.outFeatures + l.outFeatures; // W, b
    floats += 2 * batch * l.outFeatures; // h, gate
    maxW = Math.max(maxW, l.inFeatures, l.outFeatures);
    maxWW = Math.max(maxWW, l.inFeatures * l.outFeatures);
  }
  floats += 4 * batch * maxW + 2 * maxWW; // gradient buffers, transposes, weight-gradient scratch
  return floats * 8;
}

interface Resolved {
  spec: LayerSpec;
  fBatch: Batch | null;
  dfBatch: Batch | null;
  params: Partial<Params>;
  gain: number;
  bias: BiasInit;
  dropout: number;
  alphaDropout: number;
}

function validate(opts: SimulationOptions): Resolved[] {
  const { layers, batch, seed } = opts;
  if (!Array.isArray(layers) || layers.length === 0)
    throw new GradientFlowInputError('the network has no layers');
  if (layers.length > MAX_DEPTH)
    throw new GradientFlowInputError(`depth must be at most ${MAX_DEPTH}, got ${layers.length}`);
  if (!isPositiveInt(batch))
    throw new GradientFlowInputError(`batch must be a positive integer, got ${batch}`);
  if (!isValidSeed(seed))
    throw new GradientFlowInputError(`seed must be an integer in [0, 4294967295], got ${seed}`);
  if (opts.dtype !== undefined && opts.dtype !== 'float64' && opts.dtype !== 'float32') {
    throw new GradientFlowInputError(`dtype must be float64 or float32, got ${String(opts.dtype)}`);
  }
  if (opts.clipNorm !== undefined && !(opts.clipNorm > 0 && Number.isFinite(opts.clipNorm))) {
    throw new GradientFlowInputError(
      `clip norm must be a positive finite number, got ${opts.clipNorm}`,
    );
  }
  const out: Resolved[] = [];
  layers.forEach((spec, i) => {
    const where = layers.length > 1 ? `layer ${i + 1}: ` : '';
    if (!isPositiveInt(spec.inFeatures))
      throw new GradientFlowInputError(
        `${where}input width must be a positive integer, got ${spec.inFeatures}`,
      );
    if (!isPositiveInt(spec.outFeatures))
      throw new GradientFlowInputError(
        `${where}width must be a positive integer, got ${spec.outFeatures}`,
      );
    const prev = layers[i - 1];
    if (prev && prev.outFeatures !== spec.inFeatures) {
      throw new GradientFlowInputError(
        `${where}takes ${spec.inFeatures} inputs but the previous layer gives ${prev.outFeatures}`,
      );
    }
    if (!isInitName(spec.init))
      throw new GradientFlowInputError(
        `${where}unknown init '${String(spec.init)}' (one of ${INITS.join(', ')})`,
      );
    const bias = spec.bias ?? 'none';
    if (!isBiasInit(bias))
      throw new GradientFlowInputError(`${where}unknown bias init '${String(bias)}'`);
    const gain = spec.gain ?? 1;
    if (!(gain > 0 && Number.isFinite(gain)))
      throw new GradientFlowInputError(
        `${where}gain must be a positive finite number, got ${gain}`,
      );
    const dropout = checkRate(spec.dropout, `${where}dropout`);
    const alphaDropout = checkRate(spec.alphaDropout, `${where}alpha dropout`);
    if (dropout > 0 && alphaDropout > 0)
      throw new GradientFlowInputError(`${where}use either dropout or alpha dropout, not both`);
    let fBatch: Batch | null = null;
    let dfBatch: Batch | null = null;
    const params: Record<string, number> = {};
    if (spec.activation) {
      const a = getActivation(spec.activation.id);
      if (!a)
        throw new GradientFlowInputError(`${where}unknown activation '${spec.activation.id}'`);
      for (const [k, v] of Object.entries(spec.activation.params ?? {}) as [string, unknown][]) {
        if (v === undefined) continue;
        if (typeof v !== 'number')
          throw new GradientFlowInputError(`${where}parameter ${k} must be a number`);
        const ps = a.paramSpecs.find((p) => p.name === k);
        if (!ps) throw new GradientFlowInputError(`${where}${a.id} has no parameter '${k}'`);
        if (!Number.isFinite(v))
          throw new GradientFlowInputError(
            `${where}${a.id} parameter ${k} must be finite, got ${v}`,
          );
        params[k] = v;
      }
      fBatch = a.fBatch;
      dfBatch = a.dfBatch;
    }
    out.push({ spec, fBatch, dfBatch, params, gain, bias, dropout, alphaDropout });
  });
  const bytes = estimateBytes(layers, batch);
  const limit = opts.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT;
  if (bytes > limit) {
    throw new GradientFlowInputError(
      `this configuration needs about ${(bytes / 2 ** 20).toFixed(0)} MiB, more than the ${(limit / 2 ** 20).toFixed(0)} MiB limit; reduce depth, width or batch`,
    );
  }
  return out;
}

function roundF32(a: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] = Math.fround(a[i]!);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Runs the simulation. Throws GradientFlowInputError for a bad configuration, CancelledError on cancel. */
export function simulate(opts: SimulationOptions): SimulationResult {
  const layers = validate(opts);
  const t0 = now();
  const { batch } = opts;
  const f32 = opts.dtype === 'float32';
  const rng = createRng(opts.seed);
  const depth = layers.length;
  const totalSteps = 2 * depth;
  let step = 0;
  const tick = (): void => {
    if (opts.shouldCancel?.()) throw new CancelledError();
    opts.onProgress?.(++step, totalSteps);
  };

  const in0 = layers[0]!.spec.inFeatures;
  const x = rng.fillNormal(new Float64Array(batch * in0), 0, 1);
  if (f32) roundF32(x);
  const weights: Float64Array[] = [];
  const biases: (Float64Array | null)[] = [];
  for (const l of layers) {
    const { inFeatures: fi, outFeatures: fo } = l.spec;
    const w = initWeight(new Float64Array(fi * fo), l.spec.init, fi, fo, l.gain, rng);
    if (f32) roundF32(w);
    weights.push(w);
    const b = l.bias === 'none' ? null : initBias(new Float64Array(fo), l.bias, fi, rng);
    if (b && f32) roundF32(b);
    biases.push(b);
  }

  // Forward. hs[l] is the input of layer l (hs[0] = X); gates[l] = act′(z)·(dropout multiplier),
  // everything backward needs from layer l.
  const hs: Float64Array[] = [x];
  const gates: Float64Array[] = [];
  const stats: { postMean: number; postStd: number; deadFraction: number }[] = [];
  for (let li = 0; li < depth; li++) {
    const l = layers[li]!;
    const fi = l.spec.inFeatures;
    const fo = l.spec.outFeatures;
    const h = hs[li]!;
    const z = matmulABt(h, weights[li]!, new Float64Array(batch * fo), batch, fi, fo);
    const b = biases[li];
    if (b)
      for (let r = 0; r < batch; r++)
        for (let o = 0, ro = r * fo; o < fo; o++) z[ro + o] = z[ro + o]! + b[o]!;
    if (f32) roundF32(z);
    let out: Float64Array;
    let gate: Float64Array;
    let dead = 0;
    if (l.fBatch && l.dfBatch) {
      gate = l.dfBatch(z, l.params, new Float64Array(batch * fo));
      out = l.fBatch(z, l.params, z); // z is not needed after this
      if (f32) {
        roundF32(out);
        roundF32(gate);
      }
      for (let o = 0; o < fo; o++) {
        let alive = false;
        for (let r = 0; r < batch; r++) {
          if (gate[r * fo + o] !== 0) {
            alive = true;
            break;
          }
        }
        if (!alive) dead++;
      }
    } else {
      out = z;
      gate = new Float64Array(batch * fo).fill(1);
    }
    if (l.dropout > 0) {
      const keep = 1 - l.dropout;
      const scale = 1 / keep;
      for (let i = 0; i < out.length; i++) {
        const m = rng.uniform() < keep ? scale : 0;
        out[i] = out[i]! * m;
        gate[i] = gate[i]! * m;
      }
    } else if (l.alphaDropout > 0) {
      // PyTorch: y = x·mask·a + (mask − 1)·α·a + α·a·p, a = 1/√((α²p + 1)(1 − p)); dy/dx = mask·a.
      const p = l.alphaDropout;
      const al = ALPHA_DROPOUT_ALPHA;
      const a = 1 / Math.sqrt((al * al * p + 1) * (1 - p));
      const kept = al * a * p;
      const dropped = -al * a + al * a * p;
      for (let i = 0; i < out.length; i++) {
        if (rng.uniform() < 1 - p) {
          out[i] = out[i]! * a + kept;
          gate[i] = gate[i]! * a;
        } else {
          out[i] = dropped;
          gate[i] = 0;
        }
      }
    }
    if (f32 && (l.dropout > 0 || l.alphaDropout > 0)) {
      roundF32(out);
      roundF32(gate);
    }
    let sum = 0;
    for (let i = 0; i < out.length; i++) sum += out[i]!;
    const mean = sum / out.length;
    let ss = 0;
    for (let i = 0; i < out.length; i++) {
      const d = out[i]! - mean;
      ss += d * d;
    }
    stats.push({ postMean: mean, postStd: Math.sqrt(ss / out.length), deadFraction: dead / fo });
    hs.push(out);
    gates.push(gate);
    tick();
  }

  // Backward: gh = ∂L/∂h_l, starting from G.
  const lastOut = layers[depth - 1]!.spec.outFeatures;
  let gh = rng.fillNormal(new Float64Array(batch * lastOut), 0, 1);
  if (f32) roundF32(gh);
  let maxWW = 0;
  let maxW = 0;
  for (const l of layers) {
    maxWW = Math.max(maxWW, l.spec.inFeatures * l.spec.outFeatures);
    maxW = Math.max(maxW, l.spec.inFeatures, l.spec.outFeatures);
  }
  const wT = new Float64Array(maxWW);
  const dW = new Float64Array(maxWW);
  const gzT = new Float64Array(batch * maxW);
  const hT = new Float64Array(batch * maxW);
  const weightGradNorm = new Array<number>(depth).fill(0);
  const biasGradNorm = new Array<number | null>(depth).fill(null);
  const inputGradRms = new Array<number>(depth).fill(0);
  for (let li = depth - 1; li >= 0; li--) {
    const l = layers[li]!;
    const fi = l.spec.inFeatures;
    const fo = l.spec.outFeatures;
    const gate = gates[li]!;
    // gz = gh ⊙ gate, in place (gh of this layer is not needed afterwards).
    const gz = gh;
    for (let i = 0; i < gz.length; i++) gz[i] = gz[i]! * gate[i]!;
    if (f32) roundF32(gz);
    // ∂L/∂W = gzᵀ·h (fo × fi) = matmulABt(gzᵀ, hᵀ).
    const h = hs[li]!;
    transpose(gz, batch, fo, gzT);
    transpose(h, batch, fi, hT);
    matmulABt(gzT, hT, dW, fo, batch, fi);
    let s = 0;
    for (let i = 0; i < fo * fi; i++) {
      const v = f32 ? Math.fround(dW[i]!) : dW[i]!;
      s += v * v;
    }
    weightGradNorm[li] = Math.sqrt(s);
    if (biases[li]) {
      let sb = 0;
      for (let o = 0; o < fo; o++) {
        let g = 0;
        for (let r = 0; r < batch; r++) g += gz[r * fo + o]!;
        if (f32) g = Math.fround(g);
        sb += g * g;
      }
      biasGradNorm[li] = Math.sqrt(sb);
    }
    // ∂L/∂h_prev = gz·W (batch × fi) = matmulABt(gz, Wᵀ).
    transpose(weights[li]!, fo, fi, wT);
    const ghPrev = matmulABt(gz, wT, new Float64Array(batch * fi), batch, fo, fi);
    if (f32) roundF32(ghPrev);
    let sq = 0;
    for (let i = 0; i < ghPrev.length; i++) sq += ghPrev[i]! * ghPrev[i]!;
    inputGradRms[li] = Math.sqrt(sq / ghPrev.length);
    gh = ghPrev;
    // Free what backward no longer needs; deep stacks then peak at one pass's worth of memory.
    hs[li + 1] = EMPTY;
    gates[li] = EMPTY;
    tick();
  }

  let total2 = 0;
  for (let li = 0; li < depth; li++) {
    total2 += weightGradNorm[li]! ** 2 + (biasGradNorm[li] ?? 0) ** 2;
  }
  const totalGradNorm = Math.sqrt(total2);
  let clipping: Clipping | null = null;
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

  const result: LayerStats[] = layers.map((l, li) => {
    const st = stats[li]!;
    const row: LayerStats = {
      layer: li + 1,
      inFeatures: l.spec.inFeatures,
      outFeatures: l.spec.outFeatures,
      activation: l.spec.activation?.id ?? null,
      postMean: st.postMean,
      postStd: st.postStd,
      deadFraction: st.deadFraction,
      weightGradNorm: weightGradNorm[li]!,
      biasGradNorm: biasGradNorm[li]!,
      inputGradRms: inputGradRms[li]!,
      ...(l.spec.label !== undefined ? { label: l.spec.label } : {}),
    };
    return row;
  });
  return { layers: result, totalGradNorm, clipping, elapsedMs: now() - t0 };
}

const EMPTY = new Float64Array(0);
