/**
 * Reads neural-network models out of Python source with tree-sitter: PyTorch `nn.Sequential`
 * (nested, `OrderedDict` form), `nn.Module` subclasses whose `forward` applies `__init__`'s layers
 * in order, and Keras `Sequential` models (list form and `model.add(...)`).
 *
 * The result is plain data: one row per Linear/Dense with the activation and dropout that follow
 * it, each with its source line. Whatever is not understood is named in `notes` with what was
 * assumed, or the model is `declined` with the reason. Nothing here throws on any input.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { getActivation } from '../kernel/registry';
import { spellingsNamed } from '../kernel/spellings';
import { pythonBinaryOp } from '../language/pythonArith';
import { readImports } from '../language/pythonImports';
import { pythonParser } from '../language/treeSitter';
import { resolveCall, resolveString, type Resolved as Spelled } from '../language/resolve';
import type { CallArgs, Literal } from '../language/types';
import { KERAS_INITS, NEUTRAL, SHAPE_KEEPING, type InitName } from './modules';
import type { ModelFramework, ModelNote, ModelRow, ReadModel } from './types';

// ---------------------------------------------------------------------------------------------
// Items: what one layer expression means, before rows are formed.

type Item =
  | {
      kind: 'linear';
      line: number;
      spelling: string;
      name?: string;
      inF?: number;
      outF?: number;
      inText?: string;
      outText?: string;
      bias: boolean;
      init: InitName;
      biasInit: 'pytorch_default' | 'zeros';
    }
  | { kind: 'activation'; line: number; id: string; params: Record<string, number>; source: string }
  | { kind: 'dropout'; line: number; p: number; alpha: boolean; source: string }
  | { kind: 'neutral'; line: number; source: string }
  | { kind: 'flatten'; line: number; source: string }
  | { kind: 'input'; line: number; shape: (number | undefined)[]; source: string }
  | { kind: 'keep'; line: number; source: string; message: string }
  | { kind: 'opaque'; line: number; source: string; message: string };

const lineOf = (n: Node): number => n.startPosition.row + 1;

/** Source text for messages: one line, at most 60 characters. */
function snippet(n: Node): string {
  const t = n.text.replace(/\s+/g, ' ').trim();
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}

function named(n: Node | null | undefined): Node[] {
  return n ? n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [];
}

interface Args {
  pos: Node[];
  kw: Map<string, Node>;
  splat?: Node;
}

function argsOf(call: Node): Args {
  const out: Args = { pos: [], kw: new Map() };
  for (const a of named(call.childForFieldName('arguments'))) {
    if (a.type === 'keyword_argument') {
      const k = a.childForFieldName('name');
      const v = a.childForFieldName('value');
      if (k && v) out.kw.set(k.text, v);
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
      out.splat ??= a;
    } else {
      out.pos.push(a);
    }
  }
  return out;
}

function arg(a: Args, index: number, name: string): Node | undefined {
  return a.kw.get(name) ?? a.pos[index];
}

// ---------------------------------------------------------------------------------------------
// Names: import aliases decide what `nn.Linear` or `Dense` means.

const CONVENTIONAL: Readonly<Record<string, string>> = {
  nn: 'torch.nn',
  F: 'torch.nn.functional',
  torch: 'torch',
  tf: 'tensorflow',
  keras: 'keras',
  layers: 'keras.layers',
};

type Resolved =
  | {
      fw: 'pytorch';
      ns: 'nn' | 'functional' | 'torch';
      name: string;
      written: string;
      full: string;
    }
  | { fw: 'keras'; ns: 'keras' | 'tf'; name: string; written: string; full: string }
  | { fw: 'other'; name: string; written: string; full: string };

class Names {
  private readonly aliases = new Map<string, string>();
  private readonly wildcards: string[] = [];
  /** Conventional aliases used without an import, for the report. */
  readonly assumed = new Map<string, number>();

  constructor(root: Node) {
    // The file's imports, read by the one resolver the hover shares (src/language/pythonImports).
    const imports = readImports(root);
    for (const [name, modules] of imports.aliases) {
      const first = modules[0];
      if (first !== undefined) this.aliases.set(name, first);
    }
    this.wildcards.push(...imports.star);
  }

  /** The dotted name written at `n` (`nn.Linear`), or undefined if `n` is not a plain name. */
  static dotted(n: Node | null | undefined): string | undefined {
    if (!n) return undefined;
    if (n.type === 'identifier') return n.text;
    if (n.type === 'attribute') {
      const obj = Names.dotted(n.childForFieldName('object'));
      const attr = n.childForFieldName('attribute')?.text;
      return obj && attr ? `${obj}.${attr}` : undefined;
    }
    return undefined;
  }

  resolve(n: Node | null | undefined, line: number): Resolved | undefined {
    const written = Names.dotted(n);
    if (!written) return undefined;
    const dot = written.indexOf('.');
    const head = dot < 0 ? written : written.slice(0, dot);
    const rest = dot < 0 ? '' : written.slice(dot);
    let full: string | undefined;
    const alias = this.aliases.get(head);
    if (alias !== undefined) full = alias + rest;
    else {
      for (const w of this.wildcards) {
        const r = classify(`${w}.${written}`, written);
        if (r.fw !== 'other') return r;
      }
      const conv = CONVENTIONAL[head];
      if (conv !== undefined && rest !== '') {
        full = conv + rest;
        if (!this.assumed.has(head)) this.assumed.set(head, line);
      } else full = written;
    }
    return classify(full, written);
  }

  noteAssumed(notes: ModelNote[]): void {
    for (const [head, line] of this.assumed) {
      notes.push({
        line,
        message: `no import of \`${head}\` in this file: assumed \`${CONVENTIONAL[head]}\` (the usual alias, e.g. imported in another notebook cell)`,
      });
    }
    this.assumed.clear();
  }
}

function classify(full: string, written: string): Resolved {
  let f = full;
  for (const p of ['tensorflow.keras.', 'tensorflow.python.keras.', 'tf_keras.', 'keras.src.']) {
    if (f.startsWith(p)) f = `keras.${f.slice(p.length)}`;
  }
  const parts = f.split('.');
  const name = parts[parts.length - 1] ?? f;
  if (f.startsWith('torch.nn.functional.'))
    return { fw: 'pytorch', ns: 'functional', name, written, full: f };
  if (f.startsWith('torch.nn.')) return { fw: 'pytorch', ns: 'nn', name, written, full: f };
  if (parts[0] === 'torch' && parts.length === 2)
    return { fw: 'pytorch', ns: 'torch', name, written, full: f };
  if (parts[0] === 'keras' && parts.length >= 2)
    return { fw: 'keras', ns: 'keras', name, written, full: f };
  if (parts[0] === 'tensorflow' && parts.length >= 2)
    return { fw: 'keras', ns: 'tf', name, written, full: f };
  return { fw: 'other', name, written, full: f };
}

// ---------------------------------------------------------------------------------------------
// Constant folding of sizes: literals, arithmetic, module constants, parameter defaults.

interface Binding {
  node: Node;
  note?: string;
}

class Scope {
  private readonly cache = new Map<number, Map<string, Binding>>();
  constructor(private readonly root: Node) {}

  /** Names visible at `at`: enclosing functions' locals and parameter defaults, then the module. */
  lookup(at: Node, name: string): Binding | undefined {
    for (let p: Node | null = at.parent; p; p = p.parent) {
      if (p.type === 'function_definition' || p.type === 'module') {
        const b = this.bindings(p).get(name);
        if (b) return b;
      }
    }
    return undefined;
  }

  private bindings(scope: Node): Map<string, Binding> {
    const hit = this.cache.get(scope.id);
    if (hit) return hit;
    const m = new Map<string, Binding>();
    const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
    if (scope.type === 'function_definition') {
      const fn = scope.childForFieldName('name')?.text ?? 'function';
      for (const p of named(scope.childForFieldName('parameters'))) {
        if (p.type !== 'default_parameter' && p.type !== 'typed_default_parameter') continue;
        const name = p.childForFieldName('name');
        const value = p.childForFieldName('value');
        if (name && value) {
          m.set(name.text, {
            node: value,
            note: `\`${name.text}\` = ${snippet(value)}: the default of ${fn}()'s parameter (calls with other values are not followed)`,
          });
        }
      }
    }
    for (const st of named(body)) {
      const asg = st.type === 'expression_statement' ? st.firstNamedChild : null;
      if (asg?.type !== 'assignment') continue;
      const left = asg.childForFieldName('left');
      const right = asg.childForFieldName('right');
      if (!left || !right) continue;
      const key = left.type === 'identifier' ? left.text : Names.dotted(left);
      if (key && (left.type === 'identifier' || key.startsWith('self.')))
        m.set(key, { node: right });
    }
    this.cache.set(scope.id, m);
    return m;
  }

  get rootNode(): Node {
    return this.root;
  }
}

interface Ctx {
  names: Names;
  scope: Scope;
  notes: ModelNote[];
  depth: number;
}

function num(n: Node | null | undefined, ctx: Ctx): number | undefined {
  if (!n || ctx.depth > 20) return undefined;
  switch (n.type) {
    case 'integer': {
      const t = n.text.replace(/_/g, '').toLowerCase().replace(/l$/, '');
      const v = /^0[box]/.test(t) ? Number(t) : Number.parseInt(t, 10);
      return Number.isFinite(v) ? v : undefined;
    }
    case 'float': {
      const v = Number(n.text.replace(/_/g, ''));
      return Number.isFinite(v) ? v : undefined;
    }
    case 'true':
      return 1;
    case 'false':
      return 0;
    case 'parenthesized_expression':
      return num(n.firstNamedChild, ctx);
    case 'unary_operator': {
      const v = num(n.childForFieldName('argument'), ctx);
      const op = n.childForFieldName('operator')?.text ?? n.child(0)?.text;
      if (v === undefined) return undefined;
      return op === '-' ? -v : op === '+' ? v : undefined;
    }
    case 'binary_operator': {
      const a = num(n.childForFieldName('left'), ctx);
      const b = num(n.childForFieldName('right'), ctx);
      if (a === undefined || b === undefined) return undefined;
      return pythonBinaryOp(n.childForFieldName('operator')?.text, a, b);
    }
    case 'call': {
      const fn = Names.dotted(n.childForFieldName('function'));
      const a = argsOf(n);
      if ((fn === 'int' || fn === 'float') && a.pos.length === 1) return num(a.pos[0], ctx);
      return undefined;
    }
    case 'identifier':
    case 'attribute': {
      const key = Names.dotted(n);
      if (!key) return undefined;
      const b = ctx.scope.lookup(n, key);
      if (!b) return undefined;
      ctx.depth++;
      const v = num(b.node, ctx);
      ctx.depth--;
      if (v !== undefined && b.note && !ctx.notes.some((x) => x.message === b.note)) {
        ctx.notes.push({ line: lineOf(b.node), message: b.note });
      }
      return v;
    }
    default:
      return undefined;
  }
}

function str(n: Node | null | undefined): string | undefined {
  if (!n || n.type !== 'string') return undefined;
  const parts = named(n);
  if (parts.some((p) => p.type === 'interpolation')) return undefined;
  return parts
    .filter((p) => p.type === 'string_content')
    .map((p) => p.text)
    .join('');
}

function bool(n: Node | null | undefined, ctx: Ctx): boolean | undefined {
  if (!n) return undefined;
  if (n.type === 'true') return true;
  if (n.type === 'false') return false;
  if (n.type === 'none') return false;
  const v = num(n, ctx);
  return v === undefined ? undefined : v !== 0;
}

function shape(n: Node | null | undefined, ctx: Ctx): (number | undefined)[] | undefined {
  if (!n) return undefined;
  if (n.type === 'tuple' || n.type === 'list')
    return named(n).map((e) => (e.type === 'none' ? undefined : num(e, ctx)));
  if (n.type === 'parenthesized_expression') return shape(n.firstNamedChild, ctx);
  const v = num(n, ctx);
  if (v !== undefined) return [v];
  if (n.type === 'identifier') {
    const b = ctx.scope.lookup(n, n.text);
    if (b && ctx.depth < 20) {
      ctx.depth++;
      const s = shape(b.node, ctx);
      ctx.depth--;
      return s;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Activations.

function knownParams(
  id: string,
  params: Record<string, number>,
  line: number,
  ctx: Ctx,
): Record<string, number> {
  const a = getActivation(id);
  if (!a) return params;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(params)) {
    if (a.paramSpecs.some((p) => p.name === k)) out[k] = v;
    else
      ctx.notes.push({
        line,
        message: `${id}: parameter \`${k}\` is not modelled by the kernel; ignored`,
      });
  }
  return out;
}

/** An argument as a literal for the shared spelling resolver (constants folded). */
function literal(n: Node, ctx: Ctx): Literal {
  if (n.type === 'true') return { kind: 'value', value: true };
  if (n.type === 'false') return { kind: 'value', value: false };
  if (n.type === 'none') return { kind: 'value', value: null };
  const s = str(n);
  if (s !== undefined) return { kind: 'value', value: s };
  const v = num(n, ctx);
  return v === undefined ? { kind: 'unknown', text: snippet(n) } : { kind: 'value', value: v };
}

function callArgs(call: Node, ctx: Ctx): CallArgs {
  const a = argsOf(call);
  return {
    positional: a.pos.map((p) => literal(p, ctx)),
    keywords: [...a.kw].map(([k, v]) => [k, literal(v, ctx)] as const),
    splat: a.splat !== undefined,
  };
}

/**
 * An activation through the shared spelling table (src/kernel/spellings.ts): the first of
 * `qualifiedNames` it knows decides the kernel id and the framework's defaults. `call` undefined:
 * a bare reference (`activation=tf.nn.relu`). Undefined when no name is an activation.
 */
function spelledActivation(
  qualifiedNames: readonly string[],
  call: Node | undefined,
  ctx: Ctx,
  source: Node,
): Item | undefined {
  for (const q of qualifiedNames) {
    const group = spellingsNamed(q);
    if (group.length === 0) continue;
    const r = resolveCall(group, call ? callArgs(call, ctx) : undefined);
    if (!r) continue;
    return fromResolved(r, ctx, source);
  }
  return undefined;
}

function fromResolved(r: Spelled, ctx: Ctx, source: Node): Item {
  const line = lineOf(source);
  for (const u of r.unknown) {
    ctx.notes.push({
      line,
      message: `${snippet(source)}: \`${u.arg}\` = ${u.text} is not a constant; checked at the default`,
    });
  }
  for (const n of r.notes) ctx.notes.push({ line, message: `${snippet(source)}: ${n}` });
  return activation(r.id, { ...r.params }, ctx, source);
}

function activation(id: string, params: Record<string, number>, ctx: Ctx, source: Node): Item {
  const line = lineOf(source);
  return {
    kind: 'activation',
    line,
    id,
    params: knownParams(id, params, line, ctx),
    source: snippet(source),
  };
}

// ---------------------------------------------------------------------------------------------
// PyTorch layers.

function torchItems(n: Node, ctx: Ctx, prefix: string): Item[] {
  const line = lineOf(n);
  if (ctx.depth > 20)
    return [{ kind: 'opaque', line, source: snippet(n), message: 'nested too deeply' }];
  if (n.type === 'identifier') {
    const b = ctx.scope.lookup(n, n.text);
    if (b && b.node.type === 'call') {
      ctx.depth++;
      const items = torchItems(b.node, ctx, prefix);
      ctx.depth--;
      return items;
    }
    return [
      {
        kind: 'opaque',
        line,
        source: n.text,
        message: `\`${n.text}\` is not defined as a layer in this file`,
      },
    ];
  }
  if (n.type !== 'call') {
    return [
      {
        kind: 'opaque',
        line,
        source: snippet(n),
        message: `\`${snippet(n)}\` is not a layer the check understands`,
      },
    ];
  }
  const r = ctx.names.resolve(n.childForFieldName('function'), line);
  const a = argsOf(n);
  const src = snippet(n);
  if (!r || r.fw !== 'pytorch' || r.ns !== 'nn') {
    const what = r?.written ?? src;
    return [
      {
        kind: 'opaque',
        line,
        source: src,
        message: `\`${what}\` is a custom or unknown block: its effect on widths and gradients is not followed`,
      },
    ];
  }
  switch (r.name) {
    case 'Sequential':
      return torchSequentialItems(n, a, ctx, prefix);
    case 'Linear':
    case 'LazyLinear': {
      const lazy = r.name === 'LazyLinear';
      const inNode = lazy ? undefined : arg(a, 0, 'in_features');
      const outNode = arg(a, lazy ? 0 : 1, 'out_features');
      const biasNode = arg(a, lazy ? 1 : 2, 'bias');
      let bias = true;
      if (biasNode) {
        const b = bool(biasNode, ctx);
        if (b === undefined)
          ctx.notes.push({
            line,
            message: `bias=${snippet(biasNode)} is not a constant: assumed True`,
          });
        else bias = b;
      }
      return [
        {
          kind: 'linear',
          line,
          spelling: r.written,
          name: prefix || undefined,
          inF: num(inNode, ctx),
          outF: num(outNode, ctx),
          inText: inNode ? snippet(inNode) : undefined,
          outText: outNode ? snippet(outNode) : undefined,
          bias,
          init: 'pytorch_default',
          biasInit: 'pytorch_default',
        },
      ];
    }
    case 'Dropout':
    case 'AlphaDropout': {
      const pNode = arg(a, 0, 'p');
      const p = pNode ? num(pNode, ctx) : 0.5;
      if (p === undefined) {
        ctx.notes.push({
          line,
          message: `${r.name}: p=${snippet(pNode!)} is not a constant: assumed 0.5`,
        });
      }
      return [
        { kind: 'dropout', line, p: p ?? 0.5, alpha: r.name === 'AlphaDropout', source: src },
      ];
    }
    default:
      break;
  }
  const act = spelledActivation([`torch.nn.${r.name}`], n, ctx, n);
  if (act) return [act];
  if (NEUTRAL.has(r.name)) return [{ kind: 'neutral', line, source: src }];
  if (SHAPE_KEEPING.has(r.name)) return [keep(r.written, line, src)];
  return [
    {
      kind: 'opaque',
      line,
      source: src,
      message: `\`${r.written}\` is not simulated (only Linear layers, activations and dropout are)`,
    },
  ];
}

function keep(written: string, line: number, source: string): Item {
  return {
    kind: 'keep',
    line,
    source,
    message: `\`${written}\` is not simulated: the check runs as if it were absent (it keeps the width but changes the statistics)`,
  };
}

function torchSequentialItems(n: Node, a: Args, ctx: Ctx, prefix: string): Item[] {
  const at = (k: string): string => (prefix ? `${prefix}.${k}` : k);
  const items: Item[] = [];
  if (a.splat) {
    items.push({
      kind: 'opaque',
      line: lineOf(a.splat),
      source: snippet(a.splat),
      message: `\`${snippet(a.splat)}\`: layers built at run time are not followed`,
    });
  }
  const only = a.pos.length === 1 ? a.pos[0] : undefined;
  const odict =
    only?.type === 'call'
      ? ctx.names.resolve(only.childForFieldName('function'), lineOf(only))
      : undefined;
  ctx.depth++;
  if (only && odict?.name === 'OrderedDict') {
    const entries = argsOf(only).pos[0];
    const pairs =
      entries && (entries.type === 'list' || entries.type === 'tuple') ? named(entries) : [];
    if (!entries || pairs.length === 0) {
      items.push({
        kind: 'opaque',
        line: lineOf(only),
        source: snippet(only),
        message: 'OrderedDict without a literal list of (name, layer) pairs',
      });
    }
    for (const pair of pairs) {
      const [k, v] = named(pair);
      const key = str(k);
      if (pair.type !== 'tuple' || key === undefined || !v) {
        items.push({
          kind: 'opaque',
          line: lineOf(pair),
          source: snippet(pair),
          message: 'not a (name, layer) pair',
        });
        continue;
      }
      items.push(...torchItems(v, ctx, at(key)));
    }
  } else {
    a.pos.forEach((child, i) => items.push(...torchItems(child, ctx, at(String(i)))));
  }
  ctx.depth--;
  return items;
}

// ---------------------------------------------------------------------------------------------
// Keras layers.

function kerasActivation(v: Node, ctx: Ctx, line: number): Item | null | 'unknown' {
  if (v.type === 'none') return null;
  const s = str(v);
  let key: string | undefined = s;
  if (key === undefined && (v.type === 'identifier' || v.type === 'attribute')) {
    const r = ctx.names.resolve(v, line);
    key = r?.name;
  }
  if (key === undefined && v.type === 'call') {
    const items = kerasItems(v, ctx);
    const only = items.length === 1 ? items[0] : undefined;
    return only?.kind === 'activation' ? only : 'unknown';
  }
  if (key === undefined) return 'unknown';
  if (key === 'linear') return null;
  if (s !== undefined) {
    const r = resolveString('keras', key);
    return r ? fromResolved(r, ctx, v) : 'unknown';
  }
  return (
    spelledActivation(
      [`keras.activations.${key}`, `tf.nn.${key}`, `tf.math.${key}`, `tf.${key}`],
      undefined,
      ctx,
      v,
    ) ?? 'unknown'
  );
}

function kerasItems(n: Node, ctx: Ctx): Item[] {
  const line = lineOf(n);
  const src = snippet(n);
  if (n.type === 'identifier' && ctx.depth < 20) {
    const b = ctx.scope.lookup(n, n.text);
    if (b && b.node.type === 'call') {
      ctx.depth++;
      const items = kerasItems(b.node, ctx);
      ctx.depth--;
      return items;
    }
  }
  if (n.type !== 'call') {
    return [
      {
        kind: 'opaque',
        line,
        source: src,
        message: `\`${src}\` is not a layer the check understands`,
      },
    ];
  }
  const r = ctx.names.resolve(n.childForFieldName('function'), line);
  const a = argsOf(n);
  if (!r || r.fw !== 'keras') {
    return [
      {
        kind: 'opaque',
        line,
        source: src,
        message: `\`${r?.written ?? src}\` is a custom or unknown layer: its effect is not followed`,
      },
    ];
  }
  const items: Item[] = [];
  const inputShape = a.kw.get('input_shape') ?? a.kw.get('batch_input_shape');
  const inputDim = a.kw.get('input_dim');
  if (inputShape || inputDim) {
    let s = inputShape ? shape(inputShape, ctx) : [num(inputDim, ctx)];
    if (s && a.kw.has('batch_input_shape')) s = s.slice(1);
    items.push({
      kind: 'input',
      line,
      shape: s ?? [undefined],
      source: snippet(inputShape ?? inputDim!),
    });
  }
  switch (r.name) {
    case 'Input':
    case 'InputLayer': {
      const sNode = a.kw.get('shape') ?? (r.name === 'Input' ? a.pos[0] : undefined);
      const bNode = a.kw.get('batch_shape');
      let s = sNode ? shape(sNode, ctx) : undefined;
      if (!s && bNode) s = shape(bNode, ctx)?.slice(1);
      if (!inputShape) items.push({ kind: 'input', line, shape: s ?? [undefined], source: src });
      return items;
    }
    case 'Dense': {
      const unitsNode = arg(a, 0, 'units');
      const biasNode = arg(a, 2, 'use_bias');
      let bias = true;
      if (biasNode) {
        const b = bool(biasNode, ctx);
        if (b === undefined)
          ctx.notes.push({
            line,
            message: `use_bias=${snippet(biasNode)} is not a constant: assumed True`,
          });
        else bias = b;
      }
      let init: InitName = 'xavier_uniform';
      const initNode = arg(a, 3, 'kernel_initializer');
      if (initNode) {
        const key =
          str(initNode) ??
          (initNode.type === 'call'
            ? ctx.names.resolve(initNode.childForFieldName('function'), line)?.name
            : undefined);
        const mapped = key === undefined ? undefined : KERAS_INITS[key];
        if (mapped) {
          init = mapped;
          if (/normal/i.test(key ?? '') && !/^lecun/i.test(key ?? '')) {
            ctx.notes.push({
              line,
              message: `${key}: Keras draws a truncated normal with the same variance; simulated as a plain normal`,
            });
          }
        } else {
          ctx.notes.push({
            line,
            message: `kernel_initializer=${snippet(initNode)} not understood: assumed glorot_uniform (the default)`,
          });
        }
      }
      const biasInitNode = a.kw.get('bias_initializer');
      if (biasInitNode && str(biasInitNode) !== 'zeros') {
        ctx.notes.push({
          line,
          message: `bias_initializer=${snippet(biasInitNode)} not simulated: assumed zeros`,
        });
      }
      const nameNode = a.kw.get('name');
      items.push({
        kind: 'linear',
        line,
        spelling: r.written,
        name: str(nameNode),
        outF: num(unitsNode, ctx),
        outText: unitsNode ? snippet(unitsNode) : undefined,
        bias,
        init,
        biasInit: 'zeros',
      });
      const actNode = arg(a, 1, 'activation');
      if (actNode) {
        const act = kerasActivation(actNode, ctx, line);
        if (act === 'unknown') items.push(unknownActivation(actNode));
        else if (act) items.push(act);
      }
      return items;
    }
    case 'Activation': {
      const actNode = arg(a, 0, 'activation');
      if (!actNode) return [...items, unknownActivation(n)];
      const act = kerasActivation(actNode, ctx, line);
      if (act === 'unknown') return [...items, unknownActivation(actNode)];
      return act ? [...items, act] : items;
    }
    case 'Dropout':
    case 'AlphaDropout': {
      const rNode = arg(a, 0, 'rate');
      const p = num(rNode, ctx);
      if (p === undefined) {
        ctx.notes.push({
          line,
          message: `${r.name}: rate ${rNode ? snippet(rNode) : '(missing)'} is not a constant: assumed 0.5`,
        });
      }
      return [
        ...items,
        { kind: 'dropout', line, p: p ?? 0.5, alpha: r.name === 'AlphaDropout', source: src },
      ];
    }
    case 'ReLU': {
      const max = num(arg(a, 0, 'max_value'), ctx);
      const slope = num(arg(a, 1, 'negative_slope'), ctx) ?? 0;
      const thr = num(arg(a, 2, 'threshold'), ctx) ?? 0;
      if (thr !== 0 || (max !== undefined && max !== 6) || (max === 6 && slope !== 0)) {
        return [...items, keep(r.written, line, src)];
      }
      // Keras' ReLU layer is also ReLU6 (max_value=6) and LeakyReLU (negative_slope).
      if (max === 6) return [...items, activation('relu6', {}, ctx, n)];
      if (slope !== 0)
        return [...items, activation('leaky_relu', { negative_slope: slope }, ctx, n)];
      return [...items, activation('relu', {}, ctx, n)];
    }
    case 'Flatten':
      return [...items, { kind: 'flatten', line, source: src }];
    case 'Reshape': {
      const s = shape(arg(a, 0, 'target_shape'), ctx);
      return [...items, { kind: 'input', line, shape: s ?? [undefined], source: src }];
    }
    default:
      break;
  }
  const act = spelledActivation([`keras.layers.${r.name}`], n, ctx, n);
  if (act) return [...items, act];
  if (NEUTRAL.has(r.name)) return [...items, { kind: 'neutral', line, source: src }];
  if (SHAPE_KEEPING.has(r.name)) return [...items, keep(r.written, line, src)];
  return [
    ...items,
    {
      kind: 'opaque',
      line,
      source: src,
      message: `\`${r.written}\` is not simulated (only Dense layers, activations and dropout are)`,
    },
  ];
}

function unknownActivation(n: Node): Item {
  return {
    kind: 'keep',
    line: lineOf(n),
    source: snippet(n),
    message: `activation ${snippet(n)} is not an elementwise activation the kernel knows: checked as no activation (identity)`,
  };
}

// ---------------------------------------------------------------------------------------------
// Rows: one per Linear/Dense, with what follows it.

type Built = { rows: ModelRow[]; reason?: string };

function buildRows(items: readonly Item[], framework: ModelFramework, notes: ModelNote[]): Built {
  type MutableRow = { -readonly [K in keyof ModelRow]: ModelRow[K] } & { dropoutFirst?: boolean };
  const rows: MutableRow[] = [];
  let shape: (number | undefined)[] | undefined;
  let opaqueBefore: Extract<Item, { kind: 'opaque' }> | undefined;
  const decline = (reason: string): Built => ({ rows: [], reason });
  for (const it of items) {
    const row = rows[rows.length - 1];
    switch (it.kind) {
      case 'input':
        if (row)
          return decline(
            `line ${it.line}: a reshape between layers (${it.source}) is not followed`,
          );
        shape = it.shape;
        break;
      case 'flatten':
        if (shape && shape.length > 1) {
          shape = [
            shape.every((d) => d !== undefined)
              ? shape.reduce<number>((p, d) => p * d!, 1)
              : undefined,
          ];
        }
        break;
      case 'neutral':
        break;
      case 'keep':
        notes.push({ line: it.line, message: it.message });
        break;
      case 'opaque':
        if (row)
          return decline(`line ${it.line}: ${it.message}, and it sits between Linear/Dense layers`);
        opaqueBefore ??= it;
        shape = undefined;
        break;
      case 'activation':
        if (!row) {
          notes.push({
            line: it.line,
            message: `${it.source} comes before the first Linear/Dense: not simulated`,
          });
        } else if (row.activation) {
          return decline(
            `line ${it.line}: a second activation (${it.source}) after line ${row.activation.line}'s; the check applies one activation per layer`,
          );
        } else {
          row.activation = { id: it.id, params: it.params, line: it.line, source: it.source };
          if (row.dropoutFirst) {
            notes.push({
              line: it.line,
              message: `dropout before the activation at line ${it.line}: simulated after it`,
            });
          }
        }
        break;
      case 'dropout': {
        if (!row) {
          notes.push({
            line: it.line,
            message: `${it.source} on the model's input is not simulated`,
          });
          break;
        }
        if (row.dropout > 0 || row.alphaDropout > 0) {
          return decline(
            `line ${it.line}: two dropout layers after one Linear/Dense are not simulated`,
          );
        }
        if (it.alpha) row.alphaDropout = it.p;
        else row.dropout = it.p;
        if (!row.activation) row.dropoutFirst = true;
        if (!(it.p >= 0 && it.p < 1))
          return decline(`line ${it.line}: dropout rate ${it.p} is not in [0, 1)`);
        break;
      }
      case 'linear': {
        const prevWidth = row ? row.outFeatures : shape?.[shape.length - 1];
        let inF = it.inF;
        if (inF === undefined) {
          if (prevWidth === undefined) {
            if (framework === 'keras') {
              const why = opaqueBefore
                ? `it follows ${opaqueBefore.source} (line ${opaqueBefore.line}), whose output width is unknown`
                : 'add `keras.Input(shape=(n,))` or `input_shape=(n,)` on the first layer';
              return decline(
                `line ${it.line}: the input width of ${it.spelling} is unknown: ${why}`,
              );
            }
            return decline(
              `line ${it.line}: in_features ${it.inText ? `\`${it.inText}\` ` : ''}is not a constant the check can read (a literal, a module constant or a parameter default)`,
            );
          }
          inF = prevWidth;
          if (it.inText)
            notes.push({
              line: it.line,
              message: `in_features \`${it.inText}\` read as ${inF}, the previous layer's width`,
            });
        } else if (prevWidth !== undefined && prevWidth !== inF) {
          return decline(
            `line ${it.line}: width mismatch: ${it.spelling} takes ${inF} features but receives ${prevWidth}`,
          );
        }
        if (it.outF === undefined) {
          return decline(
            `line ${it.line}: the output width ${it.outText ? `\`${it.outText}\` ` : ''}is not a constant the check can read`,
          );
        }
        for (const [w, what] of [
          [inF, 'in_features'],
          [it.outF, 'out_features'],
        ] as const) {
          if (!Number.isInteger(w) || w <= 0)
            return decline(`line ${it.line}: ${what} = ${w} is not a positive integer`);
        }
        if (!row && opaqueBefore && framework === 'pytorch') {
          notes.push({
            line: opaqueBefore.line,
            message: `${opaqueBefore.message}: the check starts at the first Linear (line ${it.line}) with unit-Gaussian inputs`,
          });
        }
        const idx = rows.length + 1;
        rows.push({
          layer: idx,
          name:
            it.name ??
            (framework === 'keras' ? (idx === 1 ? 'dense' : `dense_${idx - 1}`) : `linear${idx}`),
          kind: it.spelling,
          line: it.line,
          inFeatures: inF,
          outFeatures: it.outF,
          bias: it.bias,
          init: it.init,
          gain: 1,
          biasInit: it.biasInit,
          activation: null,
          dropout: 0,
          alphaDropout: 0,
        });
        shape = [it.outF];
        break;
      }
    }
  }
  if (rows.length === 0) {
    return decline(
      opaqueBefore
        ? `no Linear/Dense layer the check can follow (${opaqueBefore.message})`
        : 'no Linear/Dense layer',
    );
  }
  return { rows: rows.map(({ dropoutFirst: _d, ...r }) => r) };
}

// ---------------------------------------------------------------------------------------------
// Models.

function model(
  name: string,
  framework: ModelFramework,
  range: Node,
  items: readonly Item[] | string,
  ctx: Ctx,
): ReadModel {
  const base = { name, framework, line: lineOf(range), endLine: range.endPosition.row + 1 };
  ctx.names.noteAssumed(ctx.notes);
  if (typeof items === 'string')
    return { ...base, status: 'declined', reason: items, rows: [], notes: ctx.notes };
  const built = buildRows(items, framework, ctx.notes);
  if (built.reason !== undefined)
    return { ...base, status: 'declined', reason: built.reason, rows: [], notes: ctx.notes };
  return { ...base, status: 'ok', rows: built.rows, notes: ctx.notes };
}

/** The name a Sequential gets from where it is written, and the node that spans it. */
function placeOf(call: Node, classNode: Node | undefined): { name: string; range: Node } {
  const p = call.parent;
  if (p?.type === 'assignment' && p.childForFieldName('right')?.id === call.id) {
    const left = p.childForFieldName('left');
    const text = left ? (Names.dotted(left) ?? left.text) : 'model';
    const cls = classNode?.childForFieldName('name')?.text;
    const name = text.startsWith('self.') && cls ? `${cls}.${text.slice(5)}` : text;
    return { name, range: p.parent?.type === 'expression_statement' ? p.parent : p };
  }
  if (p?.type === 'return_statement') {
    for (let q: Node | null = p.parent; q; q = q.parent) {
      if (q.type === 'function_definition') {
        return { name: `${q.childForFieldName('name')?.text ?? 'model'}()`, range: p };
      }
    }
  }
  return { name: `Sequential (line ${lineOf(call)})`, range: call };
}

function enclosing(n: Node, type: string): Node | undefined {
  for (let p: Node | null = n.parent; p; p = p.parent) if (p.type === type) return p;
  return undefined;
}

function bodyDefs(cls: Node): Map<string, Node> {
  const defs = new Map<string, Node>();
  for (const st of named(cls.childForFieldName('body'))) {
    const fn = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
    if (fn?.type === 'function_definition') {
      const name = fn.childForFieldName('name')?.text;
      if (name) defs.set(name, fn);
    }
  }
  return defs;
}

/** `x = F.relu(self.fc1(x))` style forward: the ordered items it applies, or why not. */
function forwardItems(cls: Node, ctx: Ctx): Item[] | string {
  const defs = bodyDefs(cls);
  const init = defs.get('__init__');
  const forward = defs.get('forward');
  if (!init) return 'no __init__ defining layers';
  if (!forward) return 'no forward() method';
  const attrs = new Map<string, Node>();
  for (const asg of init.descendantsOfType('assignment')) {
    if (!asg || enclosing(asg, 'function_definition')?.id !== init.id) continue;
    const left = asg.childForFieldName('left');
    const right = asg.childForFieldName('right');
    const key = Names.dotted(left);
    if (key?.startsWith('self.') && key.split('.').length === 2 && right)
      attrs.set(key.slice(5), right);
  }
  const params = named(forward.childForFieldName('parameters')).filter(
    (p) => p.type === 'identifier' || p.type === 'typed_parameter',
  );
  const inputParam = params[1];
  let cur =
    inputParam?.type === 'typed_parameter' ? inputParam.firstNamedChild?.text : inputParam?.text;
  if (!cur) return 'forward() takes no input';
  const attrCache = new Map<string, Item[]>();
  const attrItems = (name: string): Item[] | string => {
    const hit = attrCache.get(name);
    if (hit) return hit;
    const v = attrs.get(name);
    if (!v) return `self.${name} is not assigned in __init__`;
    const items = torchItems(v, ctx, name);
    attrCache.set(name, items);
    return items;
  };
  const chain = (n: Node, running: string): Item[] | string => {
    const line = lineOf(n);
    if (n.type === 'identifier')
      return n.text === running
        ? []
        : `line ${line}: \`${n.text}\` is not the running value \`${running}\``;
    if (n.type === 'parenthesized_expression' && n.firstNamedChild)
      return chain(n.firstNamedChild, running);
    if (n.type !== 'call')
      return `line ${line}: \`${snippet(n)}\` is not followed (only layer calls, activations, dropout and reshapes are)`;
    const fn = n.childForFieldName('function');
    const a = argsOf(n);
    const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
    const method = fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
    if (obj?.type === 'identifier' && obj.text === 'self') {
      const operand = a.pos[0];
      if (!operand || a.pos.length > 1)
        return `line ${line}: \`${snippet(n)}\` does not take one input`;
      const inner = chain(operand, running);
      if (typeof inner === 'string') return inner;
      const items = attrItems(method);
      return typeof items === 'string' ? `line ${line}: ${items}` : [...inner, ...items];
    }
    const dotted = Names.dotted(fn);
    const head = dotted?.split('.')[0];
    if (dotted && head !== running) {
      const r = ctx.names.resolve(fn, line);
      const operand = a.pos[0] ?? a.kw.get('input');
      if (r && r.fw === 'pytorch' && r.ns !== 'nn' && operand) {
        const inner = chain(operand, running);
        if (typeof inner === 'string') return inner;
        const act = spelledActivation(
          [`torch.nn.functional.${r.name}`, `torch.${r.name}`],
          n,
          ctx,
          n,
        );
        if (act) return [...inner, act];
        if (r.name === 'dropout' || r.name === 'alpha_dropout') {
          const training = a.kw.get('training') ?? a.pos[2];
          if (training && bool(training, ctx) === false)
            return [...inner, { kind: 'neutral', line, source: snippet(n) }];
          const pNode = arg(a, 1, 'p');
          const p = pNode ? num(pNode, ctx) : 0.5;
          if (p === undefined)
            ctx.notes.push({ line, message: `${snippet(n)}: p is not a constant: assumed 0.5` });
          return [
            ...inner,
            {
              kind: 'dropout',
              line,
              p: p ?? 0.5,
              alpha: r.name === 'alpha_dropout',
              source: snippet(n),
            },
          ];
        }
        if (['flatten', 'reshape', 'squeeze', 'unsqueeze'].includes(r.name))
          return [...inner, { kind: 'neutral', line, source: snippet(n) }];
        if (['softmax', 'log_softmax', 'softmin'].includes(r.name))
          return [...inner, keep(r.written, line, snippet(n))];
      }
      return `line ${line}: \`${snippet(n)}\` is not followed (only layer calls, activations, dropout and reshapes are)`;
    }
    if (obj && fn?.type === 'attribute') {
      // A method on the running value: x.view(...), x.relu(), x.flatten(1).
      const inner = chain(obj, running);
      if (typeof inner === 'string') return inner;
      if (
        [
          'view',
          'reshape',
          'flatten',
          'contiguous',
          'squeeze',
          'unsqueeze',
          'float',
          'double',
        ].includes(method)
      ) {
        return [...inner, { kind: 'neutral', line, source: snippet(n) }];
      }
      // Tensor methods (x.relu()) take no input argument: read them as their torch.* function.
      const act = spelledActivation([`torch.${method}`], undefined, ctx, n);
      if (act) return [...inner, act];
      if (['softmax', 'log_softmax'].includes(method))
        return [...inner, keep(method, line, snippet(n))];
    }
    return `line ${line}: \`${snippet(n)}\` is not followed (only layer calls, activations, dropout and reshapes are)`;
  };
  const items: Item[] = [];
  const mentions = (n: Node, name: string): boolean =>
    n.descendantsOfType('identifier').some((d) => d?.text === name);
  for (const st of named(forward.childForFieldName('body'))) {
    const line = lineOf(st);
    if (st.type === 'expression_statement') {
      const e = st.firstNamedChild;
      if (e?.type === 'assignment') {
        const left = e.childForFieldName('left');
        const right = e.childForFieldName('right');
        if (!left || !right) continue;
        const got = chain(right, cur);
        if (typeof got !== 'string' && left.type === 'identifier') {
          items.push(...got);
          cur = left.text;
          continue;
        }
        if (left.type === 'identifier' && left.text !== cur && !mentions(right, cur)) continue;
        if (left.type === 'identifier' && left.text !== cur && right.type !== 'call') continue;
        return typeof got === 'string' ? got : `line ${line}: \`${snippet(st)}\` is not followed`;
      }
      if (e?.type === 'augmented_assignment' && mentions(e, cur)) {
        return `line ${line}: \`${snippet(st)}\` (a residual or in-place update) is not followed`;
      }
      continue;
    }
    if (st.type === 'return_statement') {
      const v = st.firstNamedChild;
      if (!v) return `line ${line}: forward() returns nothing`;
      const got = chain(v, cur);
      if (typeof got === 'string') return got;
      items.push(...got);
      return items;
    }
    if (st.type === 'pass_statement' || st.type === 'assert_statement') continue;
    if (
      mentions(st, cur) ||
      st.descendantsOfType('attribute').some((d) => d?.text.startsWith('self.'))
    ) {
      return `line ${line}: ${st.type.replace(/_statement$/, '')} in forward() is not followed (only straight-line code is)`;
    }
  }
  return 'forward() has no return statement';
}

function isTorchModule(cls: Node, names: Names): boolean {
  return named(cls.childForFieldName('superclasses')).some((s) => {
    const r = names.resolve(s, lineOf(s));
    return r?.fw === 'pytorch' && r.name === 'Module';
  });
}

function isKerasModel(cls: Node, names: Names): boolean {
  return named(cls.childForFieldName('superclasses')).some((s) => {
    const r = names.resolve(s, lineOf(s));
    return r?.fw === 'keras' && r.name === 'Model';
  });
}

function guarded(
  name: string,
  framework: ModelFramework,
  range: Node,
  f: () => ReadModel,
): ReadModel {
  try {
    return f();
  } catch (e) {
    // A reader bug must not take the extension host down; the user sees it as a declined model.
    const message = e instanceof Error ? e.message : String(e);
    return {
      name,
      framework,
      line: lineOf(range),
      endLine: range.endPosition.row + 1,
      status: 'declined',
      reason: `could not read this model (${message})`,
      rows: [],
      notes: [],
    };
  }
}

/** Every model in the file, in source order. Never throws. */
export function readModels(tree: Tree): ReadModel[] {
  const root = tree.rootNode;
  const names = new Names(root);
  const scope = new Scope(root);
  const out: ReadModel[] = [];
  const ctx = (): Ctx => ({ names, scope, notes: [], depth: 0 });
  const classesRead = new Set<number>();
  for (const cls of root.descendantsOfType('class_definition')) {
    if (!cls) continue;
    const name = cls.childForFieldName('name')?.text ?? 'Model';
    if (isTorchModule(cls, names)) {
      const m = guarded(name, 'pytorch', cls, () => {
        const c = ctx();
        return model(name, 'pytorch', cls, forwardItems(cls, c), c);
      });
      // A class whose forward we could not follow still lets its Sequentials be checked alone.
      if (m.status === 'ok') classesRead.add(cls.id);
      const hasLayers = cls.descendantsOfType('call').some((c) => {
        const r = c && names.resolve(c.childForFieldName('function'), lineOf(c));
        return r?.fw === 'pytorch' && (r.name === 'Linear' || r.name === 'LazyLinear');
      });
      names.assumed.clear();
      if (m.status === 'ok' || hasLayers) out.push(m);
    } else if (isKerasModel(cls, names)) {
      out.push({
        name,
        framework: 'keras',
        line: lineOf(cls),
        endLine: cls.endPosition.row + 1,
        status: 'declined',
        reason: 'subclassed Keras models are not read; a keras.Sequential model is',
        rows: [],
        notes: [],
      });
    }
  }
  for (const call of root.descendantsOfType('call')) {
    if (!call) continue;
    const r = names.resolve(call.childForFieldName('function'), lineOf(call));
    if (!r || r.name !== 'Sequential' || r.fw === 'other') continue;
    names.assumed.clear();
    if (insideSequential(call, names)) continue;
    const cls = enclosing(call, 'class_definition');
    if (cls && classesRead.has(cls.id)) continue;
    const { name, range } = placeOf(call, cls);
    if (r.fw === 'pytorch') {
      out.push(
        guarded(name, 'pytorch', range, () => {
          const c = ctx();
          return model(name, 'pytorch', range, torchItems(call, c, ''), c);
        }),
      );
    } else {
      out.push(
        guarded(name, 'keras', range, () => {
          const c = ctx();
          return model(name, 'keras', range, kerasSequentialItems(call, range, c), c);
        }),
      );
    }
  }
  applyInitCalls(out, root, names);
  return out.sort((a, b) => a.line - b.line);
}

function insideSequential(call: Node, names: Names): boolean {
  for (let p: Node | null = call.parent; p; p = p.parent) {
    if (p.type === 'call') {
      const r = names.resolve(p.childForFieldName('function'), lineOf(p));
      if (r && r.fw !== 'other' && r.name === 'Sequential') return true;
    }
  }
  return false;
}

/** Keras: `Sequential([...])` plus any `model.add(layer)` statements that follow it. */
function kerasSequentialItems(call: Node, range: Node, ctx: Ctx): Item[] {
  const a = argsOf(call);
  const list = a.kw.get('layers') ?? a.pos[0];
  const items: Item[] = [];
  ctx.depth++;
  if (list && (list.type === 'list' || list.type === 'tuple')) {
    for (const el of named(list)) items.push(...kerasItems(el, ctx));
  } else if (list && list.type !== 'none') {
    items.push({
      kind: 'opaque',
      line: lineOf(list),
      source: snippet(list),
      message: `\`${snippet(list)}\`: layers built at run time are not followed`,
    });
  }
  const p = call.parent;
  const target = p?.type === 'assignment' ? Names.dotted(p.childForFieldName('left')) : undefined;
  if (target && range.type === 'expression_statement') {
    for (let st = range.nextNamedSibling; st; st = st.nextNamedSibling) {
      const e = st.type === 'expression_statement' ? st.firstNamedChild : null;
      if (e?.type !== 'call') continue;
      const fn = e.childForFieldName('function');
      if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'add') continue;
      if (Names.dotted(fn.childForFieldName('object')) !== target) continue;
      const layer = argsOf(e).pos[0];
      if (layer) items.push(...kerasItems(layer, ctx));
    }
  }
  ctx.depth--;
  return items;
}

// ---------------------------------------------------------------------------------------------
// torch.nn.init calls that re-initialise Linear layers after construction.

/** torch.nn.init.calculate_gain. */
function torchGain(nonlinearity: string, a: number): number | undefined {
  switch (nonlinearity) {
    case 'linear':
    case 'identity':
    case 'sigmoid':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + a * a));
    case 'selu':
      return 3 / 4;
    default:
      return undefined;
  }
}

type InitEffect = { weight?: { init: InitName; gain: number }; biasZero?: boolean; note?: string };

function initEffect(call: Node, fnName: string, param: 'weight' | 'bias', ctx: Ctx): InitEffect {
  const a = argsOf(call);
  const name = fnName.replace(/_$/, '');
  const src = snippet(call);
  if (param === 'bias') {
    if (name === 'zeros') return { biasZero: true };
    if (name === 'constant' && num(arg(a, 1, 'val'), ctx) === 0) return { biasZero: true };
    return { note: `${src}: this bias init is not simulated; nn.Linear's default bias assumed` };
  }
  if (name === 'kaiming_normal' || name === 'kaiming_uniform') {
    const slope = num(arg(a, 1, 'a'), ctx) ?? 0;
    const nlNode = arg(a, 3, 'nonlinearity');
    const nl = nlNode ? str(nlNode) : 'leaky_relu';
    const gain = nl === undefined ? undefined : torchGain(nl, slope);
    if (gain === undefined)
      return { note: `${src}: nonlinearity not understood; nn.Linear's default init assumed` };
    const mode = str(arg(a, 2, 'mode'));
    const note =
      mode === 'fan_out'
        ? `${src}: mode='fan_out' is simulated with fan_in (the same on square layers)`
        : undefined;
    // kaiming_*(nonlinearity=nl) is LeCun's variance 1/fan_in times calculate_gain(nl)².
    return {
      weight: { init: name === 'kaiming_normal' ? 'lecun_normal' : 'lecun_uniform', gain },
      note,
    };
  }
  if (name === 'xavier_normal' || name === 'xavier_uniform' || name === 'orthogonal') {
    const gNode = arg(a, 1, 'gain');
    const gain = gNode ? num(gNode, ctx) : 1;
    if (gain === undefined)
      return { note: `${src}: gain is not a constant; nn.Linear's default init assumed` };
    return { weight: { init: name, gain } };
  }
  return { note: `${src}: this init is not simulated; nn.Linear's default init assumed` };
}

function applyInitCalls(models: ReadModel[], root: Node, names: Names): void {
  const torchModels = models.filter((m) => m.framework === 'pytorch' && m.status === 'ok');
  if (torchModels.length === 0) return;
  const scope = new Scope(root);
  for (const call of root.descendantsOfType('call')) {
    if (!call) continue;
    const line = lineOf(call);
    const r = names.resolve(call.childForFieldName('function'), line);
    names.assumed.clear();
    if (!r || r.fw !== 'pytorch' || !r.full.startsWith('torch.nn.init.')) continue;
    const target = argsOf(call).pos[0] ?? argsOf(call).kw.get('tensor');
    if (target?.type !== 'attribute') continue;
    const param = target.childForFieldName('attribute')?.text;
    const obj = target.childForFieldName('object');
    if ((param !== 'weight' && param !== 'bias') || !obj) continue;
    // Which models and rows: `self.fc1.weight` → that layer; `m.weight` under a Linear guard → all.
    const objText = Names.dotted(obj);
    let attr: string | undefined;
    if (objText?.startsWith('self.') && objText.split('.').length === 2) attr = objText.slice(5);
    else if (!objText) continue;
    if (!attr) {
      const guard = enclosingIfs(call).map((c) =>
        c.descendantsOfType('identifier').some((i) => i?.text === 'Linear'),
      );
      if (guard.length > 0 && !guard.some(Boolean)) continue;
    }
    const targets = initTargets(call, attr, torchModels, root);
    if (targets.length === 0) continue;
    const ctx: Ctx = { names, scope, notes: [], depth: 0 };
    const effect = initEffect(call, r.name, param, ctx);
    for (const m of targets) {
      const rows = m.rows as ModelRow[];
      const notes = m.notes as ModelNote[];
      let touched = 0;
      rows.forEach((row, i) => {
        if (attr !== undefined && row.name !== attr && !row.name.startsWith(`${attr}.`)) return;
        touched++;
        if (effect.weight) rows[i] = { ...row, init: effect.weight.init, gain: effect.weight.gain };
        if (effect.biasZero) rows[i] = { ...rows[i]!, biasInit: 'zeros' };
      });
      if (touched === 0) continue;
      for (const n of ctx.notes) if (!notes.some((x) => x.message === n.message)) notes.push(n);
      if (effect.note) notes.push({ line, message: effect.note });
      else {
        const what = effect.weight
          ? `${effect.weight.init}${effect.weight.gain !== 1 ? ` with gain ${+effect.weight.gain.toFixed(4)}` : ''}`
          : 'zero bias';
        notes.push({
          line,
          message: `${snippet(call)} read: ${what} for ${attr ? `self.${attr}` : `every Linear of ${m.name}`}`,
        });
      }
    }
  }
}

function enclosingIfs(n: Node): Node[] {
  const conds: Node[] = [];
  for (let p: Node | null = n.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if (p.type === 'if_statement') {
      const c = p.childForFieldName('condition');
      if (c) conds.push(c);
    }
  }
  return conds;
}

/** The models an init call applies to: its class, or the model it is `.apply`-ed to or loops over. */
function initTargets(
  call: Node,
  attr: string | undefined,
  models: ReadModel[],
  root: Node,
): ReadModel[] {
  const cls = enclosing(call, 'class_definition');
  if (cls) {
    const cname = cls.childForFieldName('name')?.text ?? '';
    return models.filter((m) => m.name === cname || m.name.startsWith(`${cname}.`));
  }
  if (attr) return [];
  const out = new Set<ReadModel>();
  const byName = (x: string | undefined): void => {
    for (const m of models) if (x !== undefined && m.name === x) out.add(m);
  };
  for (let p: Node | null = call.parent; p; p = p.parent) {
    if (p.type === 'for_statement') {
      const it = p.childForFieldName('right');
      const fn = it?.type === 'call' ? it.childForFieldName('function') : null;
      if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'modules') {
        byName(Names.dotted(fn.childForFieldName('object')));
      }
    }
    if (p.type === 'function_definition') {
      const fname = p.childForFieldName('name')?.text;
      for (const c of root.descendantsOfType('call')) {
        const fn = c?.childForFieldName('function');
        if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'apply')
          continue;
        if (argsOf(c!).pos[0]?.text === fname) byName(Names.dotted(fn.childForFieldName('object')));
      }
      break;
    }
  }
  return [...out];
}

/** Parses `text` with the shared Python parser and reads its models. */
export async function readModelsInText(text: string): Promise<ReadModel[]> {
  const parser = await pythonParser();
  const tree = parser.parse(text);
  if (!tree) return [];
  try {
    return readModels(tree);
  } finally {
    tree.delete();
  }
}
