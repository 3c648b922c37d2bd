import type { InitName } from './modules';

export type ModelFramework = 'pytorch' | 'keras';

/** One Linear/Dense layer with the activation and dropout that follow it (lines are 1-based). */
export interface ModelRow {
  /** 1-based position among the model's Linear/Dense layers. */
  readonly layer: number;
  /** Attribute, OrderedDict key or Keras `name=`; else the class name with its index. */
  readonly name: string;
  /** The spelling read, e.g. `nn.Linear`, `layers.Dense`. */
  readonly kind: string;
  readonly line: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias: boolean;
  /** The framework's default weight init (or the one written in the code). */
  readonly init: InitName;
  /** Multiplies the init's standard deviation or bound (torch.nn.init's `gain`); 1 by default. */
  readonly gain: number;
  /** PyTorch nn.Linear draws its bias U(±1/√fan_in); Keras Dense starts at zero. */
  readonly biasInit: 'pytorch_default' | 'zeros';
  /** `null`: no activation (identity) after this layer. */
  readonly activation: {
    readonly id: string;
    readonly params: Readonly<Record<string, number>>;
    readonly line: number;
    readonly source: string;
  } | null;
  /** Plain dropout rate after the activation (0 when none). */
  readonly dropout: number;
  /** Alpha Dropout rate after the activation (0 when none). */
  readonly alphaDropout: number;
}

/** Something not understood, with what the check assumed instead. */
export interface ModelNote {
  readonly line: number;
  readonly message: string;
}

export interface ReadModel {
  readonly name: string;
  readonly framework: ModelFramework;
  /** First and last line of the model's definition (1-based). */
  readonly line: number;
  readonly endLine: number;
  /** `declined`: the check cannot run on this model; `reason` says why. */
  readonly status: 'ok' | 'declined';
  readonly reason?: string;
  readonly rows: readonly ModelRow[];
  readonly notes: readonly ModelNote[];
}
