/**
 * PyTorch as the reader knows it: torch.nn layers (constructor signatures, default parameters and
 * inits, the graph op each one runs), modules' own methods (apply, named_parameters,
 * register_buffer…), torch.nn.init, and the tensor operations forward() uses — each emitting a
 * graph node with the output shape computed here, so `B, T, C = x.size()` has numbers.
 */
import { spellingsNamed } from '../../kernel/spellings';
import type { Op, ParamSpecG } from '../../kernel/graph/types';
import { resolveCall } from '../../language/resolve';
import type { CallArgs, Literal } from '../../language/types';
import { callPython, MATH_CONSTANTS, pythonAttr } from './builtins';
import { einops, sizesOf } from './einops';
import { PRELUDE_CLASSES } from './prelude';
import {
  INIT_FUNCTIONS,
  INIT_METHODS,
  NORMAL1,
  ONES,
  TORCH_BIAS,
  TORCH_WEIGHT,
  ZEROS,
  calculateGain,
  initSpec,
  param,
} from './init';
import { numeric, sliceBounds, type Interp } from './interp';
import {
  BINARY_NAMES,
  constBinary,
  constCat,
  constFromNested,
  constIndex,
  constMeshgrid,
  constPermute,
  constReduce,
  constReshape,
  constToList,
  constUnary,
  constUnsqueeze,
  constWhere,
  makeConst,
  toConst,
  type ConstVal,
} from './consts';
import {
  Decline,
  FALSE,
  newModule,
  NONE,
  TRUE,
  bool,
  int,
  isSeq,
  num,
  show,
  str,
  tuple,
  type ModuleObj,
  type ParamObj,
  type TensorVal,
  type Value,
} from './values';

type Kw = Map<string, Value>;
type Sig = readonly (readonly [string, Value?])[];

const I = (n: number): Value => int(n);
const F = (n: number): Value => num(n, false);

/** Constructor signatures (positional order, defaults) of the torch.nn layers read. */
const CONV: Sig = [
  ['in_channels'],
  ['out_channels'],
  ['kernel_size'],
  ['stride', I(1)],
  ['padding', I(0)],
  ['dilation', I(1)],
  ['groups', I(1)],
  ['bias', TRUE],
  ['padding_mode', str('zeros')],
];
const CONVT: Sig = [
  ['in_channels'],
  ['out_channels'],
  ['kernel_size'],
  ['stride', I(1)],
  ['padding', I(0)],
  ['output_padding', I(0)],
  ['groups', I(1)],
  ['bias', TRUE],
  ['dilation', I(1)],
  ['padding_mode', str('zeros')],
];
const BN: Sig = [
  ['num_features'],
  ['eps', F(1e-5)],
  ['momentum', F(0.1)],
  ['affine', TRUE],
  ['track_running_stats', TRUE],
];
const IN: Sig = [
  ['num_features'],
  ['eps', F(1e-5)],
  ['momentum', F(0.1)],
  ['affine', FALSE],
  ['track_running_stats', FALSE],
];
const DROPOUT: Sig = [
  ['p', F(0.5)],
  ['inplace', FALSE],
];
const MAXPOOL: Sig = [
  ['kernel_size'],
  ['stride', NONE],
  ['padding', I(0)],
  ['dilation', I(1)],
  ['return_indices', FALSE],
  ['ceil_mode', FALSE],
];
const AVGPOOL: Sig = [
  ['kernel_size'],
  ['stride', NONE],
  ['padding', I(0)],
  ['ceil_mode', FALSE],
  ['count_include_pad', TRUE],
  ['divisor_override', NONE],
];
const RNN_SIG: Sig = [
  ['input_size'],
  ['hidden_size'],
  ['num_layers', I(1)],
  ['bias', TRUE],
  ['batch_first', FALSE],
  ['dropout', F(0)],
  ['bidirectional', FALSE],
  ['proj_size', I(0)],
  ['nonlinearity', str('tanh')],
];

const LAYERS: Readonly<Record<string, Sig>> = {
  Linear: [['in_features'], ['out_features'], ['bias', TRUE]],
  Bilinear: [],
  Conv1d: CONV,
  Conv2d: CONV,
  ConvTranspose1d: CONVT,
  ConvTranspose2d: CONVT,
  BatchNorm1d: BN,
  BatchNorm2d: BN,
  InstanceNorm1d: IN,
  InstanceNorm2d: IN,
  LayerNorm: [['normalized_shape'], ['eps', F(1e-5)], ['elementwise_affine', TRUE], ['bias', TRUE]],
  GroupNorm: [['num_groups'], ['num_channels'], ['eps', F(1e-5)], ['affine', TRUE]],
  RMSNorm: [['normalized_shape'], ['eps', NONE], ['elementwise_affine', TRUE]],
  Embedding: [
    ['num_embeddings'],
    ['embedding_dim'],
    ['padding_idx', NONE],
    ['max_norm', NONE],
    ['norm_type', F(2)],
    ['scale_grad_by_freq', FALSE],
    ['sparse', FALSE],
  ],
  Dropout: DROPOUT,
  AlphaDropout: DROPOUT,
  Dropout1d: DROPOUT,
  Dropout2d: DROPOUT,
  Dropout3d: DROPOUT,
  MaxPool1d: MAXPOOL,
  MaxPool2d: MAXPOOL,
  AvgPool1d: AVGPOOL,
  AvgPool2d: AVGPOOL,
  AdaptiveAvgPool1d: [['output_size']],
  AdaptiveAvgPool2d: [['output_size']],
  AdaptiveMaxPool1d: [['output_size'], ['return_indices', FALSE]],
  AdaptiveMaxPool2d: [['output_size'], ['return_indices', FALSE]],
  Flatten: [
    ['start_dim', I(1)],
    ['end_dim', I(-1)],
  ],
  Unflatten: [['dim'], ['unflattened_size']],
  Identity: [],
  GLU: [['dim', I(-1)]],
  Upsample: [
    ['size', NONE],
    ['scale_factor', NONE],
    ['mode', str('nearest')],
    ['align_corners', NONE],
    ['recompute_scale_factor', NONE],
  ],
  Softmax: [['dim', NONE]],
  LogSoftmax: [['dim', NONE]],
  MultiheadAttention: [
    ['embed_dim'],
    ['num_heads'],
    ['dropout', F(0)],
    ['bias', TRUE],
    ['add_bias_kv', FALSE],
    ['add_zero_attn', FALSE],
    ['kdim', NONE],
    ['vdim', NONE],
    ['batch_first', FALSE],
  ],
  RNN: RNN_SIG,
  LSTM: RNN_SIG,
  GRU: RNN_SIG,
  Sequential: [],
  ModuleList: [['modules', NONE]],
  ModuleDict: [['modules', NONE]],
};

const CONTAINERS = new Set(['Sequential', 'ModuleList', 'ModuleDict']);
const IGNORED_KW = new Set(['device', 'dtype', 'inplace']);

function activationSpelling(layer: string): boolean {
  return spellingsNamed(`torch.nn.${layer}`).length > 0;
}

/** Names a `from torch.nn import *` brings in, as far as the reader knows them. */
export function isKnownLibraryName(q: string): boolean {
  const m = /^torch\.nn\.([A-Za-z_]\w*)$/.exec(q);
  if (m)
    return (
      m[1]! in LAYERS ||
      activationSpelling(m[1]!) ||
      m[1] === 'Module' ||
      m[1] === 'Parameter' ||
      m[1] === 'functional' ||
      m[1] === 'init'
    );
  return spellingsNamed(q).length > 0;
}

/** torch.nn.modules.conv.Conv2d → torch.nn.Conv2d; torch.nn.modules.module.Module likewise. */
const canonical = (name: string): string =>
  name
    .replace(/^torch\.nn\.parameter\./, 'torch.nn.')
    .replace(/^torch\.nn\.modules\.\w+\./, 'torch.nn.')
    .replace(/^torch\.functional\./, 'torch.');

// ---------------------------------------------------------------------------------------------
// Arguments.

class Args {
  constructor(
    readonly fn: string,
    readonly pos: readonly Value[],
    readonly kw: Kw,
    readonly line: number,
  ) {}
  get(i: number, name: string): Value | undefined {
    return this.kw.get(name) ?? this.pos[i];
  }
  num(i: number, name: string, dflt?: number): number {
    const v = this.get(i, name);
    if (v === undefined || v.t === 'none') {
      if (dflt === undefined) throw new Decline(this.line, `${this.fn}: \`${name}\` is missing`);
      return dflt;
    }
    const n = numeric(v);
    if (n === undefined)
      throw new Decline(this.line, `${this.fn}: ${name}=${show(v)} is not a number`);
    return n;
  }
  int(i: number, name: string, dflt?: number): number {
    const n = this.num(i, name, dflt);
    if (!Number.isInteger(n))
      throw new Decline(this.line, `${this.fn}: ${name}=${n} is not an integer`);
    return n;
  }
  bool(i: number, name: string, dflt: boolean): boolean {
    const v = this.get(i, name);
    if (v === undefined || v.t === 'none') return dflt;
    if (v.t === 'bool') return v.v;
    if (v.t === 'num') return v.v !== 0;
    throw new Decline(this.line, `${this.fn}: ${name}=${show(v)} is not a boolean`);
  }
}

/** Binds arguments to a signature by name; unknown keywords (but device/dtype/inplace) decline. */
function bind(
  sig: Sig,
  fn: string,
  pos: readonly Value[],
  kw: Kw,
  line: number,
): Map<string, Value> {
  const out = new Map<string, Value>();
  if (pos.length > sig.length)
    throw new Decline(line, `${fn}: ${pos.length} positional arguments, takes ${sig.length}`);
  sig.forEach(([name, dflt], i) => {
    const v = i < pos.length ? pos[i] : kw.get(name);
    if (v !== undefined) out.set(name, v);
    else if (dflt !== undefined) out.set(name, dflt);
    else throw new Decline(line, `${fn}: \`${name}\` is missing`);
  });
  for (const k of kw.keys()) {
    if (!sig.some(([n]) => n === k) && !IGNORED_KW.has(k))
      throw new Decline(line, `${fn}: argument \`${k}\` is not read`);
  }
  return out;
}

function cfgNum(m: ModuleObj, name: string, line: number): number {
  const v = m.cfg.get(name);
  const n = v === undefined ? undefined : numeric(v);
  if (n === undefined)
    throw new Decline(line, `${m.kind}: ${name}=${v ? show(v) : '?'} is not a number`);
  return n;
}

function cfgInts(m: ModuleObj, name: string, dims: number, line: number): number[] {
  const v = m.cfg.get(name);
  return intsOf(v, dims, `${m.kind}: ${name}`, line);
}

function intsOf(v: Value | undefined, dims: number, what: string, line: number): number[] {
  if (v === undefined) throw new Decline(line, `${what} is missing`);
  if (isSeq(v)) {
    const ns = v.items.map((x) => numeric(x));
    if (ns.some((x) => x === undefined || !Number.isInteger(x)))
      throw new Decline(line, `${what}=${show(v)} is not integers`);
    if (ns.length !== dims) throw new Decline(line, `${what}=${show(v)} needs ${dims} values`);
    return ns as number[];
  }
  const n = numeric(v);
  if (n === undefined || !Number.isInteger(n))
    throw new Decline(line, `${what}=${show(v)} is not an integer`);
  return Array.from({ length: dims }, () => n);
}

function cfgBool(m: ModuleObj, name: string): boolean {
  const v = m.cfg.get(name);
  if (!v || v.t === 'none') return false;
  return v.t === 'bool' ? v.v : v.t === 'num' ? v.v !== 0 : true;
}

// ---------------------------------------------------------------------------------------------
// Layers: construction.

/** Fills a module (new, or a user subclass's `self`) as torch.nn.<layer>.__init__ does. */
function initLayer(
  ip: Interp,
  m: ModuleObj,
  layer: string,
  pos: readonly Value[],
  kw: Kw,
  line: number,
): void {
  if (layer === 'Sequential') {
    const only = pos.length === 1 ? pos[0] : undefined;
    if (only?.t === 'dict') {
      for (const [k, v] of only.entries.values())
        addChild(m, k.t === 'str' ? k.v : show(k), v, line);
    } else pos.forEach((v, i) => addChild(m, String(i), v, line));
    return;
  }
  if (layer === 'ModuleList') {
    const src = pos[0] ?? kw.get('modules');
    if (src && src.t !== 'none')
      ip.iterate(src, line).forEach((v, i) => addChild(m, String(i), v, line));
    return;
  }
  if (layer === 'ModuleDict') {
    const src = pos[0] ?? kw.get('modules');
    if (src?.t === 'dict')
      for (const [k, v] of src.entries.values())
        addChild(m, k.t === 'str' ? k.v : show(k), v, line);
    else if (src && src.t !== 'none') {
      for (const p of ip.iterate(src, line)) {
        if (!isSeq(p) || p.items[0]?.t !== 'str')
          throw new Decline(line, 'ModuleDict of something other than (name, module) pairs');
        addChild(m, p.items[0].v, p.items[1]!, line);
      }
    }
    return;
  }
  const sig = LAYERS[layer];
  if (!sig) {
    // Activations: their arguments are read at call time through the shared spelling table.
    if (!activationSpelling(layer)) throw new Decline(line, `nn.${layer} is not read`);
    pos.forEach((v, i) => m.cfg.set(`$${i}`, v));
    for (const [k, v] of kw) m.cfg.set(k, v);
    return;
  }
  for (const [k, v] of bind(sig, `nn.${layer}`, pos, kw, line)) m.cfg.set(k, v);
  const w = (shape: number[], init = TORCH_WEIGHT) => param(shape, init, line);
  switch (layer) {
    case 'Linear': {
      const i = cfgNum(m, 'in_features', line);
      const o = cfgNum(m, 'out_features', line);
      m.params.set('weight', w([o, i]));
      m.params.set('bias', cfgBool(m, 'bias') ? w([o], TORCH_BIAS) : null);
      return;
    }
    case 'Conv1d':
    case 'Conv2d':
    case 'ConvTranspose1d':
    case 'ConvTranspose2d': {
      const dims = layer.endsWith('1d') ? 1 : 2;
      const i = cfgNum(m, 'in_channels', line);
      const o = cfgNum(m, 'out_channels', line);
      const g = cfgNum(m, 'groups', line);
      const k = cfgInts(m, 'kernel_size', dims, line);
      const shape = layer.startsWith('ConvT') ? [i, o / g, ...k] : [o, i / g, ...k];
      if (!shape.every(Number.isInteger))
        throw new Decline(line, `nn.${layer}: channels not divisible by groups=${g}`);
      m.params.set('weight', w(shape));
      m.params.set('bias', cfgBool(m, 'bias') ? w([o], TORCH_BIAS) : null);
      return;
    }
    case 'BatchNorm1d':
    case 'BatchNorm2d':
    case 'InstanceNorm1d':
    case 'InstanceNorm2d': {
      const n = cfgNum(m, 'num_features', line);
      const affine = cfgBool(m, 'affine');
      m.params.set('weight', affine ? w([n], ONES) : null);
      m.params.set('bias', affine ? w([n], ZEROS) : null);
      return;
    }
    case 'LayerNorm':
    case 'RMSNorm': {
      const shape = intsOf(
        m.cfg.get('normalized_shape'),
        seqLen(m.cfg.get('normalized_shape')),
        `nn.${layer}: normalized_shape`,
        line,
      );
      const affine = cfgBool(m, 'elementwise_affine');
      m.params.set('weight', affine ? w(shape, ONES) : null);
      if (layer === 'LayerNorm')
        m.params.set('bias', affine && cfgBool(m, 'bias') ? w(shape, ZEROS) : null);
      return;
    }
    case 'GroupNorm': {
      const n = cfgNum(m, 'num_channels', line);
      const affine = cfgBool(m, 'affine');
      m.params.set('weight', affine ? w([n], ONES) : null);
      m.params.set('bias', affine ? w([n], ZEROS) : null);
      return;
    }
    case 'Embedding': {
      if (m.cfg.get('max_norm')?.t !== 'none')
        throw new Decline(line, 'nn.Embedding(max_norm=…) is not read');
      const pad = m.cfg.get('padding_idx');
      if (pad && pad.t !== 'none')
        ip.note(
          line,
          'nn.Embedding: the padding_idx row starts at zero in PyTorch; simulated as drawn',
        );
      m.params.set(
        'weight',
        w([cfgNum(m, 'num_embeddings', line), cfgNum(m, 'embedding_dim', line)], NORMAL1),
      );
      return;
    }
    case 'MultiheadAttention': {
      const e = cfgNum(m, 'embed_dim', line);
      for (const k of ['kdim', 'vdim']) {
        const v = m.cfg.get(k);
        if (v && v.t !== 'none' && numeric(v) !== e)
          throw new Decline(line, `nn.MultiheadAttention(${k}=…) is not read`);
      }
      if (cfgBool(m, 'add_bias_kv') || cfgBool(m, 'add_zero_attn'))
        throw new Decline(line, 'nn.MultiheadAttention(add_bias_kv/add_zero_attn) is not read');
      const bias = cfgBool(m, 'bias');
      m.params.set('in_proj_weight', w([3 * e, e], { kind: 'xavier_uniform' }));
      m.params.set('in_proj_bias', bias ? w([3 * e], ZEROS) : null);
      const out = newModule('NonDynamicallyQuantizableLinear', line, { layer: 'Linear' });
      out.cfg.set('in_features', I(e)).set('out_features', I(e)).set('bias', bool(bias));
      out.params.set('weight', w([e, e]));
      out.params.set('bias', bias ? w([e], ZEROS) : null);
      m.children.set('out_proj', out);
      return;
    }
    case 'RNN':
    case 'LSTM':
    case 'GRU': {
      const h = cfgNum(m, 'hidden_size', line);
      const inp = cfgNum(m, 'input_size', line);
      const layers = cfgNum(m, 'num_layers', line);
      const dirs = cfgBool(m, 'bidirectional') ? 2 : 1;
      if (cfgNum(m, 'proj_size', line) !== 0)
        throw new Decline(line, `nn.${layer}(proj_size=…) is not read`);
      const gates = layer === 'LSTM' ? 4 : layer === 'GRU' ? 3 : 1;
      const u = { kind: 'uniform', low: -1 / Math.sqrt(h), high: 1 / Math.sqrt(h) } as const;
      for (let l = 0; l < layers; l++) {
        for (const sfx of dirs === 2 ? ['', '_reverse'] : ['']) {
          m.params.set(`weight_ih_l${l}${sfx}`, w([gates * h, l === 0 ? inp : dirs * h], u));
          m.params.set(`weight_hh_l${l}${sfx}`, w([gates * h, h], u));
          if (cfgBool(m, 'bias')) {
            m.params.set(`bias_ih_l${l}${sfx}`, w([gates * h], u));
            m.params.set(`bias_hh_l${l}${sfx}`, w([gates * h], u));
          }
        }
      }
      return;
    }
    default:
      return;
  }
}

function seqLen(v: Value | undefined): number {
  return v && isSeq(v) ? v.items.length : 1;
}

function addChild(m: ModuleObj, name: string, v: Value, line: number): void {
  if (v.t !== 'module') throw new Decline(line, `${m.kind}: ${show(v)} is not a module`);
  m.children.set(name, v);
}

export function makeLayer(
  ip: Interp,
  layer: string,
  pos: readonly Value[],
  kw: Kw,
  line: number,
): ModuleObj {
  const m = newModule(layer, line, { layer });
  initLayer(ip, m, layer, pos, kw, line);
  return m;
}

// ---------------------------------------------------------------------------------------------
// Modules: attributes and methods.

export function setModuleAttr(
  ip: Interp,
  m: ModuleObj,
  name: string,
  v: Value,
  line: number,
): void {
  if (v.t === 'module') {
    m.params.delete(name);
    m.attrs.delete(name);
    m.children.set(name, v);
    return;
  }
  if (v.t === 'param') {
    m.children.delete(name);
    m.attrs.delete(name);
    m.params.set(name, v.p);
    return;
  }
  if (v.t === 'none' && m.params.has(name)) {
    m.params.set(name, null);
    return;
  }
  if (m.params.has(name) && m.params.get(name) && v.t !== 'none') {
    throw new Decline(line, `assigning ${show(v)} to the parameter \`${name}\` is not read`);
  }
  m.children.delete(name);
  if (v.t === 'tensor')
    throw new Decline(
      line,
      `a tensor stored on the module (\`self.${name}\`) in forward is not read`,
    );
  m.attrs.set(name, v);
  void ip;
}

/** Pre-order (named_modules) with qualified names relative to `m`; shared modules once. */
export function namedModules(
  m: ModuleObj,
  prefix = '',
  seen = new Set<ModuleObj>(),
): [string, ModuleObj][] {
  if (seen.has(m)) return [];
  seen.add(m);
  const out: [string, ModuleObj][] = [[prefix, m]];
  for (const [k, c] of m.children)
    out.push(...namedModules(c, prefix ? `${prefix}.${k}` : k, seen));
  return out;
}

/** named_parameters(): module pre-order, parameters in registration order, shared ones once. */
export function namedParameters(m: ModuleObj): [string, ParamObj][] {
  const seen = new Set<ParamObj>();
  const out: [string, ParamObj][] = [];
  for (const [path, mod] of namedModules(m)) {
    for (const [k, p] of mod.params) {
      if (!p || seen.has(p)) continue;
      seen.add(p);
      out.push([path ? `${path}.${k}` : k, p]);
    }
  }
  return out;
}

/** Qualified names from the root, as named_modules() gives them. */
export function assignPaths(root: ModuleObj): void {
  for (const [path, m] of namedModules(root)) m.path = path;
}

const MODULE_METHODS = new Set([
  'apply',
  'modules',
  'named_modules',
  'children',
  'named_children',
  'parameters',
  'named_parameters',
  'register_buffer',
  'register_parameter',
  'add_module',
  'register_module',
  'to',
  'cuda',
  'cpu',
  'train',
  'eval',
  'float',
  'double',
  'half',
  'bfloat16',
  'requires_grad_',
  'zero_grad',
  'forward',
  '__call__',
  'get_submodule',
  'flatten_parameters',
  '__setattr__',
  '__getattr__',
  'type',
]);
const CONTAINER_METHODS = new Set([
  'append',
  'extend',
  'insert',
  'items',
  'keys',
  'values',
  'pop',
  'update',
]);

export function moduleAttr(
  ip: Interp,
  m: ModuleObj,
  name: string,
  line: number,
  viaSuper = false,
): Value {
  if (!viaSuper) {
    const c = m.children.get(name);
    if (c) return c;
    if (m.params.has(name)) {
      const p = m.params.get(name);
      return p ? { t: 'param', p } : NONE;
    }
    const b = m.buffers.get(name);
    if (b) return b;
    const a = m.attrs.get(name);
    if (a) return a;
    if (m.cls) {
      const v = ip.classAttr(m.cls, name);
      if (v?.t === 'func') return ip.method(v, m, line);
      if (v !== undefined) return v;
    }
  }
  if (name === 'training') return TRUE;
  if (name === '__class__') return m.cls ?? { t: 'builtin', name: `torch.nn.${m.layer}` };
  // super().forward in a subclass of a built-in layer runs the layer itself.
  if (viaSuper && name === 'forward') return { t: 'builtin', name: 'module.$layer', self: m };
  if (MODULE_METHODS.has(name)) return { t: 'builtin', name: `module.${name}`, self: m };
  if (m.layer && CONTAINERS.has(m.layer) && CONTAINER_METHODS.has(name))
    return { t: 'builtin', name: `module.${name}`, self: m };

  if (m.layer === 'Linear' || m.layer?.startsWith('Conv') || m.layer === 'Embedding') {
    // Attributes torch sets from the arguments under other names.
    if (
      ['kernel_size', 'stride', 'padding', 'dilation', 'output_padding'].includes(name) &&
      m.cfg.get(name)?.t !== 'str'
    ) {
      const dims = m.layer.endsWith('1d') ? 1 : 2;
      return tuple(cfgInts(m, name, dims, line).map(I));
    }
  }
  const cfg = m.cfg.get(name);
  if (cfg) return cfg;
  throw new Decline(line, `${m.kind} has no attribute \`${name}\` this reader knows`);
}

function callModuleMethod(
  ip: Interp,
  name: string,
  m: ModuleObj,
  pos: Value[],
  kw: Kw,
  line: number,
): Value {
  switch (name) {
    case 'apply': {
      const fn = pos[0]!;
      // Module.apply: children first, then the module itself.
      const visit = (x: ModuleObj, seen: Set<ModuleObj>): void => {
        if (seen.has(x)) return;
        seen.add(x);
        for (const c of x.children.values()) visit(c, seen);
        ip.call(fn, [x], new Map(), line);
      };
      visit(m, new Set());
      return m;
    }
    case 'modules':
      return { t: 'list', items: namedModules(m).map(([, x]) => x) };
    case 'named_modules':
      return { t: 'list', items: namedModules(m).map(([k, x]) => tuple([str(k), x])) };
    case 'children':
      return { t: 'list', items: [...new Set(m.children.values())] };
    case 'named_children':
      return { t: 'list', items: [...m.children].map(([k, x]) => tuple([str(k), x])) };
    case 'parameters':
      return { t: 'list', items: namedParameters(m).map(([, p]) => ({ t: 'param', p }) as Value) };
    case 'named_parameters':
      return {
        t: 'list',
        items: namedParameters(m).map(([k, p]) => tuple([str(k), { t: 'param', p }])),
      };
    case 'register_buffer': {
      const key = pos[0];
      const v = pos[1] ?? kw.get('tensor') ?? NONE;
      if (key?.t !== 'str') throw new Decline(line, 'register_buffer with a non-literal name');
      m.buffers.set(key.v, v);
      return NONE;
    }
    case 'register_parameter': {
      const key = pos[0];
      if (key?.t !== 'str') throw new Decline(line, 'register_parameter with a non-literal name');
      const v = pos[1] ?? NONE;
      if (v.t === 'param') m.params.set(key.v, v.p);
      else if (v.t === 'none') m.params.set(key.v, null);
      else throw new Decline(line, `register_parameter of ${show(v)}`);
      return NONE;
    }
    case 'add_module':
    case 'register_module': {
      const key = pos[0];
      if (key?.t !== 'str') throw new Decline(line, `${name} with a non-literal name`);
      if (pos[1]?.t === 'module') m.children.set(key.v, pos[1]);
      return NONE;
    }
    case 'append':
      addChild(m, String(m.children.size), pos[0]!, line);
      return m;
    case 'extend':
      for (const v of ip.iterate(pos[0]!, line)) addChild(m, String(m.children.size), v, line);
      return m;
    case 'insert': {
      const idx = numeric(pos[0]!) ?? 0;
      const items = [...m.children.values()];
      items.splice(idx, 0, pos[1] as ModuleObj);
      m.children.clear();
      items.forEach((v, i) => addChild(m, String(i), v, line));
      return NONE;
    }
    case 'items':
      return { t: 'list', items: [...m.children].map(([k, v]) => tuple([str(k), v])) };
    case 'keys':
      return { t: 'list', items: [...m.children.keys()].map(str) };
    case 'values':
      return { t: 'list', items: [...m.children.values()] };
    case 'update': {
      const src = pos[0];
      if (src?.t === 'dict')
        for (const [k, v] of src.entries.values())
          addChild(m, k.t === 'str' ? k.v : show(k), v, line);
      return NONE;
    }
    case '__setattr__': {
      const key = pos[0];
      if (key?.t !== 'str' || !pos[1])
        throw new Decline(line, '__setattr__ with a non-literal name');
      setModuleAttr(ip, m, key.v, pos[1], line);
      return NONE;
    }
    case '__getattr__': {
      const key = pos[0];
      if (key?.t !== 'str') throw new Decline(line, '__getattr__ with a non-literal name');
      return moduleAttr(ip, m, key.v, line);
    }
    case 'get_submodule': {
      let cur: ModuleObj = m;
      const path = pos[0]?.t === 'str' ? pos[0].v : '';
      for (const part of path ? path.split('.') : []) {
        const c = cur.children.get(part);
        if (!c) throw new Decline(line, `no submodule ${path}`);
        cur = c;
      }
      return cur;
    }
    case 'forward':
    case '__call__':
      return callModule(ip, m, pos, kw, line, name === 'forward');
    case '$layer':
      return runLayer(ip, m, pos, kw, line);
    default:
      // to(), cuda(), train(), eval(), float()…: the same module (always read in training mode).
      if (name === 'eval') ip.note(line, 'eval() is ignored: the check runs in training mode');
      return m;
  }
}

// ---------------------------------------------------------------------------------------------
// Calling a module.

export function callModule(
  ip: Interp,
  m: ModuleObj,
  pos: Value[],
  kw: Kw,
  line: number,
  forwardOnly = false,
): Value {
  if (m.cls) {
    const fwd = ip.classAttr(m.cls, 'forward');
    if (fwd?.t === 'func') {
      if (!forwardOnly && m.children.size === 0 && m.path !== undefined && ip.g)
        return leafCall(ip, m, () => ip.callFunc({ ...fwd, self: m }, pos, kw, line));
      return ip.callFunc({ ...fwd, self: m }, pos, kw, line);
    }
    if (!m.layer) throw new Decline(line, `${m.kind} has no forward()`);
  }
  return runLayer(ip, m, pos, kw, line);
}

/** A custom module without children: all its nodes carry its row, the last is its output. */
function leafCall(ip: Interp, m: ModuleObj, run: () => Value): Value {
  const g = ip.g!;
  const start = g.nodes.length;
  g.ran(m.path!);
  g.rowStack.push({ row: m.path!, kind: m.kind });
  let out: Value;
  try {
    out = run();
  } finally {
    g.rowStack.pop();
  }
  const t = firstTensor(out);
  if (t && (g.nodes.length === start || g.nodes[g.nodes.length - 1]!.id !== t.id)) {
    // Its output is not its last node (or it made none): an identity carries the row.
    const id = g.add({ op: 'identity' }, [t], t.shape, m.line, m.kind, m.path);
    return replaceFirst(out, id);
  }
  return out;
}

function firstTensor(v: Value): TensorVal | undefined {
  if (v.t === 'tensor') return v;
  if (v.t === 'tuple' || v.t === 'list') return v.items[0] ? firstTensor(v.items[0]) : undefined;
  return undefined;
}

function replaceFirst(v: Value, t: TensorVal): Value {
  if (v.t === 'tensor') return t;
  if ((v.t === 'tuple' || v.t === 'list') && v.items[0]) {
    const items = [replaceFirst(v.items[0], t), ...v.items.slice(1)];
    return v.t === 'tuple' ? tuple(items) : { t: 'list', items };
  }
  return v;
}

function g(ip: Interp, line: number) {
  if (!ip.g) throw new Decline(line, 'a tensor operation outside forward() is not read');
  return ip.g;
}

/** A value as a tensor node: tensors as they are, parameters through a `parameter` node. */
export function asTensor(ip: Interp, v: Value, line: number, what = 'this'): TensorVal {
  if (v.t === 'tensor') return v;
  if (v.t === 'param') {
    const gb = g(ip, line);
    const hit = gb.paramNodes.get(v.p);
    if (hit) return hit;
    const id = gb.nextId();
    const t = gb.add(
      { op: 'parameter', shape: v.p.shape, weight: gb.param(v.p, id, 'weight', line) },
      [],
      v.p.shape,
      line,
      'Parameter',
    );
    gb.paramNodes.set(v.p, t);
    return t;
  }
  if (v.t === 'init' && v.init.kind === 'normal' && !v.empty) {
    // torch.randn_like(std): noise drawn each run, no gradient (a VAE's eps).
    const r = g(ip, line).add({ op: 'randn', shape: v.shape }, [], v.shape, line, 'torch.randn');
    const { mean = 0, std } = v.init;
    return mean === 0 && std === 1 ? r : affine(ip, r, std, mean, line);
  }
  const c = toConst(v);
  if (c && v.t !== 'num' && v.t !== 'bool') return constNode(ip, c, line);
  throw new Decline(line, `${what} is ${show(v)}, not a tensor the reader follows`);
}

/** A computed tensor as a `constant` node (no gradient). */
function constNode(ip: Interp, c: ConstVal, line: number): TensorVal {
  const shape = c.shape.length ? c.shape : [1];
  if (shape.some((d) => d === 0)) throw new Decline(line, 'an empty constant tensor is not read');
  return g(ip, line).add({ op: 'constant', shape, data: c.data }, [], shape, line, 'constant');
}

function spec(
  ip: Interp,
  p: ParamObj | null | undefined,
  id: string,
  name: string,
  line: number,
): ParamSpecG | null {
  return p ? g(ip, line).param(p, id, name, line) : null;
}

/** A built-in layer's nodes carry the line the layer is constructed on (where diagnostics go). */
function runLayer(ip: Interp, m: ModuleObj, pos: Value[], kw: Kw, line: number): Value {
  const gb = ip.g;
  const start = gb?.nodes.length ?? 0;
  if (gb && m.path !== undefined && m.children.size === 0) gb.ran(m.path);
  const v = runLayerAt(ip, m, pos, kw, line);
  if (gb && m.path !== undefined) {
    for (let i = start; i < gb.nodes.length; i++) {
      const n = gb.nodes[i]!;
      if (n.row === m.path) n.line = m.line;
    }
    if (m.children.size > 0) gb.unrow(m.path, start);
  }
  return v;
}

function runLayerAt(ip: Interp, m: ModuleObj, pos: Value[], kw: Kw, line: number): Value {
  const layer = m.layer!;
  const gb = g(ip, line);
  const row = m.path;
  const kind = m.kind;
  if (layer === 'Sequential') {
    // An empty Sequential is a leaf module (ResNet's identity shortcut): its row is an identity.
    if (m.children.size === 0 && pos[0]?.t === 'tensor') {
      return gb.add({ op: 'identity' }, [pos[0]], pos[0].shape, line, kind, row);
    }
    let x: Value = pos[0]!;
    for (const c of m.children.values()) x = callModule(ip, c, [x], new Map(), line);
    return x;
  }
  if (layer === 'ModuleList' || layer === 'ModuleDict')
    throw new Decline(line, `nn.${layer} is not callable`);
  if (layer === 'MultiheadAttention') return mha(ip, m, pos, kw, line);
  if (pos.length === 0) throw new Decline(line, `${kind} called without input`);
  const x0 = pos[0]!;
  if (layer === 'Embedding') return embed(ip, m, x0, line);
  const x = asTensor(ip, x0, line, `the input of ${kind}`);
  const s = x.shape;
  const id = gb.nextId();
  const add = (op: Op, shape: readonly number[], inputs: TensorVal[] = [x]) =>
    gb.add(op, inputs, shape, line, kind, row);
  const mismatch = (what: string, want?: { dim: 1 | -1; size: number }) =>
    new Decline(
      line,
      `${row || kind} expects ${what}, gets a tensor of shape (${s.join(', ')})`,
      true,
      want,
    );
  switch (layer) {
    case 'Linear': {
      const inF = cfgNum(m, 'in_features', line);
      const outF = cfgNum(m, 'out_features', line);
      if (s[s.length - 1] !== inF) throw mismatch(`${inF} input features`, { dim: -1, size: inF });
      return add(
        {
          op: 'linear',
          inFeatures: inF,
          outFeatures: outF,
          weight: spec(ip, m.params.get('weight'), id, 'weight', line)!,
          bias: spec(ip, m.params.get('bias'), id, 'bias', line),
        },
        [...s.slice(0, -1), outF],
      );
    }
    case 'Conv1d':
    case 'Conv2d':
    case 'ConvTranspose1d':
    case 'ConvTranspose2d': {
      const dims = layer.endsWith('1d') ? 1 : 2;
      const transposed = layer.startsWith('ConvT');
      const inC = cfgNum(m, 'in_channels', line);
      const outC = cfgNum(m, 'out_channels', line);
      if (s.length !== dims + 2 || s[1] !== inC)
        throw mismatch(`(N, ${inC}, ${dims === 1 ? 'L' : 'H, W'})`, { dim: 1, size: inC });
      const k = cfgInts(m, 'kernel_size', dims, line);
      const st = cfgInts(m, 'stride', dims, line);
      const dil = cfgInts(m, 'dilation', dims, line);
      const groups = cfgNum(m, 'groups', line);
      const padV = m.cfg.get('padding');
      const mode = m.cfg.get('padding_mode');
      const paddingMode = mode?.t === 'str' ? mode.v : 'zeros';
      if (!['zeros', 'reflect', 'replicate', 'circular'].includes(paddingMode))
        throw new Decline(line, `padding_mode='${paddingMode}'`);
      const weight = spec(ip, m.params.get('weight'), id, 'weight', line)!;
      const bias = spec(ip, m.params.get('bias'), id, 'bias', line);
      if (transposed) {
        const pad = cfgInts(m, 'padding', dims, line);
        const op = cfgInts(m, 'output_padding', dims, line);
        const out = s
          .slice(2)
          .map((h, i) => (h - 1) * st[i]! - 2 * pad[i]! + dil[i]! * (k[i]! - 1) + op[i]! + 1);
        return add(
          {
            op: 'conv_transpose',
            dims,
            inChannels: inC,
            outChannels: outC,
            kernel: k,
            stride: st,
            padding: pad,
            outputPadding: op,
            dilation: dil,
            groups,
            weight,
            bias,
          },
          [s[0]!, outC, ...out],
        );
      }
      let padding: number[] | 'same' | 'valid';
      if (padV?.t === 'str') {
        if (padV.v !== 'same' && padV.v !== 'valid') throw new Decline(line, `padding='${padV.v}'`);
        padding = padV.v;
      } else padding = cfgInts(m, 'padding', dims, line);
      const out = s.slice(2).map((h, i) => {
        if (padding === 'same') return h;
        const p = padding === 'valid' ? 0 : padding[i]!;
        return Math.floor((h + 2 * p - dil[i]! * (k[i]! - 1) - 1) / st[i]! + 1);
      });
      if (out.some((o) => o < 1)) throw mismatch('a larger input');
      return add(
        {
          op: 'conv',
          dims,
          inChannels: inC,
          outChannels: outC,
          kernel: k,
          stride: st,
          padding,
          paddingMode: paddingMode as 'zeros',
          dilation: dil,
          groups,
          weight,
          bias,
        },
        [s[0]!, outC, ...out],
      );
    }
    case 'BatchNorm1d':
    case 'BatchNorm2d':
    case 'InstanceNorm1d':
    case 'InstanceNorm2d': {
      const n = cfgNum(m, 'num_features', line);
      const want = layer.endsWith('2d') ? [4] : layer.startsWith('Batch') ? [2, 3] : [3];
      if (!want.includes(s.length) || s[1] !== n) throw mismatch(`${n} channels`);
      const eps = cfgNum(m, 'eps', line);
      const weight = spec(ip, m.params.get('weight'), id, 'weight', line);
      const bias = spec(ip, m.params.get('bias'), id, 'bias', line);
      if (layer.startsWith('Batch'))
        return add({ op: 'batch_norm', numFeatures: n, eps, weight, bias }, s);
      return add({ op: 'instance_norm', numFeatures: n, eps, weight, bias }, s);
    }
    case 'LayerNorm':
    case 'RMSNorm': {
      const ns = intsOf(
        m.cfg.get('normalized_shape'),
        seqLen(m.cfg.get('normalized_shape')),
        `${kind}: normalized_shape`,
        line,
      );
      if (s.slice(-ns.length).join() !== ns.join())
        throw mismatch(`a trailing shape (${ns.join(', ')})`);
      const weight = spec(ip, m.params.get('weight'), id, 'weight', line);
      if (layer === 'RMSNorm') {
        const e = m.cfg.get('eps');
        return add(
          {
            op: 'rms_norm',
            normalizedShape: ns,
            eps: e && e.t !== 'none' ? cfgNum(m, 'eps', line) : null,
            weight,
          },
          s,
        );
      }
      return add(
        {
          op: 'layer_norm',
          normalizedShape: ns,
          eps: cfgNum(m, 'eps', line),
          weight,
          bias: spec(ip, m.params.get('bias'), id, 'bias', line),
        },
        s,
      );
    }
    case 'GroupNorm': {
      const c = cfgNum(m, 'num_channels', line);
      const ng = cfgNum(m, 'num_groups', line);
      if (s[1] !== c || c % ng !== 0) throw mismatch(`${c} channels in ${ng} groups`);
      return add(
        {
          op: 'group_norm',
          numGroups: ng,
          numChannels: c,
          eps: cfgNum(m, 'eps', line),
          weight: spec(ip, m.params.get('weight'), id, 'weight', line),
          bias: spec(ip, m.params.get('bias'), id, 'bias', line),
        },
        s,
      );
    }
    case 'Dropout':
      return add({ op: 'dropout', p: cfgNum(m, 'p', line) }, s);
    case 'AlphaDropout':
      return add({ op: 'alpha_dropout', p: cfgNum(m, 'p', line) }, s);
    case 'Dropout1d':
    case 'Dropout2d':
    case 'Dropout3d':
      return add(channelDropout(cfgNum(m, 'p', line), s), s);
    case 'MaxPool1d':
    case 'MaxPool2d':
    case 'AvgPool1d':
    case 'AvgPool2d':
      return pool(
        ip,
        layer.startsWith('Max') ? 'max' : 'avg',
        layer.endsWith('1d') ? 1 : 2,
        x,
        (i, n) => m.cfg.get(n),
        line,
        kind,
        row,
      );
    case 'AdaptiveAvgPool1d':
    case 'AdaptiveAvgPool2d':
    case 'AdaptiveMaxPool1d':
    case 'AdaptiveMaxPool2d':
      return adaptivePool(
        ip,
        layer.includes('Max') ? 'max' : 'avg',
        layer.endsWith('1d') ? 1 : 2,
        x,
        m.cfg.get('output_size')!,
        line,
        kind,
        row,
      );
    case 'Flatten':
      return flatten(
        ip,
        x,
        cfgNum(m, 'start_dim', line),
        cfgNum(m, 'end_dim', line),
        line,
        kind,
        row,
      );
    case 'Unflatten': {
      const d = normDim(cfgNum(m, 'dim', line), s.length, line);
      const sizes = ip.iterate(m.cfg.get('unflattened_size')!, line).map((v) => numeric(v) ?? NaN);
      return reshape(ip, x, [...s.slice(0, d), ...sizes, ...s.slice(d + 1)], line, kind, row);
    }
    case 'Identity':
      return add({ op: 'identity' }, s);
    case '$einops': {
      const sizes = new Map(
        [...m.cfg]
          .filter(([k]) => k.startsWith('size:'))
          .map(([k, v]) => [k.slice(5), v] as [string, Value]),
      );
      const red = m.cfg.get('reduction');
      const pattern = m.cfg.get('pattern') as { v: string };
      const out = runEinops(
        ip,
        kind === 'Reduce' ? 'reduce' : 'rearrange',
        x,
        pattern.v,
        sizesOf(sizes, line),
        red?.t === 'str' ? red.v : undefined,
        line,
        kind,
        row,
      );
      return out.id === x.id ? add({ op: 'identity' }, s) : out;
    }
    case 'GLU':
      return glu(ip, x, cfgNum(m, 'dim', line), line, kind, row);
    case 'Upsample':
      return upsample(
        ip,
        x,
        m.cfg.get('scale_factor'),
        m.cfg.get('mode'),
        m.cfg.get('size'),
        line,
        kind,
        row,
      );
    case 'Softmax':
    case 'LogSoftmax': {
      const d = m.cfg.get('dim');
      if (!d || d.t === 'none') throw new Decline(line, `nn.${layer}() without dim is not read`);
      return add(
        {
          op: 'softmax',
          dim: normDim(numeric(d)!, s.length, line),
          ...(layer === 'LogSoftmax' ? { log: true } : {}),
        },
        s,
      );
    }
    case 'MultiheadAttention':
      return mha(ip, m, pos, kw, line);
    case 'RNN':
    case 'LSTM':
    case 'GRU':
      return rnn(ip, m, x, pos, line);
    default:
      break;
  }
  if (activationSpelling(layer)) {
    const lits: Literal[] = [];
    const kws: [string, Literal][] = [];
    for (const [k, v] of m.cfg) {
      if (k.startsWith('$')) lits.push(literal(v));
      else kws.push([k, literal(v)]);
    }
    return activation(
      ip,
      `torch.nn.${layer}`,
      { positional: lits, keywords: kws },
      x,
      line,
      kind,
      row,
    );
  }
  throw new Decline(line, `nn.${layer} is not read`);
}

function literal(v: Value): Literal {
  if (v.t === 'num' || v.t === 'str' || v.t === 'bool') return { kind: 'value', value: v.v };
  if (v.t === 'none') return { kind: 'value', value: null };
  return { kind: 'unknown', text: show(v) };
}

/** An activation through the shared spelling table (kernel id and PyTorch's parameters). */
function activation(
  ip: Interp,
  qualified: string,
  args: CallArgs,
  x: TensorVal,
  line: number,
  kind?: string,
  row?: string,
): TensorVal {
  const group = spellingsNamed(qualified).filter((s) => s.spelling.framework === 'pytorch');
  const r = resolveCall(group, args);
  if (!r) throw new Decline(line, `${qualified} is not read`);
  const u = r.unknown[0];
  if (u) throw new Decline(line, `${qualified}: \`${u.arg}\` = ${u.text} is not a constant`);
  if (r.invalid) throw new Decline(line, `${qualified}: ${r.invalid}`);
  for (const n of r.notes) ip.note(line, `${qualified}: ${n}`);
  const params = { ...r.params };
  const op: Op = Object.keys(params).length
    ? { op: 'activation', id: r.id, params }
    : { op: 'activation', id: r.id };
  return g(ip, line).add(
    op,
    [x],
    x.shape,
    line,
    kind ?? qualified.replace(/^torch\.nn\.functional\./, 'F.'),
    row,
  );
}

function embed(ip: Interp, m: ModuleObj, x: Value, line: number): TensorVal {
  const gb = g(ip, line);
  const n = cfgNum(m, 'num_embeddings', line);
  const d = cfgNum(m, 'embedding_dim', line);
  const p = m.params.get('weight')!;
  if (x.t === 'arange') {
    // wpe(torch.arange(T)): the first T rows of the table, as a parameter node sliced.
    const len = x.shape.reduce((a, b) => a * b, 1);
    if (x.step !== 1 || x.start + len > n)
      throw new Decline(
        line,
        `${m.path}: positions ${x.start}…${x.start + len - 1} of a ${n}-row table`,
      );
    const id = gb.nextId();
    const table = gb.add(
      { op: 'parameter', shape: [n, d], weight: gb.param(p, id, 'weight', line) },
      [],
      [n, d],
      line,
      m.kind,
      m.path,
    );
    let out = gb.add(
      { op: 'slice', dim: 0, start: x.start, end: x.start + len, step: 1 },
      [table],
      [len, d],
      line,
      m.kind,
      m.path,
    );
    if (x.shape.length !== 1)
      out = gb.add(
        { op: 'reshape', shape: [...x.shape, d] },
        [out],
        [...x.shape, d],
        line,
        m.kind,
        m.path,
      );
    return out;
  }
  if (x.t !== 'tensor' || !x.int)
    throw new Decline(
      line,
      `${m.path || 'nn.Embedding'} is applied to ${show(x)}, not token ids`,
      x.t === 'tensor',
      { tokens: n },
    );
  const id = gb.nextId();
  return gb.add(
    { op: 'embedding', numEmbeddings: n, embeddingDim: d, weight: gb.param(p, id, 'weight', line) },
    [x],
    [...x.shape, d],
    line,
    m.kind,
    m.path,
  );
}

function mha(ip: Interp, m: ModuleObj, pos: Value[], kw: Kw, line: number): Value {
  const a = new Args('nn.MultiheadAttention', pos, kw, line);
  const q = a.get(0, 'query');
  const k = a.get(1, 'key');
  const v = a.get(2, 'value');
  if (
    !q ||
    q.t !== 'tensor' ||
    !k ||
    !v ||
    k.t !== 'tensor' ||
    v.t !== 'tensor' ||
    k.id !== q.id ||
    v.id !== q.id
  ) {
    throw new Decline(
      line,
      'nn.MultiheadAttention is read for self-attention only (attn(x, x, x))',
    );
  }
  const mask = a.get(5, 'attn_mask');
  const causal = a.bool(7, 'is_causal', false);
  if (
    (mask && mask.t !== 'none' && !causal) ||
    (a.get(3, 'key_padding_mask') ?? NONE).t !== 'none'
  ) {
    throw new Decline(
      line,
      'nn.MultiheadAttention with a mask other than is_causal=True is not read',
    );
  }
  const e = cfgNum(m, 'embed_dim', line);
  if (q.shape[q.shape.length - 1] !== e || q.shape.length !== 3)
    throw new Decline(
      line,
      `${m.path} expects (…, ${e}) inputs, gets (${q.shape.join(', ')})`,
      true,
    );
  const p = cfgNum(m, 'dropout', line);
  if (p !== 0)
    return tuple([
      mhaWithDropout(ip, m, q, causal, p, line),
      { t: 'opaque', what: 'the attention weights' },
    ]);
  const gb = g(ip, line);
  const id = gb.nextId();
  const out = m.children.get('out_proj')!;
  const bias = cfgBool(m, 'bias');
  const t = gb.add(
    {
      op: 'multihead_attention',
      embedDim: e,
      numHeads: cfgNum(m, 'num_heads', line),
      bias,
      batchFirst: cfgBool(m, 'batch_first'),
      causal,
      inProjWeight: spec(ip, m.params.get('in_proj_weight'), id, 'in_proj_weight', line)!,
      inProjBias: spec(ip, m.params.get('in_proj_bias'), id, 'in_proj_bias', line),
      outProjWeight: spec(ip, out.params.get('weight'), id, 'out_proj.weight', line)!,
      outProjBias: spec(ip, out.params.get('bias'), id, 'out_proj.bias', line),
    },
    [q],
    q.shape,
    line,
    m.kind,
    m.path,
  );
  return tuple([t, { t: 'opaque', what: 'the attention weights' }]);
}

/**
 * MultiheadAttention with dropout on the attention weights, in the ops torch's
 * multi_head_attention_forward runs: in-projection, heads, scaled scores, (causal mask,) softmax,
 * dropout, weighted values, out-projection. All nodes carry the module's row.
 */
function mhaWithDropout(
  ip: Interp,
  m: ModuleObj,
  x0: TensorVal,
  causal: boolean,
  p: number,
  line: number,
): TensorVal {
  const gb = g(ip, line);
  const add = (op: Op, inputs: TensorVal[], shape: readonly number[]) =>
    gb.add(op, inputs, shape, line, m.kind, m.path);
  const e = cfgNum(m, 'embed_dim', line);
  const heads = cfgNum(m, 'num_heads', line);
  const d = e / heads;
  if (!Number.isInteger(d))
    throw new Decline(line, `${m.path}: embed_dim ${e} is not divisible by num_heads ${heads}`);
  const batchFirst = cfgBool(m, 'batch_first');
  const x = batchFirst
    ? x0
    : add({ op: 'permute', dims: [1, 0, 2] }, [x0], [x0.shape[1]!, x0.shape[0]!, e]);
  const [n, l] = [x.shape[0]!, x.shape[1]!];
  let id = gb.nextId();
  const qkv = add(
    {
      op: 'linear',
      inFeatures: e,
      outFeatures: 3 * e,
      weight: spec(ip, m.params.get('in_proj_weight'), id, 'weight', line)!,
      bias: spec(ip, m.params.get('in_proj_bias'), id, 'bias', line),
    },
    [x],
    [n, l, 3 * e],
  );
  const headsOf = (index: number): TensorVal => {
    const part = add({ op: 'split', dim: 2, sizes: [e, e, e], index }, [qkv], [n, l, e]);
    const r = add({ op: 'reshape', shape: [n, l, heads, d] }, [part], [n, l, heads, d]);
    return add({ op: 'permute', dims: [0, 2, 1, 3] }, [r], [n, heads, l, d]);
  };
  const q = add({ op: 'affine_const', factor: 1 / Math.sqrt(d) }, [headsOf(0)], [n, heads, l, d]);
  const kT = add({ op: 'permute', dims: [0, 1, 3, 2] }, [headsOf(1)], [n, heads, d, l]);
  const v = headsOf(2);
  let a = add({ op: 'matmul' }, [q, kT], [n, heads, l, l]);
  if (causal) a = add({ op: 'causal_mask' }, [a], a.shape);
  a = add({ op: 'softmax', dim: 3 }, [a], a.shape);
  a = add({ op: 'dropout', p }, [a], a.shape);
  const o = add({ op: 'matmul' }, [a, v], [n, heads, l, d]);
  const merged = add(
    { op: 'reshape', shape: [n, l, e] },
    [add({ op: 'permute', dims: [0, 2, 1, 3] }, [o], [n, l, heads, d])],
    [n, l, e],
  );
  const out = m.children.get('out_proj')!;
  id = gb.nextId();
  const y = add(
    {
      op: 'linear',
      inFeatures: e,
      outFeatures: e,
      weight: spec(ip, out.params.get('weight'), id, 'weight', line)!,
      bias: spec(ip, out.params.get('bias'), id, 'bias', line),
    },
    [merged],
    [n, l, e],
  );
  return batchFirst ? y : add({ op: 'permute', dims: [1, 0, 2] }, [y], [l, n, e]);
}

/** An initial hidden state of zeros (`init_hidden` → weight.new_zeros(…)) is torch's default. */
function zeroState(v: Value): boolean {
  if (v.t === 'init') return v.init.kind === 'zeros';
  if (v.t === 'tuple' || v.t === 'list') return v.items.every(zeroState);
  return false;
}

function rnn(ip: Interp, m: ModuleObj, x: TensorVal, pos: Value[], line: number): Value {
  const layer = m.layer!;
  const inp = cfgNum(m, 'input_size', line);
  const h = cfgNum(m, 'hidden_size', line);
  const layers = cfgNum(m, 'num_layers', line);
  const batchFirst = cfgBool(m, 'batch_first');
  const dropout = cfgNum(m, 'dropout', line);
  if (pos[1] && pos[1].t !== 'none' && !zeroState(pos[1]))
    throw new Decline(
      line,
      `${m.path}: an initial hidden state is not read (zeros are, by passing none)`,
    );
  if (x.shape.length !== 3 || x.shape[2] !== inp)
    throw new Decline(
      line,
      `${m.path} expects (…, ${inp}) sequences, gets (${x.shape.join(', ')})`,
      true,
    );
  const nl = m.cfg.get('nonlinearity');
  const mode =
    layer === 'LSTM'
      ? 'lstm'
      : layer === 'GRU'
        ? 'gru'
        : nl?.t === 'str' && nl.v === 'relu'
          ? 'rnn_relu'
          : 'rnn_tanh';
  const inits = [...m.params.values()].filter((p): p is ParamObj => p !== null);
  const init = inits[0]!.init;
  if (inits.some((p) => JSON.stringify(p.init) !== JSON.stringify(init))) {
    throw new Decline(
      line,
      `${m.path}: different inits for the weights of one ${layer} are not read`,
    );
  }
  const gb = g(ip, line);
  const shape = [x.shape[0]!, x.shape[1]!, h];
  const bias = cfgBool(m, 'bias');
  let out: TensorVal;
  if (cfgBool(m, 'bidirectional')) {
    // Each layer runs forward and over the reversed sequence; torch concatenates the two per step.
    const time = batchFirst ? 1 : 0;
    const add = (op: Op, inputs: TensorVal[], sh: readonly number[]) =>
      gb.add(op, inputs, sh, line, m.kind, m.path);
    const reverse = (t: TensorVal): TensorVal => {
      const n = t.shape[time]!;
      const step = t.shape.map((v, i) => (i === time ? 1 : v));
      const pieces = Array.from({ length: n }, (_, i) =>
        add({ op: 'slice', dim: time, start: n - 1 - i, end: n - i, step: 1 }, [t], step),
      );
      return add({ op: 'concat', dim: time }, pieces, t.shape);
    };
    out = x;
    for (let l = 0; l < layers; l++) {
      if (l > 0 && dropout > 0) out = add({ op: 'dropout', p: dropout }, [out], out.shape);
      const cell: Op = {
        op: 'rnn',
        mode,
        inputSize: l === 0 ? inp : 2 * h,
        hiddenSize: h,
        numLayers: 1,
        bias,
        batchFirst,
        init,
      };
      const fwd = add(cell, [out], shape);
      const bwd = reverse(add(cell, [reverse(out)], shape));
      out = add({ op: 'concat', dim: 2 }, [fwd, bwd], [shape[0]!, shape[1]!, 2 * h]);
    }
  } else {
    // One node for the whole stack: the op drops between layers as torch does (dropout=p).
    const op: Op = {
      op: 'rnn',
      mode,
      inputSize: inp,
      hiddenSize: h,
      numLayers: layers,
      bias,
      batchFirst,
      init,
      ...(dropout > 0 && layers > 1 ? { dropout } : {}),
    };
    out = gb.add(op, [x], shape, line, m.kind, m.path);
  }
  const hidden: Value = { t: 'opaque', what: `the final hidden state of ${m.path || layer}` };
  return tuple([out, layer === 'LSTM' ? tuple([hidden, hidden]) : hidden]);
}

// ---------------------------------------------------------------------------------------------
// Shape operations.

export function normDim(d: number, rank: number, line: number): number {
  const r = d < 0 ? d + rank : d;
  if (!Number.isInteger(r) || r < 0 || r >= rank)
    throw new Decline(line, `dim ${d} out of range for a rank-${rank} tensor`, true);
  return r;
}

function reshape(
  ip: Interp,
  x: TensorVal,
  dims: number[],
  line: number,
  kind?: string,
  row?: string,
): TensorVal {
  const total = x.shape.reduce((a, b) => a * b, 1);
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const free = dims.filter((d) => d === -1).length;
  if (free > 1 || dims.some((d) => !Number.isInteger(d) || d < -1))
    throw new Decline(line, `view/reshape to (${dims.join(', ')})`);
  const shape = dims.map((d) => (d === -1 ? total / known : d));
  if (shape.reduce((a, b) => a * b, 1) !== total || !shape.every(Number.isInteger)) {
    throw new Decline(
      line,
      `cannot view a (${x.shape.join(', ')}) tensor as (${dims.join(', ')})`,
      true,
    );
  }
  return g(ip, line).add({ op: 'reshape', shape: dims }, [x], shape, line, kind ?? 'reshape', row);
}

function flatten(
  ip: Interp,
  x: TensorVal,
  start: number,
  end: number,
  line: number,
  kind?: string,
  row?: string,
): TensorVal {
  const s = x.shape;
  if (s.length === 0) return x;
  const a = normDim(start, s.length, line);
  const b = normDim(end, s.length, line);
  const shape = [...s.slice(0, a), s.slice(a, b + 1).reduce((p, q) => p * q, 1), ...s.slice(b + 1)];
  return g(ip, line).add(
    { op: 'flatten', startDim: a, endDim: b },
    [x],
    shape,
    line,
    kind ?? 'flatten',
    row,
  );
}

function permute(ip: Interp, x: TensorVal, dims: number[], line: number): TensorVal {
  const d = dims.map((v) => normDim(v, x.shape.length, line));
  if (d.length !== x.shape.length || new Set(d).size !== d.length)
    throw new Decline(line, `permute(${dims.join(', ')}) of a rank-${x.shape.length} tensor`);
  return g(ip, line).add(
    { op: 'permute', dims: d },
    [x],
    d.map((i) => x.shape[i]!),
    line,
    'permute',
  );
}

/** A pool's (N, C, …) input shape, or the decline for an input of another rank. */
function poolInputShape(x: TensorVal, dims: 1 | 2, line: number, label: string): readonly number[] {
  const s = x.shape;
  if (s.length !== dims + 2)
    throw new Decline(
      line,
      `${label} expects a rank-${dims + 2} input, gets (${s.join(', ')})`,
      true,
    );
  return s;
}

function pool(
  ip: Interp,
  kind: 'max' | 'avg',
  dims: 1 | 2,
  x: TensorVal,
  get: (i: number, name: string) => Value | undefined,
  line: number,
  label: string,
  row?: string,
): TensorVal {
  const s = poolInputShape(x, dims, line, label);
  const k = intsOf(get(0, 'kernel_size'), dims, `${label}: kernel_size`, line);
  const stV = get(1, 'stride');
  const st =
    !stV || stV.t === 'none' || (isSeq(stV) && stV.items.length === 0)
      ? k
      : intsOf(stV, dims, `${label}: stride`, line);
  const pad = intsOf(get(2, 'padding') ?? I(0), dims, `${label}: padding`, line);
  const ceilV = kind === 'max' ? get(5, 'ceil_mode') : get(3, 'ceil_mode');
  const ceil = ceilV?.t === 'bool' && ceilV.v;
  if (kind === 'max') {
    const dil = get(3, 'dilation');
    if (dil && numeric(dil) !== 1) throw new Decline(line, `${label}: dilation is not read`);
  }
  const cip = kind === 'avg' ? get(4, 'count_include_pad') : undefined;
  const out = s.slice(2).map((h, i) => {
    const v = (h + 2 * pad[i]! - k[i]!) / st[i]! + 1;
    let o = ceil ? Math.ceil(v) : Math.floor(v);
    if (ceil && (o - 1) * st[i]! >= h + pad[i]!) o--;
    return o;
  });
  if (out.some((o) => o < 1))
    throw new Decline(
      line,
      `${label}: input (${s.join(', ')}) is too small for kernel ${k.join('×')}`,
      true,
    );
  const op: Op = {
    op: 'pool',
    kind,
    dims,
    kernel: k,
    stride: st,
    padding: pad,
    ...(ceil ? { ceilMode: true } : {}),
    ...(cip?.t === 'bool' ? { countIncludePad: cip.v } : {}),
  };
  return g(ip, line).add(op, [x], [s[0]!, s[1]!, ...out], line, label, row);
}

function adaptivePool(
  ip: Interp,
  kind: 'max' | 'avg',
  dims: 1 | 2,
  x: TensorVal,
  size: Value,
  line: number,
  label: string,
  row?: string,
): TensorVal {
  const s = poolInputShape(x, dims, line, label);
  const items = isSeq(size) ? size.items : Array.from({ length: dims }, () => size);
  const out = items.map((v, i) => (v.t === 'none' ? s[2 + i]! : numeric(v)));
  if (out.some((o) => o === undefined || !Number.isInteger(o)))
    throw new Decline(line, `${label}: output_size=${show(size)}`);
  return g(ip, line).add(
    { op: 'adaptive_pool', kind, dims, outputSize: out as number[] },
    [x],
    [s[0]!, s[1]!, ...(out as number[])],
    line,
    label,
    row,
  );
}

function upsample(
  ip: Interp,
  x: TensorVal,
  scale: Value | undefined,
  mode: Value | undefined,
  size: Value | undefined,
  line: number,
  kind: string,
  row?: string,
): TensorVal {
  if (mode && mode.t === 'str' && mode.v !== 'nearest')
    throw new Decline(line, `upsampling mode='${mode.v}' is not read (nearest is)`);
  const dims = x.shape.length - 2;
  if (dims !== 1 && dims !== 2)
    throw new Decline(line, `upsampling a rank-${x.shape.length} tensor`);
  let sc: number[];
  if (scale && scale.t !== 'none')
    sc = intsOf(isSeq(scale) ? scale : int(numeric(scale) ?? NaN), dims, 'scale_factor', line);
  else if (size && size.t !== 'none') {
    const want = intsOf(size, dims, 'size', line);
    sc = want.map((w, i) => w / x.shape[2 + i]!);
    if (!sc.every(Number.isInteger))
      throw new Decline(line, 'upsampling to a size that is not an integer multiple');
  } else throw new Decline(line, 'upsampling without scale_factor or size');
  return g(ip, line).add(
    { op: 'upsample', dims: dims as 1 | 2, scale: sc },
    [x],
    [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map((h, i) => h * sc[i]!)],
    line,
    kind,
    row,
  );
}

function broadcast(a: readonly number[], b: readonly number[], line: number): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1)
      throw new Decline(
        line,
        `shapes (${a.join(', ')}) and (${b.join(', ')}) do not broadcast`,
        true,
      );
    out.push(Math.max(x, y));
  }
  return out;
}

/** x expanded to `shape` by concatenating copies (the graph has no expand op; gradients sum the same). */
function expandTo(ip: Interp, x: TensorVal, shape: readonly number[], line: number): TensorVal {
  let t = x;
  if (t.shape.length < shape.length)
    t = reshape(
      ip,
      t,
      [...Array.from({ length: shape.length - t.shape.length }, () => 1), ...t.shape],
      line,
    );
  for (let d = 0; d < shape.length; d++) {
    const want = shape[d]!;
    if (t.shape[d] === want) continue;
    if (t.shape[d] !== 1 || want > 4096)
      throw new Decline(line, `expanding (${x.shape.join(', ')}) to (${shape.join(', ')})`, true);
    const copies = Array.from({ length: want }, () => t);
    const s = [...t.shape];
    s[d] = want;
    t = g(ip, line).add({ op: 'concat', dim: d }, copies, s, line, 'expand');
  }
  return t;
}

function affine(ip: Interp, x: TensorVal, factor: number, offset: number, line: number): TensorVal {
  return g(ip, line).add(
    offset === 0 ? { op: 'affine_const', factor } : { op: 'affine_const', factor, offset },
    [x],
    x.shape,
    line,
    'affine',
  );
}

export function tensorUnary(ip: Interp, op: string, v: Value, line: number): Value {
  if (v.t === 'const' && (op === '-' || op === '+')) return op === '-' ? constUnary('neg', v)! : v;
  const x = asTensor(ip, v, line);
  if (op === '-') return affine(ip, x, -1, 0, line);
  if (op === '+') return x;
  throw new Decline(line, `\`${op}\` on a tensor is not read`);
}

export function tensorBinary(ip: Interp, op: string, a: Value, b: Value, line: number): Value {
  if (a.t === 'bernoulli' || b.t === 'bernoulli') return noiseTimes(ip, op, a, b, line);
  if (a.t === 'const' || b.t === 'const' || a.t === 'arange' || b.t === 'arange') {
    // Computed tensors combine into computed tensors (RegNet's `torch.arange(d) * w_a + w_0`).
    const ca = toConst(a);
    const cb = toConst(b);
    const r = ca && cb ? constBinary(op, ca, cb, line) : undefined;
    if (r) return r;
  }
  if (
    (a.t === 'init' && (b.t === 'tensor' || b.t === 'param')) ||
    (b.t === 'init' && (a.t === 'tensor' || a.t === 'param'))
  ) {
    const t = a.t === 'init' ? a : (b as Extract<Value, { t: 'init' }>);
    // `x + torch.zeros(…)` keeps its broadcast below; other factories meet tensors as nodes.
    if (!(op === '+' && t.init.kind === 'zeros'))
      return tensorBinary(
        ip,
        op,
        a.t === 'init' ? asTensor(ip, a, line) : a,
        b.t === 'init' ? asTensor(ip, b, line) : b,
        line,
      );
  }
  // Factories combined with numbers before they become Parameters: torch.randn(…) * 0.02.
  if (a.t === 'init' || b.t === 'init') {
    const t = a.t === 'init' ? a : (b as Extract<Value, { t: 'init' }>);
    const other = a.t === 'init' ? b : a;
    const k = numeric(other);
    if (k !== undefined && (op === '*' || (op === '/' && a.t === 'init'))) {
      const f = op === '*' ? k : 1 / k;
      const init = t.init;
      if (init.kind === 'normal')
        return {
          ...t,
          init: { kind: 'normal', mean: (init.mean ?? 0) * f, std: init.std * Math.abs(f) },
        };
      if (init.kind === 'uniform')
        return {
          ...t,
          init: {
            kind: 'uniform',
            low: Math.min(init.low * f, init.high * f),
            high: Math.max(init.low * f, init.high * f),
          },
        };
      if (init.kind === 'zeros') return t;
      if (init.kind === 'ones') return { ...t, init: { kind: 'constant', value: f } };
      if (init.kind === 'constant')
        return { ...t, init: { kind: 'constant', value: init.value * f } };
    }
    if (op === '+' && t.init.kind === 'zeros' && (other.t === 'tensor' || other.t === 'param')) {
      const x = asTensor(ip, other, line);
      return expandTo(ip, x, broadcast(x.shape, t.shape, line), line);
    }
    // Buffers of known values (FrozenBatchNorm2d's running_var + eps) stay computed.
    const [ca, cb] = [toConst(a), toConst(b)];
    const known = ca && cb ? constBinary(op, ca, cb, line) : undefined;
    if (known) return known;
    throw new Decline(line, `\`${op}\` on a constant tensor (${show(a)}, ${show(b)}) is not read`);
  }
  const ka = numeric(a);
  const kb = numeric(b);
  if (ka !== undefined || kb !== undefined) {
    const x = asTensor(ip, ka !== undefined ? b : a, line);
    const k = (ka ?? kb)!;
    const left = ka !== undefined;
    switch (op) {
      case '+':
        return affine(ip, x, 1, k, line);
      case '-':
        return left ? affine(ip, x, -1, k, line) : affine(ip, x, 1, -k, line);
      case '*':
        return affine(ip, x, k, 0, line);
      case '/':
        if (!left) return affine(ip, x, 1 / k, 0, line);
        break;
      case '**':
        if (!left && k === 1) return x;
        if (!left && (k === 2 || k === 3 || k === 4)) return power(ip, x, k, line);
        break;
      default:
        break;
    }
    throw new Decline(
      line,
      `\`${op}\` between a number and a tensor (${left ? `${k} ${op} x` : `x ${op} ${k}`}) is not read`,
    );
  }
  const cb = toConst(b);
  if (op === '/' && cb) {
    // Division by a computed tensor is a product with its reciprocal.
    return tensorBinary(ip, '*', a, constBinary('/', makeConst([], [1], line), cb, line)!, line);
  }
  const x = asTensor(ip, a, line);
  const y = asTensor(ip, b, line);
  switch (op) {
    case '+':
      return g(ip, line).add({ op: 'add' }, [x, y], broadcast(x.shape, y.shape, line), line, 'add');
    case '-': {
      const ny = affine(ip, y, -1, 0, line);
      return g(ip, line).add(
        { op: 'add' },
        [x, ny],
        broadcast(x.shape, y.shape, line),
        line,
        'sub',
      );
    }
    case '*':
      return g(ip, line).add({ op: 'mul' }, [x, y], broadcast(x.shape, y.shape, line), line, 'mul');
    case '@':
      return matmul(ip, x, y, line);
    default:
      throw new Decline(line, `\`${op}\` between two tensors is not read`);
  }
}

/** `x * noise` with stochastic depth's Bernoulli noise (torchvision's stochastic_depth, timm's
 * drop_path): one bernoulli_mask node. */
function noiseTimes(ip: Interp, op: string, a: Value, b: Value, line: number): Value {
  const noise = (a.t === 'bernoulli' ? a : b) as Extract<Value, { t: 'bernoulli' }>;
  const other = a.t === 'bernoulli' ? b : a;
  const k = numeric(other);
  if (k !== undefined && (op === '*' || (op === '/' && a.t === 'bernoulli')))
    return { ...noise, scale: op === '*' ? noise.scale * k : noise.scale / k };
  if (op !== '*') throw new Decline(line, `\`${op}\` with a Bernoulli noise tensor is not read`);
  const x = asTensor(ip, other, line);
  const shape = broadcast(x.shape, noise.shape, line);
  if (shape.join() !== x.shape.join())
    throw new Decline(line, `noise (${noise.shape.join(', ')}) is larger than the tensor`, true);
  return g(ip, line).add(
    { op: 'bernoulli_mask', keep: noise.keep, scale: noise.scale, maskShape: noise.shape },
    [x],
    x.shape,
    line,
    'bernoulli_mask',
  );
}

function runEinops(
  ip: Interp,
  kind: 'rearrange' | 'repeat' | 'reduce',
  x: TensorVal,
  pattern: string,
  sizes: Map<string, number>,
  reduction: string | undefined,
  line: number,
  label: string,
  row?: string,
): TensorVal {
  const gb = g(ip, line);
  return einops(ip, kind, x, pattern, sizes, reduction, line, {
    reshape: (t, shape) => gb.add({ op: 'reshape', shape }, [t], shape, line, label, row),
    permute: (t, dims) =>
      gb.add(
        { op: 'permute', dims },
        [t],
        dims.map((i) => t.shape[i]!),
        line,
        label,
        row,
      ),
    reduce: (t, dims, how) =>
      gb.add(
        { op: 'reduce', kind: how, dims, keepdim: false },
        [t],
        t.shape.filter((_, i) => !dims.includes(i)),
        line,
        label,
        row,
      ),
    expand: (t, shape) => expandTo(ip, t, shape, line),
  });
}

/** GLU: a ⊙ σ(b) with a, b the halves of x along `dim` (all its nodes share the module's row). */
function glu(
  ip: Interp,
  x: TensorVal,
  dim: number,
  line: number,
  kind: string,
  row?: string,
): TensorVal {
  const d = normDim(dim, x.shape.length, line);
  const n = x.shape[d]!;
  if (n % 2 !== 0) throw new Decline(line, `GLU halves dim ${d} of size ${n}`, true);
  const shape = x.shape.map((v, i) => (i === d ? n / 2 : v));
  const gb = g(ip, line);
  const a = gb.add(
    { op: 'split', dim: d, sizes: [n / 2, n / 2], index: 0 },
    [x],
    shape,
    line,
    kind,
    row,
  );
  const b = gb.add(
    { op: 'split', dim: d, sizes: [n / 2, n / 2], index: 1 },
    [x],
    shape,
    line,
    kind,
    row,
  );
  const s = gb.add({ op: 'activation', id: 'sigmoid' }, [b], shape, line, kind, row);
  return gb.add({ op: 'mul' }, [a, s], shape, line, kind, row);
}

/** x ** k for small integer k, as products (the graph has no pow op). */
function power(ip: Interp, x: TensorVal, k: number, line: number): TensorVal {
  let t = x;
  for (let i = 1; i < k; i++) t = g(ip, line).add({ op: 'mul' }, [t, x], x.shape, line, 'pow');
  return t;
}

function matmul(ip: Interp, x: TensorVal, y: TensorVal, line: number): TensorVal {
  const a = x.shape;
  const b = y.shape;
  if (a.length < 2 || b.length < 2) throw new Decline(line, 'matmul of a vector is not read');
  if (a[a.length - 1] !== b[b.length - 2])
    throw new Decline(line, `matmul of (${a.join(', ')}) and (${b.join(', ')})`, true);
  const lead = broadcast(a.slice(0, -2), b.slice(0, -2), line);
  return g(ip, line).add(
    { op: 'matmul' },
    [x, y],
    [...lead, a[a.length - 2]!, b[b.length - 1]!],
    line,
    'matmul',
  );
}

/**
 * torch.einsum of two tensors where every letter is a batch letter (both inputs and the output),
 * a contracted one (both inputs only) or belongs to one input and the output: a batched matmul
 * between permutes and reshapes ("b h i d, b h j d -> b h i j" is q @ kᵀ).
 */
function einsum2(ip: Interp, spec: string, x: TensorVal, y: TensorVal, line: number): TensorVal {
  const m = /^([^,]*),([^,]*)->(.*)$/.exec(spec.replace(/\s+/g, ''));
  const [a, b, o] = m ? [[...m[1]!], [...m[2]!], [...m[3]!]] : [[], [], []];
  const bad = (why: string): never => {
    throw new Decline(line, `torch.einsum('${spec}'): ${why}`);
  };
  if (!m) bad('only two operands with an explicit output are read');
  if (a.length !== x.shape.length || b.length !== y.shape.length)
    bad('subscripts do not match the ranks');
  for (const s of [a, b, o])
    if (new Set(s).size !== s.length || s.some((c) => !/[A-Za-z]/.test(c)))
      bad('repeated or non-letter subscripts are not read');
  const size = new Map<string, number>();
  for (const [letters, t] of [
    [a, x],
    [b, y],
  ] as const)
    letters.forEach((c, i) => {
      const n = t.shape[i]!;
      if (size.has(c) && size.get(c) !== n) bad(`${c} is ${size.get(c)} and ${n}`);
      size.set(c, n);
    });
  const batch = o.filter((c) => a.includes(c) && b.includes(c));
  const left = o.filter((c) => a.includes(c) && !b.includes(c));
  const right = o.filter((c) => b.includes(c) && !a.includes(c));
  const sum = a.filter((c) => b.includes(c) && !o.includes(c));
  if (o.some((c) => !a.includes(c) && !b.includes(c))) bad('an output letter is in no input');
  if ([...a, ...b].some((c) => !o.includes(c) && !sum.includes(c)))
    bad('a letter summed within one input is not read');
  const prod = (cs: readonly string[]): number => cs.reduce((p, c) => p * size.get(c)!, 1);
  const arrange = (
    t: TensorVal,
    letters: string[],
    order: string[],
    shape: number[],
  ): TensorVal => {
    const dims = order.map((c) => letters.indexOf(c));
    const moved = dims.every((d, i) => d === i) ? t : permute(ip, t, dims, line);
    return reshape(ip, moved, shape, line);
  };
  const bs = batch.map((c) => size.get(c)!);
  const xm = arrange(x, a, [...batch, ...left, ...sum], [...bs, prod(left), prod(sum)]);
  const ym = arrange(y, b, [...batch, ...sum, ...right], [...bs, prod(sum), prod(right)]);
  const mm = matmul(ip, xm, ym, line);
  const natural = [...batch, ...left, ...right];
  const out = reshape(
    ip,
    mm,
    natural.map((c) => size.get(c)!),
    line,
  );
  const dims = o.map((c) => natural.indexOf(c));
  return dims.every((d, i) => d === i) ? out : permute(ip, out, dims, line);
}

/** `module_list += [...]` (ModuleList.__iadd__ is extend). */
export function extendModules(ip: Interp, m: ModuleObj, v: Value, line: number): ModuleObj {
  for (const item of ip.iterate(v, line)) addChild(m, String(m.children.size), item, line);
  return m;
}

/** x[...] on tensors (and on the causal-mask buffer and ModuleList/Sequential indexing). */
export function tensorIndex(ip: Interp, obj: Value, key: Value, line: number): Value {
  if (obj.t === 'module') {
    const kids = [...obj.children.entries()];
    if (key.t === 'str') {
      const c = obj.children.get(key.v);
      if (c) return c;
    }
    if (key.t === 'num') {
      const i = key.v < 0 ? kids.length + key.v : key.v;
      const c = kids[i];
      if (c) return c[1];
    }
    if (key.t === 'slice' && obj.layer && obj.layer !== 'ModuleDict') {
      const { start, stop, step } = sliceBounds(kids.length, key, line);
      const out = makeLayer(ip, obj.layer, [], new Map(), line);
      for (let i = start; step > 0 ? i < stop : i > stop; i += step)
        out.children.set(String(out.children.size), kids[i]![1]);
      return out;
    }
    throw new Decline(line, `${obj.kind}[${show(key)}] is not read`);
  }
  if (obj.t === 'argparse' && key.t === 'str') return obj.defaults.get(key.v) ?? NONE;
  if (obj.t === 'const') {
    const r = constIndex(obj, key, line);
    if (r) return r;
  }
  if (obj.t === 'arange' && key.t === 'num') return constIndex(toConst(obj)!, key, line)!;
  if (obj.t === 'param' && !ip.g) {
    // Swin V2's `self.qkv.bias[length : 2 * length].data.zero_()`: an init of part of a tensor.
    throw new Decline(
      line,
      `indexing ${show(obj)} at construction (an init of part of it) is not read`,
    );
  }
  if (obj.t === 'param' && key.t === 'const' && obj.p.shape.length === 2) {
    // table[index] with a computed index (Swin's relative position bias): rows of a parameter,
    // which is an embedding lookup with constant ids.
    if (
      key.data.some((v, i) => !Number.isInteger(v) || v < 0 || v >= obj.p.shape[0]! || i > 1 << 22)
    )
      throw new Decline(line, 'indexing a parameter with values that are not row numbers');
    const ids = constNode(ip, key, line);
    const gb = g(ip, line);
    const id = gb.nextId();
    return gb.add(
      {
        op: 'embedding',
        numEmbeddings: obj.p.shape[0]!,
        embeddingDim: obj.p.shape[1]!,
        weight: gb.param(obj.p, id, 'weight', line),
      },
      [ids],
      [...key.shape, obj.p.shape[1]!],
      line,
      'index',
    );
  }
  if (obj.t === 'mask' || obj.t === 'arange') {
    // Slicing the causal mask buffer keeps it causal when both trailing dims are cut alike.
    const shape = indexShape(obj.shape, key, line);
    return { ...obj, shape };
  }
  const x = asTensor(ip, obj, line);
  const keys = key.t === 'tuple' ? key.items : [key];
  let t = x;
  let dim = 0;
  const ell = keys.findIndex((k) => k.t === 'ellipsis');
  const consumed = keys.filter((k) => k.t !== 'none' && k.t !== 'ellipsis').length;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k.t === 'ellipsis') {
      dim +=
        t.shape.length - dim - (consumed - keys.slice(0, ell).filter((q) => q.t !== 'none').length);
      continue;
    }
    if (k.t === 'none') {
      t = reshape(ip, t, [...t.shape.slice(0, dim), 1, ...t.shape.slice(dim)], line);
      dim++;
      continue;
    }
    if (dim >= t.shape.length) throw new Decline(line, 'too many indices for the tensor');
    const len = t.shape[dim]!;
    if (k.t === 'slice') {
      const { start, stop, step } = sliceBounds(len, k, line);
      if (step < 0) throw new Decline(line, 'negative slice steps are not read');
      const n = Math.max(0, Math.ceil((stop - start) / step));
      if (!(start === 0 && stop === len && step === 1)) {
        const s = [...t.shape];
        s[dim] = n;
        t = g(ip, line).add({ op: 'slice', dim, start, end: stop, step }, [t], s, line, 'slice');
      }
      dim++;
      continue;
    }
    if (k.t === 'list' && k.items.length === 1 && k.items[0]!.t === 'num') {
      // x[:, [-1], :] keeps the dim.
      const i0 = (k.items[0] as { v: number }).v;
      const st = i0 < 0 ? len + i0 : i0;
      const s = [...t.shape];
      s[dim] = 1;
      t = g(ip, line).add(
        { op: 'slice', dim, start: st, end: st + 1, step: 1 },
        [t],
        s,
        line,
        'slice',
      );
      dim++;
      continue;
    }
    const n = numeric(k);
    if (n !== undefined && Number.isInteger(n)) {
      const idx = n < 0 ? len + n : n;
      if (idx < 0 || idx >= len)
        throw new Decline(line, `index ${n} out of range for size ${len}`, true);
      t = g(ip, line).add(
        { op: 'select', dim, index: idx },
        [t],
        [...t.shape.slice(0, dim), ...t.shape.slice(dim + 1)],
        line,
        'select',
      );
      continue;
    }
    throw new Decline(line, `indexing a tensor with ${show(k)} is not read`);
  }
  return t;
}

function indexShape(shape: readonly number[], key: Value, line: number): number[] {
  const keys = key.t === 'tuple' ? key.items : [key];
  const out: number[] = [];
  let dim = 0;
  for (const k of keys) {
    if (k.t === 'none') {
      out.push(1);
      continue;
    }
    const len = shape[dim];
    if (len === undefined) throw new Decline(line, 'too many indices');
    if (k.t === 'slice') {
      const { start, stop, step } = sliceBounds(len, k, line);
      if (start !== 0 || step !== 1)
        throw new Decline(line, 'this slice of a mask buffer is not read');
      out.push(Math.max(0, stop - start));
    } else throw new Decline(line, `indexing a buffer with ${show(k)} is not read`);
    dim++;
  }
  return [...out, ...shape.slice(dim)];
}

// ---------------------------------------------------------------------------------------------
// Attributes of library values, tensors and parameters.

const DTYPES = new Set([
  'float32',
  'float',
  'float64',
  'double',
  'float16',
  'half',
  'bfloat16',
  'long',
  'int64',
  'int32',
  'int',
  'bool',
  'uint8',
  'int8',
  'int16',
  'complex64',
]);

export function libraryAttr(ip: Interp, v: Value, name: string, line: number): Value {
  if (v.t === 'builtin' && v.self === undefined) {
    if (name === '__name__') return str(v.name.split('.').pop() ?? v.name);
    const q = canonical(`${v.name}.${name}`);
    if (v.name === 'math' && name in MATH_CONSTANTS) return num(MATH_CONSTANTS[name]!, false);
    if (v.name === 'torch' && DTYPES.has(name)) return { t: 'opaque', what: `torch.${name}` };
    if (v.name === 'torch' && (name === 'inf' || name === 'pi' || name === 'e'))
      return num(name === 'inf' ? Infinity : name === 'pi' ? Math.PI : Math.E, false);
    if (v.name === 'numpy' && (name === 'inf' || name === 'pi'))
      return num(name === 'inf' ? Infinity : Math.PI, false);
    return { t: 'builtin', name: q };
  }
  if (v.t === 'tensor') {
    switch (name) {
      case 'shape':
        return tuple(v.shape.map(I));
      case 'ndim':
        return I(v.shape.length);
      case 'device':
        return { t: 'opaque', what: 'a device' };
      case 'dtype':
        return { t: 'opaque', what: v.int ? 'torch.long' : 'torch.float32' };
      case 'is_cuda':
        return FALSE;
      case 'T':
      case 'mT':
        return permute(
          ip,
          v,
          [...v.shape.keys()].map((i, _, all) =>
            i >= all.length - 2 ? all.length - 1 - (i - (all.length - 2)) : i,
          ),
          line,
        );
      default:
        return { t: 'builtin', name: `tensor.${name}`, self: v };
    }
  }
  if (v.t === 'param') {
    switch (name) {
      case 'data':
        return v;
      case 'shape':
        return tuple(v.p.shape.map(I));
      case 'ndim':
        return I(v.p.shape.length);
      case 'dtype':
        return { t: 'opaque', what: 'torch.float32' };
      case 'device':
        return { t: 'opaque', what: 'a device' };
      case 'requires_grad':
        return TRUE;
      default:
        return { t: 'builtin', name: `tensor.${name}`, self: v };
    }
  }
  if (
    v.t === 'mask' ||
    v.t === 'arange' ||
    v.t === 'init' ||
    v.t === 'const' ||
    v.t === 'bernoulli'
  ) {
    if (name === 'shape') return tuple(v.shape.map(I));
    if (name === 'ndim') return I(v.shape.length);
    if (name === 'dtype') return { t: 'opaque', what: 'torch.float32' };
    if (name === 'device') return { t: 'opaque', what: 'a device' };
    return { t: 'builtin', name: `tensor.${name}`, self: v };
  }
  if (v.t === 'opaque') {
    if (name === 'type') return { t: 'opaque', what: 'a device type' };
    throw new Decline(line, `${v.what}.${name} is not read`);
  }
  const py = pythonAttr(v, name);
  if (py) return py;
  throw new Decline(line, `${show(v)} has no attribute \`${name}\` this reader knows`);
}

// ---------------------------------------------------------------------------------------------
// Library calls.

function shapeArgs(ip: Interp, pos: readonly Value[], line: number, what: string): number[] {
  const items = pos.length === 1 && isSeq(pos[0]!) ? ip.iterate(pos[0]!, line) : [...pos];
  const ns = items.map((v) => numeric(v));
  if (ns.some((n) => n === undefined || !Number.isInteger(n) || n < 0))
    throw new Decline(line, `${what}: shape (${items.map(show).join(', ')}) is not known integers`);
  return ns as number[];
}

export function callLibrary(
  ip: Interp,
  rawName: string,
  self: Value | undefined,
  pos: Value[],
  kw: Kw,
  line: number,
): Value {
  const py = callPython(ip, rawName, self, pos, kw, line);
  if (py !== undefined) return py;
  // torchvision's usage logging and weights enums: no effect on the model built.
  if (/(^|\.)_log_api_usage_once$/.test(rawName)) return NONE;
  if (/\.verify$/.test(rawName) && pos.length === 1 && pos[0]!.t === 'none') return NONE;
  if (rawName === 'typing.cast' && pos.length === 2) return pos[1]!;
  if (rawName === '$partial' && self?.t === 'tuple') {
    const [fn, pre, preKw] = self.items as [Value, Value, Value];
    const merged = new Map(
      preKw.t === 'dict'
        ? [...preKw.entries.values()].map(
            ([k, v]) => [k.t === 'str' ? k.v : '', v] as [string, Value],
          )
        : [],
    );
    for (const [k, v] of kw) merged.set(k, v);
    return ip.call(fn, [...(pre.t === 'tuple' ? pre.items : []), ...pos], merged, line);
  }
  if (self?.t === 'module' && rawName.startsWith('module.'))
    return callModuleMethod(ip, rawName.slice(7), self, pos, kw, line);
  const name = canonical(rawName);
  if (self?.t === 'module' && name.endsWith('.__init__')) {
    const layer = name.slice('torch.nn.'.length, -'.__init__'.length);
    if (layer !== 'Module') initLayer(ip, self, layer, pos, kw, line);
    return NONE;
  }
  if (self && rawName.startsWith('tensor.'))
    return tensorMethod(ip, rawName.slice(7), self, pos, kw, line);
  const nnm = /^torch\.nn\.([A-Z]\w*)$/.exec(name);
  if (nnm) {
    const layer = nnm[1]!;
    if (layer === 'Parameter') return parameter(pos[0] ?? kw.get('data'), line);
    if (layer === 'Module') return makeLayer(ip, 'Identity', [], new Map(), line);
    if (PRELUDE_CLASSES.has(layer)) return ip.call(ip.preludeClass(layer, line), pos, kw, line);
    if (layer in LAYERS || activationSpelling(layer)) return makeLayer(ip, layer, pos, kw, line);
    throw new Decline(line, `nn.${layer} is not read`);
  }
  const init = /^(?:torch\.nn\.init|timm\.\w+(?:\.\w+)*|timm)\.(\w+?)_?$/.exec(name);
  if (init && (INIT_FUNCTIONS.has(init[1]!) || name.startsWith('torch.nn.init.'))) {
    if (init[1] === 'calculate_gain') {
      const a = new Args(name, pos, kw, line);
      const nl = a.get(0, 'nonlinearity');
      return num(calculateGainOf(nl, a.get(1, 'param'), line), false);
    }
    const target = pos[0] ?? kw.get('tensor');
    if (target?.t !== 'param')
      throw new Decline(line, `${name} on ${target ? show(target) : 'nothing'} (not a parameter)`);
    const a = new Args(name, pos.slice(1), kw, line);
    target.p.init = initSpec(init[1]!, (i, n) => a.get(i, n), line);
    target.p.uninitialised = false;
    return target;
  }
  if (name.startsWith('torch.nn.functional.')) return functional(ip, name.slice(20), pos, kw, line);
  if (name.startsWith('torch.')) return torchFunction(ip, name.slice(6), pos, kw, line);
  if (name === 'numpy.linspace' || name === 'numpy.arange') {
    // Constant schedules (MaxViT's stochastic-depth rates): the same values torch computes.
    const v = torchFunction(ip, name.slice(6), pos, kw, line);
    return v.t === 'list'
      ? makeConst(
          [v.items.length],
          v.items.map((i) => numeric(i)!),
          line,
        )
      : v;
  }
  const ein = /^einops\.(rearrange|repeat|reduce)$/.exec(name);
  if (ein) {
    const kind = ein[1] as 'rearrange' | 'repeat' | 'reduce';
    const pattern = pos[1] ?? kw.get('pattern');
    if (pattern?.t !== 'str') throw new Decline(line, `einops.${kind} without a literal pattern`);
    const red = kind === 'reduce' ? (pos[2] ?? kw.get('reduction')) : undefined;
    const sizes = new Map([...kw].filter(([k]) => k !== 'pattern' && k !== 'reduction'));
    const first = pos[0] ?? NONE;
    if (isSeq(first)) throw new Decline(line, `einops.${kind} of a list of tensors is not read`);
    const x = asTensor(ip, first, line);
    return runEinops(
      ip,
      kind,
      x,
      pattern.v,
      sizesOf(sizes, line),
      red?.t === 'str' ? red.v : undefined,
      line,
      `einops.${kind}`,
    );
  }
  const einLayer = /^einops\.layers\.torch\.(Rearrange|Reduce)$/.exec(name);
  if (einLayer) {
    const m = newModule(einLayer[1]!, line, { layer: '$einops' });
    const pattern = pos[0] ?? kw.get('pattern');
    if (pattern?.t !== 'str') throw new Decline(line, `${einLayer[1]} without a literal pattern`);
    m.cfg.set('pattern', pattern);
    const red = einLayer[1] === 'Reduce' ? (pos[1] ?? kw.get('reduction')) : undefined;
    if (red) m.cfg.set('reduction', red);
    for (const [k, v] of kw) if (k !== 'pattern' && k !== 'reduction') m.cfg.set(`size:${k}`, v);
    return m;
  }
  throw new Decline(line, `${rawName} is not read`);
}

function calculateGainOf(nl: Value | undefined, p: Value | undefined, line: number): number {
  if (nl?.t !== 'str') throw new Decline(line, 'calculate_gain of a non-literal');
  return calculateGain(nl.v, p ? numeric(p) : undefined, line);
}

function parameter(v: Value | undefined, line: number): Value {
  if (v?.t === 'init')
    return {
      t: 'param',
      p: { ...param(v.shape, v.init, line), ...(v.empty ? { uninitialised: true } : {}) },
    };
  if (v?.t === 'param') return v;
  if (v?.t === 'const' && v.data.length > 0 && v.data.every((x) => x === v.data[0])) {
    // nn.Parameter(torch.log(10 * torch.ones(h, 1, 1))): one value everywhere.
    return { t: 'param', p: param([...v.shape], { kind: 'constant', value: v.data[0]! }, line) };
  }
  throw new Decline(
    line,
    `nn.Parameter of ${v ? show(v) : 'nothing'} is not read (torch.zeros/ones/randn/rand/empty are)`,
  );
}

function torchFunction(ip: Interp, f: string, pos: Value[], kw: Kw, line: number): Value {
  const a = new Args(`torch.${f}`, pos, kw, line);
  const known = constFunction(ip, f, a, pos, kw, line);
  if (known) return known;
  switch (f) {
    case 'zeros':
    case 'ones':
    case 'randn':
    case 'rand':
    case 'empty':
    case 'full': {
      const shape = shapeArgs(ip, f === 'full' ? pos.slice(0, 1) : pos, line, `torch.${f}`);
      const init =
        f === 'zeros'
          ? ZEROS
          : f === 'ones'
            ? ONES
            : f === 'randn'
              ? NORMAL1
              : f === 'rand'
                ? ({ kind: 'uniform', low: 0, high: 1 } as const)
                : f === 'full'
                  ? ({ kind: 'constant', value: a.num(1, 'fill_value') } as const)
                  : ZEROS;
      return { t: 'init', shape, init, ...(f === 'empty' ? { empty: true } : {}) };
    }
    case 'zeros_like':
    case 'ones_like':
    case 'randn_like': {
      const s = shapeOf(pos[0]!, line);
      return {
        t: 'init',
        shape: s,
        init: f === 'zeros_like' ? ZEROS : f === 'ones_like' ? ONES : NORMAL1,
      };
    }
    case 'tril': {
      const x = pos[0];
      if (
        x?.t === 'init' &&
        x.init.kind === 'ones' &&
        x.shape.length === 2 &&
        x.shape[0] === x.shape[1] &&
        a.num(1, 'diagonal', 0) === 0
      ) {
        return { t: 'mask', shape: x.shape, zero: false };
      }
      throw new Decline(line, 'torch.tril of something other than torch.ones(n, n) is not read');
    }
    case 'linspace': {
      // A constant vector read as its values (timm's drop-path rates: `x.item() for x in …`).
      const a0 = a.num(0, 'start');
      const a1 = a.num(1, 'end');
      const n = a.int(2, 'steps');
      if (n < 0 || n > 100_000) throw new Decline(line, `torch.linspace with ${n} steps`);
      return {
        t: 'list',
        items: Array.from({ length: n }, (_, i) =>
          num(n === 1 ? a0 : a0 + ((a1 - a0) * i) / (n - 1), false),
        ),
      };
    }
    case 'arange': {
      const ns = pos.map((v) => numeric(v));
      if (ns.some((n) => n === undefined))
        throw new Decline(line, 'torch.arange with non-constant bounds');
      const [s0, s1, s2] = ns.length === 1 ? [0, ns[0]!, 1] : [ns[0]!, ns[1]!, ns[2] ?? 1];
      const len = Math.max(0, Math.ceil((s1 - s0) / s2));
      return { t: 'arange', shape: [len], start: s0, step: s2 };
    }
    case 'cat':
    case 'concat':
    case 'concatenate': {
      const xs = ip.iterate(a.get(0, 'tensors')!, line).map((v) => asTensor(ip, v, line));
      const first = xs[0];
      if (!first) throw new Decline(line, 'torch.cat of nothing');
      const d = normDim(a.int(1, 'dim', 0), first.shape.length, line);
      const shape = [...first.shape];
      shape[d] = 0;
      for (const x of xs) {
        if (
          x.shape.length !== first.shape.length ||
          x.shape.some((n, i) => i !== d && n !== first.shape[i])
        ) {
          throw new Decline(
            line,
            `torch.cat of (${first.shape.join(', ')}) and (${x.shape.join(', ')}) along ${d}`,
            true,
          );
        }
        shape[d]! += x.shape[d]!;
      }
      return g(ip, line).add({ op: 'concat', dim: d }, xs, shape, line, 'torch.cat');
    }
    case 'stack': {
      const xs = ip.iterate(a.get(0, 'tensors')!, line).map((v) => asTensor(ip, v, line));
      const first = xs[0];
      if (!first) throw new Decline(line, 'torch.stack of nothing');
      const d = normDim(a.int(1, 'dim', 0), first.shape.length + 1, line);
      const un = xs.map((x) =>
        reshape(ip, x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)], line),
      );
      const shape = [...first.shape.slice(0, d), xs.length, ...first.shape.slice(d)];
      return g(ip, line).add({ op: 'concat', dim: d }, un, shape, line, 'torch.stack');
    }
    case 'flatten':
      return flatten(
        ip,
        asTensor(ip, pos[0]!, line),
        a.int(1, 'start_dim', 0),
        a.int(2, 'end_dim', -1),
        line,
        'torch.flatten',
      );
    case 'matmul':
    case 'bmm':
    case 'mm':
      return matmul(ip, asTensor(ip, pos[0]!, line), asTensor(ip, pos[1]!, line), line);
    case 'transpose':
    case 'swapaxes':
    case 'permute':
    case 'reshape':
    case 'softmax':
    case 'log_softmax':
    case 'mean':
    case 'sum':
    case 'split':
    case 'chunk':
    case 'unsqueeze':
    case 'squeeze':
    case 'add':
    case 'mul':
      return tensorMethod(ip, f, pos[0]!, pos.slice(1), kw, line);
    case 'pow':
    case 'square': {
      const k = f === 'square' ? 2 : numeric(a.get(1, 'exponent') ?? NONE);
      if (k === undefined || ![1, 2, 3, 4].includes(k))
        throw new Decline(line, 'torch.pow with an exponent other than 1–4');
      return power(ip, asTensor(ip, pos[0]!, line), k, line);
    }
    case 'no_grad':
    case 'inference_mode':
    case 'device':
      return { t: 'opaque', what: `torch.${f}()` };
    case 'cuda.is_available':
    case 'backends.mps.is_available':
      return FALSE;
    case 'manual_seed':
      return NONE;
    case 'tensor':
    case 'as_tensor': {
      const n = numeric(pos[0]!);
      if (n !== undefined) return num(n);
      break;
    }
    case 'sqrt':
    case 'exp':
    case 'log': {
      const n = numeric(pos[0]!);
      if (n !== undefined)
        return num(f === 'sqrt' ? Math.sqrt(n) : f === 'exp' ? Math.exp(n) : Math.log(n), false);
      break;
    }
    default:
      break;
  }
  if (spellingsNamed(`torch.${f}`).length) {
    return activation(
      ip,
      `torch.${f}`,
      litArgs(pos, kw),
      asTensor(ip, pos[0]!, line),
      line,
      `torch.${f}`,
    );
  }
  throw new Decline(line, `torch.${f} is not read`);
}

/** torch.roll along one dim: the last `shift` entries moved to the front, as two slices. */
function roll(ip: Interp, x: TensorVal, shift: number, dim: number, line: number): TensorVal {
  const d = normDim(dim, x.shape.length, line);
  const n = x.shape[d]!;
  const s = ((shift % n) + n) % n;
  if (s === 0) return x;
  const gb = g(ip, line);
  const part = (start: number, end: number): TensorVal => {
    const shape = [...x.shape];
    shape[d] = end - start;
    return gb.add({ op: 'slice', dim: d, start, end, step: 1 }, [x], shape, line, 'torch.roll');
  };
  return gb.add(
    { op: 'concat', dim: d },
    [part(n - s, n), part(0, n - s)],
    x.shape,
    line,
    'torch.roll',
  );
}

/** torch functions of computed tensors (positions, tables), and torch.exp of a tensor. */
function constFunction(
  ip: Interp,
  f: string,
  a: Args,
  pos: Value[],
  kw: Kw,
  line: number,
): Value | undefined {
  const first = pos[0];
  const c0 = first && first.t !== 'num' && first.t !== 'bool' ? toConst(first) : undefined;
  switch (f) {
    case 'meshgrid': {
      const xs = (pos.length === 1 && isSeq(pos[0]!) ? ip.iterate(pos[0]!, line) : pos).map(
        toConst,
      );
      if (xs.some((x) => !x)) return undefined;
      const ix = kw.get('indexing');
      return constMeshgrid(xs as ConstVal[], ix?.t === 'str' ? ix.v : 'ij', line);
    }
    case 'stack':
    case 'cat':
    case 'concat': {
      const xs = ip.iterate(a.get(0, 'tensors')!, line).map(toConst);
      if (xs.length === 0 || xs.some((x) => !x || x.shape.length === 0)) return undefined;
      const d = a.int(1, 'dim', 0);
      const parts =
        f === 'stack' ? (xs as ConstVal[]).map((x) => constUnsqueeze(x, d)) : (xs as ConstVal[]);
      return constCat(parts, d, line);
    }
    case 'tensor':
    case 'as_tensor':
    case 'Tensor':
    case 'FloatTensor':
    case 'LongTensor':
      return first && first.t !== 'num' ? constFromNested(first, line) : undefined;
    case 'outer':
    case 'ger': {
      const y = toConst(pos[1] ?? NONE);
      if (!c0 || !y || c0.shape.length !== 1 || y.shape.length !== 1) return undefined;
      return constBinary('*', constUnsqueeze(c0, 1), constUnsqueeze(y, 0), line);
    }
    case 'eye': {
      const n = a.int(0, 'n');
      const m = pos[1] ? a.int(1, 'm') : n;
      return makeConst(
        [n, m],
        Array.from({ length: n * m }, (_, i) => (Math.floor(i / m) === i % m ? 1 : 0)),
        line,
      );
    }
    case 'einsum': {
      const spec = first?.t === 'str' ? first.v : undefined;
      const ops =
        pos.length === 2 && pos[1] && isSeq(pos[1]) ? ip.iterate(pos[1], line) : pos.slice(1);
      if (spec === undefined || ops.length !== 2) return undefined;
      return einsum2(ip, spec, asTensor(ip, ops[0]!, line), asTensor(ip, ops[1]!, line), line);
    }
    case 'roll': {
      if (first?.t !== 'tensor') return undefined;
      const shifts = a.get(1, 'shifts');
      const dims = a.get(2, 'dims');
      if (shifts === undefined || dims === undefined || dims.t === 'none') return undefined;
      const ss = dimsArg(ip, [isSeq(shifts) ? shifts : tuple([shifts])], line, 'torch.roll');
      const ds = dimsArg(ip, [isSeq(dims) ? dims : tuple([dims])], line, 'torch.roll');
      if (ss.length !== ds.length)
        throw new Decline(line, 'torch.roll with as many shifts as dims');
      return ss.reduce<TensorVal>((t, sh, i) => roll(ip, t, sh, ds[i]!, line), first);
    }
    case 'diff': {
      // Along the last dim, once (RegNet's stage boundaries).
      if (!c0 || c0.shape.length !== 1 || pos.length > 1 || kw.size > 0) return undefined;
      return makeConst(
        [Math.max(0, c0.data.length - 1)],
        c0.data.slice(1).map((v, i) => v - c0.data[i]!),
        line,
      );
    }
    case 'where': {
      const [cnd, x, y] = [0, 1, 2].map((i) => toConst(pos[i] ?? NONE));
      return cnd && x && y ? constWhere(cnd, x, y, line) : undefined;
    }
    case 'flatten':
    case 'permute':
    case 'reshape':
    case 'transpose':
    case 'unsqueeze':
    case 'squeeze':
    case 'sum':
    case 'mean':
    case 'masked_fill':
      return c0 ? constMethod(ip, f, c0, pos.slice(1), kw, line) : undefined;
    default:
      break;
  }
  if (c0) {
    const un = constUnary(f, c0);
    if (un) return un;
    const bin = BINARY_NAMES[f];
    const other = pos[1] ?? kw.get('other') ?? kw.get('exponent');
    const c1 = bin && other ? toConst(other) : undefined;
    if (bin && c1) return constBinary(bin, c0, c1, line);
  }
  if (f === 'pow' && first && numeric(first) !== undefined) {
    const e = toConst(pos[1] ?? NONE);
    if (e) return constBinary('**', toConst(first)!, e, line);
  }
  if (f === 'exp' && (first?.t === 'tensor' || first?.t === 'param')) {
    const x = asTensor(ip, first, line);
    return g(ip, line).add({ op: 'exp' }, [x], x.shape, line, 'torch.exp');
  }
  return undefined;
}

function shapeOf(v: Value, line: number): readonly number[] {
  if (v.t === 'tensor' || v.t === 'init' || v.t === 'mask' || v.t === 'arange' || v.t === 'const')
    return v.shape;
  if (v.t === 'param') return v.p.shape;
  throw new Decline(line, `${show(v)} has no shape`);
}

function litArgs(pos: readonly Value[], kw: Kw): CallArgs {
  return {
    positional: pos.map((v) =>
      v.t === 'tensor' || v.t === 'param' ? { kind: 'value', value: null } : literal(v),
    ),
    keywords: [...kw].map(([k, v]) => [k, literal(v)] as const),
  };
}

function functional(ip: Interp, f: string, pos: Value[], kw: Kw, line: number): Value {
  const a = new Args(`F.${f}`, pos, kw, line);
  const x = () => asTensor(ip, a.get(0, 'input')!, line, `the input of F.${f}`);
  switch (f) {
    case 'dropout1d':
    case 'dropout2d':
    case 'dropout3d': {
      const t = x();
      if (!a.bool(2, 'training', true)) return t;
      return g(ip, line).add(
        channelDropout(a.num(1, 'p', 0.5), t.shape),
        [t],
        t.shape,
        line,
        `F.${f}`,
      );
    }
    case 'dropout':
    case 'alpha_dropout': {
      const training = a.bool(2, 'training', true);
      const p = a.num(1, 'p', 0.5);
      if (!training) return x();
      const t = x();
      return g(ip, line).add(
        { op: f === 'dropout' ? 'dropout' : 'alpha_dropout', p },
        [t],
        t.shape,
        line,
        `F.${f}`,
      );
    }
    case 'max_pool1d':
    case 'max_pool2d':
    case 'avg_pool1d':
    case 'avg_pool2d': {
      const kind = f.startsWith('max') ? 'max' : 'avg';
      return pool(
        ip,
        kind,
        f.endsWith('1d') ? 1 : 2,
        x(),
        (i, n) => a.get(i + 1, n),
        line,
        `F.${f}`,
      );
    }
    case 'adaptive_avg_pool1d':
    case 'adaptive_avg_pool2d':
    case 'adaptive_max_pool1d':
    case 'adaptive_max_pool2d':
      return adaptivePool(
        ip,
        f.includes('max') ? 'max' : 'avg',
        f.endsWith('1d') ? 1 : 2,
        x(),
        a.get(1, 'output_size')!,
        line,
        `F.${f}`,
      );
    case 'softmax':
    case 'log_softmax': {
      const t = x();
      const d = a.get(1, 'dim');
      if (!d || d.t === 'none') throw new Decline(line, `F.${f} without dim is not read`);
      return g(ip, line).add(
        {
          op: 'softmax',
          dim: normDim(numeric(d)!, t.shape.length, line),
          ...(f === 'log_softmax' ? { log: true } : {}),
        },
        [t],
        t.shape,
        line,
        `F.${f}`,
      );
    }
    case 'layer_norm': {
      const t = x();
      const ns = shapeArgs(ip, [a.get(1, 'normalized_shape')!], line, 'F.layer_norm');
      const w = a.get(2, 'weight');
      const b = a.get(3, 'bias');
      const gb = g(ip, line);
      const id = gb.nextId();
      const ps = (v: Value | undefined, n: string) => {
        if (!v || v.t === 'none') return null;
        if (v.t !== 'param')
          throw new Decline(line, `F.layer_norm ${n} is ${show(v)}, not a parameter`);
        return gb.param(v.p, id, n, line);
      };
      return gb.add(
        {
          op: 'layer_norm',
          normalizedShape: ns,
          eps: a.num(4, 'eps', 1e-5),
          weight: ps(w, 'weight'),
          bias: ps(b, 'bias'),
        },
        [t],
        t.shape,
        line,
        'F.layer_norm',
      );
    }
    case 'linear': {
      const t = x();
      const w = a.get(1, 'weight');
      const b = a.get(2, 'bias');
      if (w?.t !== 'param' || w.p.shape.length !== 2)
        throw new Decline(line, 'F.linear with a weight that is not a parameter');
      const [o, i] = w.p.shape as [number, number];
      if (t.shape[t.shape.length - 1] !== i)
        throw new Decline(
          line,
          `F.linear expects ${i} features, gets (${t.shape.join(', ')})`,
          true,
        );
      const gb = g(ip, line);
      const id = gb.nextId();
      const bias = b && b.t === 'param' ? gb.param(b.p, id, 'bias', line) : null;
      return gb.add(
        {
          op: 'linear',
          inFeatures: i,
          outFeatures: o,
          weight: gb.param(w.p, id, 'weight', line),
          bias,
        },
        [t],
        [...t.shape.slice(0, -1), o],
        line,
        'F.linear',
      );
    }
    case 'scaled_dot_product_attention': {
      const q = asTensor(ip, a.get(0, 'query')!, line);
      const k = asTensor(ip, a.get(1, 'key')!, line);
      const v = asTensor(ip, a.get(2, 'value')!, line);
      const mask = a.get(3, 'attn_mask');
      if (mask && mask.t !== 'none')
        throw new Decline(
          line,
          'F.scaled_dot_product_attention with attn_mask is not read (is_causal is)',
        );
      const dp = a.num(4, 'dropout_p', 0);
      if (dp !== 0)
        throw new Decline(
          line,
          `dropout_p=${dp} inside F.scaled_dot_product_attention is not simulated`,
        );
      const causal = a.bool(5, 'is_causal', false);
      const sc = a.get(6, 'scale');
      const scale = sc && sc.t !== 'none' ? numeric(sc) : undefined;
      return g(ip, line).add(
        { op: 'sdpa', causal, ...(scale !== undefined ? { scale } : {}) },
        [q, k, v],
        [...q.shape.slice(0, -1), v.shape[v.shape.length - 1]!],
        line,
        'F.scaled_dot_product_attention',
      );
    }
    case 'interpolate':
    case 'upsample':
      return upsample(
        ip,
        x(),
        a.get(2, 'scale_factor'),
        a.get(3, 'mode'),
        a.get(1, 'size'),
        line,
        `F.${f}`,
      );
    case 'glu':
      return glu(ip, x(), a.int(1, 'dim', -1), line, 'F.glu');
    case 'pad': {
      const t = x();
      const pads = dimsArg(ip, [a.get(1, 'pad') ?? NONE], line, 'F.pad');
      const modeV = a.get(2, 'mode');
      const mode =
        modeV === undefined || modeV.t === 'none' ? 'constant' : modeV.t === 'str' ? modeV.v : '';
      if (mode !== 'constant' && mode !== 'reflect' && mode !== 'replicate')
        throw new Decline(line, `F.pad with mode ${modeV ? show(modeV) : ''} is not read`);
      const vV = a.get(3, 'value');
      const value = vV === undefined || vV.t === 'none' ? 0 : numeric(vV);
      if (value === undefined) throw new Decline(line, 'F.pad with a non-constant value');
      if (pads.length % 2 !== 0 || pads.length / 2 > t.shape.length)
        throw new Decline(
          line,
          `F.pad with ${pads.length} pad values on a rank-${t.shape.length} tensor`,
        );
      if (pads.every((p) => p === 0)) return t;
      const shape = [...t.shape];
      for (let k = 0; k < pads.length / 2; k++) {
        const d = shape.length - 1 - k;
        shape[d] = shape[d]! + pads[2 * k]! + pads[2 * k + 1]!;
      }
      return g(ip, line).add({ op: 'pad', pads, mode, value }, [t], shape, line, 'F.pad');
    }
    default:
      break;
  }
  if (spellingsNamed(`torch.nn.functional.${f}`).length) {
    return activation(ip, `torch.nn.functional.${f}`, litArgs(pos, kw), x(), line);
  }
  throw new Decline(line, `F.${f} is not read`);
}

function dimsArg(ip: Interp, pos: readonly Value[], line: number, what: string): number[] {
  const items = pos.length === 1 && isSeq(pos[0]!) ? ip.iterate(pos[0]!, line) : [...pos];
  const ns = items.map((v) => numeric(v));
  if (ns.some((n) => n === undefined || !Number.isInteger(n)))
    throw new Decline(line, `${what}(${items.map(show).join(', ')}) is not known integers`);
  return ns as number[];
}

/** Dropout1d/2d/3d: whole channels dropped, one draw per (sample, channel) ((C, L) unbatched). */
function channelDropout(p: number, s: readonly number[]): Op {
  const keep = 1 - p;
  const lead = s.length <= 2 ? 1 : 2;
  const maskShape = s.map((n, i) => (i < lead ? n : 1));
  return { op: 'bernoulli_mask', keep, scale: keep > 0 ? 1 / keep : 0, maskShape };
}

/** In-place and plain scaling of stochastic-depth noise (`noise.div_(survival_rate)`). */
function noiseMethod(
  m: string,
  self: Extract<Value, { t: 'bernoulli' }>,
  pos: readonly Value[],
  line: number,
): Value {
  const k = numeric(pos[0] ?? NONE);
  if (k !== undefined && ['div_', 'div', 'mul_', 'mul'].includes(m)) {
    const scale = m.startsWith('div') ? self.scale / k : self.scale * k;
    if (!m.endsWith('_')) return { ...self, scale };
    self.scale = scale;
    return self;
  }
  if (['to', 'float', 'type_as', 'detach'].includes(m)) return self;
  throw new Decline(line, `.${m}() on Bernoulli noise is not read`);
}

/** Methods of a computed tensor: computed when their result is known, else as graph nodes. */
function constMethod(
  ip: Interp,
  m: string,
  c: ConstVal,
  pos: Value[],
  kw: Kw,
  line: number,
): Value {
  const a = new Args(`.${m}`, pos, kw, line);
  const r = c.shape.length;
  const un = constUnary(m, c);
  if (un) return un;
  const bin = BINARY_NAMES[m.replace(/_$/, '')];
  if (bin) {
    const other = toConst(a.get(0, 'other') ?? NONE);
    const res = other ? constBinary(bin, c, other, line) : undefined;
    if (res && m.endsWith('_')) {
      c.data.splice(0, c.data.length, ...res.data);
      return c;
    }
    if (res) return res;
  }
  switch (m) {
    case 'size': {
      const d = a.get(0, 'dim');
      if (d !== undefined) return I(c.shape[normDim(numeric(d) ?? NaN, r, line)]!);
      return tuple(c.shape.map(I));
    }
    case 'dim':
      return I(r);
    case 'numel':
      return I(c.data.length);
    case 'item':
      if (c.data.length !== 1)
        throw new Decline(line, '.item() of a tensor of more than one entry');
      return num(c.data[0]!);
    case 'tolist':
      return constToList(c);
    case 'to':
    case 'cuda':
    case 'cpu':
    case 'type_as':
    case 'requires_grad_':
      return c;
    case 'view':
    case 'reshape':
      return constReshape(c, dimsArg(ip, pos, line, m), line);
    case 'flatten': {
      const s0 = normDim(a.int(0, 'start_dim', 0), Math.max(r, 1), line);
      const s1 = normDim(a.int(1, 'end_dim', -1), Math.max(r, 1), line);
      const mid = c.shape.slice(s0, s1 + 1).reduce((x, y) => x * y, 1);
      return constReshape(c, [...c.shape.slice(0, s0), mid, ...c.shape.slice(s1 + 1)], line);
    }
    case 'permute':
      return constPermute(c, dimsArg(ip, pos, line, m), line);
    case 'transpose': {
      const d0 = normDim(a.int(0, 'dim0'), r, line);
      const d1 = normDim(a.int(1, 'dim1'), r, line);
      const dims = [...c.shape.keys()];
      [dims[d0], dims[d1]] = [d1, d0];
      return constPermute(c, dims, line);
    }
    case 'unsqueeze':
      return constUnsqueeze(c, a.int(0, 'dim'));
    case 'squeeze': {
      const d = a.get(0, 'dim');
      const k = d === undefined ? undefined : normDim(numeric(d) ?? NaN, r, line);
      const shape = c.shape.filter((n, i) => !(n === 1 && (k === undefined || k === i)));
      return { t: 'const', shape, data: c.data };
    }
    case 'sum':
    case 'mean':
    case 'max':
    case 'min': {
      const dv = a.get(0, 'dim');
      const dims =
        dv === undefined || dv.t === 'none'
          ? undefined
          : dimsArg(ip, [isSeq(dv) ? dv : tuple([dv])], line, m);
      if ((m === 'max' || m === 'min') && dims) break;
      const res = constReduce(c, m, dims, a.bool(1, 'keepdim', false));
      return res.shape.length === 0 ? num(res.data[0]!) : res;
    }
    case 'masked_fill': {
      const mask = toConst(a.get(0, 'mask') ?? NONE);
      const v = numeric(a.get(1, 'value') ?? NONE);
      if (!mask || v === undefined) break;
      return constWhere(mask, makeConst([], [v], line), c, line);
    }
    default:
      break;
  }
  if (!ip.g) throw new Decline(line, `.${m}() of a computed tensor is not read`);
  return tensorMethod(ip, m, asTensor(ip, c, line), pos, kw, line);
}

function tensorMethod(
  ip: Interp,
  m: string,
  self: Value,
  pos: Value[],
  kw: Kw,
  line: number,
): Value {
  if (self.t === 'bernoulli') return noiseMethod(m, self, pos, line);
  if (self.t === 'init' && m === 'bernoulli_') {
    // stochastic_depth's `torch.empty(size).bernoulli_(survival_rate)`.
    const keep = new Args(m, pos, kw, line).num(0, 'p', 0.5);
    return { t: 'bernoulli', shape: self.shape, keep, scale: 1 };
  }
  if (self.t === 'tensor' && (m === 'new_empty' || m === 'new_zeros' || m === 'new_ones')) {
    // timm's drop_path: `x.new_empty(shape).bernoulli_(keep_prob)`.
    const shape = shapeArgs(ip, pos, line, m);
    return {
      t: 'init',
      shape,
      init: m === 'new_ones' ? ONES : ZEROS,
      ...(m === 'new_empty' ? { empty: true } : {}),
    };
  }
  if (self.t === 'const') return constMethod(ip, m, self, pos, kw, line);
  // Parameters re-initialised in place: w.data.normal_(0, 0.02), b.data.zero_().
  if (self.t === 'param' && (m === 'numel' || m === 'nelement'))
    return I(self.p.shape.reduce((x, y) => x * y, 1));
  if (self.t === 'param' && m === 'size') {
    const d = pos[0] ?? kw.get('dim');
    if (d !== undefined)
      return I(self.p.shape[normDim(numeric(d) ?? NaN, self.p.shape.length, line)]!);
    return tuple(self.p.shape.map(I));
  }
  if (self.t === 'param' && m === 'dim') return I(self.p.shape.length);
  if (self.t === 'param' && m === 'new_zeros') {
    return { t: 'init', shape: shapeArgs(ip, pos, line, m), init: ZEROS };
  }
  const initName = INIT_METHODS[m];
  if (initName && self.t === 'param') {
    const a = new Args(m, pos, kw, line);
    self.p.init = initSpec(
      initName,
      (i, n) => a.get(i, n === 'a' ? 'from' : n === 'b' ? 'to' : n),
      line,
    );
    self.p.uninitialised = false;
    return self;
  }
  if (self.t === 'init' && initName) {
    // torch.empty(1, n, d).normal_(std=0.02) before it becomes a Parameter.
    const a = new Args(m, pos, kw, line);
    return {
      t: 'init',
      shape: self.shape,
      init: initSpec(initName, (i, n) => a.get(i, n === 'a' ? 'from' : n === 'b' ? 'to' : n), line),
    };
  }
  if (self.t === 'init' || self.t === 'mask' || self.t === 'arange') {
    if (
      [
        'to',
        'float',
        'type_as',
        'cuda',
        'long',
        'view',
        'reshape',
        'contiguous',
        'detach',
      ].includes(m)
    ) {
      const known = toConst(self);
      if ((m === 'view' || m === 'reshape') && known && dimsArg(ip, pos, line, m).includes(-1))
        return constReshape(known, dimsArg(ip, pos, line, m), line);
      if (m === 'view' || m === 'reshape') {
        const shape = shapeArgs(ip, pos, line, m);
        const sameTail = shape.slice(-2).join() === self.shape.slice(-2).join();
        if (self.t === 'mask' && !sameTail)
          throw new Decline(line, `.${m}() of a causal mask that changes its last two dims`);
        return { ...self, shape };
      }
      return self;
    }
    if (m === 'new_zeros' || m === 'zero_') {
      return {
        t: 'init',
        shape: m === 'zero_' ? self.shape : shapeArgs(ip, pos, line, m),
        init: ZEROS,
      };
    }
    if (m === 'unsqueeze' && self.t === 'arange') {
      const d = normDim(numeric(pos[0]!) ?? 0, self.shape.length + 1, line);
      return { ...self, shape: [...self.shape.slice(0, d), 1, ...self.shape.slice(d)] };
    }
    if (m === 'size') return tuple(self.shape.map(I));
    const c = toConst(self);
    if (c) return constMethod(ip, m, c, pos, kw, line);
    if (m === 'masked_fill')
      throw new Decline(line, 'masked_fill on a constant tensor is not read');
    throw new Decline(line, `.${m}() on a constant tensor is not read`);
  }
  const a = new Args(`.${m}`, pos, kw, line);
  const x = asTensor(ip, self, line);
  const s = x.shape;
  const gb = () => g(ip, line);
  switch (m) {
    case 'size': {
      const d = a.get(0, 'dim');
      if (d !== undefined) return I(s[normDim(numeric(d)!, s.length, line)]!);
      return tuple(s.map(I));
    }
    case 'dim':
      return I(s.length);
    case 'numel':
      return I(s.reduce((p, q) => p * q, 1));
    case 'view':
    case 'reshape':
      return reshape(ip, x, dimsArg(ip, pos, line, m), line);
    case 'view_as':
    case 'reshape_as':
      return reshape(ip, x, [...shapeOf(pos[0]!, line)], line);
    case 'flatten':
      return flatten(ip, x, a.int(0, 'start_dim', 0), a.int(1, 'end_dim', -1), line);
    case 'permute':
      return permute(ip, x, dimsArg(ip, pos, line, m), line);
    case 'transpose':
    case 'swapaxes': {
      const d0 = normDim(a.int(0, 'dim0'), s.length, line);
      const d1 = normDim(a.int(1, 'dim1'), s.length, line);
      const dims = [...s.keys()];
      dims[d0] = d1;
      dims[d1] = d0;
      return permute(ip, x, dims, line);
    }
    case 't':
      if (s.length !== 2) throw new Decline(line, '.t() of a tensor that is not 2-D');
      return permute(ip, x, [1, 0], line);
    case 'contiguous':
    case 'float':
    case 'to':
    case 'type':
    case 'type_as':
    case 'cuda':
    case 'cpu':
    case 'clone':
      return x;
    case 'detach':
      throw new Decline(line, '.detach() in forward is not read (it stops gradients)');
    case 'unsqueeze': {
      const d = normDim(a.int(0, 'dim'), s.length + 1, line);
      return reshape(ip, x, [...s.slice(0, d), 1, ...s.slice(d)], line);
    }
    case 'squeeze': {
      const dv = a.get(0, 'dim');
      const keep = s.map((n, i) =>
        dv === undefined ? n !== 1 : i !== normDim(numeric(dv)!, s.length, line) || n !== 1,
      );
      return reshape(
        ip,
        x,
        s.filter((_, i) => keep[i]),
        line,
      );
    }
    case 'unbind': {
      const d = normDim(a.int(0, 'dim', 0), s.length, line);
      const shape = [...s.slice(0, d), ...s.slice(d + 1)];
      return tuple(
        Array.from({ length: s[d]! }, (_, index) =>
          gb().add({ op: 'select', dim: d, index }, [x], shape, line, m),
        ),
      );
    }
    case 'split':
    case 'chunk': {
      const d = normDim(a.int(1, 'dim', 0), s.length, line);
      const len = s[d]!;
      let sizes: number[];
      if (m === 'chunk') {
        const n = a.int(0, 'chunks');
        const each = Math.ceil(len / n);
        sizes = [];
        for (let r = len; r > 0; r -= each) sizes.push(Math.min(each, r));
      } else {
        const sv = a.get(0, 'split_size_or_sections') ?? a.get(0, 'split_size');
        if (sv && isSeq(sv)) sizes = dimsArg(ip, [sv], line, 'split');
        else {
          const each = numeric(sv ?? NONE);
          if (each === undefined || each <= 0)
            throw new Decline(line, '.split() size is not a known integer');
          sizes = [];
          for (let r = len; r > 0; r -= each) sizes.push(Math.min(each, r));
        }
      }
      if (sizes.reduce((p, q) => p + q, 0) !== len)
        throw new Decline(line, `split sizes ${sizes.join('+')} do not add up to ${len}`, true);
      return tuple(
        sizes.map((n, index) => {
          const sh = [...s];
          sh[d] = n;
          return gb().add({ op: 'split', dim: d, sizes, index }, [x], sh, line, m);
        }),
      );
    }
    case 'softmax':
    case 'log_softmax': {
      const d = a.get(0, 'dim');
      if (!d || d.t === 'none') throw new Decline(line, `.${m}() without dim is not read`);
      return gb().add(
        {
          op: 'softmax',
          dim: normDim(numeric(d)!, s.length, line),
          ...(m === 'log_softmax' ? { log: true } : {}),
        },
        [x],
        s,
        line,
        m,
      );
    }
    case 'mean':
    case 'sum': {
      const dv = a.get(0, 'dim');
      const keepdim = a.bool(1, 'keepdim', false);
      const dims =
        dv === undefined || dv.t === 'none'
          ? [...s.keys()]
          : dimsArg(ip, [isSeq(dv) ? dv : tuple([dv])], line, m).map((d) =>
              normDim(d, s.length, line),
            );
      const shape = keepdim
        ? s.map((n, i) => (dims.includes(i) ? 1 : n))
        : s.filter((_, i) => !dims.includes(i));
      return gb().add({ op: 'reduce', kind: m, dims, keepdim }, [x], shape, line, m);
    }
    case 'masked_fill': {
      const mask = a.get(0, 'mask');
      const v = numeric(a.get(1, 'value') ?? NONE);
      if (mask?.t === 'mask' && mask.zero && v === -Infinity) {
        const [r, c] = [s[s.length - 2], s[s.length - 1]];
        if (r !== c || mask.shape[mask.shape.length - 1] !== c)
          throw new Decline(line, 'a causal mask of another size than the scores', true);
        return gb().add({ op: 'causal_mask' }, [x], s, line, 'masked_fill');
      }
      const cm = mask ? toConst(mask) : undefined;
      if (cm && v !== undefined && Number.isFinite(v)) {
        // A computed mask (`idx > n`, Swin's window mask) with a finite fill: x·(1 − m) + v·m.
        const on = constUnary('bool', cm)!;
        if (broadcast(s, on.shape, line).join() !== s.join())
          throw new Decline(line, `a mask (${on.shape.join(', ')}) larger than the tensor`, true);
        const kept = tensorBinary(ip, '*', x, constUnary('logical_not', on)!, line);
        if (v === 0) return kept;
        return tensorBinary(
          ip,
          '+',
          kept,
          constBinary('*', on, makeConst([], [v], line), line)!,
          line,
        );
      }
      throw new Decline(
        line,
        '.masked_fill() is read only with a causal mask (tril == 0) and -inf, or a computed mask and a finite value',
      );
    }
    case 'matmul':
      return matmul(ip, x, asTensor(ip, pos[0]!, line), line);
    case 'add':
    case 'mul':
    case 'sub':
    case 'div':
      return tensorBinary(
        ip,
        m === 'add' ? '+' : m === 'mul' ? '*' : m === 'sub' ? '-' : '/',
        x,
        pos[0]!,
        line,
      );
    case 'exp':
      return gb().add({ op: 'exp' }, [x], s, line, '.exp()');
    case 'repeat_interleave': {
      // With an integer count: each entry r times along dim, as a new axis expanded and merged.
      const r = numeric(a.get(0, 'repeats') ?? NONE);
      const dv = a.get(1, 'dim');
      if (r === undefined || !Number.isInteger(r) || r < 1 || dv === undefined || dv.t === 'none')
        throw new Decline(
          line,
          '.repeat_interleave() other than an integer count along a dim is not read',
        );
      const d = normDim(numeric(dv) ?? NaN, s.length, line);
      if (r === 1) return x;
      const opened = [...s.slice(0, d + 1), 1, ...s.slice(d + 1)];
      const wide = expandTo(
        ip,
        reshape(ip, x, opened, line),
        [...s.slice(0, d + 1), r, ...s.slice(d + 1)],
        line,
      );
      return reshape(ip, wide, [...s.slice(0, d), s[d]! * r, ...s.slice(d + 1)], line);
    }
    case 'expand': {
      const want = dimsArg(ip, pos, line, 'expand').map((n, i, all) =>
        n === -1 ? s[s.length - all.length + i]! : n,
      );
      return expandTo(ip, x, want, line);
    }
    case 'repeat': {
      const reps = dimsArg(ip, pos, line, 'repeat');
      if (reps.length !== s.length || reps.some((r, i) => r !== 1 && s[i] !== 1))
        throw new Decline(line, '.repeat() other than of size-1 dims is not read');
      return expandTo(
        ip,
        x,
        s.map((n, i) => n * reps[i]!),
        line,
      );
    }
    default:
      break;
  }
  if (spellingsNamed(`torch.${m}`).length)
    return activation(ip, `torch.${m}`, litArgs([x, ...pos], kw), x, line, `.${m}()`);
  throw new Decline(line, `the tensor method .${m}() is not read`);
}
