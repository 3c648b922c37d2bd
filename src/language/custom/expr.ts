import { getActivation } from '../../kernel';
import { superscript } from '../../kernel/format';
import type { Params } from '../../kernel/types';

/**
 * The expression grammar a custom activation's body is translated into. Nothing from the user's
 * file is ever evaluated as code: the translator builds these nodes from the syntax tree, and
 * only these nodes are evaluated, differentiated and printed here.
 */
export type MathFn =
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'abs'
  | 'sin'
  | 'cos'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'erf'
  | 'sigmoid'
  | 'softplus'
  | 'max'
  | 'min'
  | 'sign';

export type Relation = '>' | '>=' | '<' | '<=';

export type Expr =
  | { readonly k: 'num'; readonly v: number; readonly label?: string }
  | { readonly k: 'x' }
  /** A parameter of the definition (`alpha=1.0`), evaluated at its assumed value. */
  | { readonly k: 'sym'; readonly name: string }
  | { readonly k: 'neg'; readonly a: Expr }
  | {
      readonly k: 'add' | 'sub' | 'mul' | 'div' | 'pow';
      readonly a: Expr;
      readonly b: Expr;
    }
  | { readonly k: 'fn'; readonly f: MathFn; readonly args: readonly Expr[] }
  /** A built-in activation (or its derivative, `order` 1 or 2) applied to `a`. */
  | {
      readonly k: 'act';
      readonly id: string;
      readonly params: Params;
      readonly order: 0 | 1 | 2;
      readonly a: Expr;
    }
  /** `a` where `l op r`, else `b`. */
  | {
      readonly k: 'where';
      readonly op: Relation;
      readonly l: Expr;
      readonly r: Expr;
      readonly a: Expr;
      readonly b: Expr;
    };

export const num = (v: number, label?: string): Expr =>
  label ? { k: 'num', v, label } : { k: 'num', v };
export const X: Expr = { k: 'x' };
export const fn = (f: MathFn, ...args: Expr[]): Expr => ({ k: 'fn', f, args });
export const bin = (k: 'add' | 'sub' | 'mul' | 'div' | 'pow', a: Expr, b: Expr): Expr => ({
  k,
  a,
  b,
});

const isNum = (e: Expr): e is Extract<Expr, { k: 'num' }> => e.k === 'num';
/** Not a type guard: `isVal(a, 0)` being false says nothing about a's kind. */
const isVal = (e: Expr, v: number): boolean => e.k === 'num' && e.v === v;

/** The direct sub-expressions of `e` (for walks that treat every node kind alike). */
export function children(e: Expr): readonly Expr[] {
  switch (e.k) {
    case 'num':
    case 'x':
    case 'sym':
      return [];
    case 'neg':
    case 'act':
      return [e.a];
    case 'fn':
      return e.args;
    case 'where':
      return [e.l, e.r, e.a, e.b];
    default:
      return [e.a, e.b];
  }
}

/** Whether `e` depends on x. */
export function hasX(e: Expr): boolean {
  switch (e.k) {
    case 'x':
      return true;
    case 'num':
    case 'sym':
      return false;
    case 'neg':
      return hasX(e.a);
    case 'fn':
      return e.args.some(hasX);
    case 'act':
      return hasX(e.a);
    case 'where':
      return [e.l, e.r, e.a, e.b].some(hasX);
    default:
      return hasX(e.a) || hasX(e.b);
  }
}

/** Whether `e` is more than an affine map of x (a custom "activation" must bend somewhere). */
export function isNonlinear(e: Expr): boolean {
  switch (e.k) {
    case 'x':
    case 'num':
    case 'sym':
      return false;
    case 'fn':
    case 'act':
    case 'where':
      return hasX(e);
    case 'neg':
      return isNonlinear(e.a);
    case 'pow':
      return hasX(e.a) || hasX(e.b);
    case 'div':
      return hasX(e.b) || isNonlinear(e.a);
    case 'mul':
      return (hasX(e.a) && hasX(e.b)) || isNonlinear(e.a) || isNonlinear(e.b);
    default:
      return isNonlinear(e.a) || isNonlinear(e.b);
  }
}

/** The number of nodes (translation and printing stay bounded). */
export function size(e: Expr): number {
  switch (e.k) {
    case 'x':
    case 'num':
    case 'sym':
      return 1;
    case 'neg':
    case 'act':
      return 1 + size(e.a);
    case 'fn':
      return e.args.reduce((s, a) => s + size(a), 1);
    case 'where':
      return 1 + size(e.l) + size(e.r) + size(e.a) + size(e.b);
    default:
      return 1 + size(e.a) + size(e.b);
  }
}

// ---- evaluation --------------------------------------------------------------------------------

type Fn1 = (x: number) => number;

/** erf to ~1e-16 (the kernel has its own; this one keeps the grammar self-contained). */
function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is only 1e-7; use the series / continued fraction split instead.
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (a > 6) return Math.sign(x);
  // erfc by Lentz's continued fraction.
  let f = a;
  let c = a;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = a + an * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = a + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / (f * Math.sqrt(Math.PI));
  return Math.sign(x) * (1 - erfc);
}

const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));
const softplus = (t: number) => Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));

const UNARY: Readonly<Record<Exclude<MathFn, 'max' | 'min'>, Fn1>> = {
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sin: Math.sin,
  cos: Math.cos,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  erf,
  sigmoid,
  softplus,
  sign: Math.sign,
};

const compare = (op: Relation, l: number, r: number) =>
  op === '>' ? l > r : op === '>=' ? l >= r : op === '<' ? l < r : l <= r;

/**
 * A closure computing `e` at x, with parameters from `params` (missing ones are NaN). Built once,
 * called on a whole grid.
 */
export function compile(e: Expr, params: Readonly<Record<string, number>> = {}): Fn1 {
  switch (e.k) {
    case 'num': {
      const v = e.v;
      return () => v;
    }
    case 'x':
      return (x) => x;
    case 'sym': {
      const v = params[e.name] ?? NaN;
      return () => v;
    }
    case 'neg': {
      const a = compile(e.a, params);
      return (x) => -a(x);
    }
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'pow': {
      const a = compile(e.a, params);
      const b = compile(e.b, params);
      switch (e.k) {
        case 'add':
          return (x) => a(x) + b(x);
        case 'sub':
          return (x) => a(x) - b(x);
        case 'mul':
          return (x) => a(x) * b(x);
        case 'div':
          return (x) => a(x) / b(x);
        default:
          return (x) => a(x) ** b(x);
      }
    }
    case 'fn': {
      const args = e.args.map((a) => compile(a, params));
      const [a0, a1] = args;
      if (!a0) return () => NaN;
      if (e.f === 'max') return a1 ? (x) => Math.max(a0(x), a1(x)) : a0;
      if (e.f === 'min') return a1 ? (x) => Math.min(a0(x), a1(x)) : a0;
      const f = UNARY[e.f];
      return (x) => f(a0(x));
    }
    case 'act': {
      const act = getActivation(e.id);
      const a = compile(e.a, params);
      if (!act) return () => NaN;
      const p = { ...act.params, ...e.params };
      const f = e.order === 0 ? act.f : e.order === 1 ? act.df : act.d2f;
      return (x) => f(a(x), p);
    }
    case 'where': {
      const l = compile(e.l, params);
      const r = compile(e.r, params);
      const a = compile(e.a, params);
      const b = compile(e.b, params);
      const op = e.op;
      return (x) => (compare(op, l(x), r(x)) ? a(x) : b(x));
    }
  }
}

// ---- simplification and derivative -------------------------------------------------------------

/** Folds numbers (keeping labelled constants like π and √2 as written) and drops 0s and 1s. */
export function simplify(e: Expr): Expr {
  switch (e.k) {
    case 'num':
    case 'x':
    case 'sym':
      return e;
    case 'neg': {
      const a = simplify(e.a);
      if (isNum(a) && !a.label) return num(-a.v);
      if (a.k === 'neg') return a.a;
      return { k: 'neg', a };
    }
    case 'fn':
      return { k: 'fn', f: e.f, args: e.args.map(simplify) };
    case 'act':
      return { ...e, a: simplify(e.a) };
    case 'where':
      return {
        ...e,
        l: simplify(e.l),
        r: simplify(e.r),
        a: simplify(e.a),
        b: simplify(e.b),
      };
    default: {
      const a = simplify(e.a);
      const b = simplify(e.b);
      if (isNum(a) && isNum(b) && !a.label && !b.label) {
        const v = compile(bin(e.k, a, b))(0);
        if (Number.isFinite(v)) return num(v);
      }
      switch (e.k) {
        case 'add':
          if (isVal(a, 0)) return b;
          if (isVal(b, 0)) return a;
          if (b.k === 'neg') return simplify(bin('sub', a, b.a));
          break;
        case 'sub':
          if (isVal(b, 0)) return a;
          if (isVal(a, 0)) return simplify({ k: 'neg', a: b });
          break;
        case 'mul':
          if (isVal(a, 0) || isVal(b, 0)) return num(0);
          if (isVal(a, 1)) return b;
          if (isVal(b, 1)) return a;
          if (isVal(a, -1)) return simplify({ k: 'neg', a: b });
          // Numbers first: 2·x, not x·2.
          if (isNum(b) && !isNum(a)) return bin('mul', b, a);
          if (isNum(a) && b.k === 'mul' && isNum(b.a) && !a.label && !b.a.label)
            return simplify(bin('mul', num(a.v * b.a.v), b.b));
          break;
        case 'div':
          if (isVal(a, 0)) return num(0);
          if (isVal(b, 1)) return a;
          break;
        case 'pow':
          if (isVal(b, 1)) return a;
          if (isVal(b, 0)) return num(1);
          break;
      }
      return bin(e.k, a, b);
    }
  }
}

/** d/dx of `e`, symbolic; `undefined` where the grammar cannot say (a third derivative of a kernel). */
export function derivative(e: Expr): Expr | undefined {
  const d = (a: Expr) => derivative(a);
  const chain = (outer: Expr, inner: Expr): Expr | undefined => {
    const di = d(inner);
    return di && bin('mul', outer, di);
  };
  if (!hasX(e)) return num(0);
  switch (e.k) {
    case 'x':
      return num(1);
    case 'num':
    case 'sym':
      return num(0);
    case 'neg': {
      const da = d(e.a);
      return da && { k: 'neg', a: da };
    }
    case 'add':
    case 'sub': {
      const da = d(e.a);
      const db = d(e.b);
      return da && db && bin(e.k, da, db);
    }
    case 'mul': {
      const da = d(e.a);
      const db = d(e.b);
      return da && db && bin('add', bin('mul', da, e.b), bin('mul', e.a, db));
    }
    case 'div': {
      const da = d(e.a);
      const db = d(e.b);
      if (!da || !db) return undefined;
      if (!hasX(e.b)) return bin('div', da, e.b);
      return bin(
        'div',
        bin('sub', bin('mul', da, e.b), bin('mul', e.a, db)),
        bin('pow', e.b, num(2)),
      );
    }
    case 'pow': {
      if (!hasX(e.b)) return chain(bin('mul', e.b, bin('pow', e.a, bin('sub', e.b, num(1)))), e.a);
      const da = d(e.a);
      const db = d(e.b);
      if (!da || !db) return undefined;
      return bin(
        'mul',
        e,
        bin('add', bin('mul', db, fn('log', e.a)), bin('div', bin('mul', e.b, da), e.a)),
      );
    }
    case 'fn': {
      const [a, b] = e.args;
      if (!a) return undefined;
      switch (e.f) {
        case 'exp':
        case 'expm1':
          return chain(fn('exp', a), a);
        case 'log':
          return chain(bin('div', num(1), a), a);
        case 'log1p':
          return chain(bin('div', num(1), bin('add', num(1), a)), a);
        case 'sqrt':
          return chain(bin('div', num(1), bin('mul', num(2), fn('sqrt', a))), a);
        case 'abs':
          return chain(fn('sign', a), a);
        case 'sin':
          return chain(fn('cos', a), a);
        case 'cos':
          return chain({ k: 'neg', a: fn('sin', a) }, a);
        case 'sinh':
          return chain(fn('cosh', a), a);
        case 'cosh':
          return chain(fn('sinh', a), a);
        case 'tanh':
          return chain(bin('sub', num(1), bin('pow', fn('tanh', a), num(2))), a);
        case 'erf':
          return chain(
            bin(
              'mul',
              bin('div', num(2), fn('sqrt', num(Math.PI, 'π'))),
              fn('exp', { k: 'neg', a: bin('pow', a, num(2)) }),
            ),
            a,
          );
        case 'sigmoid':
          return chain(bin('mul', fn('sigmoid', a), bin('sub', num(1), fn('sigmoid', a))), a);
        case 'softplus':
          return chain(fn('sigmoid', a), a);
        case 'sign':
          return num(0);
        case 'max':
        case 'min': {
          if (!b) return d(a);
          const da = d(a);
          const db = d(b);
          return (
            da && db && { k: 'where', op: e.f === 'max' ? '>' : '<', l: a, r: b, a: da, b: db }
          );
        }
      }
      return undefined;
    }
    case 'act':
      if (e.order === 2) return undefined;
      return chain({ ...e, order: e.order === 0 ? 1 : 2 }, e.a);
    case 'where': {
      const da = d(e.a);
      const db = d(e.b);
      return da && db && { ...e, a: da, b: db };
    }
  }
}

// ---- printing ----------------------------------------------------------------------------------

type Target = 'unicode' | 'tex';
const PREC = { where: 0, add: 1, mul: 2, neg: 3, pow: 4, atom: 5 } as const;
interface Piece {
  readonly s: string;
  readonly p: number;
}

/** `s` in superscript when every character has one (exponents: `x²`, `e⁻ˣ`), else undefined. */
function sup(s: string): string | undefined {
  return /^[-\d.x]+$/.test(s) ? superscript(s).replace(/x/g, 'ˣ') : undefined;
}

/** A number as people write it: up to 6 significant digits, exponent form when tiny or huge. */
export function numberText(v: number, target: Target): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) {
    const [m, ex] = v.toExponential(3).split('e');
    const mant = String(Number(m));
    const exp = String(Number(ex));
    return target === 'tex' ? `${mant} \\times 10^{${exp}}` : `${mant}×10${superscript(exp)}`;
  }
  return String(Number(v.toPrecision(6)));
}

const GREEK: Readonly<Record<string, [string, string]>> = {
  alpha: ['α', '\\alpha'],
  beta: ['β', '\\beta'],
  gamma: ['γ', '\\gamma'],
  a: ['a', 'a'],
  b: ['b', 'b'],
};

function symbol(name: string, t: Target): string {
  const g = GREEK[name];
  if (g) return t === 'tex' ? g[1] : g[0];
  return t === 'tex' ? `\\mathrm{${name.replace(/_/g, '\\_')}}` : name;
}

const FN_TEXT: Readonly<Record<MathFn, [string, string]>> = {
  exp: ['exp', '\\exp'],
  expm1: ['expm1', '\\operatorname{expm1}'],
  log: ['log', '\\log'],
  log1p: ['log1p', '\\operatorname{log1p}'],
  sqrt: ['√', '\\sqrt'],
  abs: ['abs', '\\operatorname{abs}'],
  sin: ['sin', '\\sin'],
  cos: ['cos', '\\cos'],
  sinh: ['sinh', '\\sinh'],
  cosh: ['cosh', '\\cosh'],
  tanh: ['tanh', '\\tanh'],
  erf: ['erf', '\\operatorname{erf}'],
  sigmoid: ['σ', '\\sigma'],
  softplus: ['softplus', '\\operatorname{softplus}'],
  max: ['max', '\\max'],
  min: ['min', '\\min'],
  sign: ['sgn', '\\operatorname{sgn}'],
};

function wrap(piece: Piece, min: number, t: Target): string {
  if (piece.p >= min) return piece.s;
  return t === 'tex' ? `\\left(${piece.s}\\right)` : `(${piece.s})`;
}

function render(e: Expr, t: Target): Piece {
  const tex = t === 'tex';
  switch (e.k) {
    case 'num': {
      if (e.label) return { s: tex ? labelTex(e.label) : e.label, p: PREC.atom };
      const s = numberText(e.v, t);
      return {
        s,
        p: e.v < 0 ? PREC.neg : s.includes('×') || s.includes('times') ? PREC.mul : PREC.atom,
      };
    }
    case 'x':
      return { s: 'x', p: PREC.atom };
    case 'sym':
      return { s: symbol(e.name, t), p: PREC.atom };
    case 'neg': {
      const a = render(e.a, t);
      return { s: `${tex ? '-' : '−'}${wrap(a, PREC.mul, t)}`, p: PREC.neg };
    }
    case 'add':
    case 'sub': {
      const a = render(e.a, t);
      const b = render(e.b, t);
      const op = e.k === 'add' ? '+' : tex ? '-' : '−';
      return {
        s: `${wrap(a, PREC.add, t)} ${op} ${wrap(b, e.k === 'sub' ? PREC.mul : PREC.add, t)}`,
        p: PREC.add,
      };
    }
    case 'mul': {
      const a = render(e.a, t);
      const b = render(e.b, t);
      const sa = wrap(a, PREC.mul, t);
      // a·(b·c) is a·b·c: a product needs no parentheses on the right either.
      const sb = wrap(b, e.b.k === 'mul' ? PREC.mul : PREC.neg + 1, t);
      // 2x, 0.5x·σ(x): juxtapose a number and what follows; a middle dot elsewhere.
      const tight = e.a.k === 'num' && !e.a.label && !/^[\d.]/.test(sb);
      const sep = tight ? (tex ? '\\,' : '') : tex ? ' \\cdot ' : '·';
      return { s: `${sa}${sep}${sb}`, p: PREC.mul };
    }
    case 'div': {
      const a = render(e.a, t);
      const b = render(e.b, t);
      if (tex) return { s: `\\frac{${a.s}}{${b.s}}`, p: PREC.atom };
      return { s: `${wrap(a, PREC.mul, t)}/${wrap(b, PREC.pow, t)}`, p: PREC.mul };
    }
    case 'pow': {
      const a = render(e.a, t);
      const b = render(e.b, t);
      if (tex) return { s: `{${wrap(a, PREC.atom, t)}}^{${b.s}}`, p: PREC.pow };
      const up = sup(b.s);
      return { s: `${wrap(a, PREC.atom, t)}${up ?? `^${wrap(b, PREC.atom, t)}`}`, p: PREC.pow };
    }
    case 'fn': {
      const args = e.args.map((a) => render(a, t).s);
      const [name, texName] = FN_TEXT[e.f];
      if (e.f === 'exp' && e.args[0]) {
        const a = render(e.args[0], t);
        if (tex) return { s: `e^{${a.s}}`, p: PREC.pow };
        const up = sup(a.s.replace(/−/g, '-'));
        return { s: up ? `e${up}` : `exp(${a.s})`, p: up ? PREC.pow : PREC.atom };
      }
      if (e.f === 'sqrt' && e.args[0]) {
        if (tex) return { s: `\\sqrt{${args[0]}}`, p: PREC.atom };
        const a = render(e.args[0], t);
        return { s: `√${a.p >= PREC.atom ? a.s : `(${a.s})`}`, p: PREC.atom };
      }
      if (e.f === 'abs' && e.args[0])
        return { s: tex ? `\\left|${args[0]}\\right|` : `|${args[0]}|`, p: PREC.atom };
      const joined = args.join(', ');
      return {
        s: tex ? `${texName}\\left(${joined}\\right)` : `${name}(${joined})`,
        p: PREC.atom,
      };
    }
    case 'act': {
      // The kernel id, not the display name: GELU and its tanh form must not print alike.
      const name = e.id;
      const prime = e.order === 0 ? '' : e.order === 1 ? (tex ? "'" : '′') : tex ? "''" : '″';
      const arg = render(e.a, t).s;
      return {
        s: tex
          ? `\\operatorname{${name.replace(/_/g, '\\_')}}${prime}\\left(${arg}\\right)`
          : `${name}${prime}(${arg})`,
        p: PREC.atom,
      };
    }
    case 'where': {
      const rel = tex
        ? { '>': '>', '>=': '\\ge', '<': '<', '<=': '\\le' }[e.op]
        : { '>': '>', '>=': '≥', '<': '<', '<=': '≤' }[e.op];
      const cond = `${render(e.l, t).s} ${rel} ${render(e.r, t).s}`;
      const a = render(e.a, t).s;
      const b = render(e.b, t).s;
      return tex
        ? {
            s: `\\begin{cases} ${a} & ${cond} \\\\ ${b} & \\text{otherwise} \\end{cases}`,
            p: PREC.atom,
          }
        : { s: `${a} if ${cond}, else ${b}`, p: PREC.where };
    }
  }
}

function labelTex(label: string): string {
  return label.replace(/π/g, '\\pi').replace(/√\(([^)]*)\)/g, '\\sqrt{$1}');
}

/** The expression in Unicode (hover text, alt text) and TeX (typeset formula). */
export function print(e: Expr, target: Target): string {
  return render(e, target).s;
}
