/**
 * The whole model corpus (test/corpus/models, see its SOURCES.md) through the reader: per
 * framework, how many of the models a user would check are found and build (checked), found but
 * declined (with the construct), or not found at all (missed). The floors below are the counts
 * measured when they were last raised: a change that reads fewer models fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonParser } from '../../../src/language/treeSitter';
import { fileModuleResolver } from '../../../src/model/read/files';
import {
  buildModelInTree,
  findModels,
  type ModelFramework,
} from '../../../src/model/read/frameworks';

const ROOT = join(__dirname, '..', '..', 'corpus', 'models');

interface Manifest {
  files: {
    path: string;
    framework: ModelFramework;
    models: { name: string; line: number; expression: string; inputShape?: number[] }[];
  }[];
}

/** Checked at least and missed at most, per framework (measured 123/140, 21/22, 11/11; none missed). */
const FLOORS: Record<ModelFramework, { checked: number; missedAtMost: number }> = {
  pytorch: { checked: 123, missedAtMost: 0 },
  keras: { checked: 21, missedAtMost: 0 },
  flax: { checked: 11, missedAtMost: 0 },
};

describe('model corpus coverage', () => {
  it('reads at least as many corpus models as before, per framework', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as Manifest;
    const parser = await pythonParser();
    const tally: Record<
      string,
      { checked: number; declined: number; missed: number; total: number }
    > = {};
    const reasons: string[] = [];
    for (const file of manifest.files) {
      if (file.models.length === 0) continue;
      const tree = parser.parse(readFileSync(join(ROOT, file.path), 'utf8'))!;
      // The package's other files (torchvision's ops/misc.py) are read from beside the file.
      const files = {
        path: join(ROOT, file.path),
        resolveModule: fileModuleResolver,
        parse: (t: string) => parser.parse(t),
      };
      // Finding alone (no build): budgets keep it bounded on the largest files.
      const found = new Set(
        findModels(tree, (e) => parser.parse(e), { maxSteps: 400_000, ...files }).map(
          (m) => m.name,
        ),
      );
      for (const m of file.models) {
        const t = (tally[file.framework] ??= { checked: 0, declined: 0, missed: 0, total: 0 });
        t.total++;
        if (!found.has(m.name)) {
          t.missed++;
          reasons.push(`MISSED   ${file.path}: ${m.name}`);
          continue;
        }
        const et = parser.parse(m.expression)!;
        const r = buildModelInTree(tree, et, m.expression, {
          framework: file.framework,
          ...files,
          ...(m.inputShape ? { inputShape: m.inputShape } : {}),
        });
        et.delete();
        if (r.ok) t.checked++;
        else {
          t.declined++;
          reasons.push(`DECLINED ${file.path}: ${m.expression}: ${r.reason}`);
        }
      }
      tree.delete();
    }
    const table = Object.entries(tally)
      .map(
        ([fw, t]) =>
          `${fw.padEnd(8)} ${t.checked}/${t.total} checked (${Math.round((100 * t.checked) / t.total)} %), ${t.declined} declined, ${t.missed} missed`,
      )
      .join('\n');
    console.log(`${table}\n${reasons.join('\n')}`);
    for (const fw of ['pytorch', 'keras', 'flax'] as const) {
      const t = tally[fw]!;
      expect(t.checked, `${fw} checked`).toBeGreaterThanOrEqual(FLOORS[fw].checked);
      expect(t.missed, `${fw} missed`).toBeLessThanOrEqual(FLOORS[fw].missedAtMost);
    }
  }, 300_000);
});
