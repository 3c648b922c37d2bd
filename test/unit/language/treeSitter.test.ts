import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  blankCommentLines,
  parsePython,
  PythonParseLimitError,
  pythonParser,
  PythonTreeCache,
} from '../../../src/language/treeSitter';

describe('tree-sitter Python parsing', () => {
  it('parses a file once per version and finds the call under a position', async () => {
    const parser = await pythonParser();
    const cache = new PythonTreeCache();
    const text = 'from torch import nn\nact = nn.GELU(approximate="tanh")\n';
    const tree = cache.get(parser, 'doc', 1, text);
    expect(cache.get(parser, 'doc', 1, text)).toBe(tree);
    const node = tree.rootNode.descendantForPosition({ row: 1, column: 10 });
    expect(node?.parent?.text).toBe('nn.GELU');
    const changed = cache.get(parser, 'doc', 2, text + 'x = 1\n');
    expect(changed).not.toBe(tree);
    expect(changed.rootNode.namedChildCount).toBe(3);
  });

  it('keeps at most `capacity` documents', async () => {
    const parser = await pythonParser();
    const cache = new PythonTreeCache(2);
    const a = cache.get(parser, 'a', 1, 'x = 1');
    cache.get(parser, 'b', 1, 'x = 2');
    cache.get(parser, 'c', 1, 'x = 3');
    expect(cache.get(parser, 'a', 1, 'x = 1')).not.toBe(a);
  });
});

describe('bounded and incremental parsing', () => {
  it('parses 4,000 indented comment lines in linear time, keeping every position', async () => {
    const parser = await pythonParser();
    const body = Array.from({ length: 4000 }, (_, i) => `        # comment ${i} with words`);
    const text = `class A:\n    def f(self):\n${body.join('\n')}\n        return nn.ReLU()\n`;
    const tree = parsePython(parser, text, { budgetMs: 10_000 });
    const ret = tree.rootNode.descendantForPosition({ row: 4002, column: 18 });
    expect(ret?.parent?.text).toBe('nn.ReLU');
    expect(blankCommentLines(text)).toHaveLength(text.length);
  });

  it('refuses a file over the size limit and a parse over its time budget, in one line', async () => {
    const parser = await pythonParser();
    expect(() => parsePython(parser, 'x = 1\n'.repeat(1000), { maxChars: 100 })).toThrow(
      PythonParseLimitError,
    );
    const deep = 'x = ' + '('.repeat(20_000) + ')'.repeat(20_000) + '\n';
    const message = (() => {
      try {
        parsePython(parser, deep.repeat(20), { budgetMs: 1 });
        return 'parsed';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/^parsing took longer than 1 ms and was stopped/);
    // The parser is usable after an abandoned parse.
    expect(parsePython(parser, 'y = 2\n').rootNode.text).toBe('y = 2\n');
  });

  it('re-parses incrementally to the same tree a fresh parse gives (fast-check edits)', async () => {
    const parser = await pythonParser();
    const base =
      'import torch\nfrom torch import nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        # café ∂ 😀\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x):\n        return F.gelu(self.fc(x))\n';
    fc.assert(
      fc.property(
        fc.nat(base.length),
        fc.nat(8),
        fc.constantFrom('', 'x', ' ', '\n', '#', 'é', '😀', '(', 'nn.ReLU()', '\n    # c\n'),
        (at, del, ins) => {
          const after = base.slice(0, at) + ins + base.slice(Math.min(base.length, at + del));
          const first = parsePython(parser, base);
          const incremental = parsePython(parser, after, {}, { tree: first, text: base });
          const fresh = parsePython(parser, after);
          const same = incremental.rootNode.toString() === fresh.rootNode.toString();
          first.delete();
          incremental.delete();
          fresh.delete();
          return same;
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});
