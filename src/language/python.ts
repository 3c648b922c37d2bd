import type { Node, Tree } from 'web-tree-sitter';
import type { Framework } from '../kernel/types';
import { recogniseCustom } from './custom/recognise';
import { HF_KEYS, HF_MAPPING } from './hfKeys';
import { candidatesFor, type Candidate, type Imports } from './names';
import { pythonBinaryOp } from './pythonArith';
import { pythonImports } from './pythonImports';
import { resolveCall, resolveString, versionAlternatives, type Resolved } from './resolve';
import type { Alternative, CallArgs, Literal, Recognition } from './types';

/** Calls taking a Keras activation id (`Dense(…, activation="selu")`, `Activation("gelu")`). */
const KERAS_ACTIVATION_CALLS = new Set(['keras.layers.Activation']);
const MAX_DEPTH = 24;
const MAX_TEXT = 60;

export { pythonImports } from './pythonImports';

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > MAX_TEXT ? one.slice(0, MAX_TEXT - 1) + '…' : one;
}

function stringValue(n: Node): string | undefined {
  if (n.type !== 'string') return undefined;
  if (n.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  const m = /^[rRbBuU]{0,2}("""|'''|"|')([\s\S]*)\1$/.exec(n.text);
  return m?.[2];
}

/** The value of a literal expression, or undefined. Handles -0.2, 1/8, 1e-3, True, None, 'tanh'. */
function literalValue(n: Node, depth = 0): number | string | boolean | null | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (n.type) {
    case 'integer':
    case 'float': {
      const v = Number(n.text.replace(/_/g, ''));
      return Number.isFinite(v) ? v : undefined;
    }
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'string':
      return stringValue(n);
    case 'parenthesized_expression': {
      const inner = n.namedChildren.find((c) => c && c.type !== 'comment');
      return inner ? literalValue(inner, depth + 1) : undefined;
    }
    case 'unary_operator': {
      const op = n.childForFieldName('operator')?.text;
      const arg = n.childForFieldName('argument');
      const v = arg ? literalValue(arg, depth + 1) : undefined;
      if (typeof v !== 'number') return undefined;
      return op === '-' ? -v : op === '+' ? v : undefined;
    }
    case 'binary_operator': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const a = l ? literalValue(l, depth + 1) : undefined;
      const b = r ? literalValue(r, depth + 1) : undefined;
      if (typeof a !== 'number' || typeof b !== 'number') return undefined;
      return pythonBinaryOp(n.childForFieldName('operator')?.text, a, b);
    }
    default:
      return undefined;
  }
}

function literal(n: Node, notes?: string[]): Literal {
  const v = literalValue(n) ?? (notes ? variableValue(n, notes) : undefined);
  return v === undefined ? { kind: 'unknown', text: clip(n.text) } : { kind: 'value', value: v };
}

/**
 * An argument given by a name: the default of the enclosing function's parameter of that name
 * (GAT's `nn.LeakyReLU(negative_slope=leaky_relu_negative_slope)` in `__init__(…, = 0.2)`), else
 * a module-level constant assigned once (`LEAKY_RELU_SLOPE = 0.2`). Says where it came from.
 */
function variableValue(n: Node, notes: string[]): number | string | boolean | null | undefined {
  if (n.type !== 'identifier') return undefined;
  const name = n.text;
  for (let p: Node | null = n.parent, i = 0; p && i < MAX_DEPTH * 4; p = p.parent, i++) {
    if (p.type !== 'function_definition') continue;
    for (const param of p.childForFieldName('parameters')?.namedChildren ?? []) {
      if (
        !param ||
        (param.type !== 'default_parameter' && param.type !== 'typed_default_parameter')
      )
        continue;
      if (param.childForFieldName('name')?.text !== name) continue;
      const d = param.childForFieldName('value');
      const v = d ? literalValue(d) : undefined;
      if (v === undefined) return undefined;
      const fnName = p.childForFieldName('name')?.text ?? 'the function';
      notes.push(
        `\`${name}\` is the default of \`${fnName}\`’s parameter (${clip(d?.text ?? '')}); a caller may pass another value.`,
      );
      return v;
    }
    // Not a parameter: a local assignment makes it unknowable here, else it may be a module constant.
    const body = p.childForFieldName('body');
    const assigned = body
      ?.descendantsOfType('assignment')
      .some((a) => a?.childForFieldName('left')?.text === name);
    if (assigned || p.childForFieldName('parameters')?.text.includes(name)) return undefined;
  }
  let root: Node | null = n;
  while (root?.parent) root = root.parent;
  let found: Node | undefined;
  for (const st of root?.namedChildren ?? []) {
    const a = st?.type === 'expression_statement' ? st.namedChildren[0] : undefined;
    if (a?.type !== 'assignment' || a.childForFieldName('left')?.text !== name) continue;
    if (found) return undefined; // assigned twice: which one is in effect depends on the run
    found = a.childForFieldName('right') ?? undefined;
  }
  const v = found ? literalValue(found) : undefined;
  if (v !== undefined)
    notes.push(
      `\`${name}\` is the module constant ${clip(found?.text ?? '')} (line ${(found?.startPosition.row ?? 0) + 1}).`,
    );
  return v;
}

function callArgs(list: Node, notes?: string[]): CallArgs {
  const positional: Literal[] = [];
  const keywords: [string, Literal][] = [];
  let splat = false;
  for (const c of list.namedChildren) {
    if (!c || c.type === 'comment') continue;
    if (c.type === 'keyword_argument') {
      const name = c.childForFieldName('name')?.text;
      const value = c.childForFieldName('value');
      if (name && value) keywords.push([name, literal(value, notes)]);
    } else if (c.type === 'list_splat' || c.type === 'dictionary_splat') {
      splat = true;
    } else if (!splat) positional.push(literal(c, notes));
  }
  return { positional, keywords, ...(splat ? { splat } : {}) };
}

const DOTTED = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

/** The dotted name (`nn.functional.gelu`) a node belongs to, or undefined. */
function dottedAt(node: Node): Node | undefined {
  if (node.type !== 'identifier' && node.type !== 'attribute') return undefined;
  let n = node;
  for (let i = 0; i < MAX_DEPTH && n.parent?.type === 'attribute'; i++) {
    // Stop at `.forward` in `nn.GELU().forward`: only climb through pure dotted names.
    if (!DOTTED.test(n.parent.text.replace(/\s+/g, ''))) break;
    n = n.parent;
  }
  return DOTTED.test(n.text.replace(/\s+/g, '')) ? n : undefined;
}

function finish(
  r: Resolved | undefined,
  written: string,
  at: Node,
  alternatives: Alternative[],
  extraNotes: readonly string[] = [],
): Recognition | undefined {
  if (!r) return undefined;
  return {
    ...r,
    notes: [...extraNotes, ...r.notes],
    written,
    alternatives,
    start: at.startIndex,
    end: at.endIndex,
  };
}

/** A call or reference through a dotted name, with the other readings when the imports are ambiguous. */
function fromCandidates(
  cands: Candidate[],
  args: CallArgs | undefined,
  written: string,
  at: Node,
): Recognition | undefined {
  const [primary, ...others] = cands;
  if (!primary) return undefined;
  const r = resolveCall(primary.group, args);
  if (!r) return undefined;
  const alternatives: Alternative[] = [...versionAlternatives(r)];
  for (const o of others) {
    const ro = resolveCall(o.group, args);
    if (ro) {
      alternatives.push({
        id: ro.id,
        qualifiedName: o.qualifiedName,
        why: `\`${written.split('.')[0]}\` is imported from several modules in this file.`,
        params: ro.params,
      });
    }
  }
  return finish(r, written, at, alternatives, primary.guess ? [primary.guess] : []);
}

function resolvedString(
  framework: Framework,
  key: string,
  at: Node,
  written: string,
): Recognition | undefined {
  const r = resolveString(framework, key);
  return r ? finish(r, written, at, versionAlternatives(r, key)) : undefined;
}

/** The function a call node calls, as candidates. */
function calleeOf(call: Node, imp: Imports): { dotted: string; cands: Candidate[] } | undefined {
  const fn = call.childForFieldName('function');
  if (!fn || !DOTTED.test(fn.text.replace(/\s+/g, ''))) return undefined;
  const dotted = fn.text.replace(/\s+/g, '');
  return { dotted, cands: candidatesFor(dotted, imp) };
}

/** A string literal that names an activation: Keras ids, HF keys, torch Transformer `activation=`. */
function fromString(str: Node, imp: Imports): Recognition | undefined {
  const key = stringValue(str);
  if (key === undefined || key.length > 40) return undefined;
  const parent = str.parent;
  if (!parent) return undefined;
  const written = `"${key}"`;
  if (parent.type === 'keyword_argument' && parent.childForFieldName('value')?.id === str.id) {
    const name = parent.childForFieldName('name')?.text ?? '';
    if (HF_KEYS.test(name)) return resolvedString('huggingface', key, str, written);
    if (name === 'activation') {
      const call = parent.parent?.parent;
      const fn =
        call?.type === 'call'
          ? call.childForFieldName('function')?.text.replace(/\s+/g, '')
          : undefined;
      const head = fn?.split('.')[0] ?? '';
      const module = imp.aliases.get(head)?.[0] ?? (head === 'nn' ? 'torch.nn' : head);
      // torch.nn.Transformer*(activation="gelu") takes F.relu / F.gelu by name.
      if (fn && module.startsWith('torch') && /Transformer/.test(fn)) {
        const torchF = candidatesFor(`torch.nn.functional.${key}`, {
          aliases: new Map(),
          star: [],
        });
        return fromCandidates(torchF, undefined, written, str);
      }
      return (
        resolvedString('keras', key, str, written) ??
        resolvedString('huggingface', key, str, written)
      );
    }
    return undefined;
  }
  if (parent.type === 'argument_list') {
    const call = parent.parent;
    if (
      call?.type !== 'call' ||
      parent.namedChildren.find((c) => c?.type !== 'comment')?.id !== str.id
    )
      return undefined;
    const callee = calleeOf(call, imp);
    if (!callee) return undefined;
    const q = callee.cands[0]?.qualifiedName;
    const fnName = callee.dotted.split('.').pop() ?? '';
    if ((q && KERAS_ACTIVATION_CALLS.has(q)) || (!q && fnName === 'Activation'))
      return resolvedString('keras', key, str, written);
    if (fnName === 'get_activation') return resolvedString('huggingface', key, str, written);
    return undefined;
  }
  if (
    parent.type === 'subscript' &&
    HF_MAPPING.test(parent.childForFieldName('value')?.text ?? '')
  ) {
    return resolvedString('huggingface', key, str, written);
  }
  // `def __init__(self, activation_function="gelu_new")`: a config's default.
  if (
    (parent.type === 'default_parameter' || parent.type === 'typed_default_parameter') &&
    parent.childForFieldName('value')?.id === str.id
  ) {
    const name = parent.childForFieldName('name')?.text ?? '';
    return HF_KEYS.test(name) ? resolvedString('huggingface', key, str, written) : undefined;
  }
  // The keys of `ACT2FN = {"gelu_new": NewGELUActivation, …}`.
  if (parent.type === 'pair' && parent.childForFieldName('key')?.id === str.id) {
    const assignment = parent.parent?.type === 'dictionary' ? parent.parent.parent : undefined;
    const target =
      assignment?.type === 'assignment' ? assignment.childForFieldName('left')?.text : undefined;
    return target && HF_MAPPING.test(target)
      ? resolvedString('huggingface', key, str, written)
      : undefined;
  }
  if (parent.type === 'pair' && parent.childForFieldName('value')?.id === str.id) {
    const k = parent.childForFieldName('key');
    const kv = k ? stringValue(k) : undefined;
    if (kv && HF_KEYS.test(kv)) return resolvedString('huggingface', key, str, written);
    if (kv === 'activation') return resolvedString('keras', key, str, written);
    return undefined;
  }
  if (parent.type === 'assignment' && parent.childForFieldName('right')?.id === str.id) {
    const left = parent.childForFieldName('left')?.text.split('.').pop() ?? '';
    if (HF_KEYS.test(left)) return resolvedString('huggingface', key, str, written);
  }
  return undefined;
}

/**
 * The activation at `offset` in a parsed Python file, or undefined. Never throws on any tree; the
 * work is proportional to the depth of the node at `offset`, not to the file.
 */
export function recognisePython(tree: Tree, offset: number): Recognition | undefined {
  const imp = pythonImports(tree);
  let node: Node | null = tree.rootNode.descendantForIndex(Math.max(0, offset));
  if (!node) return undefined;

  // A string literal (or its content/quotes).
  for (let n: Node | null = node, i = 0; n && i < 3; n = n.parent, i++) {
    if (n.type === 'string') return fromString(n, imp);
  }

  // The name of a config parameter whose default is an activation (`activation_function="gelu_new"`).
  const param = node.parent;
  if (
    node.type === 'identifier' &&
    (param?.type === 'default_parameter' || param?.type === 'typed_default_parameter') &&
    param.childForFieldName('name')?.id === node.id
  ) {
    const v = param.childForFieldName('value');
    if (v?.type === 'string') return fromString(v, imp);
  }

  // ACT2FN itself in `ACT2FN["gelu_new"]`.
  if (node.type === 'identifier' && node.text === 'ACT2FN' && node.parent?.type === 'subscript') {
    const sub = node.parent.childForFieldName('subscript');
    if (sub?.type === 'string') return fromString(sub, imp);
  }

  // Inside a call's arguments (`nn.LeakyReLU(0.2)` with the cursor on 0.2): use the call.
  let dotted = dottedAt(node);
  if (!dotted) {
    for (let n: Node | null = node, i = 0; n && i < 4; n = n.parent, i++) {
      if (n.type === 'argument_list' && n.parent?.type === 'call') {
        const fn = n.parent.childForFieldName('function');
        dotted = fn ? dottedAt(fn) : undefined;
        break;
      }
    }
  }
  if (!dotted) return undefined;
  node = dotted;
  const written = node.text.replace(/\s+/g, '');
  const cands = candidatesFor(written, imp);
  if (!cands.length) {
    const last = node.type === 'attribute' ? node.childForFieldName('attribute') : node;
    return (last && tensorMethod(last, imp)) ?? recogniseCustom(tree, node, imp);
  }
  const call =
    node.parent?.type === 'call' && node.parent.childForFieldName('function')?.id === node.id
      ? node.parent
      : undefined;
  const list = call?.childForFieldName('arguments');
  const varNotes: string[] = [];
  const args = list && list.type === 'argument_list' ? callArgs(list, varNotes) : undefined;
  const r = fromCandidates(cands, args, written, node);
  return r && varNotes.length ? { ...r, notes: [...varNotes, ...r.notes] } : r;
}

/** Tensor methods that are activations: `x.sigmoid()`, `F.softplus(x).tanh()`, `x.relu_()`. */
const TENSOR_METHODS: Readonly<Record<string, string>> = {
  sigmoid: 'torch.sigmoid',
  sigmoid_: 'torch.sigmoid',
  tanh: 'torch.tanh',
  tanh_: 'torch.tanh',
  relu: 'torch.relu',
  relu_: 'torch.relu',
};

function tensorMethod(at: Node, imp: Imports): Recognition | undefined {
  const attr = at.parent;
  const call = attr?.parent;
  if (
    at.type !== 'identifier' ||
    attr?.type !== 'attribute' ||
    attr.childForFieldName('attribute')?.id !== at.id ||
    call?.type !== 'call' ||
    call.childForFieldName('function')?.id !== attr.id
  )
    return undefined;
  const torchName = TENSOR_METHODS[at.text];
  if (!torchName) return undefined;
  // A module's function (`np.tanh`, `jnp.tanh`) is not a tensor method; imports decide.
  const obj = attr.childForFieldName('object');
  if (
    obj &&
    (obj.type === 'identifier' || obj.type === 'attribute') &&
    DOTTED.test(obj.text.replace(/\s+/g, '')) &&
    imp.aliases.has(obj.text.split('.')[0] ?? '')
  )
    return undefined;
  const modules = [...imp.aliases.values()].flat();
  if (modules.length && !modules.some((m) => m.startsWith('torch'))) return undefined;
  const cands = candidatesFor(torchName, { aliases: new Map([['torch', ['torch']]]), star: [] });
  const r = fromCandidates(cands, undefined, `${obj?.text ?? 'x'}.${at.text}()`, at);
  return (
    r && {
      ...r,
      notes: [
        `Tensor method: \`.${at.text}()\` computes ${torchName}${at.text.endsWith('_') ? ' in place' : ''}.`,
        ...r.notes,
      ],
    }
  );
}
