/**
 * Quick fixes for a model whose gradients vanish, explode or whose units die, each with its effect
 * measured before it is applied: the fix is applied to the source text, the text is read again
 * with the model reader, its graph simulated, and the title carries the figure it gives
 * ("Use He init → first-layer gradient 10⁻⁶·² → 10⁻⁰·³ (healthy)"). Pure: text in, edits out;
 * reading and simulating are passed in (a worker in the editor, in-thread in tests and the CLI).
 *
 * Fixes (PyTorch): re-initialise every Linear (He for the ReLU family, LeCun-normal for SELU) with
 * a `for m in …modules()` loop after the model; swap the activation (Sigmoid/Tanh → ReLU + He,
 * or → SELU + LeCun-normal + AlphaDropout). Keras: `kernel_initializer=` and `activation=` on the
 * Dense lines.
 */
import { powerOfTen } from '../kernel/format';
import { DEAD_WARNING_FRACTION, SATURATING } from '../kernel/gradientFlow/verdict';
import { summarize } from '../gradientFlow/summary';
import type { FindingKind, FixMeasure, FixTarget } from './findings';

/** Replace [start, end) of the text (UTF-16 offsets) with `text`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export type FixId =
  'init-he' | 'init-lecun' | 'init-xavier' | 'act-relu' | 'act-selu' | 'act-leaky' | 'add-norm';

export interface FixPlan {
  readonly id: FixId;
  /** What it does, without the figure: "Use He init (kaiming_normal_)". */
  readonly label: string;
  readonly edits: readonly TextEdit[];
}

export interface QuickFix extends FixPlan {
  /** The label and the re-simulated figure: "Use He init → first-layer gradient 10⁻⁶ → 10⁻⁰·³ (healthy)". */
  readonly title: string;
  readonly after: FixMeasure;
  /** The best fix (fewest flags, then the ratio nearest 1): VS Code's preferred action. */
  readonly preferred: boolean;
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Line starts (UTF-16 offsets) of `text`; line n (1-based) starts at `starts[n - 1]`. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineText(text: string, starts: readonly number[], line: number): string {
  const s = starts[line - 1] ?? text.length;
  const e = starts[line] ?? text.length;
  return text.slice(s, e).replace(/\r?\n$/, '');
}

const indentOf = (s: string): number => /^[ \t]*/.exec(s)![0].length;

/** How this file spells `torch.nn`: `nn` (`import torch.nn as nn`, `from torch import nn`) or `torch.nn`. */
export function torchNnAlias(text: string): string {
  const as = /^\s*import\s+torch\.nn\s+as\s+(\w+)/m.exec(text);
  if (as) return as[1]!;
  if (/^\s*from\s+torch\s+import\s+(?:.*\b)?nn\b/m.test(text)) return 'nn';
  return 'torch.nn';
}

/** Where the init loop goes and how it refers to the model. */
function initSite(
  text: string,
  starts: readonly number[],
  model: FixTarget,
): { offset: number; indent: string; target: string } | undefined {
  const head = lineText(text, starts, model.line);
  const eol = (line: number): number => {
    const next = starts[line];
    return next === undefined ? text.length : next;
  };
  if (/^\s*class\s/.test(head)) {
    // End of __init__'s body: the last line indented deeper than `def __init__`.
    for (let l = model.line + 1; l <= model.endLine; l++) {
      const t = lineText(text, starts, l);
      if (!/^\s*def\s+__init__\s*\(/.test(t)) continue;
      const defIndent = indentOf(t);
      let last = l;
      let bodyIndent = -1;
      for (let k = l + 1; k <= Math.max(model.endLine, l + 1) && k <= starts.length; k++) {
        const u = lineText(text, starts, k);
        if (u.trim() === '') continue;
        const ind = indentOf(u);
        if (ind <= defIndent && !/^\s*[)\]}]/.test(u)) break;
        if (bodyIndent < 0) bodyIndent = ind;
        last = k;
      }
      if (bodyIndent < 0) return undefined;
      return { offset: eol(last), indent: ' '.repeat(bodyIndent), target: 'self' };
    }
    return undefined;
  }
  const assigned = /^\s*([A-Za-z_]\w*)\s*=/.exec(head)?.[1];
  if (!assigned) return undefined;
  return { offset: eol(model.endLine), indent: /^\s*/.exec(head)![0], target: assigned };
}

function initLoop(
  nn: string,
  site: { indent: string; target: string },
  call: string,
  text: string,
  offset: number,
): string {
  const i = site.indent;
  const body = [
    `${i}for m in ${site.target}.modules():`,
    `${i}    if isinstance(m, ${nn}.Linear):`,
    `${i}        ${nn}.init.${call}`,
    `${i}        if m.bias is not None:`,
    `${i}            ${nn}.init.zeros_(m.bias)`,
  ].join('\n');
  // After a statement at the end of the file without a newline, start a new line first.
  const before = offset > 0 && text[offset - 1] !== '\n' ? '\n' : '';
  return `${before}${body}\n`;
}

/** The matching ')' for the '(' at `open`, or -1. Strings are not expected inside layer calls. */
function closeParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Edits that replace each row's activation with `to` (module form `Name()`, functional `name(x)`). */
function activationEdits(
  text: string,
  starts: readonly number[],
  model: FixTarget,
  to: { module: string; fn: string },
): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  const seen = new Set<number>();
  for (const row of model.rows) {
    const a = row.activation;
    if (!a || seen.has(a.line)) continue;
    const callee = a.source.split('(')[0]!.trim();
    const line = lineText(text, starts, a.line);
    const at = line.indexOf(`${callee}(`);
    if (at < 0 || !callee) return undefined;
    const lineStart = starts[a.line - 1]!;
    const open = at + callee.length;
    const close = closeParen(line, open);
    if (close < 0) return undefined;
    const dot = callee.lastIndexOf('.');
    const prefix = dot >= 0 ? callee.slice(0, dot + 1) : '';
    const name = callee.slice(dot + 1);
    let replacement: string;
    if (/^[A-Z]/.test(name)) {
      replacement = `${prefix}${to.module}()`;
    } else {
      // Functional: keep the tensor argument, drop the old function's own parameters.
      const args = line.slice(open + 1, close);
      let depth = 0;
      let cut = args.length;
      for (let i = 0; i < args.length; i++) {
        const c = args[i];
        if (c === '(' || c === '[') depth++;
        else if (c === ')' || c === ']') depth--;
        else if (c === ',' && depth === 0) {
          cut = i;
          break;
        }
      }
      replacement = `${prefix}${to.fn}(${args.slice(0, cut)})`;
    }
    seen.add(a.line);
    edits.push({ start: lineStart + at, end: lineStart + close + 1, text: replacement });
  }
  return edits.length > 0 ? edits : undefined;
}

/** `nn.Dropout(p)` → `nn.AlphaDropout(p)` within the model's lines (SELU needs Alpha Dropout). */
function alphaDropoutEdits(text: string, starts: readonly number[], model: FixTarget): TextEdit[] {
  const edits: TextEdit[] = [];
  for (let l = model.line; l <= model.endLine; l++) {
    const line = lineText(text, starts, l);
    const re = /\b((?:[\w.]+\.)?)Dropout\(/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const at = m.index + m[1]!.length;
      edits.push({
        start: starts[l - 1]! + at,
        end: starts[l - 1]! + at + 'Dropout'.length,
        text: 'AlphaDropout',
      });
    }
  }
  return edits;
}

/** Keras: set `kernel_initializer=` (and optionally `activation=`) on every Dense line. */
function kerasEdits(
  text: string,
  starts: readonly number[],
  model: FixTarget,
  init: string,
  activation?: string,
): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  for (const row of model.rows) {
    const line = lineText(text, starts, row.line);
    const at = line.indexOf('Dense(');
    if (at < 0) return undefined;
    const open = at + 'Dense'.length;
    const close = closeParen(line, open);
    if (close < 0) return undefined;
    const base = starts[row.line - 1]!;
    const args = line.slice(open + 1, close);
    let next = args;
    const setKw = (key: string, value: string): void => {
      const re = new RegExp(`\\b${key}\\s*=\\s*("[^"]*"|'[^']*'|[\\w.]+(?:\\([^)]*\\))?)`);
      next = re.test(next) ? next.replace(re, `${key}="${value}"`) : `${next}, ${key}="${value}"`;
    };
    setKw('kernel_initializer', init);
    if (activation && row.activation && row.activation.line === row.line)
      setKw('activation', activation);
    edits.push({ start: base + open + 1, end: base + close, text: next });
  }
  return edits.length > 0 ? edits : undefined;
}

/**
 * `nn.BatchNorm1d(out)` after every hidden Linear of an `nn.Sequential` written one layer per line
 * (plain or `OrderedDict` pairs); undefined for layouts it cannot edit safely (attributes in a class).
 */
function normEdits(
  text: string,
  starts: readonly number[],
  model: FixTarget,
  nn: string,
): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  for (const row of model.rows.slice(0, -1)) {
    const line = lineText(text, starts, row.line);
    if (!/Linear\(/.test(line) || !/,\s*$/.test(line) || /^\s*self\./.test(line)) return undefined;
    const indent = /^\s*/.exec(line)![0];
    const pair = /^\s*\(\s*(["'])([^"']+)\1\s*,/.exec(line);
    const layer = `${nn}.BatchNorm1d(${row.outFeatures})`;
    const added = pair ? `(${pair[1]}${pair[2]}_bn${pair[1]}, ${layer}),` : `${layer},`;
    const end = starts[row.line - 1]! + line.length;
    edits.push({ start: end, end, text: `\n${indent}${added}` });
  }
  return edits.length > 0 ? edits : undefined;
}

/** The fixes worth trying for a finding of `kind` on `model` (not yet simulated). */
export function planFixes(text: string, model: FixTarget, kind: FindingKind): FixPlan[] {
  if (model.rows.length === 0) return [];
  const starts = lineStarts(text);
  const acts = new Set(model.rows.flatMap((r) => (r.activation ? [r.activation.id] : [])));
  const saturating = [...acts].some((a) => SATURATING.has(a));
  const selu = acts.has('selu');
  const plans: FixPlan[] = [];
  const push = (id: FixId, label: string, edits: TextEdit[] | undefined): void => {
    if (edits && edits.length > 0) plans.push({ id, label, edits });
  };

  if (model.framework === 'keras') {
    if (selu)
      push('init-lecun', 'Use LeCun-normal init', kerasEdits(text, starts, model, 'lecun_normal'));
    else push('init-he', 'Use He init (he_normal)', kerasEdits(text, starts, model, 'he_normal'));
    if (saturating)
      push(
        'act-relu',
        'Use ReLU with He init',
        kerasEdits(text, starts, model, 'he_normal', 'relu'),
      );
    return plans;
  }

  const nn = torchNnAlias(text);
  const site = initSite(text, starts, model);
  const init = (call: string): TextEdit[] | undefined =>
    site
      ? [
          {
            start: site.offset,
            end: site.offset,
            text: initLoop(nn, site, call, text, site.offset),
          },
        ]
      : undefined;
  const he = init('kaiming_normal_(m.weight, nonlinearity="relu")');
  const lecun = init('kaiming_normal_(m.weight, nonlinearity="linear")');

  if (selu)
    push('init-lecun', 'Use LeCun-normal init (kaiming_normal_, nonlinearity="linear")', lecun);
  else push('init-he', 'Use He init (kaiming_normal_)', he);
  if (saturating && !selu) {
    push(
      'init-xavier',
      'Use Xavier init (xavier_normal_)',
      init(acts.has('tanh') ? 'xavier_normal_(m.weight, gain=5 / 3)' : 'xavier_normal_(m.weight)'),
    );
    const relu = activationEdits(text, starts, model, { module: 'ReLU', fn: 'relu' });
    if (relu && he) push('act-relu', 'Use ReLU with He init', [...relu, ...he]);
    const s = activationEdits(text, starts, model, { module: 'SELU', fn: 'selu' });
    if (s && lecun)
      push('act-selu', 'Use SELU with LeCun-normal init and AlphaDropout', [
        ...s,
        ...lecun,
        ...alphaDropoutEdits(text, starts, model),
      ]);
  }
  // Normalisation is offered whenever it can be written; the measurement decides whether it shows
  // (a reader that skips BatchNorm simulates no change, and unchanged fixes are dropped).
  if (!selu)
    push(
      'add-norm',
      'Add BatchNorm1d after each hidden Linear',
      normEdits(text, starts, model, nn),
    );
  if (kind === 'dead' && acts.has('relu')) {
    const leaky = activationEdits(text, starts, model, { module: 'LeakyReLU', fn: 'leaky_relu' });
    push('act-leaky', 'Use LeakyReLU', leaky && he ? [...leaky, ...he] : leaky);
  }
  return plans;
}

function worstDead(r: FixMeasure): number {
  return r.layers.reduce((m, l) => Math.max(m, l.deadFraction ?? 0), 0);
}

/** "first-layer gradient 10⁻⁶·² → 10⁻⁰·³ (healthy)", or the dead share for dead-unit fixes. */
export function effectPhrase(kind: FindingKind, before: FixMeasure, after: FixMeasure): string {
  const s = summarize(after);
  if (kind === 'dead' && worstDead(before) >= DEAD_WARNING_FRACTION) {
    const pct = (r: FixMeasure) => `${Math.round(100 * worstDead(r))}%`;
    return `dead units ${pct(before)} → ${pct(after)} (${s.label})`;
  }
  return `first-layer gradient ${powerOfTen(before.gradRatioLog10)} → ${powerOfTen(after.gradRatioLog10)} (${s.label})`;
}

/** How good a result is: fewer flags first, then the ratio nearest 1. */
function badness(r: FixMeasure): number {
  const tone = summarize(r).tone;
  const t = tone === 'error' ? 2 : tone === 'warning' ? 1 : 0;
  const ratio = Number.isFinite(r.gradRatioLog10) ? Math.abs(r.gradRatioLog10) : 1e9;
  return t * 1e6 + ratio;
}

/**
 * Plans the fixes and measures each: apply, then `measure` reads the edited text, builds the same
 * model's graph and simulates it (undefined when it no longer reads or fails to run). Fixes that do
 * not improve the figures are dropped. Best first.
 */
export async function measureFixes(
  text: string,
  model: FixTarget,
  before: FixMeasure,
  kind: FindingKind,
  measure: (text: string) => Promise<FixMeasure | undefined>,
): Promise<QuickFix[]> {
  const out: Omit<QuickFix, 'preferred'>[] = [];
  for (const plan of planFixes(text, model, kind)) {
    let after: FixMeasure | undefined;
    try {
      after = await measure(applyEdits(text, plan.edits));
    } catch {
      continue;
    }
    // A fix that changes nothing measurable is not offered: its title would promise nothing.
    if (!after || badness(after) >= badness(before) - 0.05) continue;
    out.push({ ...plan, after, title: `${plan.label} → ${effectPhrase(kind, before, after)}` });
  }
  out.sort((a, b) => badness(a.after) - badness(b.after));
  return out.map((f, i) => ({ ...f, preferred: i === 0 }));
}
