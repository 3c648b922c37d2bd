/** Loads ../shared/reference/activations.json (beside the repository) for the kernel tests. */
import { readFileSync } from 'node:fs';
import { sharedReference } from '../sharedReference';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';

export interface ReferenceCase {
  readonly id: string;
  readonly params: Record<string, number>;
  readonly x: readonly number[];
  readonly f: readonly number[];
  readonly df: readonly (number | null)[];
  /** PyTorch's values; absent for ids PyTorch does not have (quick_gelu). */
  readonly torch_f?: readonly number[];
  readonly torch_df?: readonly number[];
}

function num(v: Num): number {
  return typeof v === 'number' ? v : Number(v);
}
function numOrNull(v: Num | null): number | null {
  return v === null ? null : num(v);
}

export const REFERENCE_PATH = sharedReference('activations.json');

interface Erratum {
  id: string;
  params: Record<string, number>;
  x: number;
  field: 'f' | 'df';
  reference: Num;
  truth: Num;
}

/**
 * Points where activations.json is not the correctly rounded truth: it was made with mpmath at 80
 * digits through cancelling formulas (σ(1−σ), 1 − tanh², 1 + erf(x/√2), …), so where the value is
 * below ~1e−80 of its terms it holds 0 or a few correct digits, and it rounds some tiny negative
 * values to +0. errata.py recomputes every case with cancellation-free identities and lists them.
 */
export const ERRATA_PATH = join(dirname(fileURLToPath(import.meta.url)), 'referenceErrata.json');

const sameParams = (a: Record<string, number>, b: Record<string, number>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** The reference cases with the errata applied; `corrected` counts the replaced values per case. */
export function loadReference(): (ReferenceCase & { corrected: number })[] {
  const errata = (JSON.parse(readFileSync(ERRATA_PATH, 'utf8')) as { errata: Erratum[] }).errata;
  return loadRawReference().map((c) => {
    const f = [...c.f];
    const df = [...c.df];
    let corrected = 0;
    for (const e of errata) {
      if (e.id !== c.id || !sameParams(e.params, c.params)) continue;
      const i = c.x.indexOf(e.x);
      const target = e.field === 'f' ? f : df;
      if (i < 0 || !Object.is(target[i], num(e.reference))) {
        throw new Error(
          `erratum for ${e.id} ${e.field}(${e.x}) does not match the reference file: regenerate it`,
        );
      }
      target[i] = num(e.truth);
      corrected++;
    }
    return { ...c, f, df, corrected };
  });
}

export function loadRawReference(): ReferenceCase[] {
  const raw = JSON.parse(readFileSync(REFERENCE_PATH, 'utf8')) as {
    cases: {
      id: string;
      params: Record<string, number>;
      x: Num[];
      f: Num[];
      df: (Num | null)[];
      torch_f?: Num[];
      torch_df?: Num[];
    }[];
  };
  return raw.cases.map((c) => ({
    id: c.id,
    params: c.params,
    x: c.x.map(num),
    f: c.f.map(num),
    df: c.df.map(numOrNull),
    ...(c.torch_f ? { torch_f: c.torch_f.map(num) } : {}),
    ...(c.torch_df ? { torch_df: c.torch_df.map(num) } : {}),
  }));
}

/** The README's interior zeros of f′: |x − r| < 0.01 is exempt from the f′ ulp score. */
export const DF_ZEROS: Readonly<Record<string, number>> = {
  gelu: -0.75179,
  gelu_tanh: -0.75246,
  silu: -1.27846,
  mish: -1.19243,
  quick_gelu: -0.75115,
};

export function dfExempt(id: string, x: number): boolean {
  const r = DF_ZEROS[id];
  return r !== undefined && Math.abs(x - r) < 0.01;
}
