/**
 * Weight and bias initialisers, with PyTorch's definitions (torch.nn.init), for a weight stored as
 * PyTorch does: outFeatures × inFeatures, row-major. `gain` scales the standard deviation or bound,
 * as torch.nn.init's `gain` argument does.
 */
import type { Rng } from '../random';

export const INITS = Object.freeze([
  'xavier_normal',
  'xavier_uniform',
  'he_normal',
  'he_uniform',
  'lecun_normal',
  'lecun_uniform',
  'pytorch_default',
  'keras_default',
  'orthogonal',
] as const);
export type InitName = (typeof INITS)[number];

export const BIAS_INITS = Object.freeze(['none', 'zeros', 'pytorch_default'] as const);
/** `none`: no bias term at all (the reference protocol); `zeros`: Keras Dense; `pytorch_default`: U(±1/√fan_in). */
export type BiasInit = (typeof BIAS_INITS)[number];

export const INIT_DESCRIPTIONS: Readonly<Record<InitName, string>> = Object.freeze({
  xavier_normal: 'N(0, 2/(fan_in+fan_out)) — Glorot; torch.nn.init.xavier_normal_',
  xavier_uniform: 'U(±√(6/(fan_in+fan_out))) — Glorot; torch.nn.init.xavier_uniform_',
  he_normal: "N(0, 2/fan_in) — Kaiming; torch.nn.init.kaiming_normal_(nonlinearity='relu')",
  he_uniform: "U(±√(6/fan_in)) — Kaiming; torch.nn.init.kaiming_uniform_(nonlinearity='relu')",
  lecun_normal: 'N(0, 1/fan_in) — for SELU (kaiming_normal_ with nonlinearity=linear)',
  lecun_uniform: 'U(±√(3/fan_in))',
  pytorch_default: "U(±1/√fan_in) — nn.Linear's default (kaiming_uniform_ with a=√5)",
  keras_default: "U(±√(6/(fan_in+fan_out))) — Keras Dense's default (glorot_uniform)",
  orthogonal: 'a random orthogonal matrix — torch.nn.init.orthogonal_ (QR of a Gaussian matrix)',
});

export function isInitName(s: string): s is InitName {
  return (INITS as readonly string[]).includes(s);
}
export function isBiasInit(s: string): s is BiasInit {
  return (BIAS_INITS as readonly string[]).includes(s);
}

/** Fills `w` (out × in) with the named initialiser. */
export function initWeight(
  w: Float64Array,
  init: InitName,
  fanIn: number,
  fanOut: number,
  gain: number,
  rng: Rng,
): Float64Array {
  switch (init) {
    case 'xavier_normal':
      return rng.fillNormal(w, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
    case 'xavier_uniform':
    case 'keras_default': {
      const a = gain * Math.sqrt(6 / (fanIn + fanOut));
      return rng.fillUniform(w, -a, a);
    }
    case 'he_normal':
      return rng.fillNormal(w, 0, gain * Math.sqrt(2 / fanIn));
    case 'he_uniform': {
      const a = gain * Math.sqrt(6 / fanIn);
      return rng.fillUniform(w, -a, a);
    }
    case 'lecun_normal':
      return rng.fillNormal(w, 0, gain * Math.sqrt(1 / fanIn));
    case 'lecun_uniform': {
      const a = gain * Math.sqrt(3 / fanIn);
      return rng.fillUniform(w, -a, a);
    }
    case 'pytorch_default': {
      // kaiming_uniform_(a=√5): gain √(2/(1+5)), bound gain·√(3/fan_in) = 1/√fan_in.
      const a = gain / Math.sqrt(fanIn);
      return rng.fillUniform(w, -a, a);
    }
    case 'orthogonal':
      return orthogonal(w, fanOut, fanIn, gain, rng);
  }
}

/** Fills a bias of length `fanOut`. */
export function initBias(b: Float64Array, init: BiasInit, fanIn: number, rng: Rng): Float64Array {
  if (init === 'pytorch_default') {
    const a = 1 / Math.sqrt(fanIn);
    return rng.fillUniform(b, -a, a);
  }
  return b.fill(0);
}

/**
 * torch.nn.init.orthogonal_: QR of a Gaussian matrix (transposed when it is wide), Q's columns
 * multiplied by sign(diag R). Gram–Schmidt gives R a positive diagonal, which is exactly that sign
 * convention; orthogonalising twice ("twice is enough") keeps Q orthogonal to rounding.
 */
function orthogonal(
  w: Float64Array,
  rows: number,
  cols: number,
  gain: number,
  rng: Rng,
): Float64Array {
  rng.fillNormal(w, 0, 1);
  // The vectors to orthonormalise are Q's columns: the columns of w when tall (rows ≥ cols), the
  // rows of w when wide. Work on them as rows of `v` (count × len).
  const tall = rows >= cols;
  const count = tall ? cols : rows;
  const len = tall ? rows : cols;
  const v = new Float64Array(count * len);
  if (tall) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) v[j * len + i] = w[i * cols + j]!;
  } else {
    v.set(w);
  }
  for (let q = 0; q < count; q++) {
    const qo = q * len;
    for (let pass = 0; pass < 2; pass++) {
      for (let r = 0; r < q; r++) {
        const ro = r * len;
        let dot = 0;
        for (let t = 0; t < len; t++) dot += v[ro + t]! * v[qo + t]!;
        for (let t = 0; t < len; t++) v[qo + t] = v[qo + t]! - dot * v[ro + t]!;
      }
    }
    let norm = 0;
    for (let t = 0; t < len; t++) norm += v[qo + t]! * v[qo + t]!;
    norm = Math.sqrt(norm);
    for (let t = 0; t < len; t++) v[qo + t] = v[qo + t]! / norm;
  }
  if (tall) {
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) w[i * cols + j] = gain * v[j * len + i]!;
  } else {
    for (let t = 0; t < w.length; t++) w[t] = gain * v[t]!;
  }
  return w;
}
