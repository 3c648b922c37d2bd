/**
 * Generates src/kernel/formulas.generated.ts from the mathjs expressions below (`npm run
 * gen:formulas`). The expression is the single source of truth: the TeX (KaTeX in the webview) and
 * the Unicode (hovers, which cannot render math) are rendered from its parse tree, and the unit
 * tests evaluate the same expression against the kernel, so what we show is what we test.
 *
 * mathjs is a dev-time dependency only: the generated file is plain data and the runtime bundles
 * never import this script.
 */
import { parse, type MathNode } from 'mathjs';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface FormulaSource {
  readonly f: string;
  readonly df: string;
  readonly d2f?: string;
  /** Named constants (not parameters) used by the expressions, e.g. SELU's λ and α. */
  readonly constants?: Readonly<Record<string, number>>;
}

/**
 * Expressions in `x` and PyTorch's parameter names. At kinks the conditions are written so the
 * formula gives the kernel's (PyTorch autograd's) one-sided value: relu′(0) = 0, leaky_relu′(0) =
 * negative_slope, hardtanh′(±1) = 0, hardswish′ = x/3 + ½ on the closed [−3, 3].
 */
export const SOURCES: Readonly<Record<string, FormulaSource>> = {
  sigmoid: {
    f: '1 / (1 + exp(-x))',
    df: 'sigma(x) * (1 - sigma(x))',
    d2f: 'sigma(x) * (1 - sigma(x)) * (1 - 2 * sigma(x))',
  },
  tanh: {
    f: '(exp(x) - exp(-x)) / (exp(x) + exp(-x))',
    df: '1 - tanh(x)^2',
    d2f: '-2 * tanh(x) * (1 - tanh(x)^2)',
  },
  relu: { f: 'max(0, x)', df: 'x > 0 ? 1 : 0', d2f: '0' },
  leaky_relu: {
    f: 'x > 0 ? x : negative_slope * x',
    df: 'x > 0 ? 1 : negative_slope',
    d2f: '0',
  },
  elu: {
    f: 'x > 0 ? x : alpha * (exp(x) - 1)',
    df: 'x > 0 ? 1 : alpha * exp(x)',
    d2f: 'x > 0 ? 0 : alpha * exp(x)',
  },
  selu: {
    f: 'x > 0 ? lambda * x : lambda * alpha * (exp(x) - 1)',
    df: 'x > 0 ? lambda : lambda * alpha * exp(x)',
    d2f: 'x > 0 ? 0 : lambda * alpha * exp(x)',
    // Klambauer et al. 2017, as PyTorch rounds them to float64.
    constants: { lambda: 1.0507009873554805, alpha: 1.6732632423543772 },
  },
  celu: {
    f: 'x > 0 ? x : alpha * (exp(x / alpha) - 1)',
    df: 'x > 0 ? 1 : exp(x / alpha)',
    d2f: 'x > 0 ? 0 : exp(x / alpha) / alpha',
  },
  gelu: {
    f: 'x * Phi(x)',
    df: 'Phi(x) + x * phi(x)',
    d2f: '(2 - x^2) * phi(x)',
  },
  // f″ inlined would be unreadable (u = √(2/π)(x + 0.044715x³) appears five times).
  gelu_tanh: {
    f: '1/2 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))',
    df:
      '1/2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))' +
      ' + 1/2 * x * (1 - tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))^2)' +
      ' * sqrt(2 / pi) * (1 + 0.134145 * x^2)',
  },
  softplus: {
    f: '1 / beta * log(1 + exp(beta * x))',
    df: 'sigma(beta * x)',
    d2f: 'beta * sigma(beta * x) * (1 - sigma(beta * x))',
  },
  silu: {
    f: 'x * sigma(x)',
    df: 'sigma(x) * (1 + x * (1 - sigma(x)))',
    d2f: 'sigma(x) * (1 - sigma(x)) * (2 + x * (1 - 2 * sigma(x)))',
  },
  mish: {
    f: 'x * tanh(softplus(x))',
    df: 'tanh(softplus(x)) + x * sigma(x) * sech(softplus(x))^2',
    d2f:
      'sigma(x) * sech(softplus(x))^2' +
      ' * (2 + x * (1 - sigma(x)) - 2 * x * sigma(x) * tanh(softplus(x)))',
  },
  softsign: {
    f: 'x / (1 + abs(x))',
    df: '1 / (1 + abs(x))^2',
    d2f: '-2 * sign(x) / (1 + abs(x))^3',
  },
  hardtanh: {
    f: 'x < min_val ? min_val : (x > max_val ? max_val : x)',
    df: 'min_val < x < max_val ? 1 : 0',
    d2f: '0',
  },
  relu6: { f: 'min(max(0, x), 6)', df: '0 < x < 6 ? 1 : 0', d2f: '0' },
  hardsigmoid: {
    f: 'x <= -3 ? 0 : (x >= 3 ? 1 : x / 6 + 1/2)',
    df: '-3 < x < 3 ? 1/6 : 0',
    d2f: '0',
  },
  hardswish: {
    f: 'x <= -3 ? 0 : (x >= 3 ? x : x * (x + 3) / 6)',
    df: 'x < -3 ? 0 : (x <= 3 ? x / 3 + 1/2 : 1)',
    d2f: '-3 <= x <= 3 ? 1/3 : 0',
  },
  logsigmoid: {
    f: '-log(1 + exp(-x))',
    df: '1 - sigma(x)',
    d2f: '-sigma(x) * (1 - sigma(x))',
  },
  tanhshrink: {
    f: 'x - tanh(x)',
    df: 'tanh(x)^2',
    d2f: '2 * tanh(x) * (1 - tanh(x)^2)',
  },
  softshrink: {
    f: 'x > lambd ? x - lambd : (x < -lambd ? x + lambd : 0)',
    df: 'abs(x) > lambd ? 1 : 0',
    d2f: '0',
  },
  hardshrink: {
    f: 'abs(x) > lambd ? x : 0',
    df: 'abs(x) > lambd ? 1 : 0',
    d2f: '0',
  },
  quick_gelu: {
    f: 'x * sigma(1.702 * x)',
    df: 'sigma(1.702 * x) * (1 + 1.702 * x * (1 - sigma(1.702 * x)))',
    d2f:
      '1.702 * sigma(1.702 * x) * (1 - sigma(1.702 * x))' +
      ' * (2 + 1.702 * x * (1 - 2 * sigma(1.702 * x)))',
  },
  prelu: { f: 'x > 0 ? x : weight * x', df: 'x > 0 ? 1 : weight', d2f: '0' },
  rrelu: {
    f: 'x > 0 ? x : (lower + upper) / 2 * x',
    df: 'x > 0 ? 1 : (lower + upper) / 2',
    d2f: '0',
  },
  threshold: { f: 'x > threshold ? x : value', df: 'x > threshold ? 1 : 0', d2f: '0' },
  identity: { f: 'x', df: '1', d2f: '0' },
  step: { f: 'x > 0 ? 1 : 0', df: '0', d2f: '0' },
  squareplus: {
    f: '1/2 * (x + sqrt(x^2 + b))',
    df: '1/2 * (1 + x / sqrt(x^2 + b))',
    d2f: 'b / (2 * (x^2 + b)^(3/2))',
  },
  hard_sigmoid_linear: {
    f: 'x <= -2.5 ? 0 : (x >= 2.5 ? 1 : 0.2 * x + 0.5)',
    df: '-2.5 < x < 2.5 ? 0.2 : 0',
    d2f: '0',
  },
  exponential: { f: 'exp(x)', df: 'exp(x)', d2f: 'exp(x)' },
  relu2: { f: 'max(0, x)^2', df: '2 * max(0, x)', d2f: 'x > 0 ? 2 : 0' },
};

export interface HelperSource {
  /** Definition in `x` using only mathjs built-ins. */
  readonly expr: string;
  readonly description: string;
}

/** Named functions the expressions may call (besides mathjs built-ins), shown as "where …" lines. */
export const HELPERS: Readonly<Record<string, HelperSource>> = {
  sigma: { expr: '1 / (1 + exp(-x))', description: 'the logistic sigmoid' },
  Phi: { expr: '1/2 * (1 + erf(x / sqrt(2)))', description: 'the standard normal CDF' },
  phi: { expr: 'exp(-x^2 / 2) / sqrt(2 * pi)', description: 'the standard normal density' },
  softplus: { expr: 'log(1 + exp(x))', description: 'the softplus' },
  sech: { expr: '1 / cosh(x)', description: 'the hyperbolic secant' },
};

// ---------------------------------------------------------------------------------------------
// Rendering

type Target = 'tex' | 'unicode';

/** How a rendered piece behaves next to its neighbours in a product. */
type Kind = 'num' | 'sym' | 'word' | 'group' | 'func' | 'other';

interface Piece {
  readonly s: string;
  readonly prec: number;
  readonly kind: Kind;
}

const P = { cond: 0, or: 1, and: 2, rel: 3, add: 4, mul: 5, neg: 6, pow: 7, atom: 8 } as const;

/**
 * Symbols: TeX and Unicode. Parameters use the kernel's ParamSpec.symbol (a unit test holds them
 * equal), so a hover's "α = 0.01" names the α of the formula above it.
 */
const SYMBOLS: Readonly<Record<string, { tex: string; unicode: string }>> = {
  x: { tex: 'x', unicode: 'x' },
  pi: { tex: '\\pi', unicode: 'π' },
  alpha: { tex: '\\alpha', unicode: 'α' },
  beta: { tex: '\\beta', unicode: 'β' },
  lambd: { tex: '\\lambda', unicode: 'λ' },
  lambda: { tex: '\\lambda', unicode: 'λ' },
  negative_slope: { tex: '\\alpha', unicode: 'α' },
  weight: { tex: 'a', unicode: 'a' },
  min_val: { tex: 'a', unicode: 'a' },
  max_val: { tex: 'b', unicode: 'b' },
  threshold: { tex: '\\theta', unicode: 'θ' },
  value: { tex: 'v', unicode: 'v' },
  lower: { tex: 'l', unicode: 'l' },
  upper: { tex: 'u', unicode: 'u' },
  b: { tex: 'b', unicode: 'b' },
};

/** Named functions: TeX operator and Unicode name. exp, sqrt, abs are rendered structurally. */
const FUNCTIONS: Readonly<Record<string, { tex: string; unicode: string }>> = {
  sigma: { tex: '\\sigma', unicode: 'σ' },
  Phi: { tex: '\\Phi', unicode: 'Φ' },
  phi: { tex: '\\varphi', unicode: 'φ' },
  erf: { tex: '\\operatorname{erf}', unicode: 'erf' },
  tanh: { tex: '\\tanh', unicode: 'tanh' },
  cosh: { tex: '\\cosh', unicode: 'cosh' },
  sech: { tex: '\\operatorname{sech}', unicode: 'sech' },
  log: { tex: '\\log', unicode: 'log' },
  softplus: { tex: '\\operatorname{softplus}', unicode: 'softplus' },
  sign: { tex: '\\operatorname{sgn}', unicode: 'sgn' },
  max: { tex: '\\max', unicode: 'max' },
  min: { tex: '\\min', unicode: 'min' },
};

/** Functions written f²(x) rather than f(x)² when squared, as textbooks do. */
const POWER_BEFORE_ARGS = new Set(['tanh', 'cosh', 'sech']);

const SUPERSCRIPT: Readonly<Record<string, string>> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '+': '⁺',
  '−': '⁻',
  '(': '⁽',
  ')': '⁾',
  x: 'ˣ',
  n: 'ⁿ',
};

/** Superscript form of a short Unicode exponent, or undefined when some character has none. */
function superscript(s: string): string | undefined {
  const compact = s.replace(/ /g, '');
  if (compact.length > 4) return undefined;
  let out = '';
  for (const ch of compact) {
    const sup = SUPERSCRIPT[ch];
    if (sup === undefined) return undefined;
    out += sup;
  }
  return out;
}

const VULGAR: Readonly<Record<string, string>> = {
  '1/2': '½',
  '1/3': '⅓',
  '2/3': '⅔',
  '1/4': '¼',
  '3/4': '¾',
  '1/6': '⅙',
  '1/8': '⅛',
};

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`gen-formulas: non-finite constant ${v}`);
  return String(v);
}

interface Ctx {
  readonly target: Target;
  /** TeX inside an exponent: fractions inline, as a/b. */
  readonly inline: boolean;
}

function strip(node: MathNode): MathNode {
  let n = node;
  while (n.type === 'ParenthesisNode') n = (n as unknown as { content: MathNode }).content;
  return n;
}

function paren(p: Piece, minPrec: number, ctx: Ctx): string {
  if (p.prec >= minPrec) return p.s;
  return ctx.target === 'tex' && !ctx.inline && /\\frac|\\sqrt|\\begin/.test(p.s)
    ? `\\left(${p.s}\\right)`
    : `(${p.s})`;
}

function args(list: readonly Piece[], ctx: Ctx): string {
  const inner = list.map((a) => a.s).join(', ');
  return paren({ s: inner, prec: -1, kind: 'other' }, 0, ctx);
}

function constantValue(node: MathNode): number | undefined {
  const n = strip(node);
  if (n.type !== 'ConstantNode') return undefined;
  const v = (n as unknown as { value: unknown }).value;
  return typeof v === 'number' ? v : undefined;
}

function vulgarFraction(node: MathNode): string | undefined {
  const n = strip(node);
  if (n.type !== 'OperatorNode') return undefined;
  const op = n as unknown as { fn: string; args: MathNode[] };
  if (op.fn !== 'divide' || op.args.length !== 2) return undefined;
  const a = constantValue(op.args[0]!);
  const b = constantValue(op.args[1]!);
  if (a === undefined || b === undefined) return undefined;
  return VULGAR[`${a}/${b}`];
}

function relation(op: string, target: Target): string {
  const map: Record<string, [string, string]> = {
    '>': ['>', '>'],
    '<': ['<', '<'],
    '>=': ['\\ge', '≥'],
    '<=': ['\\le', '≤'],
    '==': ['=', '='],
    '!=': ['\\ne', '≠'],
  };
  const pair = map[op];
  if (!pair) throw new Error(`gen-formulas: unsupported relation '${op}'`);
  return target === 'tex' ? pair[0] : pair[1];
}

const RELATION_OF: Readonly<Record<string, string>> = {
  larger: '>',
  smaller: '<',
  largerEq: '>=',
  smallerEq: '<=',
  equal: '==',
  unequal: '!=',
};

function flattenProduct(node: MathNode): MathNode[] {
  const n = strip(node);
  if (n.type === 'OperatorNode') {
    const op = n as unknown as { fn: string; args: MathNode[] };
    if (op.fn === 'multiply' && op.args.length === 2) {
      return [...flattenProduct(op.args[0]!), ...flattenProduct(op.args[1]!)];
    }
  }
  return [n];
}

function render(node: MathNode, ctx: Ctx): Piece {
  const n = strip(node);
  const tex = ctx.target === 'tex';
  switch (n.type) {
    case 'ConstantNode': {
      const v = constantValue(n);
      if (v === undefined)
        throw new Error(`gen-formulas: non-numeric constant in '${n.toString()}'`);
      return { s: formatNumber(v), prec: P.atom, kind: 'num' };
    }
    case 'SymbolNode': {
      const name = (n as unknown as { name: string }).name;
      const sym = SYMBOLS[name];
      if (!sym) throw new Error(`gen-formulas: unknown symbol '${name}'`);
      const s = tex ? sym.tex : sym.unicode;
      return { s, prec: P.atom, kind: [...sym.unicode].length === 1 ? 'sym' : 'word' };
    }
    case 'ConditionalNode':
      return renderCases(n, ctx);
    case 'RelationalNode': {
      const r = n as unknown as { conditionals: string[]; params: MathNode[] };
      let s = paren(render(r.params[0]!, ctx), P.add, ctx);
      r.conditionals.forEach((c, i) => {
        const rel = RELATION_OF[c];
        if (!rel) throw new Error(`gen-formulas: unsupported relation '${c}'`);
        s += ` ${relation(rel, ctx.target)} ${paren(render(r.params[i + 1]!, ctx), P.add, ctx)}`;
      });
      return { s, prec: P.rel, kind: 'other' };
    }
    case 'OperatorNode':
      return renderOperator(n, ctx);
    case 'FunctionNode':
      return renderFunction(n, ctx);
    default:
      throw new Error(`gen-formulas: unsupported node ${n.type} in '${n.toString()}'`);
  }
}

function renderCases(node: MathNode, ctx: Ctx): Piece {
  const cases: { value: Piece; cond: Piece }[] = [];
  let n = strip(node);
  while (n.type === 'ConditionalNode') {
    const c = n as unknown as { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
    cases.push({ value: render(c.trueExpr, ctx), cond: render(c.condition, ctx) });
    n = strip(c.falseExpr);
  }
  const otherwise = render(n, ctx);
  if (ctx.target === 'tex') {
    const rows = cases.map((c) => `${c.value.s} & \\text{if } ${c.cond.s}`);
    rows.push(`${otherwise.s} & \\text{otherwise}`);
    return { s: `\\begin{cases} ${rows.join(' \\\\ ')} \\end{cases}`, prec: P.atom, kind: 'func' };
  }
  const parts = cases.map((c) => `${c.value.s} if ${c.cond.s}`);
  parts.push(`${otherwise.s} otherwise`);
  return { s: `{ ${parts.join('; ')} }`, prec: P.atom, kind: 'func' };
}

function renderOperator(node: MathNode, ctx: Ctx): Piece {
  const op = node as unknown as { fn: string; args: MathNode[] };
  const tex = ctx.target === 'tex';
  const a = op.args;
  switch (op.fn) {
    case 'add':
    case 'subtract': {
      const left = paren(render(a[0]!, ctx), P.add, ctx);
      let right = strip(a[1]!);
      let minus = op.fn === 'subtract';
      if (!minus && right.type === 'OperatorNode') {
        const r = right as unknown as { fn: string; args: MathNode[] };
        if (r.fn === 'unaryMinus') {
          minus = true;
          right = r.args[0]!;
        }
      }
      const rs = paren(render(right, ctx), P.add + 1, ctx);
      const sign = minus ? (tex ? '-' : '−') : '+';
      return { s: `${left} ${sign} ${rs}`, prec: P.add, kind: 'other' };
    }
    case 'unaryMinus': {
      const inner = paren(render(a[0]!, ctx), P.mul, ctx);
      return { s: `${tex ? '-' : '−'}${inner}`, prec: P.neg, kind: 'other' };
    }
    case 'multiply':
      return renderProduct(node, ctx);
    case 'divide': {
      const vulgar = vulgarFraction(node);
      if (vulgar !== undefined && !tex) return { s: vulgar, prec: P.atom, kind: 'num' };
      const num = render(a[0]!, ctx);
      const den = render(a[1]!, ctx);
      if (tex && !ctx.inline) {
        return { s: `\\frac{${num.s}}{${den.s}}`, prec: P.atom, kind: 'func' };
      }
      return {
        s: `${paren(num, P.mul, ctx)}/${paren(den, P.pow, ctx)}`,
        prec: P.mul,
        kind: 'other',
      };
    }
    case 'pow':
      return renderPower(a[0]!, a[1]!, ctx);
    case 'larger':
    case 'smaller':
    case 'largerEq':
    case 'smallerEq':
    case 'equal':
    case 'unequal': {
      const rel = relation(RELATION_OF[op.fn]!, ctx.target);
      const l = paren(render(a[0]!, ctx), P.add, ctx);
      const r = paren(render(a[1]!, ctx), P.add, ctx);
      return { s: `${l} ${rel} ${r}`, prec: P.rel, kind: 'other' };
    }
    case 'and':
    case 'or': {
      const prec = op.fn === 'and' ? P.and : P.or;
      const word = tex ? `\\text{ ${op.fn} }` : ` ${op.fn} `;
      const l = paren(render(a[0]!, ctx), prec, ctx);
      const r = paren(render(a[1]!, ctx), prec + 1, ctx);
      return { s: `${l}${word}${r}`, prec, kind: 'other' };
    }
    default:
      throw new Error(`gen-formulas: unsupported operator '${op.fn}'`);
  }
}

function renderProduct(node: MathNode, ctx: Ctx): Piece {
  const tex = ctx.target === 'tex';
  const factors = flattenProduct(node);
  const pieces = factors.map((f, i) => {
    const p = render(f, ctx);
    // A Unicode quotient inside a product reads ambiguously (x/2·y): bracket it.
    if (!tex && p.prec === P.mul) return { s: `(${p.s})`, prec: P.atom, kind: 'group' as Kind };
    const min = i === 0 ? P.neg : P.pow;
    if (p.prec < min) return { s: paren(p, min, ctx), prec: P.atom, kind: 'group' as Kind };
    return p;
  });
  let s = pieces[0]!.s;
  for (let i = 1; i < pieces.length; i++) {
    const left = pieces[i - 1]!;
    const right = pieces[i]!;
    const startsWithDigit = /^[0-9.]/.test(right.s);
    if (tex) {
      if (startsWithDigit) s += ' \\cdot ';
      else if (left.kind === 'word' || right.kind === 'word') s += '\\,';
      else s += ' ';
    } else {
      const juxtapose =
        (left.kind === 'num' || left.kind === 'sym') &&
        (right.kind === 'sym' || right.kind === 'group') &&
        !startsWithDigit;
      s += juxtapose ? '' : '·';
    }
    s += right.s;
  }
  return { s, prec: P.mul, kind: 'other' };
}

function renderPower(baseNode: MathNode, expNode: MathNode, ctx: Ctx): Piece {
  const tex = ctx.target === 'tex';
  const base = strip(baseNode);
  const exponent = render(expNode, { target: ctx.target, inline: true });
  if (base.type === 'FunctionNode') {
    const fn = base as unknown as { fn: { name: string }; args: MathNode[] };
    const info = FUNCTIONS[fn.fn.name];
    if (info && POWER_BEFORE_ARGS.has(fn.fn.name)) {
      const inner = args(
        fn.args.map((x) => render(x, ctx)),
        ctx,
      );
      const sup = tex
        ? `^{${exponent.s}}`
        : (superscript(exponent.s) ?? `^${paren(exponent, P.atom, ctx)}`);
      return { s: `${tex ? info.tex : info.unicode}${sup}${inner}`, prec: P.atom, kind: 'func' };
    }
  }
  const b = render(base, ctx);
  const baseNeedsParen = b.prec < P.atom || (b.kind === 'func' && /^(√|\\sqrt)/.test(b.s));
  const bs = baseNeedsParen ? paren({ ...b, prec: -1 }, 0, ctx) : b.s;
  const kind: Kind =
    b.kind === 'sym' || b.kind === 'num' ? 'sym' : baseNeedsParen ? 'group' : 'func';
  if (tex) return { s: `${bs}^{${exponent.s}}`, prec: P.pow, kind };
  const sup = superscript(exponent.s);
  return {
    s: sup !== undefined ? `${bs}${sup}` : `${bs}^${paren(exponent, P.atom, ctx)}`,
    prec: P.pow,
    kind,
  };
}

function renderFunction(node: MathNode, ctx: Ctx): Piece {
  const fn = node as unknown as { fn: { name: string }; args: MathNode[] };
  const tex = ctx.target === 'tex';
  const name = fn.fn.name;
  const argPieces = fn.args.map((x) => render(x, ctx));
  const only = (): Piece => {
    if (argPieces.length !== 1) throw new Error(`gen-formulas: ${name} takes one argument`);
    return argPieces[0]!;
  };
  switch (name) {
    case 'exp': {
      const arg = fn.args[0];
      if (!arg || fn.args.length !== 1) throw new Error('gen-formulas: exp takes one argument');
      const e = render(arg, { target: ctx.target, inline: true });
      if (tex) return { s: `e^{${e.s}}`, prec: P.pow, kind: 'sym' };
      const sup = superscript(e.s);
      if (sup !== undefined) return { s: `e${sup}`, prec: P.pow, kind: 'sym' };
      return { s: `e^${paren(e, P.atom, ctx)}`, prec: P.pow, kind: 'func' };
    }
    case 'sqrt': {
      const a = only();
      if (tex) return { s: `\\sqrt{${a.s}}`, prec: P.atom, kind: 'func' };
      const simple = a.prec === P.atom && (a.kind === 'num' || a.kind === 'sym');
      return { s: simple ? `√${a.s}` : `√(${a.s})`, prec: P.atom, kind: 'func' };
    }
    case 'abs': {
      const a = only();
      return { s: `|${a.s}|`, prec: P.atom, kind: 'func' };
    }
    default: {
      const info = FUNCTIONS[name];
      if (!info) throw new Error(`gen-formulas: unknown function '${name}'`);
      return {
        s: `${tex ? info.tex : info.unicode}${args(argPieces, ctx)}`,
        prec: P.atom,
        kind: 'func',
      };
    }
  }
}

export interface RenderedFormula {
  readonly expr: string;
  readonly tex: string;
  readonly unicode: string;
}

/** Renders one mathjs expression; the expression is normalised to mathjs's own printing. */
export function renderFormula(expr: string): RenderedFormula {
  const tree = parse(expr);
  return {
    expr,
    tex: render(tree, { target: 'tex', inline: false }).s,
    unicode: render(tree, { target: 'unicode', inline: false }).s,
  };
}

/** Names of the HELPERS an expression calls. */
export function helpersUsed(expr: string): string[] {
  const used = new Set<string>();
  parse(expr).traverse((node) => {
    if (node.type === 'FunctionNode') {
      const name = (node as unknown as { fn: { name: string } }).fn.name;
      if (name in HELPERS) used.add(name);
    }
  });
  return [...used];
}

function constantSymbol(name: string): { tex: string; unicode: string } {
  const sym = SYMBOLS[name];
  if (!sym) throw new Error(`gen-formulas: no symbol for constant '${name}'`);
  return sym;
}

/** The text of src/kernel/formulas.generated.ts. Deterministic: the test regenerates and compares. */
export function generate(): string {
  const lit = (v: unknown): string => JSON.stringify(v);
  const formula = (f: RenderedFormula): string =>
    `{ expr: ${lit(f.expr)}, tex: ${lit(f.tex)}, unicode: ${lit(f.unicode)} }`;
  const lines: string[] = [
    '// GENERATED by scripts/gen-formulas.ts from its SOURCES and HELPERS. Do not edit:',
    '// change the expressions there and run `npm run gen:formulas` (a unit test fails when stale).',
    '',
    "import type { FormulaHelper, GeneratedFormulas } from './formulas';",
    '',
    'export const GENERATED_FORMULAS: Readonly<Record<string, GeneratedFormulas>> = {',
  ];
  for (const [id, src] of Object.entries(SOURCES)) {
    lines.push(`  ${id}: {`);
    lines.push(`    f: ${formula(renderFormula(src.f))},`);
    lines.push(`    df: ${formula(renderFormula(src.df))},`);
    if (src.d2f !== undefined) lines.push(`    d2f: ${formula(renderFormula(src.d2f))},`);
    const helpers = new Set<string>();
    for (const e of [src.f, src.df, src.d2f]) {
      if (e !== undefined) for (const h of helpersUsed(e)) helpers.add(h);
    }
    lines.push(`    helpers: ${lit(Object.keys(HELPERS).filter((h) => helpers.has(h)))},`);
    const constants: string[] = [];
    for (const [name, value] of Object.entries(src.constants ?? {})) {
      const sym = constantSymbol(name);
      constants.push(
        `{ name: ${lit(name)}, value: ${formatNumber(value)}, tex: ${lit(sym.tex)}, unicode: ${lit(sym.unicode)} }`,
      );
    }
    lines.push(`    constants: [${constants.join(', ')}],`);
    lines.push('  },');
  }
  lines.push('};', '');
  lines.push('export const GENERATED_HELPERS: Readonly<Record<string, FormulaHelper>> = {');
  for (const [name, h] of Object.entries(HELPERS)) {
    const call = renderFormula(`${name}(x)`);
    const def = renderFormula(h.expr);
    lines.push(`  ${name}: {`);
    lines.push(`    name: ${lit(name)},`);
    lines.push(`    description: ${lit(h.description)},`);
    lines.push(`    expr: ${lit(h.expr)},`);
    lines.push(`    tex: ${lit(`${call.tex} = ${def.tex}`)},`);
    lines.push(`    unicode: ${lit(`${call.unicode} = ${def.unicode}`)},`);
    lines.push('  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}

export const GENERATED_PATH = 'src/kernel/formulas.generated.ts';

const invokedDirectly =
  typeof process !== 'undefined' &&
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(resolve(process.argv[1])).href;

if (invokedDirectly) {
  const out = resolve(process.cwd(), GENERATED_PATH);
  writeFileSync(out, generate());
  console.log(`gen-formulas: wrote ${GENERATED_PATH} (${Object.keys(SOURCES).length} activations)`);
}
