/**
 * Loads test/reference/activations.json (made by scripts/reference/gen_activations.py: mpmath through
 * cancellation-free formulas, correctly rounded to float64) for the kernel tests.
 */
import { readFileSync } from 'node:fs';
import { referenceFile } from '../referenceFile';

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

export const REFERENCE_PATH = referenceFile('activations.json');

export function loadReference(): ReferenceCase[] {
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
