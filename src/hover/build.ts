import { getActivation, type ActivationDescriptor } from '../kernel';
import { DEFAULT_CHECK } from '../kernel/gradientFlow/config';
import type { Framework, Params } from '../kernel/types';
import { compile, derivative, print, simplify, type Expr } from '../language/custom/expr';
import { GRID_HI, GRID_LO, type KernelMatch } from '../language/custom/identify';
import type { CustomActivation, Recognition } from '../language/types';
import { parseCustomDef } from '../plot/custom';
import {
  computeKeyNumbers,
  keyNumbers,
  SATURATION,
  type Curve,
  type Interval,
  type KeyNumbers,
} from './keyNumbers';
import { formulaImage } from './mathSvg';
import { Lru } from './memo';
import { formatNumber, intervalText, rangeText, type NumberStyle } from '../kernel/format';
import { plotSvg, svgDataUri, type ThemeKind } from './plotSvg';

const factsMemo = new Lru<string[]>(64);
const plotMemo = new Lru<string>(64);
const diffMemo = new Lru<number>(64);
const customMemo = new Lru<CustomParts>(64);

export interface HoverOptions {
  readonly theme: ThemeKind;
  readonly showPlot: boolean;
  /** Formulas as typeset SVG images (MathJax), the Unicode text kept as alt text. */
  readonly typeset?: boolean;
  /**
   * Everything that matters above the fold (name, formulas, parameters, key numbers, plot,
   * links), the lesson and notes after; off: the lesson first, parameters as a table.
   */
  readonly compact?: boolean;
}

/** The commands a hover's links may run: exactly these are trusted. */
export const HOVER_COMMANDS = ['activationLens.plot', 'activationLens.checkGradientFlow'] as const;

const FRAMEWORK_NAMES: Readonly<Record<Framework, string>> = {
  pytorch: 'PyTorch',
  keras: 'Keras',
  tf: 'TensorFlow',
  jax: 'JAX',
  flax: 'Flax',
  tfjs: 'TensorFlow.js',
  huggingface: 'Hugging Face',
};

/**
 * The hover's numbers: 4 significant digits, 3 in exponent form (a hover line is short), and
 * rounding noise below 10⁻¹² (a key number that is 0 computed as 1e-17) shown as 0.
 */
const HOVER: NumberStyle = { digits: 4, expDigits: 3, zeroBelow: 1e-12 };

export function fmt(v: number): string {
  return formatNumber(v, HOVER);
}

/** How far two functions are apart: "0 (bit for bit)", else never rounded to 0 ("5.55e−17"). */
export function fmtDiff(d: number): string {
  if (d === 0) return '0 (bit for bit)';
  if (d >= 1e-3) return fmt(d);
  return formatNumber(d, { ...HOVER, zeroBelow: 0, keepZeros: true });
}

const interval = (r: Interval): string => intervalText(r.lo, r.hi, HOVER);
const rangeOf = (k: KeyNumbers): string => rangeText(k.range, HOVER);

function maxDfText(k: KeyNumbers): string {
  if (k.maxDf.unbounded) return 'max f′: unbounded (f′ grows without limit)';
  const w = k.maxDf.where;
  if (k.maxDf.asymptotic)
    return `sup f′ = ${fmt(k.maxDf.value)} as x → ${w.hi === Infinity ? '∞' : '−∞'} (not attained)`;
  const where = w.lo === w.hi ? `at x = ${fmt(w.lo)}` : `for ${interval(w)}`;
  return `max f′ = ${fmt(k.maxDf.value)} ${where}`;
}

/**
 * Where the gradient is near zero, and the stationary points by name: GELU's dip at x ≈ −0.75 is
 * where f′ crosses zero (its minimum), not a saturated tail.
 */
function gradientText(k: KeyNumbers): string {
  const near = k.saturation.map((r) => {
    const inside = k.stationary.find((s) => s.smooth && r.lo < s.x && s.x < r.hi);
    return inside && Number.isFinite(r.lo) && Number.isFinite(r.hi)
      ? `${interval(r)} (around the ${inside.kind})`
      : interval(r);
  });
  // A periodic f′ (Snake) has many: the first few say enough.
  const shown = near.length > 4 ? [...near.slice(0, 4), `… (${near.length - 4} more)`] : near;
  const parts = [
    `|f′| < ${SATURATION} (near-zero gradient): ${shown.length ? shown.join(', ') : 'nowhere'}`,
  ];
  for (const s of k.stationary.slice(0, 3)) {
    parts.push(
      s.smooth
        ? `f′ = 0 at x = ${fmt(s.x)}, the ${s.kind}`
        : `${s.kind} at x = ${fmt(s.x)} (a kink: f′ changes sign)`,
    );
  }
  return parts.join(' · ');
}

/**
 * Notes are markdown with code spans; any `<` or `>` outside those (a string literal quoted from
 * the document) is escaped so that, with HTML allowed for the compact table, it stays text.
 */
function safeNote(note: string): string {
  return note
    .split(/(`+[^`]*`+)/)
    .map((part, i) => (i % 2 ? part : part.replace(/[<>]/g, (c) => `\\${c}`)))
    .join('');
}

/** Markdown-safe text outside code spans. */
const md = (s: string) => s.replace(/([\\`*_{}[\]<>|#])/g, '\\$1');
const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

/** The parameters in effect under PyTorch's names: kernel defaults overridden by what was recognised. */
export function paramsInEffect(a: ActivationDescriptor, r: Recognition): Record<string, number> {
  const out: Record<string, number> = { ...a.params };
  for (const spec of a.paramSpecs) {
    const v = r.params[spec.name];
    if (typeof v === 'number' && Number.isFinite(v)) out[spec.name] = v;
  }
  return out;
}

/** One line per parameter (compact) or a table: value in effect and where it comes from. */
function paramLines(
  a: ActivationDescriptor,
  r: Recognition,
  params: Params,
  compact: boolean,
): string[] {
  if (!a.paramSpecs.length) return [];
  const fw = FRAMEWORK_NAMES[r.spelling.framework];
  const rows: [string, string, string][] = [];
  for (const spec of a.paramSpecs) {
    const v = params[spec.name] ?? spec.default;
    const src = r.sources[spec.name];
    const fwArg = r.spelling.args.find((x) => x.param === spec.name);
    const unknown = fwArg ? r.unknown.find((u) => u.arg === fwArg.name) : undefined;
    let why: string;
    if (unknown) why = `${code(`${unknown.arg}=${unknown.text}`)} is not a literal: default shown`;
    else if (src === 'given')
      why =
        v === spec.default
          ? 'given (= PyTorch default)'
          : `given (PyTorch default ${fmt(spec.default)})`;
    else if (src === 'framework-default')
      why = v === spec.default ? 'default' : `**${fw} default** (PyTorch: ${fmt(spec.default)})`;
    else if (src === 'fixed')
      why = r.custom
        ? `what ${code(r.custom.name)} computes (PyTorch default ${fmt(spec.default)})`
        : `fixed by ${code(r.spelling.qualifiedName)} (PyTorch default ${fmt(spec.default)})`;
    else why = 'default';
    const name =
      fwArg && fwArg.name !== spec.name ? `${spec.name} (${fw}: ${fwArg.name})` : spec.name;
    rows.push([name, fmt(v), why]);
  }
  if (compact)
    return rows.map(
      ([n, v, why], i) => `${code(n)} = **${v}** — ${why}${i < rows.length - 1 ? '  ' : ''}`,
    );
  return [
    '| parameter | in effect | |',
    '|---|---|---|',
    ...rows.map(([n, v, why]) => `| ${md(n)} | ${v} | ${why} |`),
  ];
}

/** Facts computed with the kernel that make the lesson concrete. */
function computedFacts(a: ActivationDescriptor, params: Params, k: KeyNumbers): string[] {
  const out: string[] = [];
  const m = k.maxDf.value;
  if (!k.maxDf.unbounded && m > 0 && m < 0.999) {
    out.push(`Since f′ ≤ ${fmt(m)}, ten such layers scale a gradient by at most ${fmt(m ** 10)}.`);
  }
  const exact = getActivation('gelu');
  const tanh = getActivation('gelu_tanh');
  if (exact && tanh && (a.id === 'gelu' || a.id === 'gelu_tanh' || a.id === 'quick_gelu')) {
    const other = a.id === 'gelu' ? tanh : exact;
    let worst = 0;
    let at = 0;
    for (let x = -10; x <= 10; x += 0.001) {
      const d = Math.abs(a.f(x, params) - other.f(x, other.params));
      if (d > worst) {
        worst = d;
        at = x;
      }
    }
    const what =
      a.id === 'gelu'
        ? 'The tanh approximation differs from this'
        : 'This differs from the exact (erf) GELU';
    out.push(`${what} by at most ${fmt(worst)} (at x ≈ ±${fmt(Math.abs(at))}).`);
  }
  if (a.id === 'softplus') {
    const beta = params.beta ?? 1;
    const threshold = params.threshold ?? 20;
    const x = threshold / beta;
    const gap = a.f(x, params) - x;
    if (Number.isFinite(gap)) {
      out.push(
        `PyTorch returns x itself for βx > ${fmt(threshold)}; at the switch (x = ${fmt(x)}) that is off by ${fmt(gap)}.`,
      );
    }
  }
  return out;
}

/** The first line of `lesson` (hovers stay short). */
const oneLine = (s: string) => s.split(/\n/)[0]?.trim() ?? '';

/** Largest formula image the hover shows at full size (VS Code's hover is about 500 px wide). */
const MAX_FORMULA_WIDTH = 420;

/**
 * A formula line: a typeset image (alt text = the Unicode formula, for screen readers and when
 * images are off) or the Unicode text in a code span.
 */
function formulaLine(
  lhs: { tex: string; unicode: string },
  tex: string,
  unicode: string,
  options: HoverOptions,
): string {
  const text = `${lhs.unicode} = ${unicode}`;
  if (options.typeset && tex) {
    const img = formulaImage(`${lhs.tex} = ${tex}`, options.theme, MAX_FORMULA_WIDTH);
    // Alt text is shown raw where an image cannot be: no markdown escapes in it, only no brackets.
    if (img) return `![${text.replace(/[[\]]/g, '')}](${img.uri})`;
  }
  return code(text);
}

/**
 * The plot beside the text (an HTML table whose cells hold markdown: blank lines around it make
 * the renderer parse it), so a default-size hover shows formulas, numbers and plot together.
 */
function beside(body: readonly string[], plot: string | undefined): string[] {
  const text = [...body];
  while (text[text.length - 1] === '') text.pop();
  if (!plot) return [...text, ''];
  return ['<table><tr><td>', '', ...text, '', '</td><td>', '', plot, '', '</td></tr></table>', ''];
}

const F = { tex: 'f(x)', unicode: 'f(x)' };
const DF = { tex: "f'(x)", unicode: 'f′(x)' };

/** The gradient-flow link says what it runs: a generic deep stack, not the model in the file. */
function flowLink(id: string, params: Params): string {
  const { depth, width } = DEFAULT_CHECK;
  const arg = encodeURIComponent(JSON.stringify([{ activation: id, params, depth, width }]));
  return `[Simulate a ${depth}-layer × ${width} stack](command:activationLens.checkGradientFlow?${arg} "Gradient flow through ${depth} dense layers of width ${width} with this activation and its usual init; not the model in this file (use the CodeLens above a model for that)")`;
}

/**
 * The hover's markdown for a recognised activation. Pure: the kernel computes every number; the
 * plot and (optionally) the formulas are SVG data URIs in the theme's colours.
 */
export function buildHover(r: Recognition, options: HoverOptions): string | undefined {
  if (r.custom && !r.custom.match) return buildCustomHover(r, r.custom, options);
  const a = getActivation(r.id);
  if (!a) return undefined;
  // The framework refuses these arguments: a curve would show a function no one can build.
  if (r.invalid)
    return `**${md(a.name)}** — ${FRAMEWORK_NAMES[r.spelling.framework]} ${code(r.spelling.qualifiedName)} · kernel id ${code(a.id)}\n\n⚠ ${md(r.invalid)}; not simulated.\n`;
  const compact = options.compact ?? true;
  const params = paramsInEffect(a, r);
  const k = keyNumbers(a, params);
  const fw = FRAMEWORK_NAMES[r.spelling.framework];
  const lines: string[] = [];

  if (r.custom?.match) {
    lines.push(
      `**${md(a.name)}** — ${code(r.custom.name)} defined in this file (line ${r.custom.line}) · kernel id ${code(a.id)}`,
      '',
      `Computes **${md(a.name)}**: max |Δ| ${fmtDiff(r.custom.match.maxDiff)} on [${fmt(GRID_LO)}, ${fmt(GRID_HI)}] · as written ${code(`f(x) = ${print(r.custom.expr, 'unicode')}`)}`,
    );
  } else {
    lines.push(
      `**${md(a.name)}** — ${fw} ${code(r.spelling.qualifiedName)} · kernel id ${code(a.id)}`,
    );
  }
  lines.push('');
  const body: string[] = [];
  const f = a.formulas.f;
  const df = a.formulas.df;
  if (f.unicode) body.push(`${formulaLine(F, f.tex, f.unicode, options)}  `);
  if (df.unicode) body.push(formulaLine(DF, df.tex, df.unicode, options));
  body.push('');

  const rows = paramLines(a, r, params, compact);
  if (rows.length) body.push(...rows, '');

  body.push(
    [`f(0) = ${fmt(k.f0)}`, `f′(0) = ${fmt(k.df0)}`, maxDfText(k), `range ${rangeOf(k)}`].join(
      ' · ',
    ) + '  ',
  );
  body.push(gradientText(k));

  const pkey = `${a.id}|${JSON.stringify(params)}`;
  const lessonLines: string[] = [];
  const lesson = oneLine(a.lesson);
  const facts = factsMemo.get(pkey, () => computedFacts(a, params, k));
  if (lesson || facts.length)
    lessonLines.push(`> ${md([lesson, ...facts].filter(Boolean).join(' '))}`, '');

  const plot = options.showPlot
    ? `![f and f′ of ${md(a.name)} on [−5, 5]](${plotMemo.get(`${pkey}|${options.theme}`, () =>
        svgDataUri(plotSvg(a, params, options.theme)),
      )})`
    : undefined;
  if (compact) lines.push(...beside(body, plot));
  else lines.push(...body, '', ...lessonLines, ...(plot ? [plot, ''] : []));

  const plotArg = encodeURIComponent(JSON.stringify([{ id: a.id, params }]));
  const links = `[Plot](command:activationLens.plot?${plotArg}) · ${flowLink(a.id, params)}`;
  lines.push(links, '');
  if (compact) lines.push(...lessonLines);

  // Notes come from our spelling table and resolver (markdown with code spans), not from the document.
  for (const n of r.notes) lines.push(`- ${safeNote(n)}`);
  for (const u of r.unknown) {
    if (!r.spelling.args.some((x) => x.name === u.arg && x.param))
      lines.push(`- ${code(`${u.arg}=${u.text}`)} is not a literal.`);
  }
  if (r.ignored.length)
    lines.push(`- Ignored (no effect on the function): ${r.ignored.map(code).join(', ')}`);
  for (const alt of r.alternatives) {
    const other = getActivation(alt.id);
    if (!other) continue;
    const op = { ...other.params, ...alt.params };
    const diff = diffMemo.get(`${pkey}|${alt.id}|${JSON.stringify(op)}`, () => {
      let d = 0;
      for (let x = -6; x <= 6; x += 0.01)
        d = Math.max(d, Math.abs(a.f(x, params) - other.f(x, op)));
      return d;
    });
    lines.push(
      `- **Ambiguous:** ${md(alt.why)} Read as ${code(alt.qualifiedName)} it is ${md(other.name)} (${code(alt.id)}); ` +
        `the two differ by up to ${fmt(diff)} on [−6, 6].`,
    );
  }
  while (lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

// ---- a definition that computes no built-in --------------------------------------------------

interface CustomParts {
  readonly curve: Curve & { readonly name: string };
  readonly df?: Expr;
  readonly k: KeyNumbers;
}

/** f, f′ of a custom expression as a curve: f′ symbolic where the grammar can, else numeric. */
function customParts(c: CustomActivation): CustomParts {
  return customMemo.get(`${JSON.stringify(c.expr)}|${JSON.stringify(c.params)}`, () => {
    const f = compile(c.expr, c.params);
    const d = derivative(c.expr);
    const dExpr = d && simplify(d);
    const df = dExpr
      ? compile(dExpr, c.params)
      : (x: number) => {
          const h = 1e-6 * Math.max(1, Math.abs(x));
          return (f(x + h) - f(x - h)) / (2 * h);
        };
    const batch =
      (g: (x: number) => number) =>
      (xs: Float64Array, _p?: Partial<Params>, out?: Float64Array): Float64Array => {
        const o = out ?? new Float64Array(xs.length);
        for (let i = 0; i < xs.length; i++) o[i] = g(xs[i] ?? 0);
        return o;
      };
    const curve = {
      name: c.name,
      f: (x: number) => f(x),
      df: (x: number) => df(x),
      fBatch: batch(f),
      dfBatch: batch(df),
    };
    return { curve, ...(dExpr ? { df: dExpr } : {}), k: computeKeyNumbers(curve, {}) };
  });
}

function nearestText(m: KernelMatch | undefined): string | undefined {
  const a = m && getActivation(m.id);
  if (!m || !a) return undefined;
  const ps = Object.entries(m.params)
    .filter(([k, v]) => a.params[k] !== v)
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join(', ');
  return `Closest built-in: ${md(a.name)}${ps ? ` (${ps})` : ''}, max |Δ| ${fmtDiff(m.maxDiff)} on [${fmt(m.lo)}, ${fmt(m.hi)}].`;
}

function buildCustomHover(r: Recognition, c: CustomActivation, options: HoverOptions): string {
  const { curve, df, k } = customParts(c);
  const what = c.kind === 'class' ? 'module' : c.kind;
  const lines: string[] = [
    `**${md(c.name)}** — a ${what} defined in this file (line ${c.line}) · computes no built-in activation`,
    '',
  ];
  const body: string[] = [
    `${formulaLine(F, print(c.expr, 'tex'), print(c.expr, 'unicode'), options)}  `,
  ];
  body.push(
    df
      ? formulaLine(DF, print(df, 'tex'), print(df, 'unicode'), options)
      : 'f′(x): computed numerically (central differences); the grammar has no closed form for it',
  );
  body.push('');
  const names = Object.keys(c.params);
  if (names.length) {
    body.push(
      names
        .map((n) =>
          c.assumed.includes(n)
            ? `${code(n)} = **1** — assumed: the definition requires it without a default`
            : `${code(n)} = **${fmt(c.params[n] ?? NaN)}** — the definition’s default`,
        )
        .join('  \n'),
      '',
    );
  }
  body.push(
    [`f(0) = ${fmt(k.f0)}`, `f′(0) = ${fmt(k.df0)}`, maxDfText(k), `range ${rangeOf(k)}`].join(
      ' · ',
    ) + '  ',
  );
  body.push(gradientText(k));
  let plot: string | undefined;
  if (options.showPlot) {
    const key = `custom|${JSON.stringify(c.expr)}|${JSON.stringify(c.params)}|${options.theme}`;
    const uri = plotMemo.get(key, () => svgDataUri(plotSvg(curve, {}, options.theme)));
    plot = `![f and f′ of ${md(c.name)} on [−5, 5]](${uri})`;
  }
  if (options.compact ?? true) lines.push(...beside(body, plot));
  else lines.push(...body, '', ...(plot ? [plot, ''] : []));
  const near = nearestText(c.nearest);
  if (near) lines.push(near, '');
  const links: string[] = [];
  // The definition itself as a curve beside the built-ins, when it fits the plot's bounds.
  const def = parseCustomDef({ name: c.name, expr: c.expr, params: c.params });
  if (def.ok) {
    const arg = encodeURIComponent(JSON.stringify([{ custom: def.def }]));
    links.push(`[Plot ${md(c.name)}](command:activationLens.plot?${arg})`);
  }
  const nearest = c.nearest && getActivation(c.nearest.id);
  if (nearest && c.nearest) {
    const plotArg = encodeURIComponent(
      JSON.stringify([{ id: nearest.id, params: c.nearest.params }]),
    );
    links.push(`[Plot the closest built-in](command:activationLens.plot?${plotArg})`);
  }
  if (links.length) lines.push(links.join(' · '), '');
  for (const n of r.notes) lines.push(`- ${safeNote(n)}`);
  while (lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}
