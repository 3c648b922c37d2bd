import type { ArgValue, Spelling } from '../kernel/spellings';

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
  readonly alternatives: readonly Alternative[];
  readonly start: number;
  readonly end: number;
}
