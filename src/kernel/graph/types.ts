/**
 * The layer graph: the contract between the model reader (src/model/read), the plain check, the
 * tests and the engine (src/kernel/graph). Plain JSON data: a reader builds it from source, the
 * engine runs it forward and backward (reverse mode) and reports statistics per row.
 *
 * Tensor layout follows PyTorch: row-major, NCHW for images, (N, L, C) or (L, N, C) for sequences
 * as the op says, weights as torch stores them (Linear out×in, Conv out×in/groups×kH×kW,
 * ConvTranspose in×out/groups×kH×kW). Keras and Flax layers map onto these ops (a Keras Dense is a
 * `linear` with glorot_uniform weight and zero bias; its NHWC data become NCHW at the reader).
 *
 * Rows: every node may carry `row`, a key such as `layer1.0.conv1` (PyTorch's qualified module
 * name, as `model.named_modules()` gives it) or `3` (the plain check's layer index). The nodes that
 * share a key form one row; see RowStats for how a row's figures are taken from its nodes.
 */

export type Dtype = 'float32' | 'float64';
export type Shape = readonly number[];

/** How a parameter is initialised. Fans follow torch.nn.init._calculate_fan_in_and_fan_out on the
 * parameter's torch-layout shape (fan_in = size(1)·receptive field, fan_out = size(0)·receptive). */
export type InitSpec =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number }
  | { readonly kind: 'normal'; readonly mean?: number; readonly std: number }
  /** torch.nn.init.trunc_normal_: N(mean, std²) truncated to [a, b] (absolute bounds, default ±2). */
  | {
      readonly kind: 'trunc_normal';
      readonly mean?: number;
      readonly std: number;
      readonly a?: number;
      readonly b?: number;
    }
  | { readonly kind: 'xavier_uniform' | 'xavier_normal'; readonly gain?: number }
  | {
      readonly kind: 'kaiming_uniform' | 'kaiming_normal';
      /** Negative slope for leaky_relu; PyTorch Linear/Conv default weights are kaiming_uniform(a=√5). */
      readonly a?: number;
      readonly mode?: 'fan_in' | 'fan_out';
      /** torch.nn.init.calculate_gain's name; default 'leaky_relu' as in PyTorch. */
      readonly nonlinearity?: string;
    }
  | { readonly kind: 'orthogonal'; readonly gain?: number }
  /** Keras / Flax variance_scaling (glorot_uniform = scale 1, fan_avg, uniform; lecun_normal =
   * scale 1, fan_in, truncated_normal; he_normal = scale 2, fan_in, truncated_normal). */
  | {
      readonly kind: 'variance_scaling';
      readonly scale: number;
      readonly mode: 'fan_in' | 'fan_out' | 'fan_avg';
      readonly distribution: 'truncated_normal' | 'untruncated_normal' | 'uniform';
    }
  /** PyTorch's default bias: U(±1/√fan_in) with fan_in of the owning weight (`bound` overrides). */
  | { readonly kind: 'torch_bias'; readonly bound?: number };

/** A trainable parameter of a node. `shape` is torch's layout. */
export interface ParamSpecG {
  readonly init: InitSpec;
  /** Share the tensor of another node's parameter (weight tying): `nodeId.paramName`. */
  readonly tiedTo?: string;
}

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Every op, with PyTorch semantics. Shapes exclude nothing: the batch dimension is explicit. */
export type Op =
  /** The model input. `tokens`: integer ids uniform in [0, vocab) (embedding-first models). */
  | {
      readonly op: 'input';
      readonly shape: Shape;
      readonly tokens?: { readonly vocab: number };
    }
  | {
      readonly op: 'linear';
      readonly inFeatures: number;
      readonly outFeatures: number;
      readonly weight: ParamSpecG;
      readonly bias: ParamSpecG | null;
    }
  | {
      readonly op: 'conv';
      /** 1 → (N, C, L); 2 → (N, C, H, W). */
      readonly dims: 1 | 2;
      readonly inChannels: number;
      readonly outChannels: number;
      readonly kernel: readonly number[];
      readonly stride: readonly number[];
      /** Per spatial dim (symmetric) or 'same' / 'valid' as torch accepts them. */
      readonly padding: readonly number[] | 'same' | 'valid';
      readonly paddingMode: PaddingMode;
      readonly dilation: readonly number[];
      readonly groups: number;
      readonly weight: ParamSpecG;
      readonly bias: ParamSpecG | null;
    }
  | {
      readonly op: 'conv_transpose';
      readonly dims: 1 | 2;
      readonly inChannels: number;
      readonly outChannels: number;
      readonly kernel: readonly number[];
      readonly stride: readonly number[];
      readonly padding: readonly number[];
      readonly outputPadding: readonly number[];
      readonly dilation: readonly number[];
      readonly groups: number;
      readonly weight: ParamSpecG;
      readonly bias: ParamSpecG | null;
    }
  /** Training mode: batch statistics over all dims but 1, biased variance. */
  | {
      readonly op: 'batch_norm';
      readonly numFeatures: number;
      readonly eps: number;
      readonly weight: ParamSpecG | null;
      readonly bias: ParamSpecG | null;
    }
  | {
      readonly op: 'layer_norm';
      readonly normalizedShape: Shape;
      readonly eps: number;
      readonly weight: ParamSpecG | null;
      readonly bias: ParamSpecG | null;
    }
  | {
      readonly op: 'group_norm';
      readonly numGroups: number;
      readonly numChannels: number;
      readonly eps: number;
      readonly weight: ParamSpecG | null;
      readonly bias: ParamSpecG | null;
    }
  /** Per sample and channel over the spatial dims (torch InstanceNorm, affine=False by default). */
  | {
      readonly op: 'instance_norm';
      readonly numFeatures: number;
      readonly eps: number;
      readonly weight: ParamSpecG | null;
      readonly bias: ParamSpecG | null;
    }
  /** torch.nn.RMSNorm: eps null means torch.finfo(dtype).eps. */
  | {
      readonly op: 'rms_norm';
      readonly normalizedShape: Shape;
      readonly eps: number | null;
      readonly weight: ParamSpecG | null;
    }
  /** Any kernel activation by its kernel id (relu, gelu, gelu_tanh, selu, …). */
  | { readonly op: 'activation'; readonly id: string; readonly params?: Readonly<Record<string, number>> }
  | { readonly op: 'softmax'; readonly dim: number; readonly log?: boolean }
  /** Inverted dropout in training mode. */
  | { readonly op: 'dropout'; readonly p: number }
  | { readonly op: 'alpha_dropout'; readonly p: number }
  /** Elementwise sum of all inputs, broadcasting as torch does. */
  | { readonly op: 'add' }
  /** Elementwise product of all inputs, broadcasting (gating, SwiGLU). */
  | { readonly op: 'mul' }
  /** x·factor + offset (a constant scale, e.g. `/ math.sqrt(d)`, or `1 - x`). */
  | { readonly op: 'affine_const'; readonly factor: number; readonly offset?: number }
  | { readonly op: 'concat'; readonly dim: number }
  /** One piece of torch.split / chunk: `sizes` along `dim`, output is piece `index`. */
  | { readonly op: 'split'; readonly dim: number; readonly sizes: readonly number[]; readonly index: number }
  /** view / reshape; one entry may be −1. */
  | { readonly op: 'reshape'; readonly shape: Shape }
  | { readonly op: 'flatten'; readonly startDim: number; readonly endDim: number }
  /** permute; transpose(a, b) is a permute with two entries swapped. */
  | { readonly op: 'permute'; readonly dims: readonly number[] }
  /** x[..., start:end:step, ...] along one dim (negative indices as Python). */
  | {
      readonly op: 'slice';
      readonly dim: number;
      readonly start: number;
      readonly end: number | null;
      readonly step: number;
    }
  /** x[..., index, ...]: removes `dim` (x[:, -1, :]). */
  | { readonly op: 'select'; readonly dim: number; readonly index: number }
  /** mean or sum over dims (x.mean(dim=1), global average pooling); every dim without keepdim
   * gives a 0-d tensor (shape []), as x.sum() does. */
  | {
      readonly op: 'reduce';
      readonly kind: 'mean' | 'sum';
      readonly dims: readonly number[];
      readonly keepdim: boolean;
    }
  | {
      readonly op: 'pool';
      readonly kind: 'max' | 'avg';
      readonly dims: 1 | 2;
      readonly kernel: readonly number[];
      readonly stride: readonly number[];
      readonly padding: readonly number[];
      readonly ceilMode?: boolean;
      /** avg only; torch's default true. */
      readonly countIncludePad?: boolean;
    }
  | {
      readonly op: 'adaptive_pool';
      readonly kind: 'max' | 'avg';
      readonly dims: 1 | 2;
      readonly outputSize: readonly number[];
    }
  /** Nearest-neighbour upsampling by an integer factor per spatial dim. */
  | { readonly op: 'upsample'; readonly dims: 1 | 2; readonly scale: readonly number[] }
  /** Token ids (N, L) → (N, L, dim). PyTorch default weight N(0, 1). */
  | {
      readonly op: 'embedding';
      readonly numEmbeddings: number;
      readonly embeddingDim: number;
      readonly weight: ParamSpecG;
    }
  /** A learned tensor added or used as is (ViT's pos_embed / cls_token, GPT's wpe as a param). */
  | { readonly op: 'parameter'; readonly shape: Shape; readonly weight: ParamSpecG }
  /** Batched matrix product a @ b over the last two dims, broadcasting leading dims. */
  | { readonly op: 'matmul' }
  /** Sets entries above the diagonal of the last two dims to −∞ (masked_fill with a causal mask). */
  | { readonly op: 'causal_mask' }
  /** F.scaled_dot_product_attention(q, k, v): inputs (…, L, E); scale default 1/√E. */
  | { readonly op: 'sdpa'; readonly causal: boolean; readonly scale?: number }
  /** nn.MultiheadAttention(embed_dim, num_heads) called as mha(x, x, x) (self-attention):
   * in_proj (xavier_uniform weight, zero bias), out_proj (Linear default weight, zero bias). */
  | {
      readonly op: 'multihead_attention';
      readonly embedDim: number;
      readonly numHeads: number;
      readonly bias: boolean;
      readonly batchFirst: boolean;
      readonly causal: boolean;
      readonly inProjWeight: ParamSpecG;
      readonly inProjBias: ParamSpecG | null;
      readonly outProjWeight: ParamSpecG;
      readonly outProjBias: ParamSpecG | null;
    }
  /** nn.RNN / LSTM / GRU with PyTorch's gate order (LSTM i,f,g,o; GRU r,z,n); output = the last
   * layer's hidden states for every step, (N, L, H) when batchFirst else (L, N, H). Parameters are
   * `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`, each with `init`. */
  | {
      readonly op: 'rnn';
      readonly mode: 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
      readonly inputSize: number;
      readonly hiddenSize: number;
      readonly numLayers: number;
      readonly bias: boolean;
      readonly batchFirst: boolean;
      /** nn.LSTM(dropout=p): dropout on each layer's output except the last (training mode);
       * absent = 0. */
      readonly dropout?: number;
      /** Default for every weight and bias: U(±1/√hidden). */
      readonly init: InitSpec;
    }
  | { readonly op: 'identity' }
  /** A tensor the reader computed (torch.arange/meshgrid/sin/…, a register_buffer value): no
   * gradient. `data` is row-major with numel(shape) entries. */
  | { readonly op: 'constant'; readonly shape: Shape; readonly data: readonly number[] }
  /** torch.randn(shape) / randn_like: N(0, 1) noise drawn per run, no gradient (a VAE's eps). */
  | { readonly op: 'randn'; readonly shape: Shape }
  /** x · m with m ~ Bernoulli(keep)·scale of shape `maskShape` broadcast over x: Dropout1d/2d
   * (mask (N, C, 1…)), stochastic depth / drop_path (mask (N, 1, …) or all ones-shape), training
   * mode. */
  | {
      readonly op: 'bernoulli_mask';
      readonly keep: number;
      readonly scale: number;
      readonly maskShape: Shape;
    }
  /** Elementwise e^x (torch.exp). */
  | { readonly op: 'exp' }
  /** F.pad: `pads` as torch gives them (last dim first: left, right, then the dim before, …);
   * negative pads crop. */
  | {
      readonly op: 'pad';
      readonly pads: readonly number[];
      readonly mode: 'constant' | 'reflect' | 'replicate';
      readonly value: number;
    };

export type OpName = Op['op'];

export interface GraphNode {
  /** Unique within the graph. */
  readonly id: string;
  /** Ids of the nodes whose outputs feed this one, in the op's argument order. */
  readonly inputs: readonly string[];
  readonly op: Op;
  /** Row key (see the module comment). */
  readonly row?: string;
  /** The framework's layer type for display: `Conv2d`, `Dense`, `ReLU`, `F.relu`. */
  readonly kind?: string;
  /** 1-based source line the node was read from. */
  readonly line?: number;
}

export interface Graph {
  /** Nodes in a valid execution order (every input appears before its use). */
  readonly nodes: readonly GraphNode[];
  /** The output node; loss = Σ output ⊙ G with G ~ N(0, 1). */
  readonly output: string;
}

export interface RunOptions {
  readonly seed: number;
  readonly dtype: Dtype;
  /** Clip all parameter gradients to this global L2 norm (clip_grad_norm_). */
  readonly clipNorm?: number;
  /** Refuse graphs needing more than this many bytes, counted before allocating. Default 1 GiB. */
  readonly memoryLimitBytes?: number;
  /** Polled between nodes (and inside long ops); true aborts with CancelledError. */
  readonly shouldCancel?: () => boolean;
  /** After each node of each pass: e.g. "node 13 of 50 (forward)". */
  readonly onProgress?: (done: number, total: number, phase: 'forward' | 'backward') => void;
}

/**
 * A row's figures. Taken over the nodes sharing the row key, in execution order:
 * - postMean / postStd (population): of the last node's output;
 * - weightGradNorm: ‖∂L/∂weight‖_F of the first node that has a parameter named `weight` (for
 *   recurrent nodes, all weight_* together), null when none; biasGradNorm likewise for `bias`;
 * - inputGradRms: RMS of the total gradient reaching the first node's first input;
 * - deadFraction: for a row with an activation node, the share of units (features; channels for
 *   (N, C, …) outputs) whose act′ is 0 at every position of every sample; else 0. Features are the
 *   last axis when the data came from a channels-last op (linear, embedding, matmul, attention,
 *   rnn, layer/rms norm; so (N, L, F) sequences count F units), axis 1 otherwise (convolutions,
 *   pools, inputs).
 */
export interface RowStats {
  readonly row: string;
  readonly kind: string;
  readonly line: number | null;
  readonly outputShape: Shape;
  readonly postMean: number;
  readonly postStd: number;
  readonly weightGradNorm: number | null;
  readonly biasGradNorm: number | null;
  readonly inputGradRms: number;
  readonly deadFraction: number;
  /** Recurrent rows: gradient RMS reaching each time step's input, and the hidden state's std. */
  readonly steps?: readonly {
    readonly step: number;
    readonly inputGradRms: number;
    readonly hiddenStd: number;
  }[];
}

export interface GraphRunResult {
  readonly rows: readonly RowStats[];
  readonly totalGradNorm: number;
  readonly clipping: {
    readonly maxNorm: number;
    readonly totalNormBefore: number;
    readonly totalNormAfter: number;
    readonly coefficient: number;
  } | null;
  readonly elapsedMs: number;
}
