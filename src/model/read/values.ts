/**
 * The values of the reader's small Python interpreter: Python's own (numbers, strings, tuples,
 * lists, dicts, functions, classes, objects) plus what PyTorch code handles (modules, parameters,
 * symbolic tensors with known shapes). Everything is plain data; `Decline` is the one way out.
 */
import type { Node } from 'web-tree-sitter';
import type { InitSpec } from '../../kernel/graph/types';

/** The reader cannot follow a construct: one line, with where. */
export class Decline extends Error {
  override name = 'Decline';
  constructor(
    readonly line: number,
    readonly what: string,
    /** A shape that does not fit: the input-size search may try another input. */
    readonly shapeMismatch = false,
    /** What the failing layer wanted: this size at `dim` (1: channels, -1: features). */
    readonly want?: { readonly dim: 1 | -1; readonly size: number } | { readonly tokens: number },
  ) {
    super(line > 0 ? `line ${line}: ${what}` : what);
  }
}

export interface Scope {
  readonly vars: Map<string, Value>;
  readonly parent: Scope | undefined;
  /** At a file's top level: that file (its imports and top-level names). */
  readonly env?: unknown;
  /** Names declared `global`/`nonlocal` in this function (assignments go up). */
  readonly outer?: Set<string>;
}

export interface FuncVal {
  readonly t: 'func';
  readonly node: Node;
  readonly name: string;
  readonly closure: Scope;
  /** The class a method was defined in (for `super()`). */
  readonly owner?: ClassVal;
  /** The bound `self` (or class for classmethods). */
  readonly self?: Value;
  readonly decorators: readonly string[];
  /** Pre-bound arguments (functools.partial). */
  readonly partialArgs?: { pos: Value[]; kw: Map<string, Value> };
}

export interface ClassVal {
  readonly t: 'class';
  readonly name: string;
  readonly node: Node;
  readonly bases: readonly Value[];
  readonly attrs: Map<string, Value>;
  /** Annotated fields in order (dataclasses): name and default expression. */
  readonly fields: { name: string; def: Node | undefined }[];
  readonly dataclass: boolean;
  /** Subclasses torch.nn.Module (through any base). */
  readonly isModule: boolean;
  /** A torch container it extends (`class Stage(nn.Sequential)`), if any. */
  readonly torchBase?: string;
  readonly line: number;
  /** Where the class statement ran (its field defaults see that file's names). */
  readonly scope?: Scope;
}

export interface ObjVal {
  readonly t: 'obj';
  readonly cls: ClassVal;
  readonly attrs: Map<string, Value>;
}

/** A trainable tensor: shape in torch layout, its init, changed in place by nn.init calls. */
export interface ParamObj {
  shape: number[];
  init: InitSpec;
  /** Made with torch.empty and not initialised yet. */
  uninitialised?: boolean;
  readonly line: number;
}

export interface ModuleObj {
  readonly t: 'module';
  /** For display: `Linear` or the user class name. */
  readonly kind: string;
  /** The torch.nn class (`Linear`, `Sequential`) for built-in layers and containers. */
  readonly layer?: string;
  readonly cls?: ClassVal;
  /** Constructor arguments of a built-in layer, bound by name. */
  readonly cfg: Map<string, Value>;
  readonly children: Map<string, ModuleObj>;
  readonly params: Map<string, ParamObj | null>;
  readonly buffers: Map<string, Value>;
  readonly attrs: Map<string, Value>;
  /** Qualified name from the root, as named_modules() gives it ('' for the root). */
  path?: string;
  readonly line: number;
}

export interface TensorVal {
  readonly t: 'tensor';
  /** The graph node that produces it. */
  readonly id: string;
  readonly shape: readonly number[];
  /** Integer token ids (the model input of an embedding-first model). */
  readonly int?: boolean;
}

export type Value =
  | { readonly t: 'none' }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'num'; readonly v: number; readonly int: boolean }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'tuple'; readonly items: readonly Value[] }
  | { readonly t: 'list'; readonly items: Value[] }
  | { readonly t: 'dict'; readonly entries: Map<string, [Value, Value]> }
  | { readonly t: 'slice'; readonly start: Value; readonly stop: Value; readonly step: Value }
  | { readonly t: 'ellipsis' }
  | FuncVal
  | ClassVal
  | ObjVal
  | ModuleObj
  /** A library function or class by qualified name (`torch.nn.Linear`, `builtins.len`), or a
   * method of a value (`self` set: `list.append`). */
  | { readonly t: 'builtin'; readonly name: string; readonly self?: Value }
  /** A library namespace (`torch`, `torch.nn`, `math`). */
  | { readonly t: 'ns'; readonly name: string }
  | TensorVal
  | { readonly t: 'param'; readonly p: ParamObj }
  /** A tensor made by a factory, before it becomes a Parameter (`torch.randn(1, n, d) * 0.02`). */
  | {
      readonly t: 'init';
      readonly shape: readonly number[];
      readonly init: InitSpec;
      readonly empty?: boolean;
    }
  /** torch.arange: constant positions (`pos = torch.arange(T)`), by shape. */
  | {
      readonly t: 'arange';
      readonly shape: readonly number[];
      readonly start: number;
      readonly step: number;
    }
  /** A tensor whose values the reader computes (torch.arange(d) * w_a + w_0, a meshgrid of
   * positions, a sincos table): row-major `data`, changed in place by item assignment. */
  | { readonly t: 'const'; readonly shape: readonly number[]; readonly data: number[] }
  /** `torch.empty(size).bernoulli_(keep)` (stochastic depth's noise), `scale` set by `.div_(keep)`. */
  | {
      readonly t: 'bernoulli';
      readonly shape: readonly number[];
      readonly keep: number;
      scale: number;
    }
  /** A causal mask: `torch.tril(torch.ones(n, n))` (or a slice of it); `zero` after `== 0`. */
  | { readonly t: 'mask'; readonly shape: readonly number[]; readonly zero: boolean }
  /** argparse: a parser, or the namespace of its defaults. */
  | { readonly t: 'argparse'; readonly defaults: Map<string, Value> }
  /** `super()` inside a method of `owner`. */
  | { readonly t: 'super'; readonly owner: ClassVal; readonly self: Value }
  /** Something inert the code may pass around but not compute with (devices, dtypes). */
  | { readonly t: 'opaque'; readonly what: string };

export const NONE: Value = { t: 'none' };
export const TRUE: Value = { t: 'bool', v: true };
export const FALSE: Value = { t: 'bool', v: false };
export const num = (v: number, int = Number.isInteger(v)): Value => ({ t: 'num', v, int });
export const int = (v: number): Value => ({ t: 'num', v, int: true });
export const str = (v: string): Value => ({ t: 'str', v });
export const bool = (v: boolean): Value => (v ? TRUE : FALSE);
export const tuple = (items: readonly Value[]): Value => ({ t: 'tuple', items });

/** Python's repr-ish text of a value, for messages and dict keys. */
export function show(v: Value): string {
  switch (v.t) {
    case 'none':
      return 'None';
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'num':
      return v.int ? String(v.v) : Number.isInteger(v.v) ? `${v.v}.0` : String(v.v);
    case 'str':
      return `'${v.v}'`;
    case 'tuple':
      return `(${v.items.map(show).join(', ')}${v.items.length === 1 ? ',' : ''})`;
    case 'list':
      return `[${v.items.map(show).join(', ')}]`;
    case 'dict':
      return `{${[...v.entries.values()].map(([k, x]) => `${show(k)}: ${show(x)}`).join(', ')}}`;
    case 'func':
      return `<function ${v.name}>`;
    case 'class':
      return `<class ${v.name}>`;
    case 'obj':
      return `<${v.cls.name} object>`;
    case 'module':
      return `${v.kind}(…)`;
    case 'builtin':
      return v.name;
    case 'ns':
      return v.name;
    case 'tensor':
      return `tensor(${v.shape.join('×')})`;
    case 'param':
      return `Parameter(${v.p.shape.join('×')})`;
    case 'const':
      return `constant tensor(${v.shape.join('×')})`;
    default:
      return v.t;
  }
}

/** Python truthiness; undefined when the value has none we can know (tensors). */
export function truthy(v: Value): boolean | undefined {
  switch (v.t) {
    case 'none':
      return false;
    case 'bool':
      return v.v;
    case 'num':
      return v.v !== 0;
    case 'str':
      return v.v.length > 0;
    case 'tuple':
    case 'list':
      return v.items.length > 0;
    case 'dict':
      return v.entries.size > 0;
    case 'module':
      // Containers are falsy when empty (len() is defined for Sequential, ModuleList, ModuleDict).
      return v.layer && ['Sequential', 'ModuleList', 'ModuleDict'].includes(v.layer)
        ? v.children.size > 0
        : true;
    case 'tensor':
    case 'mask':
    case 'arange':
    case 'bernoulli':
      return undefined;
    case 'const':
      // Python's bool() of a one-element tensor is its value; of more, an error.
      return v.data.length === 1 ? v.data[0] !== 0 : undefined;
    default:
      return true;
  }
}

/** Key for dicts: Python hashes equal numbers equally (1 == 1.0 == True). */
export function dictKey(v: Value): string | undefined {
  switch (v.t) {
    case 'str':
      return `s:${v.v}`;
    case 'num':
      return `n:${v.v}`;
    case 'bool':
      return `n:${v.v ? 1 : 0}`;
    case 'none':
      return 'None';
    case 'tuple': {
      const parts = v.items.map(dictKey);
      return parts.every((p) => p !== undefined) ? `t:(${parts.join(',')})` : undefined;
    }
    case 'class':
      return `c:${v.name}:${v.line}`;
    case 'builtin':
      return `b:${v.name}`;
    default:
      return undefined;
  }
}

export function isSeq(v: Value): v is Extract<Value, { t: 'tuple' | 'list' }> {
  return v.t === 'tuple' || v.t === 'list';
}

/** An empty module value: a built-in layer (`layer`) or an instance of a user class (`cls`). */
export function newModule(
  kind: string,
  line: number,
  extra: { layer?: string; cls?: ClassVal } = {},
): ModuleObj {
  return {
    t: 'module',
    kind,
    ...(extra.layer !== undefined ? { layer: extra.layer } : {}),
    ...(extra.cls ? { cls: extra.cls } : {}),
    cfg: new Map(),
    children: new Map(),
    params: new Map(),
    buffers: new Map(),
    attrs: new Map(),
    line,
  };
}

/** A decline, or a reader bug, as a failed build: one line; no line when it is not in the file. */
export function declined(e: unknown): { ok: false; reason: string; line: number | null } {
  if (e instanceof Decline)
    return { ok: false, reason: e.message, line: e.line > 0 ? e.line : null };
  if (e instanceof RangeError)
    return { ok: false, reason: 'the file is nested too deeply to read', line: null };
  // A reader bug must not take the extension host down: it reads as a decline with its message.
  return {
    ok: false,
    reason: `could not read this model (${e instanceof Error ? e.message : String(e)})`,
    line: null,
  };
}
