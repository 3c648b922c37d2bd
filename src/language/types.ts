import type { ArgValue, Spelling } from '../kernel/spellings';
import type { Expr } from './custom/expr';
import type { KernelMatch } from './custom/identify';

/** An argument as written: a literal we could read, or anything else (named as unknown). */
export type Literal =
  | { readonly kind: 'value'; readonly value: ArgValue }
  | { readonly kind: 'unknown'; readonly text: string };

/** The arguments of a call, as written. `undefined` args mean a bare reference (`activation=F.gelu`). */
export interface CallArgs {
  readonly positional: readonly Literal[];
  readonly keywords: ReadonlyArray<readonly [string, Literal]>;
  /** `*args` / `**kwargs` / `...spread`: later bindings are unknown. */
  readonly splat?: boolean;
}

/** Where a kernel parameter's value comes from. */
export type ParamSource = 'given' | 'framework-default' | 'fixed';

/** Another reading of the same text, when the framework is ambiguous. */
export interface Alternative {
  readonly id: string;
  readonly qualifiedName: string;
  readonly why: string;
  readonly params: Readonly<Record<string, number>>;
}

/** What the recogniser found at a position. Offsets are UTF-16 code units into the document. */
export interface Recognition {
  /** Kernel id. */
  readonly id: string;
  readonly spelling: Spelling;
  /** The text as written (`nn.LeakyReLU`, `"gelu_new"`). */
  readonly written: string;
  /** Kernel parameters (PyTorch names) set by the source or by this framework's defaults. */
  readonly params: Readonly<Record<string, number>>;
  readonly sources: Readonly<Record<string, ParamSource>>;
  /** Arguments we could not read (non-literal): framework name and source text. */
  readonly unknown: ReadonlyArray<{ readonly arg: string; readonly text: string }>;
  /** Arguments that do not change the function (inplace, name, dtype…). */
  readonly ignored: readonly string[];
  /** Caveats: the spelling's note, unmodelled arguments, guessed imports. */
  readonly notes: readonly string[];
  /** Literal arguments outside the function's domain, as the kernel's parameter check words it
   * (`hardtanh: max_val must be greater than min_val …`): nothing is simulated for them. */
  readonly invalid?: string;
  readonly alternatives: readonly Alternative[];
  /** Set when the name is defined in the file and was read by what it computes. */
  readonly custom?: CustomActivation;
  readonly start: number;
  readonly end: number;
}

/** A definition in the file (function, lambda, module class) read as a formula in x. */
export interface CustomActivation {
  readonly name: string;
  readonly kind: 'function' | 'class' | 'lambda';
  /** 1-based line of the definition. */
  readonly line: number;
  readonly expr: Expr;
  /** Values assumed for the definition's own numeric parameters (`alpha=1.0` → 1). */
  readonly params: Readonly<Record<string, number>>;
  /** Those of them the definition requires without a default, taken as 1. */
  readonly assumed: readonly string[];
  /** The built-in activation it computes (then the recognition's id is that one). */
  readonly match?: KernelMatch;
  /** Otherwise the nearest built-in, when close enough to mention. */
  readonly nearest?: KernelMatch;
}
