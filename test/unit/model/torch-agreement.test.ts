import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../../src/kernel/graph/types';
import { checkModelGraph, type ModelLayerRow } from '../../../src/model/graphCheck';
import { buildModel, readModels } from '../../../src/model/read/frameworks';
import fixture from './fixtures/torch-models.json';

/**
 * The model check against PyTorch running the same sample files (built by the files themselves,
 * so with PyTorch's default init and the files' own nn.init calls), 20 seeds, float64:
 * fixtures/torch-models.json, written by scripts/torch-model-check.py. Its figures are per Linear
 * layer: the gradients at the Linear, the output statistics after its activation.
 *
 * The check runs the reader's layer graph; each Linear row gives the gradient figures and the row
 * of the activation that follows it (when the activation is a module with a row of its own) the
 * output figures. A functional activation (`F.relu`) has no row: that layer is held to its
 * gradients only. The last Linear has no activation: its own row.
 *
 * Tolerance rule of test/reference/README.md: each log10 figure within 4 between-seed standard
 * deviations + 0.1 of PyTorch's mean; postMean and deadFraction within 4 sd + 0.02. Our own seed,
 * one run: the same room a single run needs, no more.
 */
const root = join(__dirname, '../../..');
const SEED = 20261127;

const GRAD_FIGURES = ['weightGradNorm', 'inputGradRms'] as const;

/** Per Linear node: its row, and the row of the activation after it (or of itself when last). */
function linearLayers(
  graph: Graph,
  rows: readonly ModelLayerRow[],
): { grad: ModelLayerRow; out: ModelLayerRow | undefined }[] {
  const byName = new Map(rows.map((r) => [r.module, r]));
  const out: { grad: ModelLayerRow; out: ModelLayerRow | undefined }[] = [];
  const nodes = graph.nodes;
  nodes.forEach((n, i) => {
    if (n.op.op !== 'linear' || n.row === undefined) return;
    const grad = byName.get(n.row)!;
    const rest = nodes.slice(i + 1);
    const nextLinear = rest.findIndex((m) => m.op.op === 'linear');
    const act = rest
      .slice(0, nextLinear < 0 ? undefined : nextLinear)
      .find((m) => m.op.op === 'activation');
    out.push({
      grad,
      out: act ? (act.row !== undefined ? byName.get(act.row) : undefined) : grad,
    });
  });
  return out;
}

describe('the model check agrees with PyTorch on the PyTorch samples', () => {
  for (const ref of fixture.models) {
    it(`${ref.file} ${ref.model}: every layer within the reference tolerance`, async () => {
      const text = readFileSync(join(root, ref.file), 'utf8');
      const model = (await readModels(text)).models.find((m) => m.name === ref.model);
      expect(model?.checkable).toBe(true);
      const built = await buildModel(text, model!.expr ?? model!.name, {
        framework: 'pytorch',
        batch: fixture.batch,
      });
      if (!built.ok) throw new Error(built.reason);
      const report = checkModelGraph(built, { framework: 'pytorch', seed: SEED, dtype: 'float64' });
      const layers = linearLayers(built.graph, report.layers);
      expect(layers).toHaveLength(ref.layers.length);
      const misses: string[] = [];
      let outputsCompared = 0;
      ref.layers.forEach((want, i) => {
        const got = layers[i]!;
        const w = want as unknown as Record<string, number>;
        const log10 = (k: string, v: number): void => {
          const tol = 4 * w[`${k}Log10Sd`]! + 0.1;
          if (!(Math.abs(Math.log10(v) - w[`${k}Log10`]!) <= tol))
            misses.push(
              `layer ${want.layer} ${k}: log10 ${Math.log10(v).toFixed(3)} vs torch ${w[`${k}Log10`]!.toFixed(3)} ± ${tol.toFixed(3)}`,
            );
        };
        const linear = (k: string, v: number): void => {
          const tol = 4 * w[`${k}Sd`]! + 0.02;
          if (!(Math.abs(v - w[k]!) <= tol))
            misses.push(
              `layer ${want.layer} ${k}: ${v.toFixed(4)} vs torch ${w[k]!.toFixed(4)} ± ${tol.toFixed(4)}`,
            );
        };
        for (const k of GRAD_FIGURES) log10(k, got.grad[k]!);
        if (got.out) {
          outputsCompared++;
          log10('postStd', got.out.postStd);
          linear('postMean', got.out.postMean);
          linear('deadFraction', got.out.deadFraction);
        }
      });
      expect(misses).toEqual([]);
      // At least the last layer's outputs are compared in every model.
      expect(outputsCompared).toBeGreaterThan(0);
    });
  }
});
