/**
 * The model reader: PyTorch models read out of a Python file into the layer graph
 * (src/kernel/graph/types.ts) by a small abstract interpreter over the tree-sitter tree.
 *
 * Entry points (stable; the Keras/Flax readers, frameworks.ts and the CLI build on them):
 *
 *   readPythonModels(text, { path?, resolveModule?, maxSteps?, maxTotalSteps? })
 *     → { models: [{ name, line, endLine, framework, kind, checkable, reason?, expr?, instantiations }] }
 *     Every nn.Module subclass (`kind: 'class'`), module-level `nn.Sequential` (`'sequential'`)
 *     and factory (`'factory'`: `def ResNet18(): return ResNet(BasicBlock, [2, 2, 2, 2])`, also
 *     through helpers like torchvision's `_resnet`, with arguments as the file calls it, or
 *     returning a partial), checkable or not. `expr` is the expression the check builds by
 *     default: `GPT()`, `Block(GPTConfig())` when the only argument is the file's one config
 *     class, or a block as the model built it (`BasicBlock(64, 64, 1)`); `instantiations` are
 *     the calls written outside model classes (`GPT(GPTConfig(n_layer=4))`), for the editor.
 *
 *   buildGraph(text, expr, { inputShape?, batch?, path?, resolveModule?, maxSteps?, maxDepth? })
 *     → { ok: true, graph, inputShape, tokens?, notes, expr }
 *     | { ok: false, reason: 'line 42: torch.einsum is not read', line }
 *     `expr` is a class or factory name or a call with literal arguments, evaluated in the file's
 *     module scope. Rows are the PyTorch qualified module names (`layer1.0.conv1`), one per leaf
 *     module that runs in forward (a custom leaf module's own ops share its row; its output is
 *     the row's last node); built-in layers' nodes carry the line the layer is constructed on.
 *     Inits: PyTorch's defaults plus every re-initialisation the file applies, module-level
 *     `model.apply(fn)` on an instance of the model included.
 *
 *   `resolveModule` (files.ts's fileModuleResolver reads from disk) lets the reader follow
 *   `from ..ops.misc import X` into the package's other files; without it such names decline
 *   naming the file. torch.nn's composite layers (TransformerEncoderLayer/Encoder) come from
 *   prelude.ts, written in Python.
 *
 *   The input, when not given: from the first module with parameters in named_modules() order —
 *   Linear → (8, in_features), then (8, T, in_features); Conv2d → (8, C, 32, 32), then 28, 64,
 *   224… until the shapes fit (a shape error in forward tries the next); Conv1d → (8, C, 64…);
 *   ConvTranspose2d → (8, C, 1, 1) first; RNN/LSTM/GRU → 32 steps (sequence-first unless
 *   batch_first), then (8, f, f); Embedding → token ids (8, T), T from the config's block_size /
 *   max_len / context_length / max_seq_len / seq_len / n_ctx, else 64. When the layer that runs
 *   first is not the first registered, its wanted channels, features or token ids are used; image
 *   batches are tried last. The first note says which input was used and why.
 *
 * Nothing here throws on any input: a construct the reader cannot follow declines the model with
 * the construct and its line; every run is budgeted (steps per build and per listing, call
 * depth, expression depth, graph size), so hostile files end in a clean decline.
 */
import { Parser, type Node, type Tree } from 'web-tree-sitter';
import type { Graph } from '../../kernel/graph/types';
import { pythonImports, qualifiedNames, type Imports } from '../../language/pythonImports';
import { parsePython, PythonParseLimitError, pythonParser } from '../../language/treeSitter';
import { GraphBuilder } from './graph';
import { Interp, field, lineOf, named, type Budget, type ModuleResolver } from './interp';
import { assignPaths, callModule, namedModules } from './torch';
import { Decline, declined, int, type ModuleObj, type TensorVal, type Value } from './values';

export type ModelKind = 'class' | 'sequential' | 'factory' | 'instance';

export interface FoundModel {
  readonly name: string;
  readonly line: number;
  readonly endLine: number;
  readonly framework: 'pytorch' | 'keras' | 'flax';
  readonly kind: ModelKind;
  readonly checkable: boolean;
  readonly reason?: string;
  /** The expression the check builds by default. */
  readonly expr?: string;
  readonly instantiations: readonly string[];
}

/** Where the file is and how to read the package's other files (`from ..ops.misc import X`). */
export interface FileOptions {
  /** The file's path, for resolving its relative imports. */
  readonly path?: string;
  /** Another module's source; without it, names from other files decline naming the file. */
  readonly resolveModule?: ModuleResolver;
  /** Parses another file's text (set by the async entry points from the shared parser). */
  readonly parse?: (text: string) => Tree | null;
}

export interface BuildOptions extends Budget, FileOptions {
  /** The input shape; inferred from the first layer when absent. */
  readonly inputShape?: readonly number[];
  /** Batch size for inferred inputs (default 8). */
  readonly batch?: number;
}

export type BuildResult =
  | {
      readonly ok: true;
      readonly graph: Graph;
      readonly inputShape: readonly number[];
      /** Set when the input is token ids in [0, vocab). */
      readonly tokens?: { readonly vocab: number };
      readonly notes: readonly string[];
      /** The expression built. */
      readonly expr: string;
    }
  | { readonly ok: false; readonly reason: string; readonly line: number | null };

/** The model expression evaluated in a fresh interpreter over the file: its root module. */
function evaluate(ip: Interp, exprTree: Tree, expr: string): ModuleObj {
  const stmt = exprTree.rootNode.firstNamedChild;
  const e = stmt?.type === 'expression_statement' ? stmt.firstNamedChild : null;
  if (!e || exprTree.rootNode.hasError || named(exprTree.rootNode).length !== 1) {
    throw new Decline(0, `\`${expr}\` is not a Python expression`);
  }
  let v: Value = ip.eval(e, ip.globals);
  if (v.t === 'class' || v.t === 'func' || (v.t === 'builtin' && v.self === undefined))
    v = ip.call(v, [], new Map(), 0);
  // A factory of partials (skorch's make_classifier() returns partial(MLPModule, …)): call it.
  if (v.t === 'builtin' && v.name === '$partial') v = ip.call(v, [], new Map(), 0);
  if (v.t !== 'module') throw new Decline(0, `\`${expr}\` is not a torch.nn.Module (it is ${v.t})`);
  return v;
}

const SEQ_KEYS = [
  'block_size',
  'max_len',
  'max_length',
  'context_length',
  'max_seq_len',
  'seq_len',
  'n_ctx',
  'max_position_embeddings',
  'seq_length',
  'sequence_length',
];

/** A sequence length written in the model's config or attributes, for token inputs. */
function sequenceLength(root: ModuleObj): number | undefined {
  const look = (attrs: Map<string, Value>, depth: number): number | undefined => {
    for (const k of SEQ_KEYS) {
      const v = attrs.get(k);
      if (v?.t === 'num' && Number.isInteger(v.v) && v.v > 0) return v.v;
    }
    if (depth > 0) {
      for (const v of attrs.values()) {
        if (v.t === 'obj') {
          const n = look(v.attrs, depth - 1);
          if (n !== undefined) return n;
        }
      }
    }
    return undefined;
  };
  for (const [, m] of namedModules(root)) {
    const n = look(m.attrs, 2);
    if (n !== undefined) return n;
  }
  return undefined;
}

interface InputCandidate {
  shape: number[];
  tokens?: { vocab: number };
  why: string;
}

function inputCandidates(root: ModuleObj, batch: number): InputCandidate[] {
  const first = namedModules(root).find(
    ([, m]) =>
      m.layer && [...m.params.values()].some((p) => p !== null) && m.layer !== 'MultiheadAttention',
  );
  const m = first?.[1];
  const name = first?.[0] || m?.kind;
  const n = (k: string): number => {
    const v = m?.cfg.get(k);
    return v?.t === 'num' ? v.v : NaN;
  };
  if (!m) {
    // No built-in layer with parameters: a custom leaf (LayerNorm written by hand) is fed
    // vectors of its first parameter's last dim; a parameterless block (QuickGELU) 64-vectors.
    const p = namedModules(root)
      .flatMap(([, x]) => [...x.params.values()])
      .find((q) => q !== null);
    const d = p?.shape[p.shape.length - 1];
    const why = p
      ? `${root.kind}'s first parameter has ${d} features`
      : `${root.kind} has no parameters: any width`;
    const w = d ?? 64;
    return [
      { shape: [batch, w], why },
      ...(p ? [] : [{ shape: [batch, w, 16, 16], why: `${why}, 16×16 maps` }]),
      { shape: [batch, Math.min(sequenceLength(root) ?? 64, 64), w], why: `${why}, sequences` },
    ];
  }
  switch (m.layer) {
    case 'Linear': {
      // Flat vectors first; then sequences (a transformer block's `B, T, C = x.size()`).
      const t = Math.min(sequenceLength(root) ?? 64, 64);
      return [
        { shape: [batch, n('in_features')], why: `${name} is Linear(${n('in_features')}, …)` },
        {
          shape: [batch, t, n('in_features')],
          why: `${name} is Linear(${n('in_features')}, …), sequences of ${t}`,
        },
      ];
    }
    case 'Conv2d':
      return [32, 28, 64, 224, 96, 128, 256, 16, 8].map((hw) => ({
        shape: [batch, n('in_channels'), hw, hw],
        why: `${name} is Conv2d(${n('in_channels')}, …), ${hw}×${hw} images`,
      }));
    case 'Conv1d':
      return [64, 128, 256, 32, 16, 1024].map((l) => ({
        shape: [batch, n('in_channels'), l],
        why: `${name} is Conv1d(${n('in_channels')}, …), length ${l}`,
      }));
    case 'ConvTranspose2d':
      return [1, 4, 8, 16, 32].map((hw) => ({
        shape: [batch, n('in_channels'), hw, hw],
        why: `${name} is ConvTranspose2d(${n('in_channels')}, …), ${hw}×${hw}`,
      }));
    case 'ConvTranspose1d':
      return [1, 16, 64].map((l) => ({
        shape: [batch, n('in_channels'), l],
        why: `${name} is ConvTranspose1d(${n('in_channels')}, …), length ${l}`,
      }));
    case 'BatchNorm1d':
      return [
        { shape: [batch, n('num_features')], why: `${name} is BatchNorm1d(${n('num_features')})` },
      ];
    case 'BatchNorm2d':
      return [32, 28, 64].map((hw) => ({
        shape: [batch, n('num_features'), hw, hw],
        why: `${name} is BatchNorm2d(${n('num_features')}), ${hw}×${hw}`,
      }));
    case 'LayerNorm': {
      const v = m.cfg.get('normalized_shape');
      const d =
        v?.t === 'num'
          ? v.v
          : v &&
              (v.t === 'tuple' || v.t === 'list') &&
              v.items.length === 1 &&
              v.items[0]!.t === 'num'
            ? v.items[0]!.v
            : NaN;
      return [
        {
          shape: [batch, sequenceLength(root) ?? 64, d],
          why: `${name} is LayerNorm(${d}): sequences of ${d}-vectors`,
        },
      ];
    }
    case 'RNN':
    case 'LSTM':
    case 'GRU': {
      const bf = m.cfg.get('batch_first');
      const batchFirst = bf?.t === 'bool' && bf.v;
      const f = n('input_size');
      const shape = batchFirst ? [batch, 32, f] : [32, batch, f];
      return [
        { shape, why: `${name} is ${m.layer}(${f}, …): 32 steps` },
        // Images read row by row (MNIST's x.reshape(-1, 28, 28) before an LSTM(28, …)).
        { shape: [batch, f, f], why: `${name} is ${m.layer}(${f}, …): ${f} steps of ${f}` },
      ];
    }
    case 'Embedding': {
      const t = sequenceLength(root);
      return [
        {
          shape: [batch, t ?? 64],
          tokens: { vocab: n('num_embeddings') },
          why: `${name} is Embedding(${n('num_embeddings')}, …): token ids, length ${t ?? '64 (no block_size/max_len in the config)'}`,
        },
      ];
    }
    default:
      return [];
  }
}

/** Builds the graph of one model expression in a parsed file. Never throws. */
export function buildGraphInTree(
  tree: Tree,
  exprTree: Tree,
  expr: string,
  options: BuildOptions = {},
  observe?: (ip: Interp) => void,
): BuildResult {
  const ip = new Interp(tree.rootNode, pythonImports(tree), options, options.path);
  ip.exprTree = exprTree;
  ip.resolveModule = options.resolveModule;
  // Other files and the prelude's torch.nn classes are parsed on demand with the tree's language.
  let own: Parser | undefined;
  ip.parseModule =
    options.parse ??
    ((t) => {
      own ??= parserFor(tree);
      return own.parse(t);
    });
  try {
    const root = evaluate(ip, exprTree, expr);
    assignPaths(root);
    applyModuleLevelInits(ip, tree.rootNode, root, expr);
    const batch = options.batch ?? 8;
    const given = options.inputShape;
    let cands: InputCandidate[];
    if (given) {
      const first = inputCandidates(root, batch)[0];
      const tokens = first?.tokens;
      cands = [{ shape: [...given], ...(tokens ? { tokens } : {}), why: 'given' }];
    } else {
      cands = inputCandidates(root, batch);
      if (cands.length === 0)
        throw new Decline(
          root.line,
          `the input of ${root.kind} cannot be inferred from its first layer: give an input shape`,
        );
      // When the first registered layer does not run first (an einops Rearrange of images before
      // it), common image batches are tried last; the one that runs through is named in the notes.
      for (const [c, hw] of [
        [3, 32],
        [3, 224],
        [1, 28],
        [3, 64],
      ] as const) {
        cands.push({
          shape: [batch, c, hw, hw],
          why: `no input fitted the first layer; ${c}×${hw}×${hw} images run through`,
        });
      }
    }
    let last: Decline | undefined;
    let retargeted = false;
    const stepsBefore = ip.notes.length;
    for (const c of cands) {
      ip.notes.length = stepsBefore;
      const g = new GraphBuilder();
      ip.g = g;
      const input: TensorVal = g.add(
        c.tokens
          ? { op: 'input', shape: c.shape, tokens: c.tokens }
          : { op: 'input', shape: c.shape },
        [],
        c.shape,
        root.line,
        'input',
        undefined,
        !!c.tokens,
      );
      try {
        const out = callModule(
          ip,
          root,
          [input, ...extraInputs(ip, root, c.shape)],
          new Map(),
          root.line,
        );
        const t = outputTensor(out);
        if (!t)
          throw new Decline(root.line, `forward() of ${root.kind} returns ${out.t}, not a tensor`);
        if (t.id === input.id)
          throw new Decline(root.line, `forward() of ${root.kind} returns its input`);
        const notes = [...ip.notes];
        if (!given)
          notes.unshift(
            `input (${c.shape.join(', ')})${c.tokens ? ` token ids in [0, ${c.tokens.vocab})` : ''}: ${c.why}`,
          );
        return {
          ok: true,
          graph: g.graph(t),
          inputShape: c.shape,
          ...(c.tokens ? { tokens: c.tokens } : {}),
          notes,
          expr,
        };
      } catch (e) {
        if (e instanceof Decline && e.shapeMismatch && !given) {
          last = e;
          // The first layer that ran is not the first registered (DLA's Tree registers its
          // root before its left node): feed what the layer that ran first wants.
          const ranParams = g.nodes.some((n) => 'weight' in n.op || n.op.op === 'rnn');
          const want = e.want;
          if (want && 'tokens' in want && !ranParams && !retargeted) {
            // An embedding runs first though a layer is registered before it: token ids.
            retargeted = true;
            const t = sequenceLength(root) ?? 64;
            cands.splice(cands.indexOf(c) + 1, 0, {
              shape: [batch, t],
              tokens: { vocab: want.tokens },
              why: `the first layer that runs is an Embedding(${want.tokens}, …): token ids, length ${t}`,
            });
            continue;
          }
          if (want && 'dim' in want && !ranParams && !retargeted && !c.tokens) {
            retargeted = true;
            const d = want.dim === 1 ? 1 : c.shape.length - 1;
            for (const later of cands.slice(cands.indexOf(c))) {
              if (later.shape.length > d) {
                later.shape = later.shape.map((v, i) => (i === d ? want.size : v));
                later.why = `${e.message.replace(/^line \d+: /, '').split(' expects')[0]} runs first and wants ${want.size} ${want.dim === 1 ? 'channels' : 'features'}`;
              }
            }
            cands.splice(cands.indexOf(c) + 1, 0, {
              ...c,
              shape: c.shape.map((v, i) => (i === d ? want.size : v)),
            });
          }
          continue;
        }
        throw e;
      }
    }
    throw last ?? new Decline(root.line, 'no input fits');
  } catch (e) {
    return declined(e);
  } finally {
    ip.g = undefined;
    observe?.(ip);
    for (const t of ip.trees) t.delete();
    own?.delete();
  }
}

/** A parser for the package's other files, made from the tree's own language (already loaded). */
function parserFor(tree: Tree): Parser {
  const p = new Parser();
  p.setLanguage(tree.language);
  return p;
}

/**
 * forward()'s required arguments after the input: a recurrent model's `hidden` comes from its own
 * `init_hidden(batch)` (zeros, torch's default state); anything else declines.
 */
function extraInputs(ip: Interp, root: ModuleObj, shape: readonly number[]): Value[] {
  const fwd = root.cls ? ip.classAttr(root.cls, 'forward') : undefined;
  if (fwd?.t !== 'func') return [];
  const params = named(field(fwd.node, 'parameters')).slice(2);
  const required = params.filter((p) => p.type === 'identifier' || p.type === 'typed_parameter');
  if (required.length === 0) return [];
  const init = ip.classAttr(root.cls!, 'init_hidden');
  if (required.length === 1 && init?.t === 'func') {
    const bf = [...root.children.values()].some(
      (c) =>
        c.cfg.get('batch_first')?.t === 'bool' && (c.cfg.get('batch_first') as { v: boolean }).v,
    );
    const batch = shape.length >= 2 ? shape[bf ? 0 : 1]! : shape[0]!;
    ip.note(lineOf(fwd.node), `forward()'s \`${required[0]!.text}\` is init_hidden(${batch})`);
    return [ip.callFunc({ ...init, self: root }, [int(batch)], new Map(), lineOf(fwd.node))];
  }
  // Arguments typed Optional[…] (a padding mask) are given None, as callers without one do.
  const out: Value[] = [];
  for (const p of required) {
    const type = p.type === 'typed_parameter' ? (field(p, 'type')?.text ?? '') : '';
    if (!/^(typing\.)?Optional\[|\|\s*None$|^None\s*\|/.test(type)) {
      throw new Decline(
        lineOf(fwd.node),
        `forward() needs the argument \`${p.text}\` besides the input`,
      );
    }
    ip.note(lineOf(p), `forward()'s \`${p.text}\` is given None`);
    out.push({ t: 'none' });
  }
  return out;
}

/** `for m in model.modules():` and the like: a loop over an instance's modules or parameters. */
const MODULE_LOOP =
  /^([A-Za-z_]\w*)\.(modules|named_modules|children|named_children|parameters|named_parameters)$/;

/**
 * Re-initialisations written at module level on an instance of the model: `netG =
 * Generator(ngpu).to(device)` then `netG.apply(weights_init)` (pytorch/examples dcgan), and loops
 * such as `for m in model.modules(): nn.init.kaiming_normal_(m.weight)` after a module-level
 * Sequential (what the quick fixes write).
 */
function applyModuleLevelInits(ip: Interp, file: Node, root: ModuleObj, expr: string): void {
  const callee = /^\s*([A-Za-z_]\w*)/.exec(expr)?.[1];
  const names = new Set([root.kind, ...(callee ? [callee] : [])]);
  const instances = new Set<string>();
  // A bare name (`model`) is the module-level instance itself.
  if (/^\s*[A-Za-z_]\w*\s*$/.test(expr) && callee) instances.add(callee);
  for (const st of named(file)) {
    if (st.type === 'for_statement') {
      const it = field(st, 'right');
      const fn = it?.type === 'call' ? field(it, 'function') : null;
      const m = fn ? MODULE_LOOP.exec(fn.text) : null;
      if (m && instances.has(m[1]!)) {
        const scope = { vars: new Map([[m[1]!, root as Value]]), parent: ip.globals };
        ip.execStmt(st, scope);
        ip.note(lineOf(st), `${snippetOf(st)} is applied to the model`);
      }
      continue;
    }
    const e = st.type === 'expression_statement' ? st.firstNamedChild : null;
    if (e?.type === 'assignment') {
      const left = field(e, 'left');
      let right = field(e, 'right');
      // Strip `.to(device)`, `.cuda()` and the like.
      while (right?.type === 'call' && field(right, 'function')?.type === 'attribute') {
        right = field(right, 'function')!.childForFieldName('object');
      }
      const fn = right?.type === 'call' ? field(right, 'function') : null;
      if (left?.type === 'identifier' && fn?.type === 'identifier' && names.has(fn.text))
        instances.add(left.text);
      continue;
    }
    if (e?.type !== 'call') continue;
    const fn = field(e, 'function');
    if (fn?.type !== 'attribute' || field(fn, 'attribute')?.text !== 'apply') continue;
    const obj = field(fn, 'object');
    if (obj?.type !== 'identifier' || !instances.has(obj.text)) continue;
    const arg = named(field(e, 'arguments'))[0];
    if (!arg) continue;
    const f = ip.eval(arg, ip.globals);
    ip.call({ t: 'builtin', name: 'module.apply', self: root }, [f], new Map(), lineOf(e));
    ip.note(lineOf(e), `${snippetOf(e)} is applied to the model`);
  }
}

const snippetOf = (n: Node): string => n.text.replace(/\s+/g, ' ').slice(0, 60);

/** The forward's output: a tensor, or the first element of a tuple/list (recursively). */
function outputTensor(v: Value): TensorVal | undefined {
  if (v.t === 'tensor') return v;
  if ((v.t === 'tuple' || v.t === 'list') && v.items[0]) return outputTensor(v.items[0]);
  return undefined;
}

/**
 * Parses within the shared size limit and time budget (parsePython: 4,000 comment lines took 13 s
 * and a 5 MB file 40 s through parser.parse). `reason` is the user's one line when refused.
 */
export function parseBounded(parser: Parser, text: string): { tree: Tree } | { reason: string } {
  try {
    return { tree: parsePython(parser, text) };
  } catch (e) {
    if (e instanceof PythonParseLimitError) return { reason: e.message };
    throw e;
  }
}

/** The `parse` of FileOptions for the package's other files and expressions: null when refused. */
export function boundedParse(parser: Parser): (text: string) => Tree | null {
  return (text) => {
    const r = parseBounded(parser, text);
    return 'tree' in r ? r.tree : null;
  };
}

/** Largest rank and dimension an input shape may have: beyond them the shape is a typo, and a
 * dimension past 2^31 is not even an exact integer by the time it is multiplied out. */
const MAX_RANK = 8;
const MAX_DIM = 2 ** 31 - 1;

/** Why the options' input shape or batch cannot be used, before anything is read or allocated. */
export function sizeProblem(options: BuildOptions): string | undefined {
  const s = options.inputShape;
  if (s !== undefined) {
    if (!Array.isArray(s) || s.length === 0 || s.length > MAX_RANK)
      return `the input shape needs 1 to ${MAX_RANK} dimensions`;
    const bad = s.find((d) => !Number.isSafeInteger(d) || d < 1 || d > MAX_DIM);
    if (bad !== undefined)
      return `input shape dimensions must be integers from 1 to ${MAX_DIM}, got ${String(bad)}`;
  }
  const b = options.batch;
  if (b !== undefined && !(Number.isSafeInteger(b) && b >= 1 && b <= MAX_DIM))
    return `the batch must be an integer from 1 to ${MAX_DIM}, got ${String(b)}`;
  return undefined;
}

/** Parses `text` and builds the graph of `expr` (see the module comment). Never throws. */
export async function buildGraph(
  text: string,
  expr: string,
  options: BuildOptions = {},
): Promise<BuildResult> {
  const sizes = sizeProblem(options);
  if (sizes) return { ok: false, reason: sizes, line: null };
  const parser = await pythonParser();
  const parsed = parseBounded(parser, text);
  if (!('tree' in parsed)) return { ok: false, reason: parsed.reason, line: null };
  const tree = parsed.tree;
  const exprTree = boundedParse(parser)(expr);
  try {
    if (!exprTree)
      return { ok: false, reason: 'the model expression could not be parsed', line: null };
    return buildGraphInTree(tree, exprTree, expr, { ...options, parse: boundedParse(parser) });
  } finally {
    tree.delete();
    exprTree?.delete();
  }
}

// ---------------------------------------------------------------------------------------------
// Finding the models of a file.

const CONFIG_PARAM =
  /^(config|cfg|conf|args|params|hparams|hp|opt|options|model_args|model_config)$/;

function topLevel(root: Node): Node[] {
  return named(root).map((st) =>
    st.type === 'decorated_definition' ? (field(st, 'definition') ?? st) : st,
  );
}

/** Model classes, module-level Sequentials and factories of a parsed file, with default expressions. */
export interface ListOptions extends Budget, FileOptions {
  /** Steps for all the builds of one listing together (default 4,000,000, about 3 s). */
  readonly maxTotalSteps?: number;
}

export function findTorchModels(
  tree: Tree,
  parseExpr: (expr: string) => Tree | null,
  budget: ListOptions = {},
): FoundModel[] {
  const root = tree.rootNode;
  const imports = pythonImports(tree);
  const probe = new Interp(root, imports, budget, budget.path);
  probe.resolveModule = budget.resolveModule;
  const own = budget.resolveModule && !budget.parse ? parserFor(tree) : undefined;
  const parse = budget.parse ?? (own ? (t: string) => own.parse(t) : undefined);
  probe.parseModule = parse;
  budget = { ...budget, ...(parse ? { parse } : {}) };
  const classes = new Map<
    string,
    { node: Node; isModule: boolean; required: string[]; configParam: boolean; reason?: string }
  >();
  const configClasses: string[] = [];
  for (const def of topLevel(root)) {
    if (def.type !== 'class_definition') continue;
    const name = field(def, 'name')?.text;
    if (!name) continue;
    let isModule = false;
    let reason: string | undefined;
    try {
      const v = probe.lookup(name, probe.globals, lineOf(def));
      isModule = v.t === 'class' && v.isModule;
      // A class over a base from another file (torchvision's Conv2dNormActivation) that has a
      // forward or a torch-like __init__ is a model the reader cannot build without that file.
      const opaque =
        v.t === 'class'
          ? probe
              .mro(v)
              .flatMap((c) => c.bases)
              .find((b) => b.t === 'opaque')
          : undefined;
      const ownMethods =
        v.t === 'class' &&
        (v.attrs.get('forward')?.t === 'func' || v.attrs.get('__init__')?.t === 'func');
      if (opaque?.t === 'opaque' && !isModule && ownMethods) {
        isModule = true;
        reason = `${name} extends ${opaque.what}`;
      }
      if (v.t === 'class' && !v.isModule && (v.dataclass || /Config$|Args$|Params$/.test(name)))
        configClasses.push(name);
    } catch (e) {
      // A class whose bases cannot be read: a model when a base is spelled like a torch module.
      const bases = field(def, 'superclasses')?.text ?? '';
      if (/\b(nn\.)?Module\b/.test(bases)) {
        isModule = true;
        reason = declined(e).reason;
      }
    }
    if (!isModule) continue;
    const init = named(field(def, 'body'))
      .map((s) => (s.type === 'decorated_definition' ? field(s, 'definition') : s))
      .find((s) => s?.type === 'function_definition' && field(s, 'name')?.text === '__init__');
    const required: string[] = [];
    for (const p of named(init?.childForFieldName('parameters')).slice(1)) {
      if (p.type === 'identifier') required.push(p.text);
      else if (p.type === 'typed_parameter' && p.firstNamedChild?.type === 'identifier')
        required.push(p.firstNamedChild.text);
    }
    classes.set(name, {
      node: def,
      isModule,
      required,
      configParam: required.length === 1 && CONFIG_PARAM.test(required[0]!),
      ...(reason ? { reason } : {}),
    });
  }
  // Calls of model classes outside their own definitions: what the file instantiates.
  const inst = new Map<string, string[]>();
  for (const call of root.descendantsOfType('call')) {
    if (!call) continue;
    const fn = field(call, 'function');
    if (fn?.type !== 'identifier' || !classes.has(fn.text)) continue;
    let inside = false;
    for (let p = call.parent; p; p = p.parent) {
      if (p.type === 'class_definition' && classes.has(field(p, 'name')?.text ?? '')) inside = true;
    }
    if (inside) continue;
    const list = inst.get(fn.text) ?? [];
    const text = call.text.replace(/\s+/g, ' ');
    if (!list.includes(text) && text.length < 200) list.push(text);
    inst.set(fn.text, list);
  }
  const out: FoundModel[] = [];
  // How each block class was first built inside a model, as a literal call (`BasicBlock(64, 64, 1)`).
  const used = new Map<string, string>();
  // One budget for the whole listing, so a file of many hostile classes still answers in seconds.
  const totalSteps = budget.maxTotalSteps ?? 4_000_000;
  let spent = probe.steps;
  const observe = (ip: Interp): void => {
    spent += ip.steps;
    for (const [cls, calls] of ip.firstCalls) {
      if (used.has(cls.name) || !classes.has(cls.name)) continue;
      for (const call of calls) {
        if (call.pos.length + call.kw.size === 0) continue;
        const args = [
          ...call.pos.map((v) => literalText(v, 0, imports)),
          ...[...call.kw].map(([k, v]) => {
            const t = literalText(v, 0, imports);
            return t === undefined ? undefined : `${k}=${t}`;
          }),
        ];
        if (args.every((a) => a !== undefined)) {
          used.set(cls.name, `${cls.name}(${args.join(', ')})`);
          break;
        }
      }
    }
  };
  const tryBuild = (exprs: string[]): { expr?: string; reason?: string } => {
    let first: string | undefined;
    for (const expr of exprs) {
      if (spent >= totalSteps) {
        first ??= `not read: reading this file took more than ${totalSteps} steps`;
        break;
      }
      const et = parseExpr(expr);
      if (!et) continue;
      try {
        const r = buildGraphInTree(tree, et, expr, budget, observe);
        if (r.ok) return { expr };
        first ??= r.reason;
      } finally {
        et.delete();
      }
    }
    return { ...(exprs[0] ? { expr: exprs[0] } : {}), reason: first ?? 'nothing to build' };
  };
  for (const [name, c] of classes) {
    const exprs: string[] = [];
    if (c.required.length === 0) exprs.push(`${name}()`);
    else if (c.configParam && configClasses.length === 1)
      exprs.push(`${name}(${configClasses[0]}())`);
    exprs.push(...(inst.get(name) ?? []));
    if (exprs.length === 0) exprs.push(`${name}()`);
    const r = c.reason ? { expr: exprs[0], reason: c.reason } : tryBuild(exprs);
    out.push({
      name,
      line: lineOf(c.node),
      endLine: c.node.endPosition.row + 1,
      framework: 'pytorch',
      kind: 'class',
      checkable: r.reason === undefined,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      ...(r.expr ? { expr: r.expr } : {}),
      instantiations: inst.get(name) ?? [],
    });
  }
  const functions = new Map<string, Node>();
  for (const st of topLevel(root)) {
    const n = st.type === 'function_definition' ? field(st, 'name')?.text : undefined;
    if (n) functions.set(n, st);
  }
  /** Whether a function returns a model: a class of the file, nn.Sequential, or (through
   * torchvision's `_resnet(BasicBlock, …)` helpers) a function of the file that does. */
  const returnsModule = (fn: Node, depth: number): boolean =>
    depth < 4 &&
    fn.descendantsOfType('return_statement').some((r) => {
      let v = r?.firstNamedChild;
      if (v?.type === 'identifier') {
        // `model = ResNet(block, layers); …; return model`
        const name = v.text;
        const asg = fn
          .descendantsOfType('assignment')
          .find(
            (a) =>
              a?.childForFieldName('left')?.text === name && field(a, 'right')?.type === 'call',
          );
        v = asg?.childForFieldName('right') ?? v;
      }
      const callee = v?.type === 'call' ? field(v, 'function') : null;
      if (!callee) return false;
      if (callee.type === 'identifier' && classes.has(callee.text)) return true;
      // `return partial(MLPModule, …)` (skorch's make_classifier): a factory of a model class.
      if (/^(functools\.)?partial$/.test(callee.text)) {
        const first = named(v ? field(v, 'arguments') : null)[0];
        if (first?.type === 'identifier' && classes.has(first.text)) return true;
      }
      const helper = callee.type === 'identifier' ? functions.get(callee.text) : undefined;
      if (helper && helper !== fn && returnsModule(helper, depth + 1)) return true;
      return qualifiedNames(callee.text, imports)[0]?.name === 'torch.nn.Sequential';
    });
  for (const st of topLevel(root)) {
    if (st.type === 'function_definition') {
      const name = field(st, 'name')?.text ?? '';
      const params = named(field(st, 'parameters'));
      const required = (p: Node): boolean =>
        p.type === 'identifier' ||
        (p.type === 'typed_parameter' && p.firstNamedChild?.type === 'identifier');
      const needsArgs = params.some(required);
      // Private helpers with arguments (torchvision's _resnet) are not offered as models.
      if (needsArgs && name.startsWith('_')) continue;
      const returnsModel = returnsModule(st, 0);
      if (!returnsModel) continue;
      // With arguments (`def conv_bn(cin, cout)`): built as the file calls it (`conv_bn(1, 16)`).
      const calls = needsArgs
        ? root
            .descendantsOfType('call')
            .filter((c): c is Node => c?.childForFieldName('function')?.text === name)
            .map((c) => c.text.replace(/\s+/g, ' '))
            .filter((t, i, all) => t.length < 200 && all.indexOf(t) === i)
        : [];
      const r = tryBuild([...calls.slice(0, 3), `${name}()`]);
      out.push({
        name,
        line: lineOf(st),
        endLine: st.endPosition.row + 1,
        framework: 'pytorch',
        kind: 'factory',
        checkable: r.reason === undefined,
        ...(r.reason !== undefined ? { reason: r.reason } : {}),
        expr: r.expr ?? `${name}()`,
        instantiations: calls,
      });
    } else if (st.type === 'expression_statement') {
      const asg = st.firstNamedChild;
      const left = asg?.type === 'assignment' ? field(asg, 'left') : null;
      const right = asg?.childForFieldName('right');
      if (left?.type !== 'identifier' || right?.type !== 'call') continue;
      const fn = field(right, 'function');
      if (!fn || qualifiedNames(fn.text, imports)[0]?.name !== 'torch.nn.Sequential') continue;
      const r = tryBuild([left.text]);
      out.push({
        name: left.text,
        line: lineOf(st),
        endLine: st.endPosition.row + 1,
        framework: 'pytorch',
        kind: 'sequential',
        checkable: r.reason === undefined,
        ...(r.reason !== undefined ? { reason: r.reason } : {}),
        expr: left.text,
        instantiations: [],
      });
    }
  }
  // Blocks that need arguments: built as the model built them, when that is literal.
  out.forEach((m, i) => {
    const call = used.get(m.name);
    if (m.kind !== 'class' || m.checkable || !call || m.expr === call) return;
    const r = tryBuild([call]);
    if (r.reason === undefined) {
      out[i] = { ...m, checkable: true, expr: call, reason: undefined } as FoundModel;
      delete (out[i] as { reason?: string }).reason;
    }
  });
  for (const t of probe.trees) t.delete();
  own?.delete();
  return out.sort((a, b) => a.line - b.line);
}

/** A value as Python source, when it is a literal or a config object of this file. */
function literalText(v: Value, depth = 0, imp?: Imports): string | undefined {
  if (depth > 6) return undefined;
  switch (v.t) {
    case 'none':
      return 'None';
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'num':
      if (!Number.isFinite(v.v)) return v.v > 0 ? "float('inf')" : "float('-inf')";
      return v.int ? String(v.v) : Number.isInteger(v.v) ? `${v.v}.0` : String(v.v);
    case 'str':
      return `'${v.v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
    case 'tuple':
    case 'list': {
      const items = v.items.map((x) => literalText(x, depth + 1, imp));
      if (items.some((x) => x === undefined)) return undefined;
      if (v.t === 'list') return `[${items.join(', ')}]`;
      return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    }
    case 'class':
      return v.name;
    case 'builtin': {
      // partial(nn.LayerNorm, eps=1e-6) passed on (timm's norm_layer), when the file imports partial.
      if (v.name === '$partial' && v.self?.t === 'tuple' && imp) {
        const [fn, pre, kw] = v.self.items;
        const p = literalText({ t: 'builtin', name: 'functools.partial' }, depth + 1, imp);
        const parts = [fn && literalText(fn, depth + 1, imp)];
        if (pre?.t === 'tuple') parts.push(...pre.items.map((x) => literalText(x, depth + 1, imp)));
        if (kw?.t === 'dict') {
          for (const [k, x] of kw.entries.values()) {
            const t = literalText(x, depth + 1, imp);
            parts.push(k.t === 'str' && t !== undefined ? `${k.v}=${t}` : undefined);
          }
        }
        return p && parts.every((x) => x !== undefined) ? `${p}(${parts.join(', ')})` : undefined;
      }
      // A library class passed as an argument (norm_layer=nn.BatchNorm2d), written as this file
      // imports it.
      if (v.self !== undefined || !imp) return undefined;
      let best: string | undefined;
      let bestLen = -1;
      for (const [local, modules] of imp.aliases) {
        const m = modules[0];
        if (m === undefined || m.length <= bestLen) continue;
        if (m === v.name || v.name.startsWith(`${m}.`)) {
          best = `${local}${v.name.slice(m.length)}`;
          bestLen = m.length;
        }
      }
      return best;
    }
    case 'dict': {
      const items = [...v.entries.values()].map(([k, x]) => {
        const kt = literalText(k, depth + 1, imp);
        const xt = literalText(x, depth + 1, imp);
        return kt === undefined || xt === undefined ? undefined : `${kt}: ${xt}`;
      });
      return items.every((x) => x !== undefined) ? `{${items.join(', ')}}` : undefined;
    }
    case 'obj': {
      if (!v.cls.dataclass) return undefined;
      const fields = v.cls.fields.map((f) => {
        const t = literalText(v.attrs.get(f.name) ?? { t: 'none' }, depth + 1, imp);
        return t === undefined ? undefined : `${f.name}=${t}`;
      });
      return fields.every((f) => f !== undefined)
        ? `${v.cls.name}(${fields.join(', ')})`
        : undefined;
    }
    default:
      return undefined;
  }
}

/** Every PyTorch model of a file (see the module comment). Never throws. */
export async function readPythonModels(
  text: string,
  budget: ListOptions = {},
): Promise<{ models: FoundModel[]; declined?: string }> {
  const parser = await pythonParser();
  const parsed = parseBounded(parser, text);
  if (!('tree' in parsed)) return { models: [], declined: parsed.reason };
  const tree = parsed.tree;
  try {
    return {
      models: findTorchModels(tree, boundedParse(parser), {
        ...budget,
        parse: boundedParse(parser),
      }),
    };
  } catch (e) {
    void e;
    return { models: [] };
  } finally {
    tree.delete();
  }
}
