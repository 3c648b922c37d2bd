/**
 * Hostile Python through every reader entry point: the committed adversarial files
 * (test/fixtures/adversarial) and the 5 MB one built in memory through the CLI (`models --from`,
 * `check --from`), the model reader (readPythonModels, readModels, buildGraph, buildModel) and the
 * hover recogniser; then 1,000 generated files (fast-check, seed 13). Each ends in a result or a
 * one-line decline, never an internal error; no hang; the heap stays flat.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ActivationRecogniser } from '../../../src/language/recogniser';
import { configureParseLimits, PythonParseLimitError } from '../../../src/language/treeSitter';
import { buildModel, readModels } from '../../../src/model/read/frameworks';
import { buildGraph, readPythonModels } from '../../../src/model/read/index';
import { cliHarness } from '../cli/harness';

const FIX = join(__dirname, '..', '..', 'fixtures', 'adversarial');
/** A hang detector, not a speed assertion (a 2 MiB file's listing takes a few seconds). */
const HANG_MS = 30_000;
/** What an internal error looks like when it leaks into a decline. */
const INTERNAL =
  /TypeError|RangeError|ReferenceError|Maximum call stack|is not a function|Cannot read propert|internal error|\n\s+at /;

const TMP = mkdtempSync(join(tmpdir(), 'al-adversarial-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

async function big5mb(): Promise<string> {
  const gen = (await import(join(FIX, 'generate.mjs'))) as { big5mb: () => string };
  return gen.big5mb();
}

function oneLine(reason: string | undefined, context: string): void {
  expect(reason ?? '', context).not.toMatch(INTERNAL);
  expect(reason ?? '', context).not.toMatch(/\n/);
}

/** Every entry point over one text; returns how many models were listed. */
async function throughReader(text: string, name: string, maxBuilds = 3): Promise<number> {
  const t0 = performance.now();
  const torch = await readPythonModels(text);
  oneLine(torch.declined, name);
  const all = await readModels(text);
  oneLine(all.declined, name);
  for (const m of [...torch.models, ...all.models]) oneLine(m.reason, `${name}: ${m.name}`);
  const exprs = [
    ...new Set(all.models.filter((m) => m.checkable).map((m) => m.expr ?? `${m.name}()`)),
  ].slice(0, maxBuilds);
  const extra = maxBuilds > 1 ? ['M()', '(((('] : [];
  for (const expr of [...exprs, ...extra]) {
    const g = await buildGraph(text, expr);
    if (!g.ok) oneLine(g.reason, `${name}: ${expr}`);
    const b = await buildModel(text, expr);
    if (!b.ok) oneLine(b.reason, `${name}: ${expr}`);
  }
  expect(performance.now() - t0, name).toBeLessThan(HANG_MS);
  return all.models.length;
}

/** The hover recogniser at a few places: a recognition, or nothing with at most a limit error. */
async function throughHover(text: string, name: string, offsets: readonly number[]): Promise<void> {
  const errors: unknown[] = [];
  const r = new ActivationRecogniser((e) => errors.push(e));
  const doc = { key: name, version: 1, languageId: 'python', getText: () => text };
  for (const at of offsets) await r.recognise(doc, at);
  for (const e of errors) expect(e, name).toBeInstanceOf(PythonParseLimitError);
}

const hoverOffsets = (text: string): number[] => {
  const relu = text.indexOf('ReLU');
  return [0, text.length >> 1, text.length, relu >= 0 ? relu + 1 : 1, -1, NaN];
};

describe('adversarial files (test/fixtures/adversarial and a 5 MB file built in memory)', () => {
  const { io, run } = cliHarness();
  const committed = readdirSync(FIX).filter((f) => f.endsWith('.py'));

  it('the committed files are what generate.mjs makes', async () => {
    const gen = (await import(join(FIX, 'generate.mjs'))) as {
      FILES: Record<string, string>;
      BINARY: Record<string, Buffer>;
    };
    const names = [...Object.keys(gen.FILES), ...Object.keys(gen.BINARY)].sort();
    expect(committed.sort()).toEqual(names);
    for (const [n, text] of Object.entries(gen.FILES))
      expect(readFileSync(join(FIX, n)).equals(Buffer.from(text, 'utf8')), n).toBe(true);
    for (const [n, bytes] of Object.entries(gen.BINARY))
      expect(readFileSync(join(FIX, n)).equals(bytes), n).toBe(true);
  });

  it('the 5 MB file is refused in bounded time by every entry point, with one line', async () => {
    const text = await big5mb();
    expect(text.length).toBeGreaterThan(5 * 1024 * 1024);
    const path = join(TMP, 'big5mb.py');
    writeFileSync(path, text);
    for (const cmd of ['models', 'check']) {
      io.err = '';
      expect(await run(cmd, '--from', path)).toBe(2);
      expect(io.err).toMatch(/^activation-lens: .*file too large to read \(5\d\d\d KiB/);
      expect(io.err.trimEnd().split('\n')).toHaveLength(1);
    }
    expect((await readPythonModels(text)).declined).toMatch(/file too large/);
    expect((await readModels(text)).declined).toMatch(/file too large/);
    const g = await buildGraph(text, 'M0()');
    expect(g.ok ? '' : g.reason).toMatch(/file too large/);
    await throughHover(text, 'big5mb', hoverOffsets(text));
  });

  for (const file of committed) {
    it(file, async () => {
      const path = join(FIX, file);
      for (const cmd of ['models', 'check']) {
        io.err = '';
        io.out = [];
        const t0 = performance.now();
        const code = await run(cmd, '--from', path);
        expect(performance.now() - t0).toBeLessThan(HANG_MS);
        const context = `${cmd} ${file} → ${code}: ${io.err}`;
        expect([0, 2], context).toContain(code);
        expect(io.err, context).not.toMatch(INTERNAL);
        if (code === 2) expect(io.err.trimEnd().split('\n'), context).toHaveLength(1);
      }
      const text = readFileSync(path, 'utf8');
      await throughReader(text, file, 2);
      await throughHover(text, file, hoverOffsets(text));
    });
  }

  it('what the reader makes of them', async () => {
    const read = async (f: string) => (await readModels(readFileSync(join(FIX, f), 'utf8'))).models;
    // Encodings and line endings do not change what is read.
    for (const f of ['crlf.py', 'bom.py', 'non_utf8.py'])
      expect(
        (await read(f)).map((m) => [m.name, m.checkable]),
        f,
      ).toEqual([['M', true]]);
    // Nesting past the reader's depth is a decline naming it, not a stack overflow.
    for (const f of ['attribute_chain.py', 'nested_parens.py', 'nested_lists.py', 'call_chain.py'])
      expect((await read(f))[0]?.reason, f).toMatch(/nested too deeply/);
    expect((await read('apply_inits.py'))[0]?.reason).toMatch(
      /nested deeper than|too many|budget|steps/,
    );
    expect(await read('binary_garbage.py')).toEqual([]);
  });
});

// ── 1,000 generated files ────────────────────────────────────────────────────────────────────

const ACTS = [
  'nn.ReLU()',
  'nn.Tanh()',
  'nn.Hardtanh(5, -5)',
  'nn.Hardtanh(-1, 1)',
  'nn.CELU(0)',
  'nn.CELU(1.5)',
  'nn.Softplus(beta=0)',
  'nn.LeakyReLU(1e308)',
  'nn.ELU(alpha=float("nan"))',
  'nn.GELU(approximate="tanh")',
  'nn.RReLU(0.5, 0.1)',
  'nn.Softshrink(-1)',
  'nn.Identity()',
  'nn.Sigmoid',
  'nn.SiLU(True)',
];
const SIZES = [
  '1',
  '4',
  '16',
  '0',
  '-1',
  '10 ** 9',
  '2 ** 62',
  '1e300',
  'float("inf")',
  'None',
  '"4"',
];
/** Tiny, or absurd: deep enough to reach the reader's limits. */
const depth = fc.oneof(
  { weight: 60, arbitrary: fc.integer({ min: 0, max: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom(500, 3000, 12_000) },
);

const expr: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'x',
    'self.fc(x)',
    'self.act(x)',
    'x.relu()',
    'torch.tanh(x)',
    'F.gelu(x)',
    'x * 2',
    'x[0]',
    'x.view(-1, 4)',
    '-x',
    'self(x)',
  ),
  depth.map((d) => `${'('.repeat(d)}x${')'.repeat(d)}`),
  depth.map((d) => `self.fc${'.weight'.repeat(d)}`),
  depth.map((d) => `x${'.relu()'.repeat(d)}`),
  depth.map((d) => `${'self.act('.repeat(d)}x${')'.repeat(d)}`),
  depth.map((d) => `${'['.repeat(d)}x${']'.repeat(d)}`),
  depth.map((d) => Array.from({ length: d + 1 }, () => 'x').join(' + ')),
);

const layer = fc.oneof(
  fc.constantFrom(...ACTS),
  fc
    .tuple(fc.constantFrom(...SIZES), fc.constantFrom(...SIZES))
    .map(([a, b]) => `nn.Linear(${a}, ${b})`),
  fc
    .tuple(fc.constantFrom(...SIZES), fc.constantFrom(...SIZES))
    .map(([a, b]) => `nn.Conv2d(${a}, ${b}, 3)`),
  depth.map((d) => `${'nn.Sequential('.repeat(d)}nn.ReLU()${')'.repeat(d)}`),
  fc
    .array(fc.constantFrom(...ACTS), { maxLength: 4 })
    .map((a) => `nn.Sequential(nn.Linear(4, 4), ${a.join(', ')})`),
);

const noise = fc.oneof(
  fc.constantFrom(
    '',
    '# comment',
    '\t',
    '    ',
    '\0',
    '\ufeff',
    '"""',
    "'",
    '\\',
    '\r',
    ':',
    'pass',
    'lambda: (',
    '@',
    'async def f(): await x',
  ),
  depth.map((d) => Array.from({ length: d }, (_, i) => `# ${i}`).join('\n')),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
);

const pyFile = fc
  .record({
    imports: fc.constantFrom(
      'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n',
      'from torch import nn\n',
      'import keras\nfrom keras import layers\n',
      '',
    ),
    layers: fc.array(layer, { minLength: 1, maxLength: 4 }),
    body: fc.array(expr, { minLength: 1, maxLength: 3 }),
    noise: fc.array(fc.tuple(fc.nat(), noise), { maxLength: 3 }),
    inits: fc.oneof({ weight: 40, arbitrary: fc.constant(0) }, fc.constantFrom(50, 3000)),
    crlf: fc.boolean(),
    tabs: fc.boolean(),
    seq: fc.boolean(),
  })
  .map((f) => {
    const lines = [
      ...f.imports.split('\n'),
      ...Array.from(
        { length: f.inits },
        (_, i) => `def init${i}(m):\n    ${i ? `init${i - 1}(m)` : 'pass'}`,
      ),
      'class M(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      ...f.layers.map(
        (l, i) => `        self.${i === 0 ? 'fc' : i === 1 ? 'act' : `l${i}`} = ${l}`,
      ),
      ...(f.inits ? [`        self.apply(init${f.inits - 1})`] : []),
      '    def forward(self, x):',
      ...f.body.map((b, i) => `        ${i === f.body.length - 1 ? 'return' : 'x ='} ${b}`),
      ...(f.seq ? [`net = nn.Sequential(${f.layers.join(', ')})`] : []),
    ];
    for (const [at, n] of f.noise) lines.splice(at % (lines.length + 1), 0, n);
    let text = lines.join('\n') + '\n';
    if (f.tabs) text = text.replace(/^ {4}/gm, '\t');
    if (f.crlf) text = text.replace(/\n/g, '\r\n');
    return text;
  });

describe('1,000 generated Python files (fast-check, seed 13)', () => {
  it('each is read, declined with one line, or refused by the parse limits; none hangs', async () => {
    let models = 0;
    const times: [number, number][] = [];
    let heapAtWarm = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(pyFile, fc.nat(), async (text, at) => {
        const t0 = performance.now();
        models += await throughReader(text, `generated #${n}`, 1);
        times.push([performance.now() - t0, text.length]);
        await throughHover(text, `generated #${n}`, [
          at % (text.length + 1),
          text.indexOf('nn.') + 4,
        ]);
        if (++n === 100) heapAtWarm = process.memoryUsage().heapUsed;
      }),
      { seed: 13, numRuns: 1000 },
    );
    times.sort((a, b) => b[0] - a[0]);
    console.log(
      `python fuzz: ${models} models; slowest ${times
        .slice(0, 5)
        .map((t) => `${t[0].toFixed(0)} ms (${t[1]} chars)`)
        .join(', ')}; total ${times.reduce((a, t) => a + t[0], 0).toFixed(0)} ms`,
    );
    expect(process.memoryUsage().heapUsed - heapAtWarm).toBeLessThan(256 * 2 ** 20);
    // The generator reaches the reader's models, not only parse errors.
    expect(models).toBeGreaterThan(300);
  }, 600_000);
});

describe('the file-size limit is a setting', () => {
  it('configureParseLimits applies to every parse without explicit limits', async () => {
    const text = readFileSync(join(FIX, 'crlf.py'), 'utf8').repeat(4);
    configureParseLimits({ maxChars: 512 });
    try {
      expect((await readModels(text)).declined).toMatch(
        /file too large to read \(1 KiB; the limit is 1 KiB/,
      );
    } finally {
      configureParseLimits({});
    }
    expect((await readModels(text)).declined).toBeUndefined();
  });
});
