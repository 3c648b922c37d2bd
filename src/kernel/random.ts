/**
 * The seeded generator behind every random draw in the simulation. One Mersenne Twister stream
 * (stdlib's MT19937) feeds both the uniforms and stdlib's improved-ziggurat normals, so a seed fixes
 * the whole run. Hand-rolled LCGs or Math.random-style seeding visibly skew deep ReLU statistics;
 * these are well-tested implementations.
 */
import mt19937 from '@stdlib/random-base-mt19937';
import randn from '@stdlib/random-base-randn';

export interface Rng {
  readonly seed: number;
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  /** Fills `out` with N(mean, std²); a Float32Array stores each draw rounded (same draws). */
  fillNormal<T extends Float64Array | Float32Array>(out: T, mean: number, std: number): T;
  /** Fills `out` with U(lo, hi); a Float32Array stores each draw rounded (same draws). */
  fillUniform<T extends Float64Array | Float32Array>(out: T, lo: number, hi: number): T;
}

/** Largest seed accepted (seeds are unsigned 32-bit integers). */
export const MAX_SEED = 0xffffffff;

export function isValidSeed(seed: number): boolean {
  return Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED;
}

export function createRng(seed: number): Rng {
  if (!isValidSeed(seed))
    throw new RangeError(`seed must be an integer in [0, ${MAX_SEED}], got ${seed}`);
  // MT19937's integer seeds must be positive; an array seed goes through init_by_array, which
  // accepts 0 and keeps distinct user seeds distinct.
  const mt = mt19937.factory({ seed: new Uint32Array([seed >>> 0, 0x6c656e73]) });
  // The typings omit `.normalized` on the factory's result; it is documented and always present.
  const uniform = (mt as unknown as { normalized: () => number }).normalized;
  // Name the algorithm: stdlib may change randn's default, and a seed must keep meaning the same run.
  const normal = randn.factory({ name: 'improved-ziggurat', prng: uniform });
  return {
    seed,
    uniform,
    normal,
    fillNormal(out, mean, std) {
      for (let i = 0; i < out.length; i++) out[i] = mean + std * normal();
      return out;
    },
    fillUniform(out, lo, hi) {
      const w = hi - lo;
      for (let i = 0; i < out.length; i++) out[i] = lo + w * uniform();
      return out;
    },
  };
}
