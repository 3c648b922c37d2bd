import { getActivation, type ActivationDescriptor } from '../kernel';
import type { Framework, Params } from '../kernel/types';
import type { Recognition } from '../language/types';
import { keyNumbers, SATURATION, type Interval, type KeyNumbers } from './keyNumbers';
import { Lru } from './memo';
import { plotSvg, svgDataUri, type ThemeKind } from './plotSvg';

const factsMemo = new Lru<string[]>(64);
const plotMemo = new Lru<string>(64);
const diffMemo = new Lru<number>(64);

export interface HoverOptions {
  readonly theme: ThemeKind;
  readonly showPlot: boolean;
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

/** Numbers as people read them: 4 significant digits, −0 → 0, true minus sign, ∞. */
export function fmt(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  if (Math.abs(v) < 1e-12) return '0';
  const a = Math.abs(v);
  const s =
    a >= 1e-3 && a < 1e6
      ? String(Number(v.toPrecision(4)))
      : v.toExponential(2).replace(/e\+?/, 'e');
  return s.replace(/^-/, '−');
}

function interval(r: Interval): string {
  if (r.lo === -Infinity && r.hi === Infinity) return 'everywhere';
  if (r.lo === -Infinity) return `x < ${fmt(r.hi)}`;
  if (r.hi === Infinity) return `x > ${fmt(r.lo)}`;
  if (fmt(r.lo) === fmt(r.hi)) return `x = ${fmt(r.lo)}`;
  return `${fmt(r.lo)} < x < ${fmt(r.hi)}`;
}

function rangeText(k: KeyNumbers): string {
  const { lo, hi, loAttained, hiAttained, exact } = k.range;
  const open = lo === -Infinity || !loAttained ? '(' : '[';
  const close = hi === Infinity || !hiAttained ? ')' : ']';
  return `${exact ? '' : '≈ '}${open}${fmt(lo)}, ${fmt(hi)}${close}`;
}

function maxDfText(k: KeyNumbers): string {
  if (k.maxDf.unbounded) return 'max f′: unbounded (f′ grows without limit)';
  const w = k.maxDf.where;
  if (k.maxDf.asymptotic)
    return `sup f′ = ${fmt(k.maxDf.value)} as x → ${w.hi === Infinity ? '∞' : '−∞'} (not attained)`;
  const where = w.lo === w.hi ? `at x = ${fmt(w.lo)}` : `for ${interval(w)}`;
  return `max f′ = ${fmt(k.maxDf.value)} ${where}`;
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

function paramRows(a: ActivationDescriptor, r: Recognition, params: Params): string[] {
  if (!a.paramSpecs.length) return [];
  const fw = FRAMEWORK_NAMES[r.spelling.framework];
  const rows = ['| parameter | in effect | |', '|---|---|---|'];
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
      why = `fixed by ${code(r.spelling.qualifiedName)} (PyTorch default ${fmt(spec.default)})`;
    else why = 'default';
    const name =
      fwArg && fwArg.name !== spec.name ? `${spec.name} (${fw}: ${fwArg.name})` : spec.name;
    rows.push(`| ${md(name)} | ${fmt(v)} | ${why} |`);
  }
  return rows;
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

/**
 * The hover's markdown for a recognised activation. Pure: the kernel computes every number; the
 * plot is an SVG data URI in the theme's colours.
 */
export function buildHover(r: Recognition, options: HoverOptions): string | undefined {
  const a = getActivation(r.id);
  if (!a) return undefined;
  const params = paramsInEffect(a, r);
  const k = keyNumbers(a, params);
  const fw = FRAMEWORK_NAMES[r.spelling.framework];
  const lines: string[] = [];

  lines.push(
    `**${md(a.name)}** — ${fw} ${code(r.spelling.qualifiedName)} · kernel id ${code(a.id)}`,
  );
  lines.push('');
  const f = a.formulas.f.unicode;
  const df = a.formulas.df.unicode;
  if (f) lines.push(`${code(`f(x) = ${f}`)}  `);
  if (df) lines.push(`${code(`f′(x) = ${df}`)}`);
  lines.push('');

  const rows = paramRows(a, r, params);
  if (rows.length) lines.push(...rows, '');

  lines.push(
    [`f(0) = ${fmt(k.f0)}`, `f′(0) = ${fmt(k.df0)}`, maxDfText(k), `range ${rangeText(k)}`].join(
      ' · ',
    ) + '  ',
  );
  const sat = k.saturation.length ? k.saturation.map(interval).join(', ') : 'nowhere';
  lines.push(`|f′| < ${SATURATION} (saturated): ${sat}`);
  lines.push('');

  const pkey = `${a.id}|${JSON.stringify(params)}`;
  if (options.showPlot) {
    const uri = plotMemo.get(`${pkey}|${options.theme}`, () =>
      svgDataUri(plotSvg(a, params, options.theme)),
    );
    lines.push(`![f and f′ of ${md(a.name)} on [−5, 5]](${uri})`, '');
  }

  const lesson = oneLine(a.lesson);
  const facts = factsMemo.get(pkey, () => computedFacts(a, params, k));
  if (lesson || facts.length)
    lines.push(`> ${md([lesson, ...facts].filter(Boolean).join(' '))}`, '');

  // Notes come from our spelling table and resolver (markdown with code spans), not from the document.
  for (const n of r.notes) lines.push(`- ${n}`);
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
  if (lines[lines.length - 1] !== '') lines.push('');

  const plotArg = encodeURIComponent(JSON.stringify([{ id: a.id, params }]));
  const flowArg = encodeURIComponent(JSON.stringify([{ activation: a.id, params }]));
  lines.push(
    `[Plot](command:activationLens.plot?${plotArg}) · [Check gradient flow](command:activationLens.checkGradientFlow?${flowArg})`,
  );
  return lines.join('\n');
}
