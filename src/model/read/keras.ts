/**
 * Keras on the reader's interpreter: `keras.Sequential`, the functional API (`keras.Input`, layers
 * called on tensors, `keras.Model(inputs, outputs)`), subclassed `keras.Model` / `layers.Layer`
 * with `call()`, and Keras 2 code that receives its modules at run time (keras-applications'
 * `get_submodules_from_kwargs`). Tensors stay channels-last (see channelsLast.ts); weights use
 * Keras' defaults (glorot_uniform kernels, zero biases, BatchNormalization ε = 1e-3) computed with
 * Keras' own fans; rows are Keras layer names (`name=` or the automatic `dense`, `dense_1`, …).
 */
import { resolveCall, resolveString } from '../../language/resolve';
import { spellingsNamed } from '../../kernel/spellings';
import type { Node, Tree } from 'web-tree-sitter';
import type { GraphNode } from '../../kernel/graph/types';
import { pythonImports } from '../../language/pythonImports';
import {
  activationNode,
  initArg,
  intsArg,
  numArg,
  batchNormLast,
  concat,
  convLast,
  dense,
  dropoutNode,
  embedding,
  flatten,
  globalPoolLast,
  LayerParams,
  layerNormLast,
  merge,
  poolLast,
  reshape,
  toChannelsLast,
  type At,
  type KernelFans,
  type Padding,
} from './channelsLast';
import { GraphBuilder } from './graph';
import type { BuildOptions, BuildResult, FoundModel, ModelKind } from './index';
import { Interp, lineOf, named, numeric, type Budget } from './interp';
import {
  newModule,
  Decline,
  NONE,
  TRUE,
  int,
  isSeq,
  show,
  str,
  tuple,
  type ClassVal,
  type ModuleObj,
  type ParamObj,
  type Scope,
  type TensorVal,
  type Value,
} from './values';

type Kw = Map<string, Value>;

const CONV_ARGS: readonly string[] = [
  'filters',
  'kernel_size',
  'strides',
  'padding',
  'data_format',
  'dilation_rate',
  'groups',
  'activation',
  'use_bias',
  'kernel_initializer',
  'bias_initializer',
];

/** Positional argument names of each layer (Keras 3 order; Keras 2 agrees on the leading ones). */
const SIGNATURES: Readonly<Record<string, readonly string[]>> = {
  Dense: ['units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer'],
  Conv1D: CONV_ARGS,
  Conv2D: CONV_ARGS,
  DepthwiseConv2D: [
    'kernel_size',
    'strides',
    'padding',
    'depth_multiplier',
    'data_format',
    'dilation_rate',
    'activation',
    'use_bias',
    'depthwise_initializer',
    'bias_initializer',
  ],
  SeparableConv2D: [
    'filters',
    'kernel_size',
    'strides',
    'padding',
    'data_format',
    'dilation_rate',
    'depth_multiplier',
    'activation',
    'use_bias',
    'depthwise_initializer',
    'pointwise_initializer',
    'bias_initializer',
  ],
  BatchNormalization: ['axis', 'momentum', 'epsilon', 'center', 'scale'],
  LayerNormalization: ['axis', 'epsilon', 'center', 'scale'],
  MaxPooling1D: ['pool_size', 'strides', 'padding', 'data_format'],
  MaxPooling2D: ['pool_size', 'strides', 'padding', 'data_format'],
  AveragePooling1D: ['pool_size', 'strides', 'padding', 'data_format'],
  AveragePooling2D: ['pool_size', 'strides', 'padding', 'data_format'],
  GlobalAveragePooling1D: ['data_format', 'keepdims'],
  GlobalAveragePooling2D: ['data_format', 'keepdims'],
  GlobalMaxPooling1D: ['data_format', 'keepdims'],
  GlobalMaxPooling2D: ['data_format', 'keepdims'],
  Flatten: ['data_format'],
  Reshape: ['target_shape'],
  Dropout: ['rate', 'noise_shape', 'seed'],
  SpatialDropout1D: ['rate'],
  SpatialDropout2D: ['rate'],
  AlphaDropout: ['rate'],
  Activation: ['activation'],
  ReLU: ['max_value', 'negative_slope', 'threshold'],
  LeakyReLU: ['negative_slope'],
  ELU: ['alpha'],
  Softmax: ['axis'],
  Add: [],
  Multiply: [],
  Average: [],
  Concatenate: ['axis'],
  Embedding: ['input_dim', 'output_dim', 'embeddings_initializer'],
  ZeroPadding1D: ['padding'],
  ZeroPadding2D: ['padding', 'data_format'],
  Rescaling: ['scale', 'offset'],
  Lambda: ['function', 'output_shape', 'mask', 'arguments'],
  InputLayer: ['shape', 'batch_size'],
};

/** Layers that hold no weights and pass their input on (still rows, as in model.summary()). */
const IDENTITY_LAYERS = new Set([
  'GaussianNoise',
  'GaussianDropout',
  'ActivityRegularization',
  'Masking',
]);

/** Keras' automatic layer name: the class name in snake_case (`Conv2D` → `conv2d`, `ReLU` → `re_lu`). */
export function kerasSnake(cls: string): string {
  return cls
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

interface LayerState {
  readonly cls: string;
  readonly name: string;
  readonly pos: readonly Value[];
  readonly kw: Kw;
  readonly params: LayerParams;
  readonly line: number;
  /** Sequential / functional models. */
  readonly model?: KerasModel;
}

interface KerasModel {
  readonly kind: 'sequential' | 'functional';
  readonly layers: Value[];
  readonly inputs?: readonly TensorVal[];
  readonly outputs?: readonly TensorVal[];
  /** input_shape= on the first layer, or a leading keras.Input. */
  inputShape?: readonly number[];
}

/** A ZeroPadding2D output waiting for the convolution or pooling that absorbs it. */
interface PendingPad {
  readonly src: TensorVal;
  readonly pad: readonly (readonly [number, number])[];
  readonly row: string;
}

const KERAS_ROOTS = /^(keras|tensorflow\.keras|tf\.keras|tensorflow\.python\.keras)\b/;

/** The part of a qualified name after the Keras package (`layers.Dense`, `Model`, `Input`). */
function kerasTail(q: string): string | undefined {
  const m = KERAS_ROOTS.exec(q);
  if (m) return q.slice(m[0].length).replace(/^\./, '');
  // keras-applications binds `layers`, `models`, `backend`, `keras_utils` at run time.
  const r = /^relative:\.*(\w+(?:\.\w+)*)$/.exec(q);
  return r ? `@${r[1]}` : undefined;
}

export class KerasInterp extends Interp {
  /** Batch size for inputs whose shape the file gives without it. */
  batch = 8;
  /** A full input shape from the user (--input-shape), overriding the first keras.Input. */
  inputShape: readonly number[] | undefined;
  readonly modelNotes: string[] = [];
  private readonly layerState = new WeakMap<ModuleObj, LayerState>();
  private readonly pending = new WeakMap<TensorVal, PendingPad>();
  private readonly uids = new Map<string, number>();
  private readonly relative = new Map<string, string>();
  private inputsMade = 0;

  constructor(...args: ConstructorParameters<typeof Interp>) {
    super(...args);
    // Relative imports (`from . import get_submodules_from_kwargs`) name helpers of the package.
    for (const st of this.root.descendantsOfType('import_from_statement')) {
      const mod = st?.childForFieldName('module_name');
      if (!st || mod?.type !== 'relative_import') continue;
      for (const n of st.childrenForFieldName('name')) {
        if (!n) continue;
        const name = n.type === 'aliased_import' ? n.childForFieldName('name')?.text : n.text;
        const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : n.text;
        if (name && alias)
          this.relative.set(
            alias,
            `relative:${mod.text}${mod.text.endsWith('.') ? '' : '.'}${name}`,
          );
      }
    }
  }

  get graph(): GraphBuilder {
    if (!this.g) throw new Error('KerasInterp: no graph under construction');
    return this.g;
  }

  /** Keras' uid per name prefix: first `dense`, then `dense_1`, … */
  autoName(cls: string): string {
    const base = kerasSnake(cls);
    const n = this.uids.get(base) ?? 0;
    this.uids.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }

  /** Names a function declares `global` (keras-applications binds its modules that way). */
  private readonly declaredGlobal = new WeakMap<Scope, Set<string>>();

  override execStmt(st: Node, scope: Scope): ReturnType<Interp['execStmt']> {
    if (st.type === 'global_statement') {
      const set = this.declaredGlobal.get(scope) ?? new Set<string>();
      for (const n of named(st)) if (n.type === 'identifier') set.add(n.text);
      this.declaredGlobal.set(scope, set);
      return undefined;
    }
    return super.execStmt(st, scope);
  }

  override assign(target: Node, v: Value, scope: Scope): void {
    if (target.type === 'identifier' && this.declaredGlobal.get(scope)?.has(target.text)) {
      this.globals.vars.set(target.text, v);
      return;
    }
    super.assign(target, v, scope);
  }

  override lookup(name: string, scope: Scope, line: number): Value {
    try {
      return super.lookup(name, scope, line);
    } catch (e) {
      const rel = this.relative.get(name);
      if (e instanceof Decline && rel !== undefined) return { t: 'builtin', name: rel };
      throw e;
    }
  }

  override getattr(obj: Value, name: string, line: number): Value {
    if (obj.t === 'builtin' && obj.self === undefined && kerasTail(obj.name) !== undefined) {
      return { t: 'builtin', name: `${obj.name}.${name}` };
    }
    if (obj.t === 'module') {
      const st = this.layerState.get(obj);
      if (st) return this.layerAttr(obj, st, name, line);
    }
    if (obj.t === 'super' && name === '__init__' && this.kerasClass(obj.owner)) {
      return { t: 'builtin', name: 'keras.__base_init__', self: obj.self };
    }
    if (
      obj.t === 'obj' &&
      this.kerasClass(obj.cls) &&
      !obj.attrs.has(name) &&
      this.classAttr(obj.cls, name) === undefined
    ) {
      if (name === 'name') return str(kerasSnake(obj.cls.name));
      if (['compile', 'summary', 'build', 'load_weights', 'add_weight'].includes(name)) {
        return { t: 'builtin', name: `keras.__noop__`, self: obj };
      }
    }
    return super.getattr(obj, name, line);
  }

  override call(fn: Value, pos: Value[], kw: Kw, line: number): Value {
    if (fn.t === 'builtin') {
      if (fn.name === 'keras.__base_init__' || fn.name === 'keras.__noop__') return NONE;
      if (fn.name.startsWith('keras.__model__.'))
        return this.modelMethod(fn.name.slice(16), fn.self, pos, kw, line);
      const tail = kerasTail(fn.name);
      if (tail !== undefined) return this.kerasCall(tail, fn.name, pos, kw, line);
    }
    if (fn.t === 'module') {
      const st = this.layerState.get(fn);
      if (st) return this.callLayer(st, pos, kw, line);
    }
    if (fn.t === 'obj' && this.kerasClass(fn.cls)) {
      const m = this.classAttr(fn.cls, 'call');
      if (m?.t !== 'func') throw new Decline(line, `${fn.cls.name} has no call()`);
      return this.callFunc({ ...m, self: fn }, pos, kw, line);
    }
    return super.call(fn, pos, kw, line);
  }

  /** Whether a user class derives from keras.Model / keras.layers.Layer. */
  kerasClass(cls: ClassVal): boolean {
    const walk = (c: ClassVal, d: number): boolean =>
      d < 32 &&
      c.bases.some((b) => {
        if (b.t === 'class') return walk(b, d + 1);
        if (b.t !== 'builtin') return false;
        const t = kerasTail(b.name);
        return t !== undefined && /(^|\.)(Model|Layer|Sequential)$/.test(t);
      });
    return walk(cls, 0);
  }

  // ---- module-level functions -------------------------------------------------------------

  private kerasCall(tail: string, full: string, pos: Value[], kw: Kw, line: number): Value {
    const last = tail.slice(tail.lastIndexOf('.') + 1).replace(/^@/, '');
    // keras-applications' package helpers.
    if (last === 'get_submodules_from_kwargs') {
      return tuple(
        ['backend', 'layers', 'models', 'utils'].map((m) => ({ t: 'builtin', name: `keras.${m}` })),
      );
    }
    if (last === '_obtain_input_shape' || last === 'obtain_input_shape') {
      const given = kw.get('input_shape') ?? pos[0];
      if (given && given.t !== 'none') return given;
      const size = numeric(kw.get('default_size') ?? pos[1] ?? NONE) ?? 224;
      return tuple([int(size), int(size), int(3)]);
    }
    if (last === 'correct_pad')
      return this.correctPad(pos[1] ?? kw.get('inputs'), pos[2] ?? kw.get('kernel_size'), line);
    if (last === 'image_data_format') return str('channels_last');
    if (last === 'backend' && /backend$/.test(tail.slice(0, -8))) return str('tensorflow');
    if (last === 'int_shape') {
      const t = pos[0];
      if (t?.t !== 'tensor') throw new Decline(line, 'backend.int_shape of a non-tensor');
      return tuple([NONE, ...t.shape.slice(1).map((d) => int(d))]);
    }
    if (last === 'is_keras_tensor') return TRUE;
    if (last === 'get_source_inputs') return { t: 'list', items: [pos[0] ?? NONE] };
    if (last === 'Input' || last === 'InputLayer') return this.input(pos, kw, line);
    if (last === 'Sequential') return this.sequential(pos, kw, line);
    if (last === 'Model' || last === 'Functional') return this.functional(pos, kw, line, full);
    if (/(^|\.)(activations|ops)\.\w+$/.test(tail) || /^nn\.\w+$/.test(tail))
      return this.activationCall(full, pos, kw, line);
    if (/^(initializers\.)?[A-Z]\w*$/.test(tail) && /initializers\./.test(tail))
      return this.initializer(last, pos, kw, line);
    if (last === 'add' || last === 'multiply' || last === 'concatenate' || last === 'average') {
      const cls =
        last === 'add'
          ? 'Add'
          : last === 'multiply'
            ? 'Multiply'
            : last === 'average'
              ? 'Average'
              : 'Concatenate';
      const inputs = pos[0] ?? kw.get('inputs') ?? NONE;
      const rest = new Map(kw);
      rest.delete('inputs');
      const layer = this.makeLayer(cls, pos.slice(1), rest, line);
      return this.call(layer, [inputs], new Map(), line);
    }
    if (/^[A-Z]/.test(last) && /(^|\.)layers\.\w+$|^@layers\.\w+$|^\w+$/.test(tail)) {
      if (
        last in SIGNATURES ||
        IDENTITY_LAYERS.has(last) ||
        [
          'Conv2DTranspose',
          'Lambda',
          'Cropping2D',
          'UpSampling2D',
          'PReLU',
          'MultiHeadAttention',
          'LSTM',
          'GRU',
          'SimpleRNN',
          'Bidirectional',
          'TimeDistributed',
        ].includes(last)
      ) {
        return this.makeLayer(last, pos, kw, line);
      }
    }
    throw new Decline(line, `${full.replace(/^relative:\.*/, '')} is not read`);
  }

  /** keras-applications' correct_pad(backend, inputs, kernel_size): the 'same' pads of a stride 2. */
  private correctPad(x: Value | undefined, k: Value | undefined, line: number): Value {
    if (x?.t !== 'tensor') throw new Decline(line, 'correct_pad of a non-tensor');
    const ks = this.pair(k ?? NONE, line, 'kernel_size');
    const pads = [0, 1].map((i) => {
      const size = x.shape[1 + i]!;
      const adjust = 1 - (size % 2);
      const c = Math.floor(ks[i]! / 2);
      return tuple([int(c - adjust), int(c)]);
    });
    return tuple(pads);
  }

  private initializer(cls: string, pos: Value[], kw: Kw, line: number): Value {
    const name = kerasSnake(cls);
    if (name === 'variance_scaling') {
      const scale = numeric(kw.get('scale') ?? pos[0] ?? NONE) ?? 1;
      const mode = this.strOf(kw.get('mode') ?? pos[1], 'fan_in');
      const dist = this.strOf(kw.get('distribution') ?? pos[2], 'truncated_normal');
      return { t: 'opaque', what: `init:variance_scaling:${scale}:${mode}:${dist}` };
    }
    if (
      name === 'random_normal' ||
      name === 'truncated_normal' ||
      name === 'random_uniform' ||
      name === 'constant'
    ) {
      const a = numeric(
        kw.get(name === 'random_uniform' ? 'minval' : name === 'constant' ? 'value' : 'mean') ??
          pos[0] ??
          NONE,
      );
      const b = numeric(kw.get(name === 'random_uniform' ? 'maxval' : 'stddev') ?? pos[1] ?? NONE);
      return { t: 'opaque', what: `init:${name}:${a ?? ''}:${b ?? ''}` };
    }
    if (pos.length || [...kw.keys()].some((k) => k !== 'seed')) {
      throw new Decline(line, `initializers.${cls} with arguments is not read`);
    }
    return str(name);
  }

  private strOf(v: Value | undefined, dflt: string): string {
    return v?.t === 'str' ? v.v : dflt;
  }

  private activationCall(full: string, pos: Value[], kw: Kw, line: number): Value {
    const x = pos[0];
    if (x?.t !== 'tensor') throw new Decline(line, `${full} on a non-tensor`);
    const act = this.activationOf({ t: 'builtin', name: full }, line);
    if (!act) return x;
    return activationNode(this.graph, this.at(line), x, act.id, act.params);
  }

  /** `activation=` as Keras reads it: a string id, a function, or None. */
  activationOf(
    v: Value | undefined,
    line: number,
  ): { id: string; params: Record<string, number> } | null {
    if (v === undefined || v.t === 'none') return null;
    if (v.t === 'str') {
      if (v.v === 'linear' || v.v === 'None') return null;
      if (v.v === 'softmax') return { id: 'softmax', params: {} };
      const r = resolveString('keras', v.v);
      if (!r) throw new Decline(line, `activation '${v.v}' is not known`);
      return { id: r.id, params: { ...r.params } };
    }
    if (v.t === 'builtin') {
      const name = v.name.replace(/^tensorflow\./, 'tf.').replace(/^tf\.keras\./, 'keras.');
      if (/\.softmax$/.test(name)) return { id: 'softmax', params: {} };
      if (/\.linear$/.test(name)) return null;
      for (const q of [name, name.replace(/^keras\.ops\./, 'keras.activations.')]) {
        const r = resolveCall(spellingsNamed(q), undefined);
        if (r) return { id: r.id, params: { ...r.params } };
      }
    }
    throw new Decline(line, `activation ${show(v)} is not read`);
  }

  // ---- layers -----------------------------------------------------------------------------

  makeLayer(cls: string, pos: readonly Value[], kw: Kw, line: number): ModuleObj {
    const given = kw.get('name');
    const name = given?.t === 'str' ? given.v : this.autoName(cls);
    const m = newModule(cls, line);
    this.layerState.set(m, { cls, name, pos, kw, params: new LayerParams(), line });
    return m;
  }

  private layerAttr(m: ModuleObj, st: LayerState, name: string, line: number): Value {
    if (name === 'name') return str(st.name);
    if (st.model) {
      if (name === 'layers') return { t: 'list', items: [...st.model.layers] };
      if (name === 'output' && st.model.outputs?.[0]) return st.model.outputs[0];
      if (name === 'input' && st.model.inputs?.[0]) return st.model.inputs[0];
      return { t: 'builtin', name: `keras.__model__.${name}`, self: m };
    }
    const v = this.arg(st, name);
    if (v !== undefined) return v;
    throw new Decline(line, `${st.cls}.${name} is not read`);
  }

  private modelMethod(
    name: string,
    self: Value | undefined,
    pos: Value[],
    _kw: Kw,
    line: number,
  ): Value {
    const st = self?.t === 'module' ? this.layerState.get(self) : undefined;
    if (!st?.model) throw new Decline(line, `${name}() on a non-model`);
    if (name === 'add') {
      if (st.model.kind !== 'sequential') throw new Decline(line, 'add() on a functional model');
      const layer = pos[0];
      if (!layer) throw new Decline(line, 'add() of nothing');
      st.model.layers.push(layer);
      return NONE;
    }
    if (['compile', 'summary', 'build', 'load_weights', 'fit', 'save'].includes(name)) return NONE;
    throw new Decline(line, `model.${name}() is not read`);
  }

  private arg(st: LayerState, name: string): Value | undefined {
    const kwv = st.kw.get(name) ?? (name === 'negative_slope' ? st.kw.get('alpha') : undefined);
    if (kwv !== undefined) return kwv;
    const i = (SIGNATURES[st.cls] ?? []).indexOf(name);
    return i >= 0 ? st.pos[i] : undefined;
  }

  private num(st: LayerState, name: string, dflt: number | undefined, line: number): number {
    return numArg(this.arg(st, name), dflt, line, st.cls, name);
  }

  private bool(st: LayerState, name: string, dflt: boolean): boolean {
    const v = this.arg(st, name);
    if (v === undefined || v.t === 'none') return dflt;
    if (v.t === 'bool') return v.v;
    const n = numeric(v);
    return n === undefined ? dflt : n !== 0;
  }

  /** A normalisation's gamma (ones) and beta (zeros) over the last axis, unless scale/center=False. */
  private scaleCenter(
    st: LayerState,
    x: TensorVal,
    line: number,
  ): { gamma: ParamObj | null; beta: ParamObj | null } {
    const c = x.shape[x.shape.length - 1]!;
    const gamma = this.bool(st, 'scale', true)
      ? st.params.get('gamma', [c], { kind: 'ones' }, line)
      : null;
    const beta = this.bool(st, 'center', true)
      ? st.params.get('beta', [c], { kind: 'zeros' }, line)
      : null;
    return { gamma, beta };
  }

  private pair(v: Value, line: number, what: string): number[] {
    return intsArg(v, 2, undefined, line, what);
  }

  private paddingArg(st: LayerState, line: number): 'same' | 'valid' {
    const v = this.arg(st, 'padding');
    if (v === undefined || v.t === 'none') return 'valid';
    if (v.t === 'str' && (v.v.toLowerCase() === 'same' || v.v.toLowerCase() === 'valid'))
      return v.v.toLowerCase() as 'same' | 'valid';
    throw new Decline(line, `${st.cls}: padding=${show(v)} is not read`);
  }

  private checkChannelsLast(st: LayerState, line: number): void {
    const v = this.arg(st, 'data_format');
    if (v?.t === 'str' && v.v === 'channels_first')
      throw new Decline(line, `${st.cls} with data_format='channels_first' is not read`);
  }

  /** Functional ops (keras.activations.relu(x)) belong to no row, as torch.nn.functional's. */
  at(line: number): At {
    return { row: undefined, kind: 'op', line };
  }

  private tensors(v: Value, line: number, what: string): TensorVal[] {
    const items = isSeq(v) ? v.items : [v];
    return items.map((x) => {
      if (x.t !== 'tensor') throw new Decline(line, `${what} on ${show(x)} (not a tensor)`);
      return x;
    });
  }

  /** Calls a Keras layer object on its inputs. */
  private callLayer(st: LayerState, pos: Value[], kw: Kw, line: number): Value {
    if (st.model) return this.runModel(st.model, pos[0] ?? kw.get('inputs'), line);
    const input = pos[0] ?? kw.get('inputs');
    if (input === undefined) throw new Decline(line, `${st.name} called without inputs`);
    const at: At = { row: st.name, kind: st.cls, line: st.line };
    const notes: string[] = [];
    const out = this.layerForward(st, input, at, notes, line);
    for (const n of notes) this.note(st.line, `${st.cls} \`${st.name}\`: ${n}`);
    return out;
  }

  private unpad(x: TensorVal, line: number, by: string): TensorVal {
    const p = this.pending.get(x);
    if (p)
      throw new Decline(line, `the ZeroPadding2D \`${p.row}\` feeds ${by}, which cannot absorb it`);
    return x;
  }

  private layerForward(st: LayerState, input: Value, at: At, notes: string[], line: number): Value {
    const g = this.graph;
    const cls = st.cls;
    if (!(cls in SIGNATURES) && !IDENTITY_LAYERS.has(cls))
      throw new Decline(st.line, `layers.${cls} is not simulated`);
    if (cls === 'Lambda') return this.lambdaLayer(st, input);
    if (['Add', 'Multiply', 'Average', 'Concatenate'].includes(cls)) {
      const xs = this.tensors(input, line, cls).map((x) => this.unpad(x, line, cls));
      if (cls === 'Concatenate') return concat(g, at, xs, this.num(st, 'axis', -1, line));
      const sum = merge(g, at, xs, cls === 'Multiply' ? 'mul' : 'add');
      return cls === 'Average'
        ? g.add(
            { op: 'affine_const', factor: 1 / xs.length },
            [sum],
            sum.shape,
            at.line,
            at.kind,
            at.row,
          )
        : sum;
    }
    if (input.t !== 'tensor')
      throw new Decline(line, `${st.name} called on ${show(input)} (not a tensor)`);
    if (cls === 'ZeroPadding2D' || cls === 'ZeroPadding1D') return this.zeroPad(st, input, line);
    const padded = this.pending.get(input);
    const x = padded ? padded.src : input;
    const extraPad = padded?.pad;
    if (
      padded &&
      ![
        'Conv2D',
        'Conv1D',
        'DepthwiseConv2D',
        'SeparableConv2D',
        'MaxPooling2D',
        'AveragePooling2D',
        'MaxPooling1D',
        'AveragePooling1D',
      ].includes(cls)
    ) {
      throw new Decline(
        line,
        `the ZeroPadding2D \`${padded.row}\` feeds a ${cls}, which cannot absorb it`,
      );
    }
    switch (cls) {
      case 'InputLayer':
        return x;
      case 'Dense': {
        const units = this.num(st, 'units', undefined, line);
        const inF = x.shape[x.shape.length - 1]!;
        const fans = { fanIn: inF, fanOut: units };
        const w = st.params.get(
          'kernel',
          [units, inF],
          initArg(this.arg(st, 'kernel_initializer'), 'glorot_uniform', fans, line),
          line,
        );
        const b = this.bool(st, 'use_bias', true)
          ? st.params.get(
              'bias',
              [units],
              initArg(this.arg(st, 'bias_initializer'), 'zeros', fans, line),
              line,
            )
          : null;
        const y = dense(g, at, x, units, w, b);
        const act = this.activationOf(this.arg(st, 'activation'), line);
        return act ? activationNode(g, at, y, act.id, act.params) : y;
      }
      case 'Conv1D':
      case 'Conv2D':
      case 'DepthwiseConv2D':
      case 'SeparableConv2D': {
        this.checkChannelsLast(st, line);
        const dims = cls === 'Conv1D' ? 1 : 2;
        const inC = x.shape[x.shape.length - 1]!;
        const k = intsArg(this.arg(st, 'kernel_size'), dims, undefined, line, 'kernel_size');
        const s = intsArg(this.arg(st, 'strides'), dims, 1, line, 'strides');
        const d = intsArg(this.arg(st, 'dilation_rate'), dims, 1, line, 'dilation_rate');
        const receptive = k.reduce((a, b) => a * b, 1);
        let padding: Padding = this.paddingArg(st, line);
        if (extraPad) {
          if (padding !== 'valid')
            throw new Decline(line, `ZeroPadding2D before a '${padding}' ${cls}`);
          padding = this.absorb(extraPad, x, k, s, line, notes);
        }
        const useBias = this.bool(st, 'use_bias', true);
        // Keras' zero bias (or bias_initializer=) on the layer's output channels.
        const biasOf = (n: number, fans: KernelFans) =>
          useBias
            ? st.params.get(
                'bias',
                [n],
                initArg(this.arg(st, 'bias_initializer'), 'zeros', fans, line),
                line,
              )
            : null;
        let y: TensorVal;
        let outC: number;
        if (cls === 'Conv1D' || cls === 'Conv2D') {
          outC = this.num(st, 'filters', undefined, line);
          const groups = this.num(st, 'groups', 1, line);
          const fans = { fanIn: (inC / groups) * receptive, fanOut: outC * receptive };
          const w = st.params.get(
            'kernel',
            [outC, inC / groups, ...k],
            initArg(this.arg(st, 'kernel_initializer'), 'glorot_uniform', fans, line),
            line,
          );
          const b = biasOf(outC, fans);
          y = convLast(
            g,
            at,
            x,
            { filters: outC, kernel: k, stride: s, dilation: d, padding, groups },
            w,
            b,
            notes,
          );
        } else {
          const mult = this.num(st, 'depth_multiplier', 1, line);
          outC = inC * mult;
          // Keras' fans of a depthwise kernel (kh, kw, in, mult): in·k and mult·k.
          const dfans = { fanIn: inC * receptive, fanOut: mult * receptive };
          const dw = st.params.get(
            'depthwise_kernel',
            [outC, 1, ...k],
            initArg(this.arg(st, 'depthwise_initializer'), 'glorot_uniform', dfans, line),
            line,
          );
          if (cls === 'DepthwiseConv2D') {
            const b = biasOf(outC, dfans);
            y = convLast(
              g,
              at,
              x,
              { filters: outC, kernel: k, stride: s, dilation: d, padding, groups: inC },
              dw,
              b,
              notes,
            );
          } else {
            const filters = this.num(st, 'filters', undefined, line);
            const mid = toChannelsLast(
              g,
              at,
              convLast(
                g,
                at,
                x,
                { filters: outC, kernel: k, stride: s, dilation: d, padding, groups: inC },
                dw,
                null,
                notes,
              ),
            );
            const pfans = { fanIn: outC, fanOut: filters };
            const pw = st.params.get(
              'pointwise_kernel',
              [filters, outC, 1, 1],
              initArg(this.arg(st, 'pointwise_initializer'), 'glorot_uniform', pfans, line),
              line,
            );
            const b = biasOf(filters, pfans);
            y = convLast(
              g,
              at,
              mid,
              {
                filters,
                kernel: [1, 1],
                stride: [1, 1],
                dilation: [1, 1],
                padding: 'valid',
                groups: 1,
              },
              pw,
              b,
              notes,
            );
            outC = filters;
          }
        }
        const act = this.activationOf(this.arg(st, 'activation'), line);
        const ya = act ? activationNode(g, at, y, act.id, act.params) : y;
        return toChannelsLast(g, at, ya);
      }
      case 'BatchNormalization': {
        const axis = this.num(st, 'axis', -1, line);
        if (axis !== -1 && axis !== x.shape.length - 1)
          throw new Decline(
            line,
            `BatchNormalization(axis=${axis}) on a channels-first tensor is not read`,
          );
        const { gamma, beta } = this.scaleCenter(st, x, line);
        return batchNormLast(g, at, x, this.num(st, 'epsilon', 1e-3, line), gamma, beta);
      }
      case 'LayerNormalization': {
        const axis = this.arg(st, 'axis');
        const ax = axis === undefined || axis.t === 'none' ? -1 : numeric(axis);
        if (ax !== -1 && ax !== x.shape.length - 1)
          throw new Decline(line, `LayerNormalization(axis=${show(axis!)}) is not read`);
        const { gamma, beta } = this.scaleCenter(st, x, line);
        return layerNormLast(g, at, x, this.num(st, 'epsilon', 1e-3, line), gamma, beta);
      }
      case 'MaxPooling1D':
      case 'MaxPooling2D':
      case 'AveragePooling1D':
      case 'AveragePooling2D': {
        this.checkChannelsLast(st, line);
        const dims = cls.endsWith('1D') ? 1 : 2;
        const pool = intsArg(this.arg(st, 'pool_size'), dims, 2, line, 'pool_size');
        const strides = this.arg(st, 'strides');
        const s =
          strides === undefined || strides.t === 'none'
            ? pool
            : intsArg(strides, dims, 1, line, 'strides');
        let padding: Padding = this.paddingArg(st, line);
        const kind = cls.startsWith('Max') ? 'max' : 'avg';
        if (extraPad) {
          if (padding !== 'valid')
            throw new Decline(line, `ZeroPadding2D before a '${padding}' ${cls}`);
          padding = this.absorb(extraPad, x, pool, s, line, notes);
          if (kind === 'max') {
            notes.push(
              'zero padding before max pooling read as pooling padding (exact for non-negative inputs, as after a ReLU)',
            );
          }
        }
        // TensorFlow's 'same' average pooling divides by the pixels inside the image; zeros padded
        // by a ZeroPadding2D are pixels of the image, counted as torch's count_include_pad does.
        return poolLast(g, at, x, kind, pool, s, padding, !!extraPad, notes);
      }
      case 'GlobalAveragePooling1D':
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling1D':
      case 'GlobalMaxPooling2D':
        this.checkChannelsLast(st, line);
        return globalPoolLast(
          g,
          at,
          x,
          cls.startsWith('GlobalMax') ? 'max' : 'avg',
          this.bool(st, 'keepdims', false),
        );
      case 'Flatten':
        return flatten(g, at, x);
      case 'Reshape': {
        const t = this.arg(st, 'target_shape');
        if (!t || !isSeq(t)) throw new Decline(line, 'Reshape without a target_shape tuple');
        const dims = t.items.map((v) => numeric(v));
        if (dims.some((d) => d === undefined))
          throw new Decline(line, `Reshape(${show(t)}) is not known numbers`);
        return reshape(g, at, x, [x.shape[0]!, ...(dims as number[])]);
      }
      case 'Dropout':
      case 'SpatialDropout1D':
      case 'SpatialDropout2D': {
        if (cls !== 'Dropout') notes.push('spatial dropout read as elementwise dropout');
        return dropoutNode(g, at, x, this.num(st, 'rate', undefined, line));
      }
      case 'AlphaDropout': {
        const p = this.num(st, 'rate', undefined, line);
        return g.add(
          p > 0 ? { op: 'alpha_dropout', p } : { op: 'identity' },
          [x],
          x.shape,
          at.line,
          at.kind,
          at.row,
        );
      }
      case 'Activation': {
        const act = this.activationOf(this.arg(st, 'activation'), line);
        return act
          ? activationNode(g, at, x, act.id, act.params)
          : g.add({ op: 'identity' }, [x], x.shape, at.line, at.kind, at.row);
      }
      case 'ReLU': {
        const max = this.arg(st, 'max_value');
        const slope = this.num(st, 'negative_slope', 0, line);
        const threshold = this.num(st, 'threshold', 0, line);
        if (threshold !== 0) throw new Decline(line, `ReLU(threshold=${threshold}) is not read`);
        const mv = max === undefined || max.t === 'none' ? undefined : numeric(max);
        if (mv !== undefined && slope !== 0)
          throw new Decline(line, 'ReLU with both max_value and negative_slope is not read');
        if (mv === 6) return activationNode(g, at, x, 'relu6');
        if (mv !== undefined)
          return activationNode(g, at, x, 'hardtanh', { min_val: 0, max_val: mv });
        if (slope !== 0) return activationNode(g, at, x, 'leaky_relu', { negative_slope: slope });
        return activationNode(g, at, x, 'relu');
      }
      case 'LeakyReLU':
        return activationNode(g, at, x, 'leaky_relu', {
          negative_slope: this.num(st, 'negative_slope', 0.3, line),
        });
      case 'ELU':
        return activationNode(g, at, x, 'elu', { alpha: this.num(st, 'alpha', 1, line) });
      case 'Softmax': {
        const axis = this.num(st, 'axis', -1, line);
        return g.add({ op: 'softmax', dim: axis }, [x], x.shape, at.line, at.kind, at.row);
      }
      case 'Embedding': {
        const vocab = this.num(st, 'input_dim', undefined, line);
        const dim = this.num(st, 'output_dim', undefined, line);
        const w = st.params.get(
          'embeddings',
          [vocab, dim],
          initArg(
            this.arg(st, 'embeddings_initializer'),
            'uniform',
            { fanIn: vocab, fanOut: dim },
            line,
          ),
          line,
        );
        this.markTokens(x, vocab);
        return embedding(g, at, x, vocab, dim, w);
      }
      case 'Rescaling': {
        const scale = this.num(st, 'scale', undefined, line);
        const offset = this.num(st, 'offset', 0, line);
        return g.add(
          { op: 'affine_const', factor: scale, offset },
          [x],
          x.shape,
          at.line,
          at.kind,
          at.row,
        );
      }
      default:
        if (IDENTITY_LAYERS.has(cls))
          return g.add({ op: 'identity' }, [x], x.shape, at.line, at.kind, at.row);
        throw new Decline(st.line, `layers.${cls} is not simulated`);
    }
  }

  /**
   * layers.Lambda(fn, arguments={…}): the function runs on the reader's tensors as any Python in
   * the file does (`lambda inputs, scale: inputs[0] + inputs[1] * scale`); its ops form the row.
   */
  private lambdaLayer(st: LayerState, input: Value): Value {
    const fn = this.arg(st, 'function');
    if (!fn || (fn.t !== 'func' && fn.t !== 'builtin'))
      throw new Decline(st.line, 'layers.Lambda without a function');
    const kw = new Map<string, Value>();
    const extra = this.arg(st, 'arguments');
    if (extra?.t === 'dict')
      for (const [k, v] of extra.entries.values()) if (k.t === 'str') kw.set(k.v, v);
    const g = this.graph;
    const start = g.nodes.length;
    g.rowStack.push({ row: st.name, kind: 'Lambda' });
    let out: Value;
    try {
      out = this.call(fn, [input], kw, st.line);
    } finally {
      g.rowStack.pop();
    }
    if (out.t !== 'tensor')
      throw new Decline(st.line, `the Lambda \`${st.name}\` returns ${show(out)}, not a tensor`);
    // A Lambda that made no node (returns its input) still needs its row.
    if (g.nodes.length === start || g.nodes[g.nodes.length - 1]!.id !== out.id) {
      return g.add({ op: 'identity' }, [out], out.shape, st.line, 'Lambda', st.name);
    }
    return out;
  }

  private zeroPad(st: LayerState, x: TensorVal, line: number): Value {
    const dims = st.cls === 'ZeroPadding1D' ? 1 : 2;
    const v = this.arg(st, 'padding');
    let pads: [number, number][];
    if (v === undefined || v.t === 'none') pads = Array.from({ length: dims }, () => [1, 1]);
    else if (isSeq(v) && v.items.every((i) => isSeq(i))) {
      pads = v.items.map((i) => intsArg(i, 2, undefined, line, 'padding') as [number, number]);
    } else {
      pads = intsArg(v, dims, undefined, line, 'padding').map((p) => [p, p]);
    }
    if (pads.length !== dims) throw new Decline(line, `ZeroPadding(${show(v!)}) is not read`);
    const shape = [
      x.shape[0]!,
      ...x.shape.slice(1, -1).map((s, i) => s + pads[i]![0] + pads[i]![1]),
      x.shape[x.shape.length - 1]!,
    ];
    // A stand-in whose id no node has: only a convolution or pooling may take it (see unpad()).
    const t: TensorVal = { t: 'tensor', id: `${x.id}:padded`, shape };
    this.pending.set(t, { src: x, pad: pads, row: st.name });
    return t;
  }

  /** A pending zero padding taken into a 'valid' conv or pool as its own (symmetric) padding. */
  private absorb(
    pad: readonly (readonly [number, number])[],
    x: TensorVal,
    k: readonly number[],
    s: readonly number[],
    line: number,
    notes: string[],
  ): Padding {
    return pad.map(([a, b], i) => {
      if (a === b) return [a, b] as const;
      // Uneven padding for a stride-2 window (correct_pad): symmetric ⌈total/2⌉ gives the same size.
      const size = x.shape[1 + i]!;
      const exact = Math.floor((size + a + b - k[i]!) / s[i]!) + 1;
      const p = Math.ceil((a + b) / 2);
      const sym = Math.floor((size + 2 * p - k[i]!) / s[i]!) + 1;
      if (sym !== exact) throw new Decline(line, `uneven padding (${a}, ${b}) is not simulated`);
      notes.push(`uneven zero padding (${a}, ${b}) read as ${p} on each side (same output size)`);
      return [p, p] as const;
    });
  }

  private markTokens(x: TensorVal, vocab: number): void {
    const node = this.graph.node(x.id);
    if (node?.op.op === 'input') node.op = { ...node.op, tokens: { vocab } };
  }

  // ---- models -----------------------------------------------------------------------------

  /** keras.Input(shape=…): an input node now (the functional graph is built as the file runs). */
  private input(pos: Value[], kw: Kw, line: number): Value {
    const tensor = kw.get('tensor');
    if (tensor?.t === 'tensor') return tensor;
    const shapeV =
      kw.get('shape') ?? kw.get('batch_input_shape') ?? kw.get('batch_shape') ?? pos[0];
    if (!shapeV || !isSeq(shapeV)) throw new Decline(line, 'keras.Input without a shape');
    const batchShape = kw.has('batch_shape') || kw.has('batch_input_shape');
    const dims = shapeV.items.map((v) => (v.t === 'none' ? undefined : numeric(v)));
    const inner = batchShape ? dims.slice(1) : dims;
    let shape: number[];
    if (this.inputShape && this.inputsMade === 0) {
      shape = [...this.inputShape];
      if (
        shape.length !== inner.length + 1 ||
        inner.some((d, i) => d !== undefined && d !== shape[i + 1])
      ) {
        this.note(
          line,
          `keras.Input(shape=${show(shapeV)}) read with the given input shape (${shape.join(', ')})`,
        );
      }
    } else {
      if (inner.some((d) => d === undefined)) {
        throw new Decline(
          line,
          `keras.Input(shape=${show(shapeV)}) has unknown sizes: give an input shape`,
        );
      }
      shape = [this.batch, ...(inner as number[])];
    }
    this.inputsMade++;
    return this.graph.add({ op: 'input', shape }, [], shape, line, 'Input', undefined);
  }

  private sequential(pos: Value[], kw: Kw, line: number): Value {
    const list = pos[0] ?? kw.get('layers');
    const layers = list === undefined || list.t === 'none' ? [] : this.iterate(list, line);
    const m = this.makeLayer('Sequential', [], kw, line);
    const st = this.layerState.get(m)!;
    this.layerState.set(m, { ...st, model: { kind: 'sequential', layers: [...layers] } });
    return m;
  }

  private functional(pos: Value[], kw: Kw, line: number, full: string): Value {
    const inputs = pos[0] ?? kw.get('inputs');
    const outputs = pos[1] ?? kw.get('outputs');
    if (!inputs || !outputs)
      throw new Decline(
        line,
        `${full.replace(/^relative:\.*/, '')}() without inputs and outputs (a subclass is read through its class)`,
      );
    const flat = (v: Value): TensorVal[] =>
      (v.t === 'dict'
        ? [...v.entries.values()].map(([, x]) => x)
        : isSeq(v)
          ? v.items
          : [v]
      ).flatMap((x) => (x.t === 'tensor' ? [x] : isSeq(x) ? flat(x) : []));
    const ins = flat(inputs);
    const outs = flat(outputs);
    if (outs.length === 0) throw new Decline(line, 'keras.Model outputs are not tensors');
    const m = this.makeLayer('Functional', [], kw, line);
    const st = this.layerState.get(m)!;
    this.layerState.set(m, {
      ...st,
      model: { kind: 'functional', layers: [], inputs: ins, outputs: outs },
    });
    return m;
  }

  /** The output of a model value: a functional model's output, or a Sequential run on an input. */
  runModel(model: KerasModel, x: Value | undefined, line: number): Value {
    if (model.kind === 'functional') {
      if (x !== undefined)
        throw new Decline(
          line,
          'a functional model called on a new input (nested models) is not read',
        );
      return model.outputs![0]!;
    }
    let h: Value | undefined = x;
    for (const layer of model.layers) {
      if (layer.t === 'tensor') {
        // keras.Input(...) inside the list: the model's input.
        if (h !== undefined && h !== layer)
          throw new Decline(line, 'keras.Input in the middle of a Sequential');
        h = layer;
        continue;
      }
      if (h === undefined) h = this.sequentialInput(layer, line);
      h = this.call(layer, [h], new Map(), line);
    }
    if (h === undefined || h.t !== 'tensor') throw new Decline(line, 'an empty Sequential');
    return h;
  }

  /** The input of a Sequential without keras.Input: the given shape or input_shape= on its first layer. */
  private sequentialInput(first: Value, line: number): TensorVal {
    const st = first.t === 'module' ? this.layerState.get(first) : undefined;
    const given = st ? (st.kw.get('input_shape') ?? st.kw.get('batch_input_shape')) : undefined;
    let shape: number[] | undefined;
    if (this.inputShape) shape = [...this.inputShape];
    else if (given && isSeq(given)) {
      const dims = given.items.map((v) => numeric(v));
      if (dims.every((d) => d !== undefined))
        shape = st!.kw.has('batch_input_shape')
          ? (dims as number[])
          : [this.batch, ...(dims as number[])];
    } else if (st?.cls === 'Embedding') {
      const len = numeric(st.kw.get('input_length') ?? NONE) ?? 64;
      shape = [this.batch, len];
    }
    if (!shape) {
      throw new Decline(
        st?.line ?? line,
        `the Sequential's input shape is not in the file (no keras.Input or input_shape=): give an input shape`,
      );
    }
    this.inputsMade++;
    return this.graph.add({ op: 'input', shape }, [], shape, line, 'Input', undefined);
  }

  /** The value a model expression evaluates to, run to its output tensor. */
  outputOf(v: Value, line: number): TensorVal {
    if (v.t === 'module') {
      const st = this.layerState.get(v);
      if (st?.model) {
        const out = this.runModel(st.model, undefined, line);
        if (out.t !== 'tensor') throw new Decline(line, 'the model does not return a tensor');
        return out;
      }
      if (st) return this.runOnInput(v, st.line);
    }
    if (v.t === 'obj' && this.kerasClass(v.cls)) return this.runOnInput(v, line);
    if (v.t === 'tensor') return v;
    throw new Decline(line, `${show(v)} is not a Keras model`);
  }

  private runOnInput(v: Value, line: number): TensorVal {
    if (!this.inputShape)
      throw new Decline(
        line,
        `${show(v)} takes an input whose shape the file does not give: give an input shape`,
      );
    const shape = [...this.inputShape];
    this.inputsMade++;
    return callOnInput(this, v, shape, line, () => show(v));
  }

  /** Every node input refers to a node: a stand-in (pending padding) used elsewhere is refused. */
  checkGraph(line: number): void {
    const ids = new Set(this.graph.nodes.map((n) => n.id));
    for (const n of this.graph.nodes) {
      for (const i of n.inputs) {
        if (!ids.has(i))
          throw new Decline(
            n.line ?? line,
            'a ZeroPadding2D output is used by an operation that cannot absorb it',
          );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points (the same contract as index.ts's buildGraphInTree / findTorchModels).

/** Nodes the output depends on, in their order: values the file made for other models drop out. */
export function pruneToOutput(nodes: readonly GraphNode[], output: string): GraphNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const keep = new Set<string>();
  const stack = [output];
  while (stack.length) {
    const id = stack.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    for (const i of byId.get(id)?.inputs ?? []) stack.push(i);
  }
  return nodes.filter((n) => keep.has(n.id));
}

/** A decline, or a reader bug, as the failed BuildResult. */
export function declined(e: unknown): { ok: false; reason: string; line: number | null } {
  if (e instanceof Decline) return { ok: false, reason: e.message, line: e.line };
  if (e instanceof RangeError)
    return { ok: false, reason: 'the file is nested too deeply to read', line: null };
  return {
    ok: false,
    reason: `could not read this model (${e instanceof Error ? e.message : String(e)})`,
    line: null,
  };
}

/** The single expression of a parsed expression tree, or a decline. */
export function expressionNode(exprTree: Tree, expr: string): Node {
  const stmt = exprTree.rootNode.firstNamedChild;
  const e = stmt?.type === 'expression_statement' ? stmt.firstNamedChild : null;
  if (
    !e ||
    exprTree.rootNode.hasError ||
    exprTree.rootNode.namedChildren.filter((c) => c?.type !== 'comment').length !== 1
  ) {
    throw new Decline(0, `\`${expr}\` is not a Python expression`);
  }
  return e;
}

/** The finished graph of a channels-last build: pruned, its input found, notes collected. */
export function finishBuild(
  g: GraphBuilder,
  out: TensorVal,
  expr: string,
  notes: readonly string[],
): BuildResult {
  const nodes = pruneToOutput(g.nodes, out.id);
  const inputs = nodes.filter((n) => n.op.op === 'input');
  const first = inputs[0];
  if (!first || first.op.op !== 'input')
    throw new Decline(0, `\`${expr}\` does not depend on an input`);
  if (inputs.length > 1)
    throw new Decline(inputs[1]!.line ?? 0, 'models with several inputs are not read');
  if (first.id === out.id) throw new Decline(0, `\`${expr}\` returns its input`);
  const tokens = first.op.tokens;
  return {
    ok: true,
    graph: { nodes, output: out.id },
    inputShape: first.op.shape,
    ...(tokens ? { tokens } : {}),
    notes: [...notes],
    expr,
  };
}

/** Calls model `v` (named by `name`) on a fresh input of `shape`: its tensor, or a tuple's first. */
export function callOnInput(
  ip: Interp & { readonly graph: GraphBuilder },
  v: Value,
  shape: number[],
  line: number,
  name: () => string,
): TensorVal {
  const x = ip.graph.add({ op: 'input', shape }, [], shape, line, 'Input', undefined);
  const out = ip.call(v, [x], new Map(), line);
  const t =
    out.t === 'tensor'
      ? out
      : isSeq(out) && out.items[0]?.t === 'tensor'
        ? out.items[0]
        : undefined;
  if (!t) throw new Decline(line, `${name()} does not return a tensor`);
  return t;
}

/** What `name` is bound to at module level, read at `st`; undefined where the reader cannot tell. */
export function moduleLevel(probe: Interp, name: string, st: Node): Value | undefined {
  try {
    return probe.lookup(name, probe.globals, lineOf(st));
  } catch {
    return undefined;
  }
}

/** Builds the graph of one Keras model expression. Never throws. */
export function buildKerasGraphInTree(
  tree: Tree,
  exprTree: Tree,
  expr: string,
  options: BuildOptions = {},
): BuildResult {
  const ip = new KerasInterp(tree.rootNode, pythonImports(tree), options);
  return buildOnGraph(ip, exprTree, expr, options, (e, g) => {
    if (e.type === 'identifier') runModuleUpTo(ip, tree.rootNode, e.text);
    let v: Value = ip.eval(e, ip.globals);
    if (v.t === 'class' || v.t === 'func') v = ip.call(v, [], new Map(), 0);
    const out = ip.outputOf(v, lineOf(e));
    ip.checkGraph(0);
    return finishBuild(
      g,
      out,
      expr,
      ip.notes.map((n) => n),
    );
  });
}

/**
 * Sizes `ip` by the options and gives `read` the model expression and a fresh graph; whatever
 * `read` throws becomes the declined result, and the graph is detached afterwards either way.
 */
export function buildOnGraph(
  ip: Interp & { batch: number; inputShape: readonly number[] | undefined },
  exprTree: Tree,
  expr: string,
  options: BuildOptions,
  read: (e: Node, g: GraphBuilder) => BuildResult,
): BuildResult {
  ip.batch = options.batch ?? options.inputShape?.[0] ?? 8;
  ip.inputShape = options.inputShape;
  const g = new GraphBuilder();
  ip.g = g;
  try {
    return read(expressionNode(exprTree, expr), g);
  } catch (err) {
    return declined(err);
  } finally {
    ip.g = undefined;
  }
}

/**
 * Module-level functional code (`x = layers.Dense(…)(inputs)` then `x = layers.Add()([x, inputs])`)
 * rebinds names, so the statements up to the model's last assignment run in order, as Python
 * would. A statement the reader cannot follow (data loading, training) is skipped unless it is the
 * model's own assignment.
 */
export function runModuleUpTo(ip: Interp, root: Node, name: string): void {
  const stmts = named(root).filter((st) => st.type === 'expression_statement');
  const assigns = (st: Node): boolean => {
    const a = st.firstNamedChild;
    if (a?.type !== 'assignment') return false;
    const left = a.childForFieldName('left');
    return left?.type === 'identifier' && left.text === name;
  };
  const lastIdx = stmts.map(assigns).lastIndexOf(true);
  if (lastIdx < 0) return;
  for (let i = 0; i <= lastIdx; i++) {
    const st = stmts[i]!;
    try {
      ip.execStmt(st, ip.globals);
    } catch (e) {
      if (i === lastIdx || !(e instanceof Decline)) throw e;
    }
  }
}

/** Whether a file is Keras code: it imports keras / tensorflow, or receives Keras' modules. */
export function isKerasFile(tree: Tree): boolean {
  const imports = pythonImports(tree);
  for (const mods of imports.aliases.values()) {
    if (mods.some((m) => KERAS_ROOTS.test(m) || m === 'tensorflow')) return true;
  }
  return /\bget_submodules_from_kwargs\b/.test(tree.rootNode.text);
}

const MODEL_CALL = /(^|\.)(Sequential|Model|Functional)$/;

/** Keras models of a parsed file: Sequential/Model assignments, model-building functions, subclasses. */
export function findKerasModels(
  tree: Tree,
  parseExpr: (expr: string) => Tree | null,
  budget: Budget = {},
): FoundModel[] {
  const root = tree.rootNode;
  const out: FoundModel[] = [];
  const probe = new KerasInterp(root, pythonImports(tree), budget);
  const tryBuild = (expr: string): string | undefined => {
    const et = parseExpr(expr);
    if (!et) return 'the expression does not parse';
    try {
      const r = buildKerasGraphInTree(tree, et, expr, budget);
      return r.ok ? undefined : r.reason;
    } finally {
      et.delete();
    }
  };
  const push = (
    name: string,
    st: Node,
    kind: ModelKind,
    expr: string | undefined,
    reason?: string,
  ): void => {
    const r = reason ?? (expr ? tryBuild(expr) : 'nothing to build');
    out.push({
      name,
      line: lineOf(st),
      endLine: st.endPosition.row + 1,
      framework: 'keras',
      kind,
      checkable: r === undefined,
      ...(r !== undefined ? { reason: r } : {}),
      ...(expr ? { expr } : {}),
      instantiations: [],
    });
  };
  const isModelCall = (n: Node | null | undefined): boolean => {
    const fn = n?.type === 'call' ? n.childForFieldName('function') : null;
    return !!fn && MODEL_CALL.test(fn.text);
  };
  const functions = new Map<string, Node>();
  for (const st of named(root)) {
    const n = st.type === 'function_definition' ? st.childForFieldName('name')?.text : undefined;
    if (n) functions.set(n, st);
  }
  /** Builds a model itself, or returns what another function of the file builds (`DenseNet121` → `DenseNet`). */
  const returnsModel = (fn: Node, depth: number): boolean =>
    depth < 4 &&
    fn.descendantsOfType('return_statement').length > 0 &&
    (fn.descendantsOfType('call').some((c) => isModelCall(c)) ||
      fn.descendantsOfType('return_statement').some((r) => {
        const v = r?.firstNamedChild;
        const callee = v?.type === 'call' ? v.childForFieldName('function') : null;
        const helper = callee?.type === 'identifier' ? functions.get(callee.text) : undefined;
        return !!helper && helper !== fn && returnsModel(helper, depth + 1);
      }));
  for (const st0 of named(root)) {
    const st =
      st0.type === 'decorated_definition' ? (st0.childForFieldName('definition') ?? st0) : st0;
    if (st.type === 'class_definition') {
      const name = st.childForFieldName('name')?.text ?? '';
      const cls = moduleLevel(probe, name, st);
      if (cls?.t !== 'class' || !probe.kerasClass(cls)) continue;
      const init = named(st.childForFieldName('body')).find(
        (s) => s.type === 'function_definition' && s.childForFieldName('name')?.text === '__init__',
      );
      const required = named(init?.childForFieldName('parameters'))
        .slice(1)
        .filter((p) => p.type === 'identifier' || p.type === 'typed_parameter')
        .map((p) => (p.type === 'identifier' ? p.text : (p.firstNamedChild?.text ?? '?')));
      const expr = `${name}()`;
      const reason = required.length
        ? `${name}(${required.join(', ')}) needs arguments: give an expression`
        : 'a subclassed model declares no input: give an input shape';
      push(name, st, 'class', expr, reason);
    } else if (st.type === 'function_definition') {
      const name = st.childForFieldName('name')?.text ?? '';
      if (name.startsWith('_')) continue;
      if (!returnsModel(st, 0)) continue;
      const params = named(st.childForFieldName('parameters'));
      const required = params.filter(
        (p) => p.type === 'identifier' || p.type === 'typed_parameter',
      );
      const hasWeights = params.some((p) => p.childForFieldName('name')?.text === 'weights');
      const expr = `${name}(${hasWeights ? 'weights=None' : ''})`;
      push(
        name,
        st,
        'factory',
        expr,
        required.length
          ? `${name}() needs the argument \`${required[0]!.text.split(':')[0]!.trim()}\`: give an expression`
          : undefined,
      );
    } else if (st.type === 'expression_statement') {
      const asg = st.firstNamedChild;
      const left = asg?.type === 'assignment' ? asg.childForFieldName('left') : null;
      if (left?.type !== 'identifier' || !isModelCall(asg?.childForFieldName('right'))) continue;
      const fn = asg!.childForFieldName('right')!.childForFieldName('function')!.text;
      push(left.text, st, /Sequential$/.test(fn) ? 'sequential' : 'instance', left.text);
    }
  }
  return out;
}
