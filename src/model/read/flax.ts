/**
 * Flax on the reader's interpreter: linen modules (dataclass fields, `@nn.compact` methods that
 * create their submodules inline, `setup()` that assigns them as attributes) and NNX modules
 * (layers built eagerly in `__init__` with their sizes and an `nnx.Rngs`). Tensors stay
 * channels-last (see channelsLast.ts). Inits are Flax's: lecun_normal kernels, zero biases,
 * LayerNorm ε = 1e-6, BatchNorm ε = 1e-5, Embed N(0, 1/features). `nn.gelu` is JAX's tanh
 * approximation unless `approximate=False`. Rows are Flax's module paths: `Dense_0`, `fc1`,
 * `ResidualBlock_1/Conv_0` (linen), `linear1`, `layers/0` (NNX).
 */
import type { Tree } from 'web-tree-sitter';
import { spellingsNamed } from '../../kernel/spellings';
import { resolveCall } from '../../language/resolve';
import type { CallArgs, Literal } from '../../language/types';
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
  LayerParams,
  layerNormLast,
  poolLast,
  toChannelsLast,
  varianceScaling,
  type At,
  type KernelFans,
  type Padding,
} from './channelsLast';
import { GraphBuilder } from './graph';
import type { BuildOptions, BuildResult, FoundModel } from './index';
import { Interp, lineOf, named, numeric, type Budget } from './interp';
import { buildOnGraph, callOnInput, finishBuild, moduleLevel } from './keras';
import {
  newModule,
  Decline,
  NONE,
  isSeq,
  show,
  type ClassVal,
  type ModuleObj,
  type ObjVal,
  type ParamObj,
  type TensorVal,
  type Value,
} from './values';

type Kw = Map<string, Value>;
type Api = 'linen' | 'nnx';

/** Conv's positional arguments after its feature counts, the same in linen and nnx. */
const CONV_ARGS = [
  'kernel_size',
  'strides',
  'padding',
  'input_dilation',
  'kernel_dilation',
  'feature_group_count',
  'use_bias',
];

/** Positional constructor arguments of each layer. */
const SIGNATURES: Readonly<Record<string, readonly string[]>> = {
  'linen.Dense': [
    'features',
    'use_bias',
    'dtype',
    'param_dtype',
    'precision',
    'kernel_init',
    'bias_init',
  ],
  'linen.Conv': ['features', ...CONV_ARGS],
  'linen.LayerNorm': ['epsilon', 'dtype', 'param_dtype', 'use_bias', 'use_scale'],
  'linen.BatchNorm': ['use_running_average', 'axis', 'momentum', 'epsilon'],
  'linen.Dropout': ['rate', 'broadcast_dims', 'deterministic'],
  'linen.Embed': ['num_embeddings', 'features'],
  'nnx.Linear': ['in_features', 'out_features', 'use_bias'],
  'nnx.Conv': ['in_features', 'out_features', ...CONV_ARGS],
  'nnx.LayerNorm': ['num_features', 'epsilon'],
  'nnx.BatchNorm': ['num_features', 'use_running_average', 'axis', 'momentum', 'epsilon'],
  'nnx.Dropout': ['rate', 'broadcast_dims', 'deterministic'],
  'nnx.Embed': ['num_embeddings', 'features'],
};

interface LayerState {
  readonly api: Api;
  readonly cls: string;
  readonly pos: readonly Value[];
  readonly kw: Kw;
  readonly params: LayerParams;
  readonly line: number;
  path: string | undefined;
}

/** A user module instance: its path and the submodules its compact methods made. */
interface ModState {
  readonly api: Api;
  path: string | undefined;
  setupDone: boolean;
  counters: Map<string, number>;
  readonly made: Map<string, Value>;
}

const flaxApi = (q: string): Api | undefined =>
  /^flax\.linen\b/.test(q)
    ? 'linen'
    : /^flax\.nnx\b/.test(q) || /^flax\.experimental\.nnx\b/.test(q)
      ? 'nnx'
      : undefined;

const join = (parent: string | undefined, name: string): string =>
  parent ? `${parent}/${name}` : name;

export class FlaxInterp extends Interp {
  batch = 8;
  inputShape: readonly number[] | undefined;
  private readonly layers = new WeakMap<ModuleObj, LayerState>();
  private readonly mods = new WeakMap<ObjVal, ModState>();
  /** The user modules whose methods are running, innermost last. */
  private readonly ctx: { obj: ObjVal; st: ModState; compact: boolean }[] = [];
  /** The first layer an NNX model builds, for inferring its input. */
  firstLayer: ModuleObj | undefined;

  get graph(): GraphBuilder {
    if (!this.g) throw new Decline(0, 'a Flax layer called outside the model');
    return this.g;
  }

  /** Whether a user class derives from flax.linen.Module or flax.nnx.Module. */
  apiOf(cls: ClassVal): Api | undefined {
    const walk = (c: ClassVal, d: number): Api | undefined => {
      if (d > 32) return undefined;
      for (const b of c.bases) {
        if (b.t === 'class') {
          const a = walk(b, d + 1);
          if (a) return a;
        } else if (b.t === 'builtin' && /\.Module$/.test(b.name)) {
          const a = flaxApi(b.name);
          if (a) return a;
        }
      }
      return undefined;
    };
    return walk(cls, 0);
  }

  override getattr(obj: Value, name: string, line: number): Value {
    if (obj.t === 'module') {
      const st = this.layers.get(obj);
      if (st) {
        const v = this.arg(st, name);
        if (v !== undefined) return v;
        throw new Decline(line, `${st.cls}.${name} is not read`);
      }
    }
    if (obj.t === 'super' && name === '__init__' && this.apiOf(obj.owner)) {
      return { t: 'builtin', name: 'flax.__noop__', self: obj.self };
    }
    if (
      obj.t === 'obj' &&
      this.mods.get(obj)?.api === 'linen' &&
      this.ctx.every((c) => c.obj !== obj || !c.compact)
    ) {
      // setup() assigns the attributes a linen module's methods read.
      this.ensureSetup(obj, line);
    }
    return super.getattr(obj, name, line);
  }

  override setattr(obj: Value, name: string, v: Value, line: number): void {
    if (obj.t === 'obj') {
      const st = this.mods.get(obj);
      if (st) this.nameChildren(st, name, v);
    }
    super.setattr(obj, name, v, line);
  }

  /** Attribute assignment names submodules: `fc1`, lists `blocks_0` (linen) / `blocks/0` (NNX). */
  private nameChildren(parent: ModState, attr: string, v: Value): void {
    const setPath = (x: Value, name: string): void => {
      const path = join(parent.path, name);
      if (x.t === 'module') {
        const ls = this.layers.get(x);
        if (ls && ls.path === undefined) ls.path = path;
      } else if (x.t === 'obj') {
        const ms = this.mods.get(x);
        if (ms && ms.path === undefined) ms.path = path;
      }
    };
    if (isSeq(v))
      v.items.forEach((x, i) => setPath(x, parent.api === 'nnx' ? `${attr}/${i}` : `${attr}_${i}`));
    else if (v.t === 'dict')
      for (const [k, x] of v.entries.values())
        setPath(x, `${attr}_${k.t === 'str' ? k.v : show(k)}`);
    else setPath(v, attr);
  }

  override call(fn: Value, pos: Value[], kw: Kw, line: number): Value {
    if (fn.t === 'builtin') {
      if (fn.name === 'flax.__noop__') return NONE;
      const api = flaxApi(fn.name);
      if (api) return this.flaxCall(api, fn.name, pos, kw, line);
      if (/^jax\.nn\.initializers\.\w+$/.test(fn.name))
        return flaxInitializer(fn.name.slice(fn.name.lastIndexOf('.') + 1), pos);
      if (/^jax\.(nn|numpy)\./.test(fn.name)) return this.jaxCall(fn.name, pos, kw, line);
    }
    if (fn.t === 'class') {
      const api = this.apiOf(fn);
      if (api === 'linen') return this.instantiateLinen(fn, pos, kw, line);
      if (api === 'nnx') {
        // Registered before __init__ runs, so the attributes it assigns are named.
        const obj: ObjVal = { t: 'obj', cls: fn, attrs: new Map() };
        this.register(obj, 'nnx', line);
        const init = this.classAttr(fn, '__init__');
        if (init?.t === 'func') this.callFunc({ ...init, self: obj }, pos, kw, line);
        else if (pos.length || kw.size) throw new Decline(line, `${fn.name}() takes no arguments`);
        return obj;
      }
    }
    if (fn.t === 'module') {
      const st = this.layers.get(fn);
      if (st) return this.callLayer(st, pos, kw, line);
    }
    if (fn.t === 'obj') {
      const st = this.mods.get(fn);
      if (st) return this.callModule(fn, st, '__call__', pos, kw, line);
    }
    if (fn.t === 'func' && fn.self?.t === 'obj') {
      const st = this.mods.get(fn.self);
      if (st && fn.name !== 'setup' && fn.name !== '__init__')
        return this.callModule(fn.self, st, fn.name, pos, kw, line);
    }
    return super.call(fn, pos, kw, line);
  }

  private register(obj: ObjVal, api: Api, line: number): ModState {
    const st: ModState = {
      api,
      path: undefined,
      setupDone: false,
      counters: new Map(),
      made: new Map(),
    };
    this.mods.set(obj, st);
    // Inside a compact method, a new submodule is named `Class_k` there.
    const parent = this.ctx[this.ctx.length - 1];
    if (parent?.compact && api === 'linen') {
      const explicit = obj.attrs.get('name');
      st.path = join(
        parent.st.path,
        explicit?.t === 'str' ? explicit.v : this.nextName(parent.st, obj.cls.name),
      );
    }
    void line;
    return st;
  }

  private nextName(parent: ModState, cls: string): string {
    const k = parent.counters.get(cls) ?? 0;
    parent.counters.set(cls, k + 1);
    return `${cls}_${k}`;
  }

  /** A linen module: a dataclass of its annotated fields (plus `name`, `parent`). */
  private instantiateLinen(cls: ClassVal, pos: Value[], kw: Kw, line: number): Value {
    const obj: ObjVal = { t: 'obj', cls, attrs: new Map() };
    cls.fields.forEach((f, i) => {
      let v: Value | undefined = i < pos.length ? pos[i] : kw.get(f.name);
      v ??= this.classAttr(cls, f.name);
      if (v === undefined) throw new Decline(line, `${cls.name}() needs the field \`${f.name}\``);
      obj.attrs.set(f.name, v);
    });
    if (pos.length > cls.fields.length)
      throw new Decline(
        line,
        `${cls.name}() got ${pos.length} positional arguments, has ${cls.fields.length} fields`,
      );
    for (const [k, v] of kw) {
      if (k === 'name' || k === 'parent') obj.attrs.set(k, v);
      else if (!cls.fields.some((f) => f.name === k))
        throw new Decline(line, `${cls.name}() has no field \`${k}\``);
    }
    this.register(obj, 'linen', line);
    return obj;
  }

  private ensureSetup(obj: ObjVal, line: number): void {
    const st = this.mods.get(obj);
    if (!st || st.setupDone || st.api !== 'linen') return;
    st.setupDone = true;
    const setup = this.classAttr(obj.cls, 'setup');
    if (setup?.t !== 'func') return;
    this.ctx.push({ obj, st, compact: false });
    try {
      this.callFunc({ ...setup, self: obj }, [], new Map(), line);
    } finally {
      this.ctx.pop();
    }
  }

  private callModule(
    obj: ObjVal,
    st: ModState,
    method: string,
    pos: Value[],
    kw: Kw,
    line: number,
  ): Value {
    const m = this.classAttr(obj.cls, method);
    if (m?.t !== 'func') throw new Decline(line, `${obj.cls.name} has no ${method}()`);
    this.ensureSetup(obj, line);
    // Compact methods number their submodules from 0 on each call (a second call reuses them).
    const compact =
      st.api === 'linen' &&
      (m.decorators.some((d) => /compact$/.test(d)) ||
        this.classAttr(obj.cls, 'setup') === undefined);
    if (compact) st.counters = new Map();
    this.ctx.push({ obj, st, compact });
    try {
      return this.callFunc({ ...m, self: obj }, pos, kw, line);
    } finally {
      this.ctx.pop();
    }
  }

  // ---- library ----------------------------------------------------------------------------

  private flaxCall(api: Api, q: string, pos: Value[], kw: Kw, line: number): Value {
    const name = q.slice(q.lastIndexOf('.') + 1);
    if (name === 'Rngs' || name === 'PRNGKey') return { t: 'opaque', what: 'a random key' };
    if (/\.initializers\.\w+$/.test(q)) return flaxInitializer(name, pos);
    if (/^[A-Z]/.test(name)) {
      if (`${api}.${name}` in SIGNATURES) return this.makeLayer(api, name, pos, kw, line);
      throw new Decline(line, `${api === 'nnx' ? 'nnx' : 'nn'}.${name} is not read`);
    }
    if (name === 'avg_pool' || name === 'max_pool')
      return this.pool(name === 'max_pool' ? 'max' : 'avg', pos, kw, line);
    return this.activationCall(q, pos, kw, line);
  }

  private jaxCall(q: string, pos: Value[], kw: Kw, line: number): Value {
    const fn = q.slice(q.lastIndexOf('.') + 1);
    if (q.startsWith('jax.numpy.')) {
      const g = this.graph;
      const at = this.opAt(line);
      if (fn === 'mean' || fn === 'sum') {
        const x = pos[0];
        if (x?.t !== 'tensor') throw new Decline(line, `jnp.${fn} of a non-tensor`);
        const axis = kw.get('axis') ?? pos[1];
        const r = x.shape.length;
        const dims =
          axis === undefined || axis.t === 'none'
            ? [...x.shape.keys()]
            : (isSeq(axis) ? axis.items : [axis]).map((a) => {
                const d = numeric(a);
                if (d === undefined) throw new Decline(line, `jnp.${fn} axis ${show(a)}`);
                return d < 0 ? d + r : d;
              });
        const keep = kw.get('keepdims');
        const keepdim = keep?.t === 'bool' && keep.v;
        const shape = x.shape.flatMap((d, i) => (dims.includes(i) ? (keepdim ? [1] : []) : [d]));
        return g.add({ op: 'reduce', kind: fn, dims, keepdim }, [x], shape, line, at.kind, at.row);
      }
      if (fn === 'concatenate') {
        const xs = this.iterate(pos[0] ?? NONE, line);
        const axis = numeric(kw.get('axis') ?? pos[1] ?? NONE) ?? 0;
        return concat(
          g,
          at,
          xs.map((x) => {
            if (x.t !== 'tensor') throw new Decline(line, 'jnp.concatenate of a non-tensor');
            return x;
          }),
          axis,
        );
      }
      if (fn === 'tanh') return this.activationCall('flax.linen.tanh', pos, kw, line);
      throw new Decline(line, `jnp.${fn} is not read`);
    }
    return this.activationCall(q, pos, kw, line);
  }

  /** Functional ops (nn.relu, jnp.mean, pooling) belong to no row, as torch.nn.functional's. */
  private opAt(line: number): At {
    return { row: undefined, kind: 'op', line };
  }

  private activationCall(q: string, pos: Value[], kw: Kw, line: number): Value {
    const x = pos[0];
    if (x?.t !== 'tensor')
      throw new Decline(line, `${q} on ${x ? show(x) : 'nothing'} (not a tensor)`);
    const fn = q.slice(q.lastIndexOf('.') + 1);
    if (fn === 'softmax' || fn === 'log_softmax') {
      const axis = numeric(kw.get('axis') ?? pos[1] ?? NONE) ?? -1;
      return this.graph.add(
        { op: 'softmax', dim: axis, ...(fn === 'log_softmax' ? { log: true } : {}) },
        [x],
        x.shape,
        line,
        fn,
        this.opAt(line).row,
      );
    }
    const lit = (v: Value): Literal =>
      v.t === 'num'
        ? { kind: 'value', value: v.v }
        : v.t === 'bool'
          ? { kind: 'value', value: v.v }
          : v.t === 'str'
            ? { kind: 'value', value: v.v }
            : v.t === 'none'
              ? { kind: 'value', value: null }
              : { kind: 'unknown', text: show(v) };
    const args: CallArgs = {
      positional: [{ kind: 'unknown', text: 'x' }, ...pos.slice(1).map(lit)],
      keywords: [...kw].map(([k, v]) => [k, lit(v)] as const),
      splat: false,
    };
    for (const name of [q, q.replace(/^flax\.(linen|nnx)\./, 'jax.nn.')]) {
      const r = resolveCall(spellingsNamed(name), args);
      if (r) {
        const at = this.opAt(line);
        return activationNode(
          this.graph,
          { ...at, kind: `${q.startsWith('jax') ? 'jax.nn' : 'nn'}.${fn}` },
          x,
          r.id,
          { ...r.params },
        );
      }
    }
    throw new Decline(line, `${q} is not read`);
  }

  private pool(kind: 'max' | 'avg', pos: Value[], kw: Kw, line: number): Value {
    const x = pos[0] ?? kw.get('inputs');
    if (x?.t !== 'tensor') throw new Decline(line, `${kind}_pool of a non-tensor`);
    const dims = x.shape.length - 2;
    const window = intsArg(kw.get('window_shape') ?? pos[1], dims, undefined, line, 'window_shape');
    // Flax's pooling strides default to 1, not to the window.
    const strides = intsArg(kw.get('strides') ?? pos[2], dims, 1, line, 'strides');
    const padding = this.padding(kw.get('padding') ?? pos[3], 'valid', line);
    const cip = kw.get('count_include_pad');
    const notes: string[] = [];
    const y = poolLast(
      this.graph,
      { ...this.opAt(line), kind: `nn.${kind}_pool` },
      x,
      kind,
      window,
      strides,
      padding,
      cip?.t === 'bool' ? cip.v : true,
      notes,
    );
    for (const n of notes) this.note(line, `${kind}_pool: ${n}`);
    return y;
  }

  private padding(v: Value | undefined, dflt: 'same' | 'valid', line: number): Padding {
    if (v === undefined || v.t === 'none') return dflt;
    if (v.t === 'str' && /^(same|valid)$/i.test(v.v)) return v.v.toLowerCase() as 'same' | 'valid';
    if (isSeq(v)) {
      return v.items.map((p) => {
        const pr = intsArg(p, 2, undefined, line, 'padding');
        return [pr[0]!, pr[1]!] as const;
      });
    }
    const n = numeric(v);
    if (n !== undefined)
      return [
        [n, n],
        [n, n],
      ];
    throw new Decline(line, `padding=${show(v)} is not read`);
  }

  // ---- layers -----------------------------------------------------------------------------

  private makeLayer(api: Api, cls: string, pos: Value[], kw: Kw, line: number): ModuleObj {
    const m = newModule(cls, line);
    const st: LayerState = { api, cls, pos, kw, params: new LayerParams(), line, path: undefined };
    const parent = this.ctx[this.ctx.length - 1];
    if (parent?.compact) {
      const explicit = kw.get('name');
      const name = explicit?.t === 'str' ? explicit.v : this.nextName(parent.st, cls);
      st.path = join(parent.st.path, name);
      // A compact method run again gets the layer of the first run (shared parameters).
      const old = parent.st.made.get(name);
      if (old?.t === 'module' && this.layers.get(old)?.cls === cls) return old;
      parent.st.made.set(name, m);
    }
    this.layers.set(m, st);
    if (api === 'nnx' && !this.firstLayer) this.firstLayer = m;
    return m;
  }

  private arg(st: LayerState, name: string): Value | undefined {
    const v = st.kw.get(name);
    if (v !== undefined) return v;
    const i = (SIGNATURES[`${st.api}.${st.cls}`] ?? []).indexOf(name);
    return i >= 0 ? st.pos[i] : undefined;
  }

  private num(st: LayerState, name: string, dflt: number | undefined, line: number): number {
    return numArg(this.arg(st, name), dflt, line, st.cls, name);
  }

  private flag(v: Value | undefined, dflt: boolean, line: number, what: string): boolean {
    if (v === undefined || v.t === 'none') return dflt;
    if (v.t === 'bool') return v.v;
    throw new Decline(line, `${what}=${show(v)} is not a constant`);
  }

  /** A Dense/Linear/Conv layer's kernel and, unless use_bias=False, its bias (Flax's default inits). */
  private kernelAndBias(
    st: LayerState,
    kernel: readonly number[],
    features: number,
    fans: KernelFans,
  ): { w: ParamObj; b: ParamObj | null } {
    const w = st.params.get(
      'kernel',
      kernel,
      initArg(this.arg(st, 'kernel_init'), 'lecun_normal', fans, st.line),
      st.line,
    );
    const b = this.flag(this.arg(st, 'use_bias'), true, st.line, 'use_bias')
      ? st.params.get(
          'bias',
          [features],
          initArg(this.arg(st, 'bias_init'), 'zeros', fans, st.line),
          st.line,
        )
      : null;
    return { w, b };
  }

  private callLayer(st: LayerState, pos: Value[], kw: Kw, line: number): Value {
    const x = pos[0] ?? kw.get('inputs') ?? kw.get('x');
    if (x?.t !== 'tensor')
      throw new Decline(line, `${st.cls} called on ${x ? show(x) : 'nothing'} (not a tensor)`);
    const g = this.graph;
    const row = st.path ?? `${st.cls} (line ${st.line})`;
    const at: At = {
      row,
      kind: st.api === 'nnx' ? `nnx.${st.cls}` : `nn.${st.cls}`,
      line: st.line,
    };
    const notes: string[] = [];
    const inC = x.shape[x.shape.length - 1]!;
    let out: TensorVal;
    switch (st.cls) {
      case 'Dense':
      case 'Linear': {
        const units = this.num(
          st,
          st.cls === 'Linear' ? 'out_features' : 'features',
          undefined,
          st.line,
        );
        if (st.cls === 'Linear') this.expectIn(st, 'in_features', inC);
        const fans = { fanIn: inC, fanOut: units };
        const { w, b } = this.kernelAndBias(st, [units, inC], units, fans);
        out = dense(g, at, x, units, w, b);
        break;
      }
      case 'Conv': {
        const nnx = st.api === 'nnx';
        const filters = this.num(st, nnx ? 'out_features' : 'features', undefined, st.line);
        if (nnx) this.expectIn(st, 'in_features', inC);
        const dims = x.shape.length - 2;
        const k = intsArg(this.arg(st, 'kernel_size'), dims, undefined, st.line, 'kernel_size');
        const s = intsArg(this.arg(st, 'strides'), dims, 1, st.line, 'strides');
        const d = intsArg(this.arg(st, 'kernel_dilation'), dims, 1, st.line, 'kernel_dilation');
        const inDil = this.arg(st, 'input_dilation');
        if (inDil !== undefined && inDil.t !== 'none' && numeric(inDil) !== 1)
          throw new Decline(st.line, 'Conv with input_dilation is not simulated');
        const groups = this.num(st, 'feature_group_count', 1, st.line);
        const receptive = k.reduce((a, b) => a * b, 1);
        const fans = { fanIn: (inC / groups) * receptive, fanOut: filters * receptive };
        const { w, b } = this.kernelAndBias(st, [filters, inC / groups, ...k], filters, fans);
        const padding = this.padding(this.arg(st, 'padding'), 'same', st.line);
        out = toChannelsLast(
          g,
          at,
          convLast(
            g,
            at,
            x,
            { filters, kernel: k, stride: s, dilation: d, padding, groups },
            w,
            b,
            notes,
          ),
        );
        break;
      }
      case 'LayerNorm': {
        if (st.api === 'nnx') this.expectIn(st, 'num_features', inC);
        const scale = this.flag(this.arg(st, 'use_scale'), true, st.line, 'use_scale')
          ? st.params.get('scale', [inC], { kind: 'ones' }, st.line)
          : null;
        const bias = this.flag(this.arg(st, 'use_bias'), true, st.line, 'use_bias')
          ? st.params.get('bias', [inC], { kind: 'zeros' }, st.line)
          : null;
        out = layerNormLast(g, at, x, this.num(st, 'epsilon', 1e-6, st.line), scale, bias);
        break;
      }
      case 'BatchNorm': {
        if (st.api === 'nnx') this.expectIn(st, 'num_features', inC);
        const axis = this.num(st, 'axis', -1, st.line);
        if (axis !== -1 && axis !== x.shape.length - 1)
          throw new Decline(st.line, `BatchNorm(axis=${axis}) is not read`);
        const ura = kw.get('use_running_average') ?? this.arg(st, 'use_running_average');
        const eps = this.num(st, 'epsilon', 1e-5, st.line);
        const scale = st.params.get('scale', [inC], { kind: 'ones' }, st.line);
        const bias = st.params.get('bias', [inC], { kind: 'zeros' }, st.line);
        if (this.flag(ura, st.api === 'nnx' ? false : false, st.line, 'use_running_average')) {
          // Fresh running statistics (mean 0, var 1): y = x/√(1+ε)·scale + bias.
          notes.push('use_running_average=True: normalises by the initial running statistics');
          out = g.add(
            { op: 'affine_const', factor: 1 / Math.sqrt(1 + eps) },
            [x],
            x.shape,
            at.line,
            at.kind,
            at.row,
          );
        } else {
          out = batchNormLast(g, at, x, eps, scale, bias);
        }
        break;
      }
      case 'Dropout': {
        const det = kw.get('deterministic') ?? this.arg(st, 'deterministic');
        const rate = this.num(st, 'rate', undefined, st.line);
        out = this.flag(det, false, st.line, 'deterministic')
          ? g.add({ op: 'identity' }, [x], x.shape, at.line, at.kind, at.row)
          : dropoutNode(g, at, x, rate);
        break;
      }
      case 'Embed': {
        const vocab = this.num(st, 'num_embeddings', undefined, st.line);
        const dim = this.num(st, 'features', undefined, st.line);
        // Flax's default_embed_init: variance_scaling(1, 'fan_in', 'normal', out_axis=0) → N(0, 1/features).
        const given = this.arg(st, 'embedding_init');
        const init =
          given === undefined
            ? varianceScaling(1, 'fan_in', 'normal', dim, vocab)
            : initArg(given, 'lecun_normal', { fanIn: dim, fanOut: vocab }, st.line);
        const w = st.params.get('embedding', [vocab, dim], init, st.line);
        const node = g.node(x.id);
        if (node?.op.op === 'input') node.op = { ...node.op, tokens: { vocab } };
        out = embedding(g, at, x, vocab, dim, w);
        break;
      }
      default:
        throw new Decline(st.line, `${st.cls} is not simulated`);
    }
    for (const n of notes) this.note(st.line, `${st.cls} \`${row}\`: ${n}`);
    return out;
  }

  private expectIn(st: LayerState, name: string, got: number): void {
    const want = this.num(st, name, undefined, st.line);
    if (want !== got)
      throw new Decline(st.line, `${st.cls} expects ${want} input features, gets ${got}`, true);
  }

  // ---- running a model --------------------------------------------------------------------

  /** The output tensor of a model value on the given (or inferred) input. */
  outputOf(v: Value, line: number): TensorVal {
    if (v.t !== 'obj' || !this.mods.has(v))
      throw new Decline(line, `${show(v)} is not a Flax module`);
    const st = this.mods.get(v)!;
    st.path = '';
    const shape = this.inputShape ? [...this.inputShape] : this.inferInput(v, line);
    return callOnInput(this, v, shape, line, () => v.cls.name);
  }

  /** NNX layers know their input sizes: the first one built decides the input. */
  private inferInput(v: ObjVal, line: number): number[] {
    const first = this.firstLayer ? this.layers.get(this.firstLayer) : undefined;
    if (first && this.mods.get(v)?.api === 'nnx') {
      const n = (k: string): number => this.num(first, k, undefined, first.line);
      if (first.cls === 'Linear') {
        this.note(
          line,
          `input (${this.batch}, ${n('in_features')}): the first layer is nnx.Linear(${n('in_features')}, …)`,
        );
        return [this.batch, n('in_features')];
      }
      if (first.cls === 'Conv') {
        this.note(
          line,
          `input (${this.batch}, 28, 28, ${n('in_features')}): the first layer is nnx.Conv(${n('in_features')}, …), 28×28 images`,
        );
        return [this.batch, 28, 28, n('in_features')];
      }
      if (first.cls === 'Embed') {
        this.note(
          line,
          `input (${this.batch}, 64): token ids for nnx.Embed(${n('num_embeddings')}, …)`,
        );
        return [this.batch, 64];
      }
    }
    throw new Decline(line, `${v.cls.name} declares no input size: give an input shape`);
  }
}

/** Builds the graph of one Flax model expression. Never throws. */
export function buildFlaxGraphInTree(
  tree: Tree,
  exprTree: Tree,
  expr: string,
  options: BuildOptions = {},
): BuildResult {
  const ip = new FlaxInterp(tree.rootNode, pythonImports(tree), options);
  return buildOnGraph(ip, exprTree, expr, options, (e, g) => {
    let v: Value = ip.eval(e, ip.globals);
    if (v.t === 'class') v = ip.call(v, [], new Map(), 0);
    const out = ip.outputOf(v, lineOf(e));
    return finishBuild(g, out, expr, ip.notes);
  });
}

/** Whether a file uses Flax. */
export function isFlaxFile(tree: Tree): boolean {
  for (const mods of pythonImports(tree).aliases.values())
    if (mods.some((m) => /^flax\b/.test(m))) return true;
  return false;
}

/** Flax module classes of a parsed file, with default expressions. */
export function findFlaxModels(
  tree: Tree,
  parseExpr: (expr: string) => Tree | null,
  budget: Budget = {},
): FoundModel[] {
  const root = tree.rootNode;
  const probe = new FlaxInterp(root, pythonImports(tree), budget);
  const out: FoundModel[] = [];
  for (const st0 of named(root)) {
    const st =
      st0.type === 'decorated_definition' ? (st0.childForFieldName('definition') ?? st0) : st0;
    if (st.type !== 'class_definition') continue;
    const name = st.childForFieldName('name')?.text ?? '';
    const cls = moduleLevel(probe, name, st);
    if (cls?.t !== 'class') continue;
    const api = probe.apiOf(cls);
    if (!api) continue;
    let expr = `${name}()`;
    let reason: string | undefined;
    if (api === 'nnx') {
      const init = named(st.childForFieldName('body')).find(
        (s) => s.type === 'function_definition' && s.childForFieldName('name')?.text === '__init__',
      );
      const params = named(init?.childForFieldName('parameters')).slice(1);
      const required = params
        .filter((p) => p.type === 'identifier' || p.type === 'typed_parameter')
        .map((p) => (p.type === 'identifier' ? p.text : (p.firstNamedChild?.text ?? '?')));
      const rngs = params.some(
        (p) =>
          /^rngs\b/.test(p.text) ||
          p.childForFieldName('name')?.text === 'rngs' ||
          p.firstNamedChild?.text === 'rngs',
      );
      if (required.length)
        reason = `${name}(${required.join(', ')}) needs arguments: give an expression`;
      expr = `${name}(${rngs ? 'rngs=nnx.Rngs(0)' : ''})`;
    } else {
      const missing = cls.fields.filter((f) => f.def === undefined).map((f) => f.name);
      if (missing.length)
        reason = `${name} needs the field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: give an expression`;
    }
    if (!reason) {
      const et = parseExpr(expr);
      if (et) {
        try {
          const r = buildFlaxGraphInTree(tree, et, expr, budget);
          if (!r.ok) reason = r.reason;
        } finally {
          et.delete();
        }
      }
    }
    out.push({
      name,
      line: lineOf(st),
      endLine: st.endPosition.row + 1,
      framework: 'flax',
      kind: 'class',
      checkable: reason === undefined,
      ...(reason !== undefined ? { reason } : {}),
      expr,
      instantiations: [],
    });
  }
  return out;
}

/** Flax initializers written in a file (`nn.initializers.xavier_uniform()`), as opaque values. */
export function flaxInitializer(name: string, args: readonly Value[]): Value {
  if (name === 'variance_scaling') {
    const [scale, mode, dist] = args;
    return {
      t: 'opaque',
      what: `init:variance_scaling:${numeric(scale ?? NONE) ?? 1}:${mode?.t === 'str' ? mode.v : 'fan_in'}:${dist?.t === 'str' ? dist.v : 'truncated_normal'}`,
    };
  }
  if (name === 'normal')
    return { t: 'opaque', what: `init:normal:${numeric(args[0] ?? NONE) ?? 0.01}` };
  if (name === 'constant')
    return { t: 'opaque', what: `init:constant:${numeric(args[0] ?? NONE) ?? 0}` };
  return { t: 'opaque', what: `init:${name}` };
}
