/**
 * Custom curves: an activation defined in the user's file, carried as the expression grammar's
 * JSON (src/language/custom/expr.ts) and plotted beside the kernel's. Pure and shared by the host
 * and the webview: the panel and the card look a curve up by id, and a custom curve's descriptor
 * is built here from its expression.
 */
import * as z from 'zod/mini';
import { getActivation, type ActivationDescriptor } from '../kernel';
import type { ParamSpec, Params, Properties } from '../kernel/types';
import { computeKeyNumbers } from '../hover/keyNumbers';
import {
  compile,
  derivative,
  print,
  simplify,
  type Expr,
  type MathFn,
  type Relation,
} from '../language/custom/expr';

/** Bounds on an expression that arrives from a command link or a restored state. */
export const MAX_EXPR_DEPTH = 64;
export const MAX_EXPR_NODES = 400;
export const MAX_CUSTOM_PARAMS = 16;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

const FNS: ReadonlySet<string> = new Set<MathFn>([
  'exp',
  'expm1',
  'log',
  'log1p',
  'sqrt',
  'abs',
  'sin',
  'cos',
  'sinh',
  'cosh',
  'tanh',
  'erf',
  'sigmoid',
  'softplus',
  'max',
  'min',
  'sign',
]);
const RELATIONS: ReadonlySet<string> = new Set<Relation>(['>', '>=', '<', '<=']);
const BINARY: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'div', 'pow']);

export interface CustomDef {
  /** The definition's name as written (`snake`, `HardMish`). */
  readonly name: string;
  readonly expr: Expr;
  /** The definition's own parameters at their written defaults (the sliders start here). */
  readonly params: Params;
}

/** The curve id of a custom definition: never a kernel id, stable across reloads. */
export function customId(name: string): string {
  return `custom:${name}`;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const finiteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

class Invalid extends Error {}

/**
 * A clean copy of `raw` as an expression (only the grammar's fields, so `__proto__` and extra keys
 * stay behind), or an Invalid error saying what is wrong. Recursion stops at MAX_EXPR_DEPTH, so a
 * hostile nesting cannot exhaust the stack; the node count stops the walk at MAX_EXPR_NODES.
 */
function cleanExpr(raw: unknown, syms: Set<string>): Expr {
  let nodes = 0;
  const walk = (v: unknown, depth: number, path: string): Expr => {
    if (depth > MAX_EXPR_DEPTH)
      throw new Invalid(`expression nested deeper than ${MAX_EXPR_DEPTH} at ${path}`);
    if (++nodes > MAX_EXPR_NODES)
      throw new Invalid(`expression has more than ${MAX_EXPR_NODES} nodes`);
    if (!isObj(v)) throw new Invalid(`${path}: not an expression node`);
    const k = v.k;
    const sub = (key: string): Expr => walk(v[key], depth + 1, `${path}.${key}`);
    switch (k) {
      case 'x':
        return { k: 'x' };
      case 'num': {
        if (!finiteNum(v.v)) throw new Invalid(`${path}.v: must be a finite number`);
        if (v.label === undefined) return { k: 'num', v: v.v };
        if (typeof v.label !== 'string' || v.label.length > 16)
          throw new Invalid(`${path}.label: must be a short string`);
        return { k: 'num', v: v.v, label: v.label };
      }
      case 'sym': {
        if (typeof v.name !== 'string' || !PARAM_NAME.test(v.name))
          throw new Invalid(`${path}.name: not a parameter name`);
        syms.add(v.name);
        return { k: 'sym', name: v.name };
      }
      case 'neg':
        return { k: 'neg', a: sub('a') };
      case 'fn': {
        if (typeof v.f !== 'string' || !FNS.has(v.f))
          throw new Invalid(`${path}.f: unknown function '${String(v.f).slice(0, 20)}'`);
        const args = v.args;
        const two = v.f === 'max' || v.f === 'min';
        if (!Array.isArray(args) || args.length < 1 || args.length > (two ? 2 : 1))
          throw new Invalid(`${path}.args: wrong number of arguments for ${v.f}`);
        const out: Expr[] = [];
        for (let i = 0; i < args.length; i++)
          out.push(walk(args[i], depth + 1, `${path}.args.${i}`));
        return { k: 'fn', f: v.f as MathFn, args: out };
      }
      case 'act': {
        if (typeof v.id !== 'string' || !getActivation(v.id))
          throw new Invalid(`${path}.id: unknown activation '${String(v.id).slice(0, 40)}'`);
        if (v.order !== 0 && v.order !== 1 && v.order !== 2)
          throw new Invalid(`${path}.order: must be 0, 1 or 2`);
        return {
          k: 'act',
          id: v.id,
          params: cleanParams(v.params, `${path}.params`),
          order: v.order,
          a: sub('a'),
        };
      }
      case 'where': {
        if (typeof v.op !== 'string' || !RELATIONS.has(v.op))
          throw new Invalid(`${path}.op: unknown relation`);
        return {
          k: 'where',
          op: v.op as Relation,
          l: sub('l'),
          r: sub('r'),
          a: sub('a'),
          b: sub('b'),
        };
      }
      default:
        if (typeof k === 'string' && BINARY.has(k))
          return { k: k as 'add', a: sub('a'), b: sub('b') };
        throw new Invalid(`${path}.k: unknown node kind '${String(k).slice(0, 20)}'`);
    }
  };
  return walk(raw, 1, 'expr');
}

function cleanParams(raw: unknown, path: string): Record<string, number> {
  if (!isObj(raw)) throw new Invalid(`${path}: must be an object of numbers`);
  const keys = Object.keys(raw);
  if (keys.length > MAX_CUSTOM_PARAMS)
    throw new Invalid(`${path}: more than ${MAX_CUSTOM_PARAMS} parameters`);
  const out: Record<string, number> = {};
  for (const key of keys) {
    if (!PARAM_NAME.test(key))
      throw new Invalid(`${path}: '${key.slice(0, 40)}' is not a parameter name`);
    const v = raw[key];
    if (!finiteNum(v)) throw new Invalid(`${path}.${key}: must be a finite number`);
    out[key] = v;
  }
  return out;
}

/** A custom definition from untrusted data, or the one line that says why not. Never throws. */
export function parseCustomDef(
  raw: unknown,
): { ok: true; def: CustomDef } | { ok: false; why: string } {
  try {
    if (!isObj(raw)) return { ok: false, why: 'custom: must be {name, expr, params}' };
    const name = raw.name;
    if (typeof name !== 'string' || !NAME.test(name))
      return { ok: false, why: 'custom.name: must be an identifier of at most 48 characters' };
    const syms = new Set<string>();
    const expr = cleanExpr(raw.expr, syms);
    const params = cleanParams(raw.params ?? {}, 'custom.params');
    for (const s of syms)
      if (!(s in params)) return { ok: false, why: `custom.params: no value for '${s}'` };
    return { ok: true, def: { name, expr, params } };
  } catch (e) {
    // Invalid from the walk; anything else is a getter or proxy that threw, or a stack overflow.
    return { ok: false, why: e instanceof Invalid ? e.message : 'custom: not plain data' };
  }
}

/** The zod form of {@link parseCustomDef}, for the protocol's schemas (validated and cleaned). */
export const customDefSchema = z.pipe(
  z.unknown().check(
    z.superRefine((raw, ctx) => {
      const r = parseCustomDef(raw);
      if (!r.ok) ctx.issues.push({ code: 'custom', message: r.why, input: raw });
    }),
  ),
  z.transform((raw): CustomDef => {
    const r = parseCustomDef(raw);
    // The refinement above already refused anything else.
    if (!r.ok) throw new Error(r.why);
    return r.def;
  }),
);

// ---- the descriptor --------------------------------------------------------------------------

/** Decimal places of a written number (1.702 → 3), at most 6. */
function decimals(v: number): number {
  for (let d = 0; d <= 6; d++) if (Math.abs(Math.round(v * 10 ** d) - v * 10 ** d) < 1e-9) return d;
  return 6;
}

/**
 * A slider around the written default: from a hundredth of it to four times it on its own side of
 * zero (Snake's α = 1 → 0.01 … 4; a division by α never meets 0), ±5 around a default of 0, in
 * steps fine enough to land on the default exactly.
 */
export function customParamSpec(name: string, d: number): ParamSpec {
  const symbol = print({ k: 'sym', name }, 'tex');
  const description = `${name} as the definition writes it (default ${d})`;
  if (d === 0) return { name, symbol, default: 0, min: -5, max: 5, step: 0.01, description };
  const a = Math.abs(d);
  const step = Math.min(10 ** (Math.floor(Math.log10(a)) - 2), 10 ** -decimals(a));
  const round = (v: number) => Number((Math.round(v / step) * step).toPrecision(12));
  const lo = step;
  const hi = Math.max(round(4 * a), a);
  return d > 0
    ? { name, symbol, default: d, min: lo, max: hi, step, description }
    : { name, symbol, default: d, min: -hi, max: -lo, step, description };
}

type Fn1 = (x: number) => number;

function centralDiff(f: Fn1, rel: number): Fn1 {
  return (x) => {
    const h = rel * Math.max(1, Math.abs(x));
    return (f(x + h) - f(x - h)) / (2 * h);
  };
}

/** The functions that switch branches (max/min/abs/sign/where, a kernel's kinks), as g(x) = 0. */
function switches(e: Expr, params: Params, out: Fn1[]): Fn1[] {
  switch (e.k) {
    case 'where':
      out.push(compile({ k: 'sub', a: e.l, b: e.r }, params));
      break;
    case 'fn':
      if ((e.f === 'max' || e.f === 'min') && e.args[0] && e.args[1])
        out.push(compile({ k: 'sub', a: e.args[0], b: e.args[1] }, params));
      else if ((e.f === 'abs' || e.f === 'sign') && e.args[0]) out.push(compile(e.args[0], params));
      break;
    case 'act': {
      const act = getActivation(e.id);
      const a = compile(e.a, params);
      for (const k of act?.kinks({ ...act.params, ...e.params }) ?? []) out.push((x) => a(x) - k);
      break;
    }
    default:
      break;
  }
  const kids: Expr[] =
    e.k === 'neg' || e.k === 'act'
      ? [e.a]
      : e.k === 'fn'
        ? [...e.args]
        : e.k === 'where'
          ? [e.l, e.r, e.a, e.b]
          : 'b' in e
            ? [e.a, e.b]
            : [];
  for (const c of kids) switches(c, params, out);
  return out;
}

const KINK_LO = -20;
const KINK_HI = 20;
const KINK_N = 4001;

/** Where f′ jumps: the zeros of the branch switches on [−20, 20] at which f′ differs left and right. */
function findKinks(e: Expr, params: Params, df: Fn1): number[] {
  const out: number[] = [];
  for (const g of switches(e, params, [])) {
    let prevX = KINK_LO;
    let prev = g(prevX);
    for (let i = 1; i < KINK_N && out.length < 32; i++) {
      const x = KINK_LO + ((KINK_HI - KINK_LO) * i) / (KINK_N - 1);
      const y = g(x);
      if (prev === 0 || Math.sign(prev) !== Math.sign(y)) {
        let a = prevX;
        let b = x;
        if (prev !== 0)
          for (let j = 0; j < 80 && b - a > 1e-13 * Math.max(1, Math.abs(a)); j++) {
            const m = (a + b) / 2;
            if (Math.sign(g(m)) === Math.sign(prev)) a = m;
            else b = m;
          }
        const k = prev === 0 ? prevX : Number(((a + b) / 2).toPrecision(12));
        const h = 1e-7 * Math.max(1, Math.abs(k));
        const jump = Math.abs(df(k + h) - df(k - h));
        if (jump > 1e-6 && !out.some((o) => Math.abs(o - k) < 1e-9)) out.push(k);
      }
      prevX = x;
      prev = y;
    }
  }
  return out.sort((p, q) => p - q);
}

interface Compiled {
  readonly f: Fn1;
  readonly df: Fn1;
  readonly d2f: Fn1;
}

/**
 * f, f′, f″ of a custom definition as a kernel-shaped descriptor: f′ and f″ symbolic where the
 * grammar can differentiate (simplified), central differences where it cannot; properties
 * measured numerically at the written defaults.
 */
export function customDescriptor(def: CustomDef): ActivationDescriptor {
  const defaults: Params = def.params;
  const d1 = derivative(def.expr);
  const e1 = d1 && simplify(d1);
  const d2 = e1 && derivative(e1);
  const e2 = d2 && simplify(d2);
  const byParams = new Map<string, Compiled>();
  const at = (given?: Partial<Params>): Compiled => {
    const p: Record<string, number> = { ...defaults };
    for (const [k, v] of Object.entries(given ?? {}))
      if (k in defaults && v !== undefined) p[k] = v;
    const key = JSON.stringify(p);
    let c = byParams.get(key);
    if (!c) {
      const f = compile(def.expr, p);
      const df = e1 ? compile(e1, p) : centralDiff(f, 1e-6);
      const d2f = e2 ? compile(e2, p) : centralDiff(df, 1e-4);
      c = { f, df, d2f };
      // Slider drags make new parameter sets at every step; keep the last few.
      if (byParams.size >= 8) byParams.delete(byParams.keys().next().value as string);
      byParams.set(key, c);
    }
    return c;
  };
  const batch =
    (pick: (c: Compiled) => Fn1) =>
    (xs: Float64Array, params?: Partial<Params>, out?: Float64Array): Float64Array => {
      const g = pick(at(params));
      const o = out ?? new Float64Array(xs.length);
      for (let i = 0; i < xs.length; i++) o[i] = g(xs[i] ?? 0);
      return o;
    };
  const paramSpecs = Object.entries(defaults).map(([n, v]) => customParamSpec(n, v));
  const kinks = (params?: Partial<Params>): number[] => {
    const c = at(params);
    const p = { ...defaults, ...(params ?? {}) } as Params;
    return findKinks(def.expr, p, c.df);
  };
  const unicodeF = print(def.expr, 'unicode');
  const curve = {
    f: (x: number, p?: Partial<Params>) => at(p).f(x),
    df: (x: number, p?: Partial<Params>) => at(p).df(x),
    d2f: (x: number, p?: Partial<Params>) => at(p).d2f(x),
    fBatch: batch((c) => c.f),
    dfBatch: batch((c) => c.df),
    d2fBatch: batch((c) => c.d2f),
  };
  const k = computeKeyNumbers(curve, defaults);
  const zeroKinks = kinks().length === 0;
  const properties: Properties = {
    range: [k.range.lo, k.range.hi],
    boundedAbove: Number.isFinite(k.range.hi),
    boundedBelow: Number.isFinite(k.range.lo),
    monotonic: k.stationary.length === 0,
    smooth: zeroKinks,
    zeroCentred: k.f0 === 0 && k.range.lo < 0 && k.range.hi > 0,
    selfNormalising: false,
  };
  const numeric = 'computed numerically (central differences)';
  return {
    id: customId(def.name),
    name: def.name,
    summary: `${def.name}: f(x) = ${unicodeF} (defined in your file)`,
    description: `${def.name} as defined in your file, read as f(x) = ${unicodeF}.`,
    lesson: 'A custom definition: its properties are measured on a grid, not known exactly.',
    paramSpecs,
    params: defaults,
    ...curve,
    kinks,
    properties,
    formulas: {
      f: { expr: '', tex: print(def.expr, 'tex'), unicode: unicodeF },
      df: e1
        ? { expr: '', tex: print(e1, 'tex'), unicode: print(e1, 'unicode') }
        : { expr: '', tex: `\\text{${numeric}}`, unicode: numeric },
      ...(e2 ? { d2f: { expr: '', tex: print(e2, 'tex'), unicode: print(e2, 'unicode') } } : {}),
    },
    spellings: [],
  };
}

/** `e` with each parameter replaced by its value (missing ones stay symbols). */
function substitute(e: Expr, params: Params): Expr {
  switch (e.k) {
    case 'sym': {
      const v = params[e.name];
      return v === undefined ? e : { k: 'num', v };
    }
    case 'num':
    case 'x':
      return e;
    case 'neg':
      return { k: 'neg', a: substitute(e.a, params) };
    case 'act':
      return { ...e, a: substitute(e.a, params) };
    case 'fn':
      return { ...e, args: e.args.map((a) => substitute(a, params)) };
    case 'where':
      return {
        ...e,
        l: substitute(e.l, params),
        r: substitute(e.r, params),
        a: substitute(e.a, params),
        b: substitute(e.b, params),
      };
    default:
      return { k: e.k, a: substitute(e.a, params), b: substitute(e.b, params) };
  }
}

export interface CustomFormula {
  readonly tex: string;
  readonly unicode: string;
}

/**
 * f and f′ at the slider values, as the card shows them: values substituted into the expression
 * and simplified there (α = 1 gives sin²(x), not sin²(1·x)/1, which text substitution would).
 */
export function customFormulas(
  def: CustomDef,
  params: Params,
): { f: CustomFormula; df: CustomFormula | undefined } {
  const p = { ...def.params, ...params };
  const out = (e: Expr): CustomFormula => {
    const s = simplify(substitute(e, p));
    return { tex: print(s, 'tex'), unicode: print(s, 'unicode') };
  };
  const d = derivative(def.expr);
  return { f: out(def.expr), df: d && out(d) };
}

/** What the plot state looks curves up with: a kernel id, or a custom curve's definition. */
export type CurveLookup = (id: string, custom?: CustomDef) => ActivationDescriptor | undefined;

/**
 * Kernel ids through `kernel`; custom curves through their descriptor, built once per distinct
 * definition (the last 16 are kept: a panel holds at most 8 curves).
 */
export function withCustom(kernel: (id: string) => ActivationDescriptor | undefined): CurveLookup {
  const cache = new Map<string, ActivationDescriptor>();
  return (id, custom) => {
    if (!custom) return id.startsWith('custom:') ? undefined : kernel(id);
    const key = JSON.stringify(custom);
    let d = cache.get(key);
    if (!d) {
      d = customDescriptor(custom);
      if (cache.size >= 16) cache.delete(cache.keys().next().value as string);
      cache.set(key, d);
    }
    return d;
  };
}
