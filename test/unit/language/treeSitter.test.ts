import { describe, expect, it } from 'vitest';
import { pythonParser, PythonTreeCache } from '../../../src/language/treeSitter';

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
