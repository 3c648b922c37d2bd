/**
 * Two reference networks as layer graphs, built by hand with PyTorch's default initialisation:
 * the benchmark (scripts/bench-graph.mjs, beside the same models in scripts/bench_torch_graph.py)
 * and the tests run them.
 * - ResNet-18 for CIFAR as kuangliu/pytorch-cifar writes it (3×3 stem, no max-pool, BasicBlocks
 *   with 1×1 conv + BN shortcuts, F.avg_pool2d(out, 4), Linear(512, classes)).
 * - A nanoGPT-style decoder (token + learned position embeddings, pre-LN blocks with causal
 *   self-attention through F.scaled_dot_product_attention and a GELU MLP, final LayerNorm, lm_head
 *   tied to the token embedding), with nanoGPT's N(0, 0.02) init.
 */
import type { Graph, GraphNode, InitSpec, Op, ParamSpecG } from './types';

const p = (init: InitSpec): ParamSpecG => ({ init });
/** PyTorch's Linear/Conv default weight: kaiming_uniform(a=√5). */
const torchWeight = p({ kind: 'kaiming_uniform', a: Math.sqrt(5) });
const torchBias = p({ kind: 'torch_bias' });
const ones = p({ kind: 'ones' });
const zeroInit = p({ kind: 'zeros' });

/** Appends nodes in execution order; each call returns the new node's id. */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];

  add(id: string, op: Op, inputs: readonly string[], row?: string, kind?: string): string {
    this.nodes.push({
      id,
      op,
      inputs,
      ...(row !== undefined ? { row } : {}),
      ...(kind ? { kind } : {}),
    });
    return id;
  }

  graph(output: string): Graph {
    return { nodes: this.nodes, output };
  }
}

function conv2d(
  b: GraphBuilder,
  name: string,
  x: string,
  cin: number,
  cout: number,
  k: number,
  stride: number,
  pad: number,
): string {
  return b.add(
    name,
    {
      op: 'conv',
      dims: 2,
      inChannels: cin,
      outChannels: cout,
      kernel: [k, k],
      stride: [stride, stride],
      padding: [pad, pad],
      paddingMode: 'zeros',
      dilation: [1, 1],
      groups: 1,
      weight: torchWeight,
      bias: null,
    },
    [x],
    name,
    'Conv2d',
  );
}

function bn2d(b: GraphBuilder, name: string, x: string, c: number): string {
  return b.add(
    name,
    { op: 'batch_norm', numFeatures: c, eps: 1e-5, weight: ones, bias: zeroInit },
    [x],
    name,
    'BatchNorm2d',
  );
}

function relu(b: GraphBuilder, id: string, x: string, row: string): string {
  return b.add(id, { op: 'activation', id: 'relu' }, [x], row, 'F.relu');
}

export interface ResNetOptions {
  readonly batch?: number;
  readonly classes?: number;
  /** Input height = width (CIFAR: 32). */
  readonly size?: number;
}

/** kuangliu's ResNet18 (BasicBlock, [2, 2, 2, 2]) on (batch, 3, size, size). */
export function resnet18Cifar(o: ResNetOptions = {}): Graph {
  const batch = o.batch ?? 8;
  const size = o.size ?? 32;
  const b = new GraphBuilder();
  let x = b.add('x', { op: 'input', shape: [batch, 3, size, size] }, [], 'input', 'input');
  x = relu(b, 'relu', bn2d(b, 'bn1', conv2d(b, 'conv1', x, 3, 64, 3, 1, 1), 64), 'bn1');
  let cin = 64;
  for (const [layer, cout, stride] of [
    [1, 64, 1],
    [2, 128, 2],
    [3, 256, 2],
    [4, 512, 2],
  ] as const) {
    for (let blk = 0; blk < 2; blk++) {
      const s = blk === 0 ? stride : 1;
      const q = `layer${layer}.${blk}`;
      let h = relu(
        b,
        `${q}.relu1`,
        bn2d(b, `${q}.bn1`, conv2d(b, `${q}.conv1`, x, cin, cout, 3, s, 1), cout),
        `${q}.bn1`,
      );
      h = bn2d(b, `${q}.bn2`, conv2d(b, `${q}.conv2`, h, cout, cout, 3, 1, 1), cout);
      const short =
        s !== 1 || cin !== cout
          ? bn2d(b, `${q}.shortcut.1`, conv2d(b, `${q}.shortcut.0`, x, cin, cout, 1, s, 0), cout)
          : x;
      x = relu(b, `${q}.relu2`, b.add(`${q}.add`, { op: 'add' }, [h, short], q, 'BasicBlock'), q);
      cin = cout;
    }
  }
  const pooled = b.add(
    'avg_pool2d',
    { op: 'pool', kind: 'avg', dims: 2, kernel: [4, 4], stride: [4, 4], padding: [0, 0] },
    [x],
    'avg_pool2d',
    'F.avg_pool2d',
  );
  const flat = b.add('view', { op: 'flatten', startDim: 1, endDim: -1 }, [pooled], 'view', 'view');
  const out = b.add(
    'linear',
    {
      op: 'linear',
      inFeatures: 512,
      outFeatures: o.classes ?? 10,
      weight: torchWeight,
      bias: torchBias,
    },
    [flat],
    'linear',
    'Linear',
  );
  return b.graph(out);
}

export interface GptOptions {
  readonly batch?: number;
  readonly seq?: number;
  readonly vocab?: number;
  readonly layers?: number;
  readonly dim?: number;
  readonly heads?: number;
}

/** nanoGPT's GPT (bias=True, dropout 0) on (batch, seq) token ids; output logits (batch, seq, vocab). */
export function gptNano(o: GptOptions = {}): Graph {
  const B = o.batch ?? 4;
  const T = o.seq ?? 64;
  const V = o.vocab ?? 65;
  const L = o.layers ?? 4;
  const C = o.dim ?? 128;
  const H = o.heads ?? 4;
  const hs = C / H;
  const normal = p({ kind: 'normal', mean: 0, std: 0.02 });
  // nanoGPT scales the residual projections by 1/√(2·n_layer).
  const projInit = p({ kind: 'normal', mean: 0, std: 0.02 / Math.sqrt(2 * L) });
  const b = new GraphBuilder();
  const lin = (id: string, x: string, i: number, out: number, w: ParamSpecG, bias = true): string =>
    b.add(
      id,
      { op: 'linear', inFeatures: i, outFeatures: out, weight: w, bias: bias ? zeroInit : null },
      [x],
      id,
      'Linear',
    );
  const ln = (id: string, x: string): string =>
    b.add(
      id,
      { op: 'layer_norm', normalizedShape: [C], eps: 1e-5, weight: ones, bias: zeroInit },
      [x],
      id,
      'LayerNorm',
    );
  const idx = b.add(
    'idx',
    { op: 'input', shape: [B, T], tokens: { vocab: V } },
    [],
    'input',
    'input',
  );
  const tok = b.add(
    'transformer.wte',
    { op: 'embedding', numEmbeddings: V, embeddingDim: C, weight: normal },
    [idx],
    'transformer.wte',
    'Embedding',
  );
  const pos = b.add(
    'transformer.wpe',
    { op: 'parameter', shape: [T, C], weight: normal },
    [],
    'transformer.wpe',
    'Embedding',
  );
  let x = b.add('emb', { op: 'add' }, [tok, pos], 'transformer.drop', 'add');
  for (let l = 0; l < L; l++) {
    const q = `transformer.h.${l}`;
    const qkv = lin(`${q}.attn.c_attn`, ln(`${q}.ln_1`, x), C, 3 * C, normal);
    const heads = ['q', 'k', 'v'].map((name, i) => {
      const part = b.add(
        `${q}.attn.${name}`,
        { op: 'split', dim: 2, sizes: [C, C, C], index: i },
        [qkv],
        `${q}.attn`,
        'split',
      );
      const view = b.add(
        `${q}.attn.${name}.view`,
        { op: 'reshape', shape: [B, T, H, hs] },
        [part],
        `${q}.attn`,
        'view',
      );
      return b.add(
        `${q}.attn.${name}.t`,
        { op: 'permute', dims: [0, 2, 1, 3] },
        [view],
        `${q}.attn`,
        'transpose',
      );
    });
    const att = b.add(
      `${q}.attn.sdpa`,
      { op: 'sdpa', causal: true },
      heads,
      `${q}.attn`,
      'F.scaled_dot_product_attention',
    );
    const back = b.add(
      `${q}.attn.y.t`,
      { op: 'permute', dims: [0, 2, 1, 3] },
      [att],
      `${q}.attn`,
      'transpose',
    );
    const merged = b.add(
      `${q}.attn.y.view`,
      { op: 'reshape', shape: [B, T, C] },
      [back],
      `${q}.attn`,
      'view',
    );
    x = b.add(
      `${q}.res1`,
      { op: 'add' },
      [x, lin(`${q}.attn.c_proj`, merged, C, C, projInit)],
      q,
      'Block',
    );
    const fc = lin(`${q}.mlp.c_fc`, ln(`${q}.ln_2`, x), C, 4 * C, normal);
    const act = b.add(
      `${q}.mlp.gelu`,
      { op: 'activation', id: 'gelu' },
      [fc],
      `${q}.mlp.gelu`,
      'GELU',
    );
    x = b.add(
      `${q}.res2`,
      { op: 'add' },
      [x, lin(`${q}.mlp.c_proj`, act, 4 * C, C, projInit)],
      q,
      'Block',
    );
  }
  // Weight tying as nanoGPT does it: lm_head.weight is transformer.wte.weight.
  const tied: ParamSpecG = { init: { kind: 'zeros' }, tiedTo: 'transformer.wte.weight' };
  const head = lin('lm_head', ln('transformer.ln_f', x), C, V, tied, false);
  return b.graph(head);
}
