import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGraph, readPythonModels } from '../../../src/model/read/index';

const corpus = (p: string): string =>
  readFileSync(join(__dirname, '..', '..', 'corpus', 'models', 'pytorch', p), 'utf8');

/** Real files cut and spliced at random lines: every partial program must read or decline. */
const FILES = [
  corpus('written/gpt.py'),
  corpus('written/lstm_lm.py'),
  corpus('written/mnist_cnn.py'),
];

/** Constructs that stress the interpreter's budgets and value paths. */
const SNIPPETS = [
  '        while True:\n            pass\n',
  '        self.fc = nn.Linear(10 ** 400, 2)\n',
  '        self.layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(10 ** 7)])\n',
  '        x = x.view(-1, -1)\n',
  '        return self(x)\n',
  '        return x[::-1]\n',
  '        a, b, c = x.size()\n',
  '        self.w = nn.Parameter(torch.randn(-3, 2))\n',
  '        raise ValueError("no")\n',
  '        super().__init__(*[1] * 100000)\n',
  '        x = torch.cat([x] * 4096, dim=0)\n',
  '        return {"logits": x}\n',
];

describe('model reader fuzz: cut, spliced and hostile real files', () => {
  it('never throws, never hangs: every model reads or declines with one line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: FILES.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -1, max: SNIPPETS.length - 1 })), {
          minLength: 1,
          maxLength: 4,
        }),
        async (which, edits) => {
          const lines = FILES[which]!.split('\n');
          for (const [at, len, snippet] of edits) {
            const i = at % lines.length;
            lines.splice(i, len % 6, ...(snippet >= 0 ? [SNIPPETS[snippet]!] : []));
          }
          const text = lines.join('\n');
          const { models } = await readPythonModels(text, { maxSteps: 200_000 });
          for (const m of models) {
            if (m.reason !== undefined) expect(m.reason).not.toMatch(/\n/);
            const r = await buildGraph(text, m.expr ?? `${m.name}()`, { maxSteps: 200_000 });
            if (!r.ok) {
              expect(r.reason).not.toMatch(/\n/);
              expect(r.reason).not.toMatch(/could not read this model/);
            } else {
              expect(r.graph.nodes.some((n) => n.id === r.graph.output)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  }, 120_000);
});
