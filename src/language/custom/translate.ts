import type { Node, Tree } from 'web-tree-sitter';
import { getActivation } from '../../kernel';
import type { ArgValue } from '../../kernel/spellings';
import { candidatesFor } from '../names';
import { pythonImports, qualifiedNames, type Imports } from '../pythonImports';
import { resolveCall, resolveString } from '../resolve';
import type { CallArgs, Literal } from '../types';
import {
  bin,
  children,
  compile,
  fn,
  hasX,
  num,
  simplify,
  size,
  X,
  type Expr,
  type MathFn,
  type Relation,
} from './expr';

/**
 * Translates a Python definition (function, lambda, `nn.Module` / Keras layer class) into the
 * expression grammar of ./expr: torch / F / math / numpy / jax.numpy / keras.ops / tf calls,
 * tensor methods, arithmetic, local variables, `if` on a flag with a default, and calls of other
 * definitions in the file (inlined). Nothing is executed: unknown constructs make the
 * translation fail (`undefined`), never guess.
 */

/** What a definition translated to. */
export interface Translated {
  readonly name: string;
  readonly kind: 'function' | 'class' | 'lambda';
  readonly expr: Expr;
  /** Values assumed for the definition's own parameters (`alpha=1.0`). */
  readonly params: Readonly<Record<string, number>>;
  /** Parameters the definition requires without a default, taken as 1. */
  readonly assumed: readonly string[];
  /** 1-based line of the definition. */
  readonly line: number;
  readonly node: Node;
}

/** A value during translation: a tensor expression, a plain constant, or something callable. */
type Value =
  | { readonly t: 'expr'; readonly e: Expr }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'none' }
  | { readonly t: 'fn'; readonly call: (args: Arg[]) => Value | undefined };

interface Arg {
  readonly name?: string;
  readonly value: Value;
  readonly text: string;
}

const MAX_INLINE = 6;
const MAX_NODES = 400;

/** Module roots whose functions are plain math on tensors/arrays. */
const MATH_MODULES =
  /^(math|numpy|jax\.numpy|torch|torch\.special|torch\.nn\.functional|keras\.ops|keras\.src\.ops|tf|tensorflow|tf\.math|tensorflow\.math|jax\.lax|jax\.scipy\.special|scipy\.special)$/;

const PI = (): Expr => num(Math.PI, 'π');

/** Library math functions by their last name segment: arity and what they build. */
const MATH: Readonly<Record<string, (a: Expr[], kw: Map<string, Expr>) => Expr | undefined>> = {
  exp: ([a]) => a && fn('exp', a),
  expm1: ([a]) => a && fn('expm1', a),
  log: ([a]) => a && fn('log', a),
  log1p: ([a]) => a && fn('log1p', a),
  sqrt: ([a]) => a && fn('sqrt', a),
  abs: ([a]) => a && fn('abs', a),
  absolute: ([a]) => a && fn('abs', a),
  sin: ([a]) => a && fn('sin', a),
  cos: ([a]) => a && fn('cos', a),
  sinh: ([a]) => a && fn('sinh', a),
  cosh: ([a]) => a && fn('cosh', a),
  tanh: ([a]) => a && fn('tanh', a),
  erf: ([a]) => a && fn('erf', a),
  sigmoid: ([a]) => a && fn('sigmoid', a),
  expit: ([a]) => a && fn('sigmoid', a),
  softplus: ([a]) => a && fn('softplus', a),
  square: ([a]) => a && bin('pow', a, num(2)),
  reciprocal: ([a]) => a && bin('div', num(1), a),
  negative: ([a]) => a && { k: 'neg', a },
  maximum: ([a, b]) => a && b && fn('max', a, b),
  minimum: ([a, b]) => a && b && fn('min', a, b),
  fmax: ([a, b]) => a && b && fn('max', a, b),
  fmin: ([a, b]) => a && b && fn('min', a, b),
  pow: ([a, b]) => a && b && bin('pow', a, b),
  power: ([a, b]) => a && b && bin('pow', a, b),
  multiply: ([a, b]) => a && b && bin('mul', a, b),
  mul: ([a, b]) => a && b && bin('mul', a, b),
  add: ([a, b]) => a && b && bin('add', a, b),
  divide: ([a, b]) => a && b && bin('div', a, b),
  true_divide: ([a, b]) => a && b && bin('div', a, b),
  clamp: clampOf,
  clip: clampOf,
  clip_by_value: clampOf,
};

function clampOf([a, lo, hi]: Expr[], kw: Map<string, Expr>): Expr | undefined {
  if (!a) return undefined;
  const low = lo ?? kw.get('min') ?? kw.get('a_min') ?? kw.get('clip_value_min') ?? kw.get('x_min');
  const high =
    hi ?? kw.get('max') ?? kw.get('a_max') ?? kw.get('clip_value_max') ?? kw.get('x_max');
  let e = a;
  if (low) e = fn('max', e, low);
  if (high) e = fn('min', e, high);
  return low || high ? e : undefined;
}

/** Tensor methods that are math on the tensor (`x.sigmoid()`, `x.mul(y)`, `x.clamp(0, 6)`). */
const METHODS: Readonly<Record<string, string>> = {
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  exp: 'exp',
  expm1: 'expm1',
  log: 'log',
  log1p: 'log1p',
  sqrt: 'sqrt',
  abs: 'abs',
  sin: 'sin',
  cos: 'cos',
  erf: 'erf',
  square: 'square',
  reciprocal: 'reciprocal',
  neg: 'negative',
  mul: 'mul',
  multiply: 'mul',
  div: 'divide',
  divide: 'divide',
  true_divide: 'divide',
  add: 'add',
  pow: 'pow',
  clamp: 'clamp',
  clip: 'clamp',
  maximum: 'maximum',
  minimum: 'minimum',
};
/** Methods that do not change values (shape, dtype, device). */
const IDENTITY_METHODS = new Set([
  'float',
  'double',
  'half',
  'to',
  'type',
  'type_as',
  'contiguous',
  'view',
  'view_as',
  'reshape',
  'unsqueeze',
  'squeeze',
  'detach',
  'clone',
  'expand_as',
]);
/** Calls that wrap a value without changing it (`nn.Parameter(t)`, `torch.tensor(1.0)`). */
const IDENTITY_CALLS =
  /^(torch\.nn\.Parameter|torch\.nn\.parameter\.Parameter|torch\.tensor|torch\.as_tensor|numpy\.array|numpy\.asarray|jax\.numpy\.array|jax\.numpy\.asarray|tf\.constant|tf\.convert_to_tensor|keras\.ops\.convert_to_tensor|float)$/;
/** Calls that make a tensor of ones (its shape does not matter elementwise). */
const ONES = /^(torch|numpy|jax\.numpy|tf|keras\.ops)\.ones(_like)?$/;
const ZEROS = /^(torch|numpy|jax\.numpy|tf|keras\.ops)\.zeros(_like)?$/;
const CONSTANTS: Readonly<Record<string, () => Expr>> = {
  pi: PI,
  e: () => num(Math.E, 'e'),
};

/** Activations the grammar writes as math (so identification and printing see σ, tanh, max). */
function asMath(id: string, params: Readonly<Record<string, number>>, a: Expr): Expr | undefined {
  switch (id) {
    case 'tanh':
      return fn('tanh', a);
    case 'sigmoid':
      return fn('sigmoid', a);
    case 'relu':
      return fn('max', a, num(0));
    case 'relu6':
      return fn('min', fn('max', a, num(0)), num(6));
    case 'identity':
      return a;
    case 'softplus':
      return (params.beta ?? 1) === 1 ? fn('softplus', a) : undefined;
    default:
      return undefined;
  }
}

const RELATIONS: Readonly<Record<string, Relation>> = {
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

interface Scope {
  readonly vars: Map<string, Value | undefined>;
  readonly self?: ClassInfo;
}

interface ClassInfo {
  readonly node: Node;
  readonly attrs: Map<string, Value | undefined>;
}

class Translator {
  readonly params: Record<string, number> = {};
  /** Parameters without a default, given the value 1. */
  readonly assumed = new Set<string>();
  private depth = 0;
  private readonly defs: ReadonlyMap<string, Node[]>;
  private readonly imp: Imports;

  constructor(private readonly tree: Tree) {
    this.imp = pythonImports(tree);
    this.defs = definitions(tree);
  }

  /** A definition node by name: the innermost enclosing one before the module's. */
  definition(name: string, near: Node): Node | undefined {
    const list = this.defs.get(name);
    if (!list?.length) return undefined;
    let best: Node | undefined;
    for (const d of list) {
      const scope = d.parent?.parent;
      if (!scope || scope.type === 'module') {
        best ??= d;
        continue;
      }
      if (near.startIndex >= scope.startIndex && near.endIndex <= scope.endIndex) return d;
      best ??= d;
    }
    return best;
  }

  /** The value a definition node stands for (a function, a class to instantiate, a lambda). */
  defValue(def: Node, self?: ClassInfo): Value | undefined {
    if (def.type === 'function_definition') return this.fnValue(def, self);
    if (def.type === 'class_definition') {
      return {
        t: 'fn',
        call: (args) => {
          const info = this.instantiate(def, args);
          return info && this.instanceValue(info);
        },
      };
    }
    if (def.type === 'assignment') {
      const right = def.childForFieldName('right');
      if (right?.type === 'lambda') return this.lambdaValue(right);
      if (right) return this.expr(right, { vars: new Map() });
    }
    return undefined;
  }

  private lambdaValue(lambda: Node): Value {
    return {
      t: 'fn',
      call: (args) => {
        const ps = lambda.childForFieldName('parameters');
        const body = lambda.childForFieldName('body');
        if (!body) return undefined;
        const scope: Scope = { vars: new Map() };
        if (!this.bind(ps ? ps.namedChildren : [], args, scope, false)) return undefined;
        return this.inline(() => this.expr(body, scope));
      },
    };
  }

  private fnValue(def: Node, self?: ClassInfo): Value {
    return {
      t: 'fn',
      call: (args) => {
        const ps = def.childForFieldName('parameters')?.namedChildren ?? [];
        const body = def.childForFieldName('body');
        if (!body) return undefined;
        const scope: Scope = { vars: new Map(), ...(self ? { self } : {}) };
        if (!this.bind(ps, args, scope, Boolean(self) || isMethod(def))) return undefined;
        return this.inline(() => this.block(body, scope));
      },
    };
  }

  private inline(run: () => Value | undefined): Value | undefined {
    if (this.depth >= MAX_INLINE) return undefined;
    this.depth++;
    try {
      return run();
    } finally {
      this.depth--;
    }
  }

  /**
   * Binds call arguments to parameters. A parameter with a numeric default that is not passed
   * becomes a symbol at that value (`alpha=1.0` → α = 1), so the formula keeps its name.
   */
  private bind(ps: readonly (Node | null)[], args: Arg[], scope: Scope, method: boolean): boolean {
    let i = 0;
    let first = true;
    for (const p of ps) {
      if (!p) continue;
      if (method && first) {
        first = false;
        continue; // self
      }
      first = false;
      if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') continue;
      if (p.type === 'keyword_separator' || p.type === 'positional_separator') continue;
      const nameNode =
        p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren[0]);
      const name = nameNode?.type === 'identifier' ? nameNode.text : undefined;
      if (!name) return false;
      const given = args.find((a) => a.name === name) ?? (args[i]?.name ? undefined : args[i]);
      if (args[i] && !args[i]?.name) i++;
      if (given) {
        scope.vars.set(name, given.value);
        continue;
      }
      const dflt = p.childForFieldName('value');
      if (!dflt) {
        // A scalar the caller must pass (`snake(x, alpha)`): a symbol, assumed 1 if it shows.
        this.assumed.add(name);
        this.params[name] = 1;
        scope.vars.set(name, { t: 'expr', e: { k: 'sym', name } });
        continue;
      }
      const v = this.expr(dflt, { vars: new Map() });
      if (v?.t === 'expr' && v.e.k === 'num' && !hasX(v.e)) {
        this.params[name] = v.e.v;
        scope.vars.set(name, { t: 'expr', e: { k: 'sym', name } });
      } else scope.vars.set(name, v);
    }
    return true;
  }

  /** Runs a block: assignments, `if` on a known flag, and the first `return`. */
  private block(body: Node, scope: Scope): Value | undefined {
    for (const st of body.namedChildren) {
      if (!st || st.type === 'comment' || st.type === 'pass_statement') continue;
      if (st.type === 'return_statement') {
        const e = st.namedChildren.find((c) => c && c.type !== 'comment');
        return e ? this.expr(e, scope) : undefined;
      }
      if (st.type === 'expression_statement') {
        const inner = st.namedChildren[0];
        if (!inner || inner.type === 'string') continue;
        if (inner.type === 'assignment' || inner.type === 'augmented_assignment') {
          this.assign(inner, scope);
          continue;
        }
        continue; // a bare call (logging, assert-like): no value
      }
      if (st.type === 'if_statement') {
        const cond = st.childForFieldName('condition');
        const c = cond ? this.expr(cond, scope) : undefined;
        if (c?.t !== 'bool' && c?.t !== 'none') return undefined;
        const truthy = c.t === 'bool' && c.v;
        if (truthy) {
          const body2 = st.childForFieldName('consequence');
          const r = body2 ? this.block(body2, scope) : undefined;
          if (r) return r;
          continue;
        }
        const alt = st.childrenForFieldName('alternative').find(Boolean);
        if (!alt) continue;
        if (alt.type === 'else_clause') {
          const b = alt.childForFieldName('body');
          const r = b ? this.block(b, scope) : undefined;
          if (r) return r;
          continue;
        }
        return undefined; // elif chains on tensors: not modelled
      }
      if (st.type === 'assert_statement' || st.type === 'global_statement') continue;
      return undefined;
    }
    return undefined;
  }

  private assign(a: Node, scope: Scope): void {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (!left || !right) return;
    let v = this.expr(right, scope);
    if (a.type === 'augmented_assignment') {
      const op = a.childForFieldName('operator')?.text.replace('=', '') ?? '';
      const cur = this.expr(left, scope);
      v = cur && v ? arith(op, cur, v) : undefined;
    }
    if (left.type === 'identifier') scope.vars.set(left.text, v);
    else if (left.type === 'attribute' && left.childForFieldName('object')?.text === 'self') {
      const attr = left.childForFieldName('attribute')?.text;
      if (attr && scope.self) scope.self.attrs.set(attr, v);
    }
  }

  applyClass(cls: Node, input: Arg): Value | undefined {
    const info = this.instantiate(cls, []);
    const layer = info && this.instanceValue(info);
    return layer?.t === 'fn' ? layer.call([input]) : undefined;
  }

  private instantiate(cls: Node, args: Arg[]): ClassInfo | undefined {
    const info: ClassInfo = { node: cls, attrs: new Map() };
    const init = method(cls, ['__init__']);
    if (init) {
      const ps = init.childForFieldName('parameters')?.namedChildren ?? [];
      const scope: Scope = { vars: new Map(), self: info };
      if (!this.bind(ps, args, scope, true)) return undefined;
      const body = init.childForFieldName('body');
      if (body) {
        for (const st of body.namedChildren) {
          const inner = st?.type === 'expression_statement' ? st.namedChildren[0] : undefined;
          if (inner?.type === 'assignment') this.assign(inner, scope);
        }
      }
    }
    return info;
  }

  private instanceValue(info: ClassInfo): Value | undefined {
    const fwd = method(info.node, ['forward', '__call__', 'call']);
    if (fwd) return this.fnValue(fwd, info);
    // A subclass of a library activation (`class GELU(nn.GELU)`): the base class decides.
    const bases = info.node.childForFieldName('superclasses');
    for (const b of bases?.namedChildren ?? []) {
      if (!b || (b.type !== 'attribute' && b.type !== 'identifier')) continue;
      const v = this.libraryCall(b, b.text.replace(/\s+/g, ''), []);
      if (v?.t === 'fn') return v;
    }
    return undefined;
  }

  expr(n: Node, scope: Scope): Value | undefined {
    switch (n.type) {
      case 'integer':
      case 'float': {
        const v = Number(n.text.replace(/_/g, ''));
        return Number.isFinite(v) ? { t: 'expr', e: num(v) } : undefined;
      }
      case 'true':
        return { t: 'bool', v: true };
      case 'false':
        return { t: 'bool', v: false };
      case 'none':
        return { t: 'none' };
      case 'string': {
        const m = /^[rRbBuU]{0,2}("""|'''|"|')([\s\S]*)\1$/.exec(n.text);
        return m?.[2] !== undefined ? { t: 'str', v: m[2] } : undefined;
      }
      case 'parenthesized_expression': {
        const inner = n.namedChildren.find((c) => c && c.type !== 'comment');
        return inner ? this.expr(inner, scope) : undefined;
      }
      case 'identifier':
        return this.name(n, scope);
      case 'attribute':
        return this.attribute(n, scope);
      case 'unary_operator': {
        const a = n.childForFieldName('argument');
        const v = a ? this.expr(a, scope) : undefined;
        if (v?.t !== 'expr') return undefined;
        const op = n.childForFieldName('operator')?.text;
        if (op === '+') return v;
        return op === '-' ? { t: 'expr', e: negate(v.e) } : undefined;
      }
      case 'not_operator': {
        const a = n.childForFieldName('argument');
        const v = a ? this.expr(a, scope) : undefined;
        return v?.t === 'bool'
          ? { t: 'bool', v: !v.v }
          : v?.t === 'none'
            ? { t: 'bool', v: true }
            : undefined;
      }
      case 'binary_operator': {
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        const a = l ? this.expr(l, scope) : undefined;
        const b = r ? this.expr(r, scope) : undefined;
        return a && b ? arith(n.childForFieldName('operator')?.text ?? '', a, b) : undefined;
      }
      case 'conditional_expression': {
        const [a, cond, b] = n.namedChildren;
        const c = cond ? this.expr(cond, scope) : undefined;
        if (c?.t !== 'bool' && c?.t !== 'none') return undefined;
        const pick = c.t === 'bool' && c.v ? a : b;
        return pick ? this.expr(pick, scope) : undefined;
      }
      case 'call':
        return this.call(n, scope);
      default:
        return undefined;
    }
  }

  private name(n: Node, scope: Scope): Value | undefined {
    const name = n.text;
    if (scope.vars.has(name)) return scope.vars.get(name);
    // A name imported from a module (`from torch import sin`, `from math import pi`).
    const bound = this.imp.aliases.get(name);
    if (bound) return this.library(n, name, []);
    const def = this.definition(name, n);
    if (def) return this.defValue(def);
    return undefined;
  }

  private attribute(n: Node, scope: Scope): Value | undefined {
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute')?.text ?? '';
    if (obj?.type === 'identifier' && obj.text === 'self') {
      const self = scope.self;
      if (!self) return undefined;
      if (self.attrs.has(attr)) return self.attrs.get(attr);
      const m = method(self.node, [attr]);
      return m ? this.fnValue(m, self) : undefined;
    }
    const dotted = n.text.replace(/\s+/g, '');
    if (/^[A-Za-z_][\w.]*$/.test(dotted)) {
      const head = dotted.split('.')[0] ?? '';
      if (!scope.vars.has(head)) return this.library(n, dotted, []);
    }
    return undefined;
  }

  /** A module-level name or attribute of a library (`math.pi`, `torch.tanh`, `F.gelu`). */
  private library(n: Node, dotted: string, args: Arg[]): Value | undefined {
    for (const q of qualifiedNames(dotted, this.imp)) {
      const last = q.name.split('.').pop() ?? '';
      const module = q.name.slice(0, -last.length - 1);
      if (CONSTANTS[last] && MATH_MODULES.test(module)) return { t: 'expr', e: CONSTANTS[last]() };
    }
    return this.libraryCall(n, dotted, args);
  }

  /** A library function as a callable value; activations through the spelling table. */
  private libraryCall(n: Node, dotted: string, _args: Arg[]): Value | undefined {
    const quals = qualifiedNames(dotted, this.imp);
    const cands = candidatesFor(dotted, this.imp);
    const cand = cands[0];
    if (cand) {
      const spelling = cand.group[0]?.spelling;
      if (spelling?.kind === 'module') {
        // `nn.GELU(approximate="tanh")` / `layers.ReLU(6.0)`: calling makes a layer to apply.
        return {
          t: 'fn',
          call: (args) => {
            const r = resolveCall(cand.group, callArgs(args));
            return r ? activationFn(r.id, r.params) : undefined;
          },
        };
      }
      return {
        t: 'fn',
        call: (args) => {
          const input = args[0];
          if (input?.value.t !== 'expr') return undefined;
          const r = resolveCall(cand.group, callArgs(args));
          if (!r) return undefined;
          return applyActivation(r.id, r.params, input.value.e);
        },
      };
    }
    for (const q of quals) {
      if (IDENTITY_CALLS.test(q.name))
        return {
          t: 'fn',
          call: (args) => (args[0]?.value.t === 'expr' ? args[0].value : undefined),
        };
      if (ONES.test(q.name)) return { t: 'fn', call: () => ({ t: 'expr', e: num(1) }) };
      if (ZEROS.test(q.name)) return { t: 'fn', call: () => ({ t: 'expr', e: num(0) }) };
      const last = q.name.split('.').pop() ?? '';
      const module = q.name.slice(0, -last.length - 1);
      const build = MATH[last];
      if (build && MATH_MODULES.test(module)) return mathFn(build);
      if (q.name === 'keras.layers.Activation' || q.name === 'keras.src.layers.Activation') {
        return {
          t: 'fn',
          call: (args) => {
            const a = args.find((x) => !x.name || x.name === 'activation')?.value;
            if (a?.t === 'fn') return a;
            if (a?.t !== 'str') return undefined;
            const r = resolveString('keras', a.v);
            return r ? activationFn(r.id, r.params) : undefined;
          },
        };
      }
      if (/^(jax\.numpy|numpy|torch|tf|keras\.ops)\.where$/.test(q.name)) return whereFn(n);
    }
    if (/^(max|min|abs|pow)$/.test(dotted) && !this.imp.aliases.has(dotted)) {
      const build = MATH[dotted === 'max' ? 'maximum' : dotted === 'min' ? 'minimum' : dotted];
      if (build) return mathFn(build);
    }
    return undefined;
  }

  private call(n: Node, scope: Scope): Value | undefined {
    const f = n.childForFieldName('function');
    const list = n.childForFieldName('arguments');
    if (!f || !list) return undefined;
    const args: Arg[] = [];
    for (const c of list.namedChildren) {
      if (!c || c.type === 'comment') continue;
      if (c.type === 'keyword_argument') {
        const name = c.childForFieldName('name')?.text;
        const v = c.childForFieldName('value');
        const value = v ? this.expr(v, scope) : undefined;
        if (name) args.push({ name, value: value ?? { t: 'none' }, text: v?.text ?? '' });
        if (!value && name !== 'inplace' && name !== 'name') return undefined;
        continue;
      }
      if (c.type === 'list_splat' || c.type === 'dictionary_splat') continue;
      // `where(x > 0, …)`: a comparison is only meaningful to `where`.
      if (c.type === 'comparison_operator') {
        args.push({ value: { t: 'none' }, text: c.text });
        continue;
      }
      // Untranslatable arguments stay as placeholders: `torch.ones(n)` does not need n.
      args.push({ value: this.expr(c, scope) ?? { t: 'none' }, text: c.text });
    }
    // A tensor method: `x.sigmoid()`, `F.softplus(x).tanh()`, `x.mul(inner)`.
    if (f.type === 'attribute') {
      const objNode = f.childForFieldName('object');
      const m = f.childForFieldName('attribute')?.text ?? '';
      const head = objNode?.text.split('.')[0] ?? '';
      const isLibrary =
        objNode &&
        /^[A-Za-z_][\w.]*$/.test(objNode.text) &&
        !scope.vars.has(head) &&
        head !== 'self';
      if (objNode && !isLibrary) {
        const obj = this.expr(objNode, scope);
        if (obj?.t === 'expr') {
          const base = m.replace(/_$/, '');
          if (IDENTITY_METHODS.has(base)) return obj;
          const key = METHODS[base];
          const build = key ? MATH[key] : undefined;
          if (build) {
            const exprs = [obj.e, ...args.filter((a) => !a.name).map((a) => exprOf(a.value))];
            if (exprs.some((e) => !e)) return undefined;
            const e = build(exprs as Expr[], keywordExprs(args));
            return e ? { t: 'expr', e } : undefined;
          }
          // A method that is an activation: `x.relu()`, `x.sigmoid_()`.
          const act = getActivation(base);
          if (act && (base === 'relu' || base === 'relu6')) return applyActivation(base, {}, obj.e);
          return undefined;
        }
        if (obj?.t !== 'fn') return undefined;
      }
    }
    const callee = this.expr(f, scope);
    if (callee?.t === 'fn') {
      if (f.type === 'identifier' || f.type === 'attribute') {
        // where() needs the comparison node itself.
        const r = callee.call(args.map((a, i) => ({ ...a, node: list.namedChildren[i] })));
        return r;
      }
      return callee.call(args);
    }
    return undefined;
  }
}

function symbols(e: Expr, out = new Set<string>()): Set<string> {
  if (e.k === 'sym') out.add(e.name);
  for (const c of children(e)) symbols(c, out);
  return out;
}

function exprOf(v: Value): Expr | undefined {
  if (v.t === 'expr') return v.e;
  if (v.t === 'bool') return num(v.v ? 1 : 0);
  return undefined;
}

function keywordExprs(args: Arg[]): Map<string, Expr> {
  const kw = new Map<string, Expr>();
  for (const a of args) {
    const e = a.name ? exprOf(a.value) : undefined;
    if (a.name && e) kw.set(a.name, e);
  }
  return kw;
}

function mathFn(build: (a: Expr[], kw: Map<string, Expr>) => Expr | undefined): Value {
  return {
    t: 'fn',
    call: (args) => {
      const pos = args.filter((a) => !a.name).map((a) => exprOf(a.value));
      if (pos.some((e) => !e)) return undefined;
      const e = build(pos as Expr[], keywordExprs(args));
      return e ? { t: 'expr', e } : undefined;
    },
  };
}

/** `where(x > 0, a, b)`: the comparison is read from the syntax, the branches translated. */
function whereFn(_n: Node): Value {
  return {
    t: 'fn',
    call: (args) => {
      const [c, a, b] = args as (Arg & { node?: Node | null })[];
      const cond = c?.node;
      if (!cond || cond.type !== 'comparison_operator' || !a || !b) return undefined;
      const ea = exprOf(a.value);
      const eb = exprOf(b.value);
      const ops = cond.children.filter((x) => x && RELATIONS[x.type]);
      const [l, r] = cond.namedChildren;
      const op = ops.length === 1 && ops[0] ? RELATIONS[ops[0].type] : undefined;
      const el = l ? literalSide(l) : undefined;
      const er = r ? literalSide(r) : undefined;
      if (!ea || !eb || !op || !el || !er) return undefined;
      return { t: 'expr', e: { k: 'where', op, l: el, r: er, a: ea, b: eb } };
    },
  };
}

/** Sides of a `where` comparison: the input (any name the branches call x) or a number. */
function literalSide(n: Node): Expr | undefined {
  if (n.type === 'integer' || n.type === 'float') return num(Number(n.text));
  if (n.type === 'unary_operator' && n.text.startsWith('-')) {
    const v = Number(n.text.slice(1).trim());
    return Number.isFinite(v) ? num(-v) : undefined;
  }
  if (n.type === 'identifier') return X;
  return undefined;
}

function callArgs(args: Arg[]): CallArgs {
  const lit = (a: Arg): Literal => {
    const v = a.value;
    let value: ArgValue | undefined;
    if (v.t === 'expr' && v.e.k === 'num') value = v.e.v;
    else if (v.t === 'expr' && !hasX(v.e)) {
      const c = compile(v.e)(0);
      if (Number.isFinite(c)) value = c;
    } else if (v.t === 'bool') value = v.v;
    else if (v.t === 'str') value = v.v;
    else if (v.t === 'none') value = null;
    return value === undefined ? { kind: 'unknown', text: a.text } : { kind: 'value', value };
  };
  return {
    positional: args.filter((a) => !a.name).map(lit),
    keywords: args.filter((a) => a.name).map((a) => [a.name ?? '', lit(a)] as const),
  };
}

function applyActivation(id: string, params: Readonly<Record<string, number>>, a: Expr): Value {
  const act = getActivation(id);
  const e = asMath(id, { ...act?.params, ...params }, a) ?? {
    k: 'act',
    id,
    params: { ...params },
    order: 0,
    a,
  };
  return { t: 'expr', e };
}

function activationFn(id: string, params: Readonly<Record<string, number>>): Value {
  return {
    t: 'fn',
    call: (args) => {
      const x = args[0]?.value;
      return x?.t === 'expr' ? applyActivation(id, params, x.e) : undefined;
    },
  };
}

function negate(e: Expr): Expr {
  return e.k === 'num' && !e.label ? num(-e.v) : { k: 'neg', a: e };
}

function arith(op: string, a: Value, b: Value): Value | undefined {
  const ea = exprOf(a);
  const eb = exprOf(b);
  if (!ea || !eb) return undefined;
  const k =
    op === '+'
      ? 'add'
      : op === '-'
        ? 'sub'
        : op === '*'
          ? 'mul'
          : op === '/'
            ? 'div'
            : op === '**'
              ? 'pow'
              : undefined;
  if (!k) return undefined;
  const e = bin(k, ea, eb);
  return size(e) > MAX_NODES ? undefined : { t: 'expr', e };
}

function isMethod(def: Node): boolean {
  const first = def.childForFieldName('parameters')?.namedChildren[0];
  return (
    def.parent?.parent?.type === 'class_definition' &&
    (first?.text === 'self' || first?.text === 'cls')
  );
}

function method(cls: Node, names: readonly string[]): Node | undefined {
  const body = cls.childForFieldName('body');
  for (const st of body?.namedChildren ?? []) {
    const d = st?.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
    if (
      d?.type === 'function_definition' &&
      names.includes(d.childForFieldName('name')?.text ?? '')
    )
      return d;
  }
  return undefined;
}

const defCache = new WeakMap<Tree, Map<string, Node[]>>();

/** Every function, class and lambda assignment in the file by name (once per tree). */
function definitions(tree: Tree): Map<string, Node[]> {
  const hit = defCache.get(tree);
  if (hit) return hit;
  const out = new Map<string, Node[]>();
  const add = (name: string | undefined, n: Node) => {
    if (!name) return;
    const list = out.get(name) ?? [];
    list.push(n);
    out.set(name, list);
  };
  for (const d of tree.rootNode.descendantsOfType(['function_definition', 'class_definition'])) {
    if (d) add(d.childForFieldName('name')?.text, d);
  }
  for (const a of tree.rootNode.descendantsOfType('assignment')) {
    if (!a) continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) continue;
    if (right.type === 'lambda' || a.parent?.parent?.type === 'module') add(left.text, a);
  }
  defCache.set(tree, out);
  return out;
}

/** The definition node a name node names or refers to, when it is defined in this file. */
export function definitionAt(tree: Tree, name: Node): Node | undefined {
  const parent = name.parent;
  if (
    parent &&
    (parent.type === 'function_definition' || parent.type === 'class_definition') &&
    parent.childForFieldName('name')?.id === name.id
  )
    return parent;
  if (name.type !== 'identifier') return undefined;
  return new Translator(tree).definition(name.text, name);
}

const translated = new WeakMap<Node, Translated | null>();

/**
 * Translates the definition `def` (function, class or lambda assignment) applied to x. Memoised
 * per syntax node, i.e. per document version.
 */
export function translateDefinition(tree: Tree, def: Node): Translated | undefined {
  const hit = translated.get(def);
  if (hit !== undefined) return hit ?? undefined;
  const t = new Translator(tree);
  let v: Value | undefined;
  let kind: Translated['kind'] = 'function';
  let name = '';
  try {
    if (def.type === 'assignment') {
      kind = 'lambda';
      name = def.childForFieldName('left')?.text ?? '';
      const right = def.childForFieldName('right');
      if (right?.type !== 'lambda') {
        translated.set(def, null);
        return undefined;
      }
    } else {
      name = def.childForFieldName('name')?.text ?? '';
      kind = def.type === 'class_definition' ? 'class' : 'function';
    }
    const input: Arg = { value: { t: 'expr', e: X }, text: 'x' };
    if (def.type === 'class_definition') {
      // The class as constructed with its defaults, applied to x.
      v = t.applyClass(def, input);
    } else {
      const cls = def.parent?.parent;
      const callable =
        def.type === 'function_definition' && isMethod(def) && cls
          ? t.defValue(def, { node: cls, attrs: new Map() })
          : t.defValue(def);
      v = callable?.t === 'fn' ? callable.call([input]) : undefined;
    }
  } catch {
    v = undefined;
  }
  const used = v?.t === 'expr' ? symbols(v.e) : new Set<string>();
  const out =
    v?.t === 'expr' && size(v.e) <= MAX_NODES && hasX(v.e)
      ? {
          name,
          kind,
          expr: simplify(v.e),
          params: Object.fromEntries(Object.entries(t.params).filter(([k]) => used.has(k))),
          assumed: [...t.assumed].filter((k) => used.has(k)),
          line: def.startPosition.row + 1,
          node: def,
        }
      : undefined;
  translated.set(def, out ?? null);
  return out;
}

export type { MathFn };
