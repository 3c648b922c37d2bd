import { describe, expect, it } from 'vitest';
import { compileGraph, runGraph } from '../../../src/kernel/graph/executor';
import { gptNano, resnet18Cifar } from '../../../src/kernel/graph/zoo';

function paramCount(g: ReturnType<typeof compileGraph>): number {
  return g.storage.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
}

describe('the benchmark networks (src/kernel/graph/zoo.ts)', () => {
  it('ResNet-18 (kuangliu CIFAR) has torch’s 11 173 962 parameters and (8, 10) logits', () => {
    const g = compileGraph(resnet18Cifar());
    expect(paramCount(g)).toBe(11_173_962);
    expect(g.nodes[g.output]!.outShape).toEqual([8, 10]);
    expect(g.nodes.filter((n) => n.node.op.op === 'conv')).toHaveLength(20);
  });

  it('nanoGPT 4×128 has torch’s 809 856 parameters (lm_head tied to wte) and (4, 64, 65) logits', () => {
    const g = compileGraph(gptNano());
    expect(paramCount(g)).toBe(809_856);
    expect(g.nodes[g.output]!.outShape).toEqual([4, 64, 65]);
  });

  it('both run forward and backward with finite statistics on every row', () => {
    for (const graph of [resnet18Cifar({ batch: 1 }), gptNano({ batch: 2, seq: 16, layers: 2 })]) {
      const r = runGraph(graph, { seed: 3, dtype: 'float32' });
      expect(r.rows.length).toBeGreaterThan(10);
      for (const row of r.rows) {
        expect(Number.isFinite(row.postStd), row.row).toBe(true);
        expect(Number.isFinite(row.inputGradRms), row.row).toBe(true);
      }
      expect(r.totalGradNorm).toBeGreaterThan(0);
    }
  });
});
