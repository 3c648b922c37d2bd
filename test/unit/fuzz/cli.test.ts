/**
 * 10,000 generated argument lists through the CLI's main(), in-process: each ends with exit 0, 1
 * or 2; exit 2 with exactly one line on stderr and no stack trace; none hangs; the heap stays flat.
 * Sizes are tiny (valid runs take milliseconds) or absurd (they must be refused before allocating).
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../cli/harness';

const RUNS = 10_000;
const SEED = 13;
/** A hang detector, not a speed assertion: the slowest valid run here takes well under a second. */
const HANG_MS = 20_000;

const FIX = join(__dirname, '..', '..', 'fixtures', 'adversarial');
const FILES = [
  join(FIX, 'crlf.py'),
  join(FIX, 'bom.py'),
  join(FIX, 'nul_byte.py'),
  join(FIX, 'non_utf8.py'),
  // The slow-to-parse ones (binary garbage: ~0.7 s a parse) are in python.test.ts, once each.
  join(FIX, 'nested_lists.py'),
  join(FIX, 'no-such-file.py'),
  FIX, // a directory
  '',
  '-',
];

const TINY = ['1', '2', '3', '4'];
const ABSURD = [
  '0',
  '-1',
  '1.5',
  '99999999999',
  '100000000',
  '1e8',
  '1e300',
  '1e400',
  'inf',
  '-inf',
  'nan',
  'NaN',
  '',
  ' ',
  'abc',
  '0x10',
  '1_000',
  '２',
  '9'.repeat(400),
  '-0',
  '+3',
  '.5',
  '1e-400',
];
const size = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TINY) },
  fc.constantFrom(...ABSURD),
);
const number = fc.oneof(
  fc.constantFrom(...ABSURD, '0.1', '0.5', '0.99', '1', '2'),
  fc.double().map(String),
);
const ACTIVATIONS = [
  'relu',
  'tanh',
  'selu',
  'celu',
  'softplus',
  'hardtanh',
  'rrelu',
  'gelu',
  'nope',
  '',
  'RELU',
];
const paramPair = fc
  .tuple(
    fc.constantFrom(
      'alpha',
      'beta',
      'min_val',
      'max_val',
      'lower',
      'upper',
      'lambd',
      'x',
      '',
      '=',
      'alpha=',
    ),
    number,
  )
  .map(([k, v]) => `${k}=${v}`);
const word = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('--', '-', '--json', '-h', '--help', '--version', '-p'),
);

/** Options of `check`, each with a value generator (or none for a flag). */
const CHECK_OPTIONS: [string, fc.Arbitrary<string> | null][] = [
  ['--param', paramPair],
  ['-p', paramPair],
  ['--init', fc.constantFrom('he_normal', 'xavier_uniform', 'orthogonal', 'bogus', '')],
  ['--gain', number],
  ['--bias', fc.constantFrom('none', 'zeros', 'pytorch_default', 'bogus')],
  ['--seed', fc.constantFrom('0', '1', '-1', '4294967296', '1.5', 'x', '1e300')],
  ['--alpha-dropout', number],
  ['--dropout', number],
  ['--clip-norm', number],
  ['--dtype', fc.constantFrom('float64', 'float32', 'float16', '')],
  ['--norm', fc.constantFrom('none', 'batch', 'layer', 'group')],
  ['--residual', null],
  ['--arch', fc.constantFrom('mlp', 'rnn', 'lstm', 'gru', 'cnn')],
  ['--steps', size],
  ['--json', null],
  [
    '--fail-on',
    fc.constantFrom('vanishing', 'exploding', 'vanishing,exploding', '', ',', 'healthy', 'nope'),
  ],
  ['--engine', fc.constantFrom('simulate', 'bogus', '')],
  [
    '--input-shape',
    fc.constantFrom(
      '1,16',
      '2,16',
      '1,3,8,8',
      '100000000,3,100000,100000',
      '99999999999999999999',
      '0',
      '-1,2',
      'a,b',
      '',
      '1,,2',
    ),
  ],
  ['--from', fc.constantFrom(...FILES)],
  ['--model', fc.constantFrom('M()', 'M', 'net', 'M(', '((((', 'C0()', 'x'.repeat(3000))],
  ['--timeout', number],
];

const option = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(...CHECK_OPTIONS)
      .chain(([flag, v]): fc.Arbitrary<string[]> =>
        v ? v.map((x) => [flag, x]) : fc.constant([flag]),
      ),
  },
  { weight: 1, arbitrary: word.map((w) => [w]) },
);

/** `check` always gets tiny-or-absurd sizes, so no generated run simulates a default 32×256×256. */
const check = fc
  .tuple(
    fc.constantFrom('check'),
    fc.oneof(
      fc.constantFrom(...ACTIVATIONS).map((a) => ['--activation', a]),
      fc.constant([] as string[]),
    ),
    size,
    size,
    size,
    fc.array(option, { maxLength: 5 }),
  )
  .map(([cmd, act, depth, width, batch, rest]) => [
    cmd,
    ...act,
    '--depth',
    depth,
    '--width',
    width,
    '--batch',
    batch,
    ...rest.flat(),
  ]);

const evalCmd = fc
  .tuple(
    fc.constantFrom(...ACTIVATIONS),
    fc.array(number, { maxLength: 4 }).map((xs) => xs.join(',')),
    fc.array(paramPair, { maxLength: 2 }),
    fc.array(word, { maxLength: 2 }),
  )
  .map(([id, x, ps, extra]) => [
    'eval',
    id,
    '--x',
    x,
    ...ps.flatMap((p) => ['--param', p]),
    ...extra,
  ]);

const other = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('list', 'models', 'help', 'eval', 'check', 'nope', ''),
      fc.array(word, { maxLength: 4 }),
    )
    .map(([c, w]) => [c, ...w]),
  fc
    .tuple(
      fc.constantFrom(...FILES),
      fc.array(fc.constantFrom('--json', '--from', 'x'), { maxLength: 2 }),
    )
    .map(([f, w]) => ['models', '--from', f, ...w]),
  fc.array(word, { maxLength: 6 }),
);

const argv: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 5, arbitrary: check },
  { weight: 3, arbitrary: evalCmd },
  { weight: 2, arbitrary: other },
);

describe('CLI fuzz (fast-check, seed 13, 10k argument lists)', () => {
  const { io, run } = cliHarness();

  it('every list ends with 0, 1 or 2; exit 2 with one stderr line and no stack; no hang', async () => {
    const tally = { 0: 0, 1: 0, 2: 0 } as Record<number, number>;
    let slowest = 0;
    let heapAtWarm = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        io.out = [];
        io.err = '';
        const t0 = performance.now();
        const code = await run(...args);
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        const context = `${JSON.stringify(args).slice(0, 300)} → ${code}: ${io.err.slice(0, 300)}`;
        expect([0, 1, 2], context).toContain(code);
        expect(ms, context).toBeLessThan(HANG_MS);
        expect(io.err, context).not.toMatch(/\n\s+at |internal error|Maximum call stack/);
        if (code === 2) {
          // commander prints its own errors (`error: …`); ours start with `activation-lens:`.
          expect(io.err.trimEnd().split('\n'), context).toHaveLength(1);
          expect(io.err.trim().length, context).toBeGreaterThan(0);
        }
        tally[code] = (tally[code] ?? 0) + 1;
        if (++n === 500) heapAtWarm = process.memoryUsage().heapUsed;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const growth = process.memoryUsage().heapUsed - heapAtWarm;
    // Each run's graph and report are garbage after it; a leak of even 10 kB per run shows here.
    expect(growth).toBeLessThan(256 * 2 ** 20);
    expect(tally[0]! + tally[1]! + tally[2]!).toBe(RUNS);
    // Both outcomes occur: the generator reaches valid runs, not only refusals.
    expect(tally[0]).toBeGreaterThan(500);
    expect(tally[2]).toBeGreaterThan(500);
    console.log(
      `cli fuzz: ${JSON.stringify(tally)}, slowest ${slowest.toFixed(0)} ms, heap +${(growth / 2 ** 20).toFixed(1)} MiB`,
    );
  }, 600_000);
});
