import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActivationRecogniser } from '../../../src/language/recogniser';
import type { Recognition } from '../../../src/language/types';

/** One hover case of test/corpus/hovers/manifest.json. */
export interface CorpusCase {
  readonly file: string;
  readonly token: string;
  readonly nth?: number;
  readonly at?: number;
  readonly expect: 'none' | 'custom' | { id: string; params?: Record<string, number> };
  readonly note?: string;
}

export type Verdict = 'right' | 'wrong' | 'missed';

export interface Scored {
  readonly c: CorpusCase;
  readonly framework: string;
  readonly where: string;
  readonly verdict: Verdict;
  readonly got: string;
}

export const CORPUS = join(__dirname, '..', '..', 'corpus', 'hovers');

export function loadCases(): CorpusCase[] {
  const m = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as {
    cases: CorpusCase[];
  };
  return m.cases;
}

const LANGUAGE: Readonly<Record<string, string>> = {
  py: 'python',
  js: 'javascript',
  ts: 'typescript',
  json: 'json',
};

/** The offset a case hovers: the nth occurrence of its token, `at` characters in. */
export function caseOffset(text: string, c: CorpusCase): number {
  let i = -1;
  for (let k = 0; k < (c.nth ?? 1); k++) {
    i = text.indexOf(c.token, i + 1);
    if (i < 0)
      throw new Error(`${c.file}: token ${JSON.stringify(c.token)} #${c.nth ?? 1} not found`);
  }
  return i + (c.at ?? defaultAt(c.token));
}

/** Inside the last segment of a leading dotted name (`F.softplus` → on `softplus`), else 1 in. */
function defaultAt(token: string): number {
  const m = /^[A-Za-z_][\w.]*/.exec(token);
  if (!m) return 1;
  return m[0].lastIndexOf('.') + 2;
}

function describe(r: Recognition | undefined): string {
  if (!r) return 'nothing';
  const params = Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const custom = r.custom ? (r.custom.match ? ' (custom, matched)' : ' (custom)') : '';
  return `${r.custom && !r.custom.match ? 'custom' : r.id}${params ? `(${params})` : ''}${custom}`;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

export function verdictOf(c: CorpusCase, r: Recognition | undefined): Verdict {
  if (c.expect === 'none') return r ? 'wrong' : 'right';
  if (!r) return 'missed';
  if (c.expect === 'custom') return r.custom && !r.custom.match ? 'right' : 'wrong';
  if (r.custom && !r.custom.match) return 'wrong';
  if (!c.expect.id.split('|').includes(r.id)) return 'wrong';
  for (const [k, v] of Object.entries(c.expect.params ?? {})) {
    const got = r.params[k];
    if (got === undefined ? !close(v, defaultOf(r, k)) : !close(got, v)) return 'wrong';
  }
  return 'right';
}

function defaultOf(r: Recognition, k: string): number {
  return r.custom?.match?.params[k] ?? NaN;
}

/** Runs every case through the recogniser (the hover's first step) and scores it. */
export async function scoreCorpus(cases: readonly CorpusCase[]): Promise<Scored[]> {
  const recogniser = new ActivationRecogniser((e) => {
    throw e;
  });
  const texts = new Map<string, string>();
  const out: Scored[] = [];
  for (const c of cases) {
    let text = texts.get(c.file);
    if (text === undefined) {
      text = readFileSync(join(CORPUS, c.file), 'utf8');
      texts.set(c.file, text);
    }
    const offset = caseOffset(text, c);
    const ext = c.file.split('.').pop() ?? '';
    const r = await recogniser.recognise(
      { key: c.file, version: 1, languageId: LANGUAGE[ext] ?? 'plaintext', getText: () => text },
      offset,
    );
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const col = offset - before.lastIndexOf('\n');
    out.push({
      c,
      framework: c.file.split('/')[0] ?? '',
      where: `${c.file}:${line}:${col}`,
      verdict: verdictOf(c, r),
      got: describe(r),
    });
  }
  return out;
}

/** Right / wrong / missed per framework, as a markdown table. */
export function table(scored: readonly Scored[]): string {
  const rows = new Map<string, Record<Verdict, number>>();
  for (const s of scored) {
    const row = rows.get(s.framework) ?? { right: 0, wrong: 0, missed: 0 };
    row[s.verdict]++;
    rows.set(s.framework, row);
  }
  const total = { right: 0, wrong: 0, missed: 0 };
  const lines = ['| framework | cases | right | wrong | missed |', '|---|---:|---:|---:|---:|'];
  for (const [fw, r] of [...rows].sort()) {
    const n = r.right + r.wrong + r.missed;
    lines.push(`| ${fw} | ${n} | ${r.right} | ${r.wrong} | ${r.missed} |`);
    total.right += r.right;
    total.wrong += r.wrong;
    total.missed += r.missed;
  }
  const n = total.right + total.wrong + total.missed;
  lines.push(
    `| all | ${n} | ${total.right} (${((100 * total.right) / n).toFixed(1)} %) | ${total.wrong} | ${total.missed} |`,
  );
  return lines.join('\n');
}
