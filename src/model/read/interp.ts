/**
 * A small abstract interpreter for the Python that defines models: module-level constants, classes
 * (dataclass configs, nn.Module subclasses with super().__init__), functions and factories, loops,
 * comprehensions and if/else on values it can evaluate. Library calls (torch, math, functools,
 * argparse…) go to src/model/read/torch.ts; tensors are symbolic with known shapes.
 *
 * Every evaluation counts against a step budget and a call-depth cap, so any input file ends in a
 * value or a `Decline` naming the construct and its line, never a hang or a stack overflow.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { pythonBinaryOp } from '../../language/pythonArith';
import { readImports, type Imports } from '../../language/pythonImports';
import { constAssign, constCompare, toConst } from './consts';
import { GraphBuilder } from './graph';
import { PRELUDE } from './prelude';
import {
  callLibrary,
  callModule,
  libraryAttr,
  moduleAttr,
  setModuleAttr,
  tensorBinary,
  extendModules,
  tensorIndex,
  tensorUnary,
  isKnownLibraryName,
} from './torch';
import {
  Decline,
  FALSE,
  newModule,
  NONE,
  TRUE,
  bool,
  dictKey,
  int,
  isSeq,
  num,
  show,
  str,
  truthy,
  tuple,
  type ClassVal,
  type FuncVal,
  type ObjVal,
  type Scope,
  type Value,
} from './values';

export interface Budget {
  /** Expression and statement evaluations allowed (default 2,000,000). */
  readonly maxSteps?: number;
  /** Python call depth (default 48). */
  readonly maxDepth?: number;
}

type Signal = { k: 'return'; v: Value } | { k: 'break' } | { k: 'continue' } | undefined;

/**
 * What the interpreter asks of tree nodes, cached per tree: web-tree-sitter makes a new JS object
 * (through WASM) on every child or field access, and a model's constructor runs the same lines
 * many times (a block class per layer; every model of a file when listing them).
 */
interface NodeInfo {
  named?: Node[];
  fields?: Map<string, Node | null>;
  line?: number;
}
const nodeInfo = new WeakMap<Tree, Map<number, NodeInfo>>();

function info(n: Node): NodeInfo {
  let m = nodeInfo.get(n.tree);
  if (!m) {
    m = new Map();
    nodeInfo.set(n.tree, m);
  }
  let e = m.get(n.id);
  if (!e) {
    e = {};
    m.set(n.id, e);
  }
  return e;
}

export function lineOf(n: Node): number {
  const e = info(n);
  return (e.line ??= n.startPosition.row + 1);
}

export function named(n: Node | null | undefined): Node[] {
  if (!n) return [];
  const e = info(n);
  return (e.named ??= n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment'));
}

/** `field(n, name)`, cached. */
export function field(n: Node, name: string): Node | null {
  const e = info(n);
  const f = (e.fields ??= new Map());
  let v = f.get(name);
  if (v === undefined) {
    v = n.childForFieldName(name);
    f.set(name, v);
  }
  return v;
}

/** Source text for messages: one line, at most 60 characters. */
export function snippet(n: Node): string {
  const t = n.text.replace(/\s+/g, ' ').trim();
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}

const MAX_EXPR_DEPTH = 300;
const MAX_SEQ = 1_000_000;

interface Lazy {
  node: Node;
  /** What the name is bound to in that statement (assignment target index, or def/class). */
  kind: 'assign' | 'def' | 'class';
  value?: Value;
  busy?: boolean;
}

/** Another file's source for `from ..ops.misc import X` (the package's own modules). */
export type ModuleResolver = (
  fromPath: string | undefined,
  module: string,
  /** The name imported from it: a package without its __init__.py may still define it. */
  name?: string,
) => { readonly path: string; readonly text: string } | undefined;

/** Libraries whose names are read as library calls, never looked up as files of the package. */
const LIBRARIES =
  /^(torch|torchvision\.(transforms|datasets|io|utils)|numpy|math|typing|collections|functools|dataclasses|argparse|copy|itertools|os|sys|logging|warnings|einops|keras|tensorflow|tf_keras|jax|flax|optax|haiku|abc|enum|inspect|re|random|time|json|pathlib)(\.|$)/;

/** One Python file: its imports and its top-level names, evaluated on first use. */
export class ModuleEnv {
  readonly lazy = new Map<string, Lazy>();
  /** Module-level `X.add_argument(...)` calls, for argparse defaults. */
  readonly addArgumentCalls: Node[] = [];
  readonly scope: Scope;

  constructor(
    readonly root: Node,
    readonly imports: Imports,
    readonly path: string | undefined,
  ) {
    this.scope = { vars: new Map(), parent: undefined, env: this };
  }
}

export class Interp {
  steps = 0;
  depth = 0;
  private exprDepth = 0;
  readonly maxSteps: number;
  readonly maxDepth: number;
  /** The file being read. */
  readonly main: ModuleEnv;
  /** Other files of the package, by path (relative imports), when a resolver is given. */
  private readonly envs = new Map<string, ModuleEnv | null>();
  /** Parses another file (set with a resolver); the trees are the caller's to delete. */
  parseModule: ((text: string) => Tree | null) | undefined;
  resolveModule: ModuleResolver | undefined;
  readonly trees: Tree[] = [];
  readonly notes: string[] = [];
  /** The graph being built while forward() runs; undefined while constructing. */
  g: GraphBuilder | undefined;
  /** The arguments each module class was first constructed with (blocks built inside a model). */
  readonly firstCalls = new Map<ClassVal, { pos: Value[]; kw: Map<string, Value> }[]>();
  /** The separately parsed model expression (`GPT(GPTConfig(n_layer=4))`). */
  exprTree: Tree | undefined;

  constructor(
    readonly root: Node,
    readonly imports: Imports,
    budget: Budget = {},
    path?: string,
  ) {
    this.maxSteps = budget.maxSteps ?? 2_000_000;
    this.maxDepth = budget.maxDepth ?? 48;
    this.main = new ModuleEnv(root, imports, path);
    this.indexModule(this.main);
  }

  /** The main file's module scope. */
  get globals(): Scope {
    return this.main.scope;
  }

  get addArgumentCalls(): readonly Node[] {
    return this.main.addArgumentCalls;
  }

  private prelude: ModuleEnv | undefined;

  /** A torch.nn class written in Python in the prelude (src/model/read/prelude.ts). */
  preludeClass(name: string, line: number): Value {
    if (!this.prelude) {
      const tree = this.parseModule?.(PRELUDE);
      if (!tree)
        throw new Decline(line, `nn.${name} is not read here (no parser for its definition)`);
      this.trees.push(tree);
      this.prelude = new ModuleEnv(tree.rootNode, readImports(tree.rootNode), undefined);
      this.indexModule(this.prelude);
    }
    return this.lookupGlobal(this.prelude, name, line);
  }

  /** Another file of the package, read once per build; null when the resolver has none. */
  private moduleEnv(from: ModuleEnv, module: string, name: string): ModuleEnv | null {
    if (!this.resolveModule || !this.parseModule) return null;
    const found = this.resolveModule(from.path, module, name);
    if (!found) return null;
    const hit = this.envs.get(found.path);
    if (hit !== undefined) return hit;
    const tree = this.parseModule(found.text);
    if (!tree) {
      this.envs.set(found.path, null);
      return null;
    }
    this.trees.push(tree);
    const env = new ModuleEnv(tree.rootNode, readImports(tree.rootNode), found.path);
    this.indexModule(env);
    this.envs.set(found.path, env);
    return env;
  }

  note(line: number, message: string): void {
    const m = `line ${line}: ${message}`;
    if (!this.notes.includes(m)) this.notes.push(m);
  }

  tick(line: number): void {
    if (++this.steps > this.maxSteps) {
      throw new Decline(
        line,
        `reading stopped after ${this.maxSteps} steps (a loop too long to follow)`,
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Module scope: top-level names are evaluated on first use (the last top-level binding wins),
  // so a file's training code, data loading and `if __name__ == '__main__'` never run.

  private indexModule(env: ModuleEnv): void {
    const root = env.root;
    const visit = (block: Node): void => {
      for (const st of named(block)) {
        if (st.type === 'if_statement') {
          const cond = field(st, 'condition')?.text.replace(/\s+/g, '') ?? '';
          if (/__name__/.test(cond)) continue;
          for (const c of named(st)) if (c.type === 'block') visit(c);
          for (const alt of st.childrenForFieldName('alternative')) {
            if (alt) for (const c of named(alt)) if (c.type === 'block') visit(c);
          }
          continue;
        }
        if (st.type === 'try_statement' || st.type === 'with_statement') {
          for (const c of named(st)) {
            if (c.type === 'block') visit(c);
            else for (const cc of named(c)) if (cc.type === 'block') visit(cc);
          }
          continue;
        }
        const def = st.type === 'decorated_definition' ? field(st, 'definition') : st;
        if (def?.type === 'function_definition' || def?.type === 'class_definition') {
          const name = field(def, 'name')?.text;
          if (name)
            env.lazy.set(name, {
              node: st,
              kind: def.type === 'class_definition' ? 'class' : 'def',
            });
          continue;
        }
        if (st.type === 'expression_statement') {
          const e = st.firstNamedChild;
          if (e?.type === 'assignment') {
            for (const name of this.targetNames(e)) env.lazy.set(name, { node: e, kind: 'assign' });
          } else if (e?.type === 'call') {
            const fn = field(e, 'function');
            if (fn?.type === 'attribute' && field(fn, 'attribute')?.text === 'add_argument') {
              env.addArgumentCalls.push(e);
            }
          }
        }
      }
    };
    visit(root);
  }

  /** Names bound by an assignment statement (`a = b = f()`, `x, y = …`). */
  private targetNames(asg: Node): string[] {
    const out: string[] = [];
    const walk = (t: Node | null): void => {
      if (!t) return;
      if (t.type === 'identifier') out.push(t.text);
      else if (
        ['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list'].includes(t.type)
      ) {
        for (const c of named(t)) walk(c);
      }
    };
    walk(field(asg, 'left'));
    const right = field(asg, 'right');
    if (right?.type === 'assignment') out.push(...this.targetNames(right));
    return out;
  }

  lookup(name: string, scope: Scope, line: number): Value {
    let env = this.main;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
      if (!s.parent && s.env) env = s.env as ModuleEnv;
    }
    return this.lookupGlobal(env, name, line);
  }

  /** A name at the top level of a file: its own definitions, then its imports, then builtins. */
  private lookupGlobal(env: ModuleEnv, name: string, line: number): Value {
    const g = env.scope.vars.get(name);
    if (g !== undefined) return g;
    const lz = env.lazy.get(name);
    if (lz) {
      if (lz.value) return lz.value;
      if (lz.busy) throw new Decline(line, `\`${name}\` is defined in terms of itself`);
      lz.busy = true;
      try {
        lz.value = this.evalTopLevel(name, lz, env);
      } finally {
        lz.busy = false;
      }
      return lz.value;
    }
    const imported = env.imports.aliases.get(name)?.[0];
    if (imported !== undefined && !KNOWN_HELPERS.has(name)) {
      // The package's own files, when the caller can read them.
      const dot = imported.lastIndexOf('.');
      const module = imported.slice(0, dot);
      const attr = imported.slice(dot + 1);
      if ((imported.startsWith('.') || !LIBRARIES.test(imported)) && module && module !== '.') {
        const other = this.moduleEnv(env, module, attr);
        if (other && (other.lazy.has(attr) || other.imports.aliases.has(attr))) {
          return this.lookupGlobal(other, attr, line);
        }
      }
    }
    if (imported !== undefined) {
      if (imported.startsWith('.') && !KNOWN_HELPERS.has(name)) {
        throw new Decline(
          line,
          `\`${name}\` comes from ${imported.slice(0, imported.length - name.length - 1) || '.'} (another file of the package), which is not read`,
        );
      }
      return { t: 'builtin', name: imported.startsWith('.') ? `helpers.${name}` : imported };
    }
    for (const m of env.imports.star) {
      if (isKnownLibraryName(`${m}.${name}`)) return { t: 'builtin', name: `${m}.${name}` };
    }
    const b = PY_BUILTINS.has(name) ? `builtins.${name}` : undefined;
    if (b) return { t: 'builtin', name: b };
    const conventional: Record<string, string> = {
      nn: 'torch.nn',
      F: 'torch.nn.functional',
      torch: 'torch',
      math: 'math',
      np: 'numpy',
    };
    const c = conventional[name];
    if (c !== undefined) {
      this.note(line, `\`${name}\` is not imported in this file: read as \`${c}\``);
      return { t: 'builtin', name: c };
    }
    throw new Decline(line, `\`${name}\` is not defined in this file`);
  }

  private evalTopLevel(name: string, lz: Lazy, env: ModuleEnv): Value {
    if (lz.kind === 'def' || lz.kind === 'class') {
      const scope: Scope = { vars: new Map<string, Value>(), parent: undefined, env };
      this.execStmt(lz.node, scope);
      const v = scope.vars.get(name);
      if (!v) throw new Decline(lineOf(lz.node), `\`${name}\` could not be read`);
      return v;
    }
    const scope: Scope = { vars: new Map(), parent: undefined, env };
    this.execAssign(lz.node, scope);
    const v = scope.vars.get(name);
    if (!v) throw new Decline(lineOf(lz.node), `\`${name}\` could not be read`);
    return v;
  }

  // -------------------------------------------------------------------------------------------
  // Statements.

  execBlock(block: Node | null, scope: Scope): Signal {
    for (const st of named(block)) {
      const s = this.execStmt(st, scope);
      if (s) return s;
    }
    return undefined;
  }

  execStmt(st: Node, scope: Scope): Signal {
    const line = lineOf(st);
    this.tick(line);
    switch (st.type) {
      case 'expression_statement': {
        for (const e of named(st)) {
          if (e.type === 'assignment') this.execAssign(e, scope);
          else if (e.type === 'augmented_assignment') this.execAugmented(e, scope);
          else if (e.type === 'string')
            continue; // docstring
          else this.evalStmtExpr(e, scope);
        }
        return undefined;
      }
      case 'return_statement': {
        const e = st.firstNamedChild;
        return { k: 'return', v: e ? this.eval(e, scope) : NONE };
      }
      case 'pass_statement':
      case 'assert_statement':
      case 'delete_statement':
      case 'global_statement':
      case 'nonlocal_statement':
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        if (st.type.startsWith('import')) this.bindImports(st, scope);
        return undefined;
      case 'break_statement':
        return { k: 'break' };
      case 'continue_statement':
        return { k: 'continue' };
      case 'if_statement': {
        const c = this.cond(field(st, 'condition'), scope);
        if (c) return this.execBlock(field(st, 'consequence'), scope);
        for (const alt of st.childrenForFieldName('alternative')) {
          if (!alt) continue;
          if (alt.type === 'elif_clause') {
            if (this.cond(field(alt, 'condition'), scope))
              return this.execBlock(field(alt, 'consequence'), scope);
          } else return this.execBlock(field(alt, 'body'), scope);
        }
        return undefined;
      }
      case 'for_statement': {
        const items = this.iterate(this.eval(field(st, 'right')!, scope), line);
        const left = field(st, 'left')!;
        for (const it of items) {
          this.assign(left, it, scope);
          const s = this.execBlock(field(st, 'body'), scope);
          if (s?.k === 'return') return s;
          if (s?.k === 'break') return undefined;
        }
        const alt = field(st, 'alternative');
        return alt ? this.execBlock(field(alt, 'body'), scope) : undefined;
      }
      case 'while_statement': {
        for (;;) {
          this.tick(line);
          if (!this.cond(field(st, 'condition'), scope)) return undefined;
          const s = this.execBlock(field(st, 'body'), scope);
          if (s?.k === 'return') return s;
          if (s?.k === 'break') return undefined;
        }
      }
      case 'with_statement':
        return this.execBlock(field(st, 'body'), scope);
      case 'try_statement':
        return this.execBlock(field(st, 'body'), scope);
      case 'raise_statement':
        throw new Decline(line, `\`${snippet(st)}\` is reached`);
      case 'function_definition':
      case 'class_definition':
      case 'decorated_definition':
        this.define(st, scope);
        return undefined;
      case 'print_statement':
        return undefined;
      default:
        throw new Decline(line, `${st.type.replace(/_/g, ' ')} is not read`);
    }
  }

  /** An expression statement: calls run for their effect; print/logging/warnings are skipped. */
  private evalStmtExpr(e: Node, scope: Scope): void {
    if (e.type === 'call') {
      const fn = field(e, 'function');
      const t = fn?.text ?? '';
      if (/^(print|logging\.\w+|logger\.\w+|log\.\w+|warnings\.warn|self\.logger\.\w+)$/.test(t))
        return;
    }
    this.eval(e, scope);
  }

  private bindImports(st: Node, scope: Scope): void {
    // Imports inside functions bind like module imports; the file's import table already has them.
    const names: string[] = [];
    for (const n of st.childrenForFieldName('name')) {
      if (!n) continue;
      const alias = n.type === 'aliased_import' ? field(n, 'alias')?.text : n.text.split('.')[0];
      if (alias) names.push(alias);
    }
    for (const a of names) {
      const q = this.imports.aliases.get(a)?.[0];
      if (q !== undefined) scope.vars.set(a, { t: 'builtin', name: q });
    }
  }

  private define(st: Node, scope: Scope): void {
    const decorators: string[] = [];
    let def = st;
    if (st.type === 'decorated_definition') {
      for (const d of named(st)) {
        if (d.type === 'decorator')
          decorators.push(d.text.replace(/^@\s*/, '').replace(/\s+/g, ''));
      }
      def = field(st, 'definition')!;
    }
    const name = field(def, 'name')?.text ?? '?';
    if (def.type === 'function_definition') {
      scope.vars.set(name, { t: 'func', node: def, name, closure: scope, decorators });
    } else {
      scope.vars.set(name, this.makeClass(def, decorators, scope));
    }
  }

  private makeClass(def: Node, decorators: string[], scope: Scope): ClassVal {
    const name = field(def, 'name')?.text ?? '?';
    const line = lineOf(def);
    const bases: Value[] = [];
    for (const b of named(field(def, 'superclasses'))) {
      if (b.type === 'keyword_argument') continue;
      try {
        bases.push(this.eval(b, scope));
      } catch (e) {
        // A base from another file (torchvision's WeightsEnum): the class stays usable, the base
        // declines where it is used.
        if (!(e instanceof Decline)) throw e;
        bases.push({ t: 'opaque', what: `the base class ${snippet(b)} (${e.message})` });
      }
    }
    let isModule = false;
    let torchBase: string | undefined;
    let namedTuple = false;
    for (const b of bases) {
      if (b.t === 'builtin') {
        const q = b.name.replace(/^torch\.nn\.modules\.\w+\./, 'torch.nn.');
        if (q === 'torch.nn.Module') isModule = true;
        else if (
          ['torch.nn.Sequential', 'torch.nn.ModuleList', 'torch.nn.ModuleDict'].includes(q)
        ) {
          isModule = true;
          torchBase = q.slice('torch.nn.'.length);
        } else if (/^torch\.nn\.[A-Z]\w*$/.test(q)) {
          // A subclass of a built-in layer: its __init__ / forward fall back to the layer's
          // (declined at construction when the reader does not know the layer).
          isModule = true;
          torchBase = q.slice('torch.nn.'.length);
        } else if (q === 'typing.NamedTuple' || q === 'collections.namedtuple') namedTuple = true;
      } else if (b.t === 'class') {
        isModule ||= b.isModule;
        torchBase ??= b.torchBase;
      }
    }
    const dataclass =
      namedTuple ||
      decorators.some(
        (d) => /^(dataclasses\.)?dataclass\b/.test(d) || /^(flax\.)?struct\.dataclass/.test(d),
      ) ||
      bases.some((b) => b.t === 'class' && b.dataclass);
    const attrs = new Map<string, Value>();
    const fields: { name: string; def: Node | undefined }[] = [];
    for (const b of bases) if (b.t === 'class') for (const f of b.fields) fields.push(f);
    const cls: ClassVal = {
      t: 'class',
      name,
      node: def,
      bases,
      attrs,
      fields,
      dataclass,
      isModule,
      ...(torchBase ? { torchBase } : {}),
      line,
      scope,
    };
    // The class body runs once, in its own scope whose names become class attributes.
    const body: Scope = { vars: attrs, parent: scope };
    for (const st of named(field(def, 'body'))) {
      this.tick(lineOf(st));
      const e = st.type === 'expression_statement' ? st.firstNamedChild : null;
      if (e?.type === 'assignment' && field(e, 'type')) {
        const left = field(e, 'left');
        const right = field(e, 'right');
        if (left?.type === 'identifier') {
          const f = fields.findIndex((x) => x.name === left.text);
          const entry = { name: left.text, def: right ?? undefined };
          if (f >= 0) fields[f] = entry;
          else fields.push(entry);
          if (right) attrs.set(left.text, this.evalField(right, body));
          continue;
        }
      }
      if (st.type === 'function_definition' || st.type === 'decorated_definition') {
        this.define(st, body);
        const fname = (
          st.type === 'decorated_definition' ? field(st, 'definition') : st
        )?.childForFieldName('name')?.text;
        const f = fname ? attrs.get(fname) : undefined;
        if (f?.t === 'func') attrs.set(fname!, { ...f, owner: cls, closure: scope });
        continue;
      }
      try {
        this.execStmt(st, body);
      } catch (e) {
        // A class attribute that cannot be read (weights metadata…) declines only when used.
        if (!(e instanceof Decline)) throw e;
        const asg = st.type === 'expression_statement' ? st.firstNamedChild : null;
        if (asg?.type !== 'assignment') throw e;
        for (const name of this.targetNames(asg))
          attrs.set(name, { t: 'opaque', what: `${name} (${e.message})` });
      }
    }
    return cls;
  }

  /** A dataclass field default: `field(default_factory=…)` is called when the object is made. */
  private evalField(n: Node, scope: Scope): Value {
    if (n.type === 'call' && /^(dataclasses\.)?field$/.test(field(n, 'function')?.text ?? '')) {
      return { t: 'opaque', what: 'a dataclass field()' };
    }
    return this.eval(n, scope);
  }

  private execAssign(asg: Node, scope: Scope): void {
    const right = field(asg, 'right');
    const left = field(asg, 'left');
    if (!left) return;
    if (!right) return; // annotation only: `x: int`
    // `a = b, c = f()`: the value once, then every target left to right, as Python does.
    const targets = [left];
    let value: Node | null = right;
    while (value?.type === 'assignment') {
      const t = field(value, 'left');
      if (t) targets.push(t);
      value = field(value, 'right');
    }
    if (!value) return;
    const v = this.eval(value, scope);
    for (const t of targets) this.assign(t, v, scope);
  }

  private execAugmented(e: Node, scope: Scope): void {
    const left = field(e, 'left')!;
    const right = field(e, 'right')!;
    const op = (field(e, 'operator')?.text ?? '').replace(/=$/, '');
    const line = lineOf(e);
    const cur = this.eval(left, scope);
    const rhs = this.eval(right, scope);
    if (cur.t === 'list' && op === '+') {
      cur.items.push(...this.iterate(rhs, line));
      return;
    }
    if (cur.t === 'module' && cur.layer === 'ModuleList' && op === '+') {
      extendModules(this, cur, rhs, line);
      return;
    }
    this.assign(left, this.binary(op, cur, rhs, line), scope);
  }

  assign(target: Node, v: Value, scope: Scope): void {
    const line = lineOf(target);
    switch (target.type) {
      case 'identifier':
        scope.vars.set(target.text, v);
        return;
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list': {
        const ts = named(target);
        const items = this.iterate(v, line);
        const star = ts.findIndex((t) => t.type === 'list_splat_pattern');
        if (star < 0) {
          if (items.length !== ts.length) {
            throw new Decline(
              line,
              `cannot unpack ${items.length} values into ${ts.length} names (${snippet(target)})`,
              true,
            );
          }
          ts.forEach((t, i) => this.assign(t, items[i]!, scope));
          return;
        }
        const after = ts.length - star - 1;
        ts.slice(0, star).forEach((t, i) => this.assign(t, items[i]!, scope));
        const rest = items.slice(star, items.length - after);
        this.assign(ts[star]!.firstNamedChild!, { t: 'list', items: rest }, scope);
        ts.slice(star + 1).forEach((t, i) =>
          this.assign(t, items[items.length - after + i]!, scope),
        );
        return;
      }
      case 'parenthesized_expression':
        this.assign(target.firstNamedChild!, v, scope);
        return;
      case 'attribute': {
        const obj = this.eval(field(target, 'object')!, scope);
        this.setattr(obj, field(target, 'attribute')!.text, v, line);
        return;
      }
      case 'subscript': {
        const obj = this.eval(field(target, 'value')!, scope);
        const subs = target.childrenForFieldName('subscript').filter((s): s is Node => s !== null);
        const key =
          subs.length === 1
            ? this.eval(subs[0]!, scope)
            : tuple(subs.map((s) => this.eval(s, scope)));
        const filled = obj.t === 'init' ? toConst(obj) : undefined;
        if (filled && field(target, 'value')!.type === 'identifier') {
          // `pe = torch.zeros(n, d); pe[:, 0::2] = torch.sin(…)`: the name now holds the values.
          this.setitem(filled, key, v, line);
          this.assign(field(target, 'value')!, filled, scope);
          return;
        }
        this.setitem(obj, key, v, line);
        return;
      }
      default:
        throw new Decline(line, `assignment to \`${snippet(target)}\` is not read`);
    }
  }

  setattr(obj: Value, name: string, v: Value, line: number): void {
    if (obj.t === 'module') return setModuleAttr(this, obj, name, v, line);
    if (obj.t === 'obj') {
      obj.attrs.set(name, v);
      return;
    }
    if (obj.t === 'argparse') {
      obj.defaults.set(name, v);
      return;
    }
    if (obj.t === 'class') {
      obj.attrs.set(name, v);
      return;
    }
    if (obj.t === 'param' && name === 'data') return;
    throw new Decline(line, `setting \`${name}\` on ${show(obj)} is not read`);
  }

  private setitem(obj: Value, key: Value, v: Value, line: number): void {
    if (obj.t === 'list' && key.t === 'num') {
      const i = key.v < 0 ? obj.items.length + key.v : key.v;
      if (i < 0 || i >= obj.items.length) throw new Decline(line, 'list index out of range');
      obj.items[i] = v;
      return;
    }
    if (obj.t === 'dict') {
      const k = dictKey(key);
      if (k === undefined) throw new Decline(line, `${show(key)} as a dict key is not read`);
      obj.entries.set(k, [key, v]);
      return;
    }
    if (
      obj.t === 'module' &&
      (obj.layer === 'ModuleDict' || obj.layer === 'ModuleList' || obj.layer === 'Sequential')
    ) {
      const k = key.t === 'str' ? key.v : key.t === 'num' ? String(key.v) : undefined;
      if (k !== undefined && v.t === 'module') {
        obj.children.set(k, v);
        return;
      }
    }
    if (obj.t === 'const' && constAssign(obj, key, v, line)) return;
    throw new Decline(line, `item assignment on ${show(obj)} is not read`);
  }

  // -------------------------------------------------------------------------------------------
  // Expressions.

  cond(n: Node | null, scope: Scope): boolean {
    if (!n) return false;
    const v = this.eval(n, scope);
    const t = truthy(v);
    if (t === undefined)
      throw new Decline(lineOf(n), `the condition \`${snippet(n)}\` depends on tensor values`);
    return t;
  }

  eval(n: Node, scope: Scope): Value {
    // The model expression is parsed on its own: its errors name no file line.
    const line = n.tree === this.exprTree ? 0 : lineOf(n);
    this.tick(line);
    if (++this.exprDepth > MAX_EXPR_DEPTH) {
      this.exprDepth = 0;
      throw new Decline(line, 'expression nested too deeply');
    }
    try {
      return this.evalInner(n, scope, line);
    } finally {
      this.exprDepth--;
    }
  }

  private evalInner(n: Node, scope: Scope, line: number): Value {
    switch (n.type) {
      case 'integer': {
        const t = n.text.replace(/_/g, '').toLowerCase().replace(/l$/, '');
        const v = /^0[box]/.test(t) ? Number(t) : Number.parseInt(t, 10);
        return int(v);
      }
      case 'float':
        return num(Number(n.text.replace(/_/g, '')), false);
      case 'true':
        return TRUE;
      case 'false':
        return FALSE;
      case 'none':
        return NONE;
      case 'ellipsis':
        return { t: 'ellipsis' };
      case 'string':
        return str(this.stringValue(n, scope));
      case 'concatenated_string':
        return str(
          named(n)
            .map((s) => this.stringValue(s, scope))
            .join(''),
        );
      case 'identifier':
        return this.lookup(n.text, scope, line);
      case 'parenthesized_expression':
        return this.eval(n.firstNamedChild!, scope);
      case 'attribute':
        return this.getattr(
          this.eval(field(n, 'object')!, scope),
          field(n, 'attribute')!.text,
          line,
        );
      case 'subscript': {
        const obj = this.eval(field(n, 'value')!, scope);
        const subs = n.childrenForFieldName('subscript').filter((s): s is Node => s !== null);
        const key =
          subs.length === 1
            ? this.eval(subs[0]!, scope)
            : tuple(subs.map((s) => this.eval(s, scope)));
        return this.getitem(obj, key, line);
      }
      case 'slice': {
        // Children: [start] ':' [stop] [':' [step]]; which are present is told by the colons.
        const parts: (Node | null)[] = [null, null, null];
        let i = 0;
        for (const c of n.children) {
          if (!c) continue;
          if (c.type === ':') i++;
          else if (c.type !== 'comment') parts[i] = c;
        }
        const ev = (p: Node | null): Value => (p ? this.eval(p, scope) : NONE);
        return { t: 'slice', start: ev(parts[0]!), stop: ev(parts[1]!), step: ev(parts[2]!) };
      }
      case 'call':
        return this.evalCall(n, scope, line);
      case 'binary_operator': {
        const a = this.eval(field(n, 'left')!, scope);
        const b = this.eval(field(n, 'right')!, scope);
        return this.binary(field(n, 'operator')?.text ?? '', a, b, line);
      }
      case 'unary_operator': {
        const v = this.eval(field(n, 'argument')!, scope);
        const op = field(n, 'operator')?.text ?? '';
        if (v.t === 'num' || v.t === 'bool') {
          const x = v.t === 'num' ? v.v : v.v ? 1 : 0;
          if (op === '-') return num(-x, v.t === 'bool' || v.int);
          if (op === '+') return num(x, v.t === 'bool' || v.int);
          if (op === '~') return int(~x);
        }
        if (v.t === 'tensor' || v.t === 'param' || v.t === 'const')
          return tensorUnary(this, op, v, line);
        throw new Decline(line, `\`${op}\` on ${show(v)} is not read`);
      }
      case 'not_operator': {
        const t = truthy(this.eval(field(n, 'argument')!, scope));
        if (t === undefined) throw new Decline(line, `\`${snippet(n)}\` depends on tensor values`);
        return bool(!t);
      }
      case 'boolean_operator': {
        const a = this.eval(field(n, 'left')!, scope);
        const ta = truthy(a);
        if (ta === undefined) throw new Decline(line, `\`${snippet(n)}\` depends on tensor values`);
        const op = field(n, 'operator')?.text;
        if (op === 'and') return ta ? this.eval(field(n, 'right')!, scope) : a;
        return ta ? a : this.eval(field(n, 'right')!, scope);
      }
      case 'comparison_operator':
        return this.compareChain(n, scope, line);
      case 'conditional_expression': {
        const [a, c, b] = named(n);
        return this.cond(c!, scope) ? this.eval(a!, scope) : this.eval(b!, scope);
      }
      case 'tuple':
      case 'expression_list':
        return tuple(this.evalItems(named(n), scope, line));
      case 'list':
        return { t: 'list', items: this.evalItems(named(n), scope, line) };
      case 'set':
        return { t: 'list', items: this.evalItems(named(n), scope, line) };
      case 'dictionary': {
        const entries = new Map<string, [Value, Value]>();
        for (const p of named(n)) {
          if (p.type === 'dictionary_splat') {
            const d = this.eval(p.firstNamedChild!, scope);
            if (d.t !== 'dict') throw new Decline(line, `\`**${snippet(p)}\` is not a dict`);
            for (const [k, e] of d.entries) entries.set(k, e);
            continue;
          }
          const k = this.eval(field(p, 'key')!, scope);
          const key = dictKey(k);
          if (key === undefined) throw new Decline(line, `${show(k)} as a dict key is not read`);
          entries.set(key, [k, this.eval(field(p, 'value')!, scope)]);
        }
        return { t: 'dict', entries };
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
        return { t: 'list', items: this.comprehension(n, scope, line) };
      case 'dictionary_comprehension': {
        const entries = new Map<string, [Value, Value]>();
        const pairs = this.comprehension(n, scope, line);
        for (const p of pairs) {
          if (p.t !== 'tuple') continue;
          const [k, v] = p.items;
          const key = k && dictKey(k);
          if (key === undefined || !v)
            throw new Decline(line, 'dict comprehension key is not read');
          entries.set(key, [k!, v]);
        }
        return { t: 'dict', entries };
      }
      case 'lambda':
        return { t: 'func', node: n, name: '<lambda>', closure: scope, decorators: [] };
      case 'keyword_argument':
      case 'list_splat':
      case 'dictionary_splat':
        throw new Decline(line, `\`${snippet(n)}\` is not read here`);
      case 'named_expression': {
        const v = this.eval(field(n, 'value')!, scope);
        scope.vars.set(field(n, 'name')!.text, v);
        return v;
      }
      default:
        throw new Decline(line, `\`${snippet(n)}\` (${n.type.replace(/_/g, ' ')}) is not read`);
    }
  }

  private evalItems(nodes: Node[], scope: Scope, line: number): Value[] {
    const out: Value[] = [];
    for (const c of nodes) {
      if (c.type === 'list_splat')
        out.push(...this.iterate(this.eval(c.firstNamedChild!, scope), line));
      else out.push(this.eval(c, scope));
    }
    return out;
  }

  private stringValue(n: Node, scope: Scope): string {
    const parts: string[] = [];
    const raw = /^[a-zA-Z]*[rR]/.test(n.text);
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === 'string_content') parts.push(raw ? c.text : unescape(c.text));
      else if (c.type === 'escape_sequence') parts.push(unescape(c.text));
      else if (c.type === 'interpolation') {
        const e = field(c, 'expression');
        if (!e) continue;
        const v = this.eval(e, scope);
        parts.push(v.t === 'str' ? v.v : v.t === 'num' ? String(v.v) : show(v));
      }
    }
    return parts.join('');
  }

  private comprehension(n: Node, scope: Scope, line: number): Value[] {
    const body = field(n, 'body')!;
    const clauses = named(n).filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
    const inner: Scope = { vars: new Map(), parent: scope };
    const out: Value[] = [];
    const run = (i: number): void => {
      this.tick(line);
      const c = clauses[i];
      if (!c) {
        if (body.type === 'pair') {
          out.push(
            tuple([this.eval(field(body, 'key')!, inner), this.eval(field(body, 'value')!, inner)]),
          );
        } else out.push(this.eval(body, inner));
        return;
      }
      if (c.type === 'if_clause') {
        if (this.cond(c.firstNamedChild, inner)) run(i + 1);
        return;
      }
      const right = field(c, 'right')!;
      for (const it of this.iterate(this.eval(right, inner), line)) {
        this.assign(field(c, 'left')!, it, inner);
        run(i + 1);
      }
    };
    run(0);
    return out;
  }

  private compareChain(n: Node, scope: Scope, line: number): Value {
    const operands: Node[] = [];
    const ops: string[] = [];
    for (const c of n.children) {
      if (!c || c.type === 'comment') continue;
      if (c.isNamed) operands.push(c);
      else ops.push(c.type);
    }
    let left = this.eval(operands[0]!, scope);
    for (let i = 0; i < ops.length; i++) {
      const right = this.eval(operands[i + 1]!, scope);
      const r = this.compare(ops[i]!, left, right, line);
      if (r.t === 'mask' || ops.length === 1) return r;
      if (!truthy(r)) return FALSE;
      left = right;
    }
    return TRUE;
  }

  compare(op: string, a: Value, b: Value, line: number): Value {
    if (a.t === 'mask' && (op === '==' || op === '!=') && b.t === 'num' && b.v === 0) {
      return { t: 'mask', shape: a.shape, zero: op === '==' ? !a.zero : a.zero };
    }
    if (a.t === 'const' || b.t === 'const' || a.t === 'arange' || b.t === 'arange') {
      // Comparisons of computed tensors are computed masks (`attn_mask != 0`).
      const r = constCompare(op, a, b, line);
      if (r) return r;
    }
    switch (op) {
      case 'is':
        return bool(same(a, b));
      case 'is not':
        return bool(!same(a, b));
      case '==':
        return bool(equal(a, b));
      case '!=':
      case '<>':
        return bool(!equal(a, b));
      case 'in':
        return bool(this.contains(b, a, line));
      case 'not in':
        return bool(!this.contains(b, a, line));
      default: {
        const x = numeric(a);
        const y = numeric(b);
        if (x !== undefined && y !== undefined) {
          return bool(op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y);
        }
        if (a.t === 'str' && b.t === 'str') {
          return bool(
            op === '<' ? a.v < b.v : op === '<=' ? a.v <= b.v : op === '>' ? a.v > b.v : a.v >= b.v,
          );
        }
        throw new Decline(line, `comparing ${show(a)} ${op} ${show(b)} is not read`);
      }
    }
  }

  private contains(container: Value, x: Value, line: number): boolean {
    if (container.t === 'str' && x.t === 'str') return container.v.includes(x.v);
    if (container.t === 'dict') {
      const k = dictKey(x);
      return k !== undefined && container.entries.has(k);
    }
    if (container.t === 'module' && container.layer === 'ModuleDict' && x.t === 'str')
      return container.children.has(x.v);
    if (container.t === 'argparse' && x.t === 'str') return container.defaults.has(x.v);
    return this.iterate(container, line).some((v) => equal(v, x));
  }

  binary(op: string, a: Value, b: Value, line: number): Value {
    if (
      a.t === 'tensor' ||
      b.t === 'tensor' ||
      a.t === 'param' ||
      b.t === 'param' ||
      a.t === 'init' ||
      b.t === 'init' ||
      a.t === 'arange' ||
      b.t === 'arange' ||
      a.t === 'const' ||
      b.t === 'const' ||
      a.t === 'bernoulli' ||
      b.t === 'bernoulli'
    ) {
      return tensorBinary(this, op, a, b, line);
    }
    const x = numeric(a);
    const y = numeric(b);
    if (x !== undefined && y !== undefined) {
      if ((op === '/' || op === '//' || op === '%') && y === 0)
        throw new Decline(line, 'division by zero');
      if (['&', '|', '^', '<<', '>>'].includes(op)) {
        const r =
          op === '&'
            ? x & y
            : op === '|'
              ? x | y
              : op === '^'
                ? x ^ y
                : op === '<<'
                  ? x << y
                  : x >> y;
        return a.t === 'bool' && b.t === 'bool' && op !== '<<' && op !== '>>'
          ? bool(r !== 0)
          : int(r);
      }
      const r = pythonBinaryOp(op, x, y);
      if (r === undefined)
        throw new Decline(line, `\`${op}\` on ${show(a)} and ${show(b)} is not read`);
      const ints = isInt(a) && isInt(b);
      const isInteger = ints && op !== '/' && !(op === '**' && y < 0);
      return num(r, isInteger);
    }
    if (op === '+' && a.t === 'str' && b.t === 'str') return str(a.v + b.v);
    if (op === '+' && isSeq(a) && isSeq(b) && a.t === b.t) {
      return a.t === 'list'
        ? { t: 'list', items: [...a.items, ...b.items] }
        : tuple([...a.items, ...b.items]);
    }
    if (op === '*' && (isSeq(a) || a.t === 'str') && b.t === 'num') return repeat(a, b.v, line);
    if (op === '*' && (isSeq(b) || b.t === 'str') && a.t === 'num') return repeat(b, a.v, line);
    if (op === '%' && a.t === 'str')
      return str(percentFormat(a.v, b.t === 'tuple' ? b.items : [b], line));
    if (op === '|' && a.t === 'dict' && b.t === 'dict')
      return { t: 'dict', entries: new Map([...a.entries, ...b.entries]) };
    throw new Decline(line, `\`${op}\` on ${show(a)} and ${show(b)} is not read`);
  }

  // -------------------------------------------------------------------------------------------
  // Calls.

  private evalCall(n: Node, scope: Scope, line: number): Value {
    const fnNode = field(n, 'function')!;
    const argsNode = field(n, 'arguments');
    const pos: Value[] = [];
    const kw = new Map<string, Value>();
    if (argsNode?.type === 'generator_expression') {
      pos.push(this.eval(argsNode, scope));
    } else {
      for (const a of named(argsNode)) {
        if (a.type === 'keyword_argument') {
          kw.set(field(a, 'name')!.text, this.eval(field(a, 'value')!, scope));
        } else if (a.type === 'list_splat') {
          pos.push(...this.iterate(this.eval(a.firstNamedChild!, scope), line));
        } else if (a.type === 'dictionary_splat') {
          const d = this.eval(a.firstNamedChild!, scope);
          if (d.t === 'dict') {
            for (const [k, v] of d.entries.values()) {
              if (k.t !== 'str') throw new Decline(line, '`**` with non-string keys');
              kw.set(k.v, v);
            }
          } else if (d.t === 'obj') {
            for (const [k, v] of d.attrs) kw.set(k, v);
          } else throw new Decline(line, `\`${snippet(a)}\` is not a dict`);
        } else pos.push(this.eval(a, scope));
      }
    }
    // `super()` needs the method it is written in.
    if (fnNode.type === 'identifier' && fnNode.text === 'super' && !scope.vars.has('super')) {
      return this.superOf(scope, pos, line);
    }
    const fn = this.eval(fnNode, scope);
    return this.call(fn, pos, kw, line);
  }

  private superOf(scope: Scope, pos: Value[], line: number): Value {
    if (pos.length === 2 && pos[0]!.t === 'class')
      return { t: 'super', owner: pos[0], self: pos[1]! };
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const owner = s.vars.get('__class__');
      const self = s.vars.get('__self__');
      if (owner?.t === 'class' && self) return { t: 'super', owner, self };
    }
    throw new Decline(line, 'super() outside a method');
  }

  call(fn: Value, pos: Value[], kw: Map<string, Value>, line: number): Value {
    this.tick(line);
    switch (fn.t) {
      case 'func':
        return this.callFunc(fn, pos, kw, line);
      case 'class':
        return this.instantiate(fn, pos, kw, line);
      case 'builtin':
        return callLibrary(this, fn.name, fn.self, pos, kw, line);
      case 'module':
        return callModule(this, fn, pos, kw, line);
      case 'obj': {
        const m = this.classAttr(fn.cls, '__call__');
        if (m?.t === 'func') return this.callFunc({ ...m, self: fn }, pos, kw, line);
        break;
      }
      default:
        break;
    }
    throw new Decline(line, `${show(fn)} is not callable`);
  }

  callFunc(fn: FuncVal, posIn: Value[], kwIn: Map<string, Value>, line: number): Value {
    if (this.depth >= this.maxDepth)
      throw new Decline(line, `calls nested deeper than ${this.maxDepth} (recursion?)`);
    let pos = posIn;
    let kw = kwIn;
    if (fn.partialArgs) {
      pos = [...fn.partialArgs.pos, ...posIn];
      kw = new Map([...fn.partialArgs.kw, ...kwIn]);
    }
    const scope: Scope = { vars: new Map(), parent: fn.closure };
    const isStatic = fn.decorators.includes('staticmethod');
    if (fn.self !== undefined && !isStatic) pos = [fn.self, ...pos];
    if (fn.owner) {
      scope.vars.set('__class__', fn.owner);
      if (pos[0]) scope.vars.set('__self__', pos[0]);
    }
    this.bindParams(fn, pos, kw, scope, line);
    this.depth++;
    try {
      if (fn.node.type === 'lambda') return this.eval(field(fn.node, 'body')!, scope);
      const s = this.execBlock(field(fn.node, 'body'), scope);
      return s?.k === 'return' ? s.v : NONE;
    } finally {
      this.depth--;
    }
  }

  private bindParams(
    fn: FuncVal,
    pos: Value[],
    kw: Map<string, Value>,
    scope: Scope,
    line: number,
  ): void {
    const params = named(field(fn.node, 'parameters'));
    let i = 0;
    let kwOnly = false;
    const used = new Set<string>();
    let kwSplat: string | undefined;
    for (const p of params) {
      if (
        p.type === 'list_splat_pattern' ||
        (p.type === 'typed_parameter' && p.firstNamedChild?.type === 'list_splat_pattern')
      ) {
        const name = (p.type === 'list_splat_pattern' ? p : p.firstNamedChild!).firstNamedChild
          ?.text;
        if (name) scope.vars.set(name, tuple(pos.slice(i)));
        i = pos.length;
        kwOnly = true;
        continue;
      }
      if (
        p.type === 'dictionary_splat_pattern' ||
        (p.type === 'typed_parameter' && p.firstNamedChild?.type === 'dictionary_splat_pattern')
      ) {
        kwSplat = (p.type === 'dictionary_splat_pattern' ? p : p.firstNamedChild!).firstNamedChild
          ?.text;
        continue;
      }
      if (p.type === 'keyword_separator') {
        kwOnly = true;
        continue;
      }
      if (p.type === 'positional_separator') continue;
      const nameNode =
        p.type === 'identifier'
          ? p
          : p.type === 'typed_parameter'
            ? p.firstNamedChild
            : field(p, 'name');
      const name = nameNode?.text;
      if (!name) continue;
      const dflt = field(p, 'value');
      if (!kwOnly && i < pos.length) {
        scope.vars.set(name, pos[i++]!);
      } else if (kw.has(name)) {
        scope.vars.set(name, kw.get(name)!);
        used.add(name);
      } else if (dflt) {
        scope.vars.set(name, this.eval(dflt, fn.closure));
      } else {
        throw new Decline(line, `${fn.name}() needs the argument \`${name}\``);
      }
    }
    const extra = [...kw.keys()].filter((k) => !used.has(k) && !scope.vars.has(k));
    if (kwSplat) {
      const entries = new Map<string, [Value, Value]>();
      for (const k of extra) entries.set(`s:${k}`, [str(k), kw.get(k)!]);
      scope.vars.set(kwSplat, { t: 'dict', entries });
    } else if (extra.length) {
      throw new Decline(line, `${fn.name}() got an unexpected argument \`${extra[0]}\``);
    }
    if (i < pos.length && !params.some((p) => p.type === 'list_splat_pattern')) {
      throw new Decline(line, `${fn.name}() got ${pos.length} positional arguments, takes ${i}`);
    }
  }

  /** Method resolution order: the class, then its bases depth-first (user classes only). */
  mro(cls: ClassVal): ClassVal[] {
    const out: ClassVal[] = [];
    const walk = (c: ClassVal, d: number): void => {
      if (d > 32 || out.includes(c)) return;
      out.push(c);
      for (const b of c.bases) if (b.t === 'class') walk(b, d + 1);
    };
    walk(cls, 0);
    return out;
  }

  classAttr(cls: ClassVal, name: string, after?: ClassVal): Value | undefined {
    let chain = this.mro(cls);
    if (after) chain = chain.slice(chain.indexOf(after) + 1);
    for (const c of chain) {
      const v = c.attrs.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  private instantiate(cls: ClassVal, pos: Value[], kw: Map<string, Value>, line: number): Value {
    if (cls.isModule) {
      const calls = this.firstCalls.get(cls) ?? [];
      if (calls.length < 4) calls.push({ pos: [...pos], kw: new Map(kw) });
      this.firstCalls.set(cls, calls);
      const m = newModule(cls.name, line, {
        cls,
        ...(cls.torchBase ? { layer: cls.torchBase } : {}),
      });

      const init = this.classAttr(cls, '__init__');
      if (init?.t === 'func') this.callFunc({ ...init, self: m }, pos, kw, line);
      else if (cls.torchBase)
        callLibrary(this, `torch.nn.${cls.torchBase}.__init__`, m, pos, kw, line);
      else if (pos.length || kw.size) throw new Decline(line, `${cls.name}() takes no arguments`);
      return m;
    }
    const opaqueBase = this.mro(cls)
      .flatMap((c) => c.bases)
      .find((b) => b.t === 'opaque');
    if (opaqueBase?.t === 'opaque')
      throw new Decline(line, `${cls.name} extends ${opaqueBase.what}`);
    const obj: ObjVal = { t: 'obj', cls, attrs: new Map() };
    const init = this.classAttr(cls, '__init__');
    if (init?.t === 'func') {
      this.callFunc({ ...init, self: obj }, pos, kw, line);
      return obj;
    }
    if (cls.dataclass) {
      this.initDataclass(obj, cls, pos, kw, line);
      const post = this.classAttr(cls, '__post_init__');
      if (post?.t === 'func') this.callFunc({ ...post, self: obj }, [], new Map(), line);
      return obj;
    }
    if (pos.length || kw.size) throw new Decline(line, `${cls.name}() takes no arguments`);
    return obj;
  }

  /** The __init__ a dataclass generates: fields by position or name, then defaults. */
  initDataclass(
    obj: ObjVal,
    cls: ClassVal,
    pos: Value[],
    kw: Map<string, Value>,
    line: number,
  ): void {
    const fields = cls.fields;
    fields.forEach((f, i) => {
      let v: Value | undefined;
      if (i < pos.length) v = pos[i];
      else if (kw.has(f.name)) v = kw.get(f.name);
      if (v === undefined && f.def) v = this.fieldDefault(f.def, cls, line);
      if (v === undefined) throw new Decline(line, `${cls.name}() needs the field \`${f.name}\``);
      obj.attrs.set(f.name, v);
    });
    for (const k of kw.keys()) {
      if (!fields.some((f) => f.name === k))
        throw new Decline(line, `${cls.name}() has no field \`${k}\``);
    }
  }

  private fieldDefault(def: Node, cls: ClassVal, line: number): Value {
    const scope: Scope = { vars: new Map(cls.attrs), parent: cls.scope };
    if (def.type === 'call' && /^(dataclasses\.)?field$/.test(field(def, 'function')?.text ?? '')) {
      for (const a of named(field(def, 'arguments'))) {
        if (a.type !== 'keyword_argument') continue;
        const k = field(a, 'name')!.text;
        const v = field(a, 'value')!;
        if (k === 'default') return this.eval(v, scope);
        if (k === 'default_factory') return this.call(this.eval(v, scope), [], new Map(), line);
      }
      throw new Decline(line, `\`${snippet(def)}\` has no default`);
    }
    return this.eval(def, scope);
  }

  // -------------------------------------------------------------------------------------------
  // Attributes, items, iteration.

  getattr(obj: Value, name: string, line: number): Value {
    switch (obj.t) {
      case 'module':
        return moduleAttr(this, obj, name, line);
      case 'obj': {
        const own = obj.attrs.get(name);
        if (own !== undefined) return own;
        const c = this.classAttr(obj.cls, name);
        if (c?.t === 'func') return this.method(c, obj, line);
        if (c !== undefined) return c;
        if (name === '__class__') return obj.cls;
        break;
      }
      case 'class': {
        if (name === '__name__') return str(obj.name);
        const c = this.classAttr(obj, name);
        if (c?.t === 'func' && c.decorators.includes('classmethod')) return { ...c, self: obj };
        if (c !== undefined) return c;
        if (obj.bases.some((b) => b.t === 'opaque' || b.t === 'builtin')) {
          return { t: 'builtin', name: `${obj.name}.${name}` };
        }
        break;
      }
      case 'super': {
        const cls =
          obj.self.t === 'module' || obj.self.t === 'obj'
            ? obj.self.t === 'module'
              ? obj.self.cls
              : obj.self.cls
            : undefined;
        if (cls) {
          const c = this.classAttr(cls, name, obj.owner);
          if (c?.t === 'func') return { ...c, self: obj.self };
          if (c !== undefined) return c;
        }
        if (obj.self.t === 'module') {
          if (name === '__init__') {
            const base = cls?.torchBase;
            return {
              t: 'builtin',
              name: base ? `torch.nn.${base}.__init__` : 'torch.nn.Module.__init__',
              self: obj.self,
            };
          }
          return moduleAttr(this, obj.self, name, line, true);
        }
        if (name === '__init__' && obj.self.t === 'obj') {
          // A dataclass base's generated __init__ (torchvision's _MBConvConfig).
          const chain = this.mro(obj.self.cls);
          const dc = chain.slice(chain.indexOf(obj.owner) + 1).find((c) => c.dataclass);
          if (dc) {
            const self = obj.self;
            return { t: 'builtin', name: '$dataclass_init', self: tuple([self, dc]) };
          }
        }
        if (name === '__init__')
          return { t: 'builtin', name: 'builtins.object.__init__', self: obj.self };
        break;
      }
      case 'argparse': {
        const v = obj.defaults.get(name);
        if (v !== undefined) return v;
        if (
          name === 'parse_args' ||
          name === 'parse_known_args' ||
          name === 'add_argument' ||
          name === 'add_argument_group'
        ) {
          return { t: 'builtin', name: `argparse.${name}`, self: obj };
        }
        throw new Decline(line, `the command-line option \`${name}\` has no default in this file`);
      }
      default:
        return libraryAttr(this, obj, name, line);
    }
    throw new Decline(line, `${show(obj)} has no attribute \`${name}\` this reader knows`);
  }

  /** A function looked up on an instance: bound, or called (properties), or left (static). */
  method(f: FuncVal, self: Value, line: number): Value {
    if (f.decorators.includes('property'))
      return this.callFunc({ ...f, self }, [], new Map(), line);
    if (f.decorators.includes('staticmethod')) return f;
    return { ...f, self };
  }

  getitem(obj: Value, key: Value, line: number): Value {
    if (obj.t === 'list' || obj.t === 'tuple' || obj.t === 'str') {
      const items: Value[] = obj.t === 'str' ? [...obj.v].map(str) : [...obj.items];
      if (key.t === 'num' || key.t === 'bool') {
        const k = key.t === 'num' ? key.v : key.v ? 1 : 0;
        const i = k < 0 ? items.length + k : k;
        const v = items[i];
        if (v === undefined || !Number.isInteger(i))
          throw new Decline(line, `index ${k} out of range`);
        return v;
      }
      if (key.t === 'slice') {
        const picked = sliceItems(items, key, line);
        if (obj.t === 'str') return str(picked.map((v) => (v.t === 'str' ? v.v : '')).join(''));
        return obj.t === 'list' ? { t: 'list', items: picked } : tuple(picked);
      }
    }
    if (obj.t === 'dict') {
      const k = dictKey(key);
      const e = k !== undefined ? obj.entries.get(k) : undefined;
      if (!e) throw new Decline(line, `key ${show(key)} is not in the dict`);
      return e[1];
    }
    if (
      obj.t === 'module' ||
      obj.t === 'tensor' ||
      obj.t === 'param' ||
      obj.t === 'mask' ||
      obj.t === 'arange' ||
      obj.t === 'const' ||
      obj.t === 'argparse'
    ) {
      return tensorIndex(this, obj, key, line);
    }
    throw new Decline(line, `indexing ${show(obj)} with ${show(key)} is not read`);
  }

  iterate(v: Value, line: number): Value[] {
    this.tick(line);
    switch (v.t) {
      case 'list':
      case 'tuple':
        return [...v.items];
      case 'str':
        return [...v.v].map(str);
      case 'dict':
        return [...v.entries.values()].map(([k]) => k);
      case 'module':
        if (v.layer === 'ModuleDict') return [...v.children.keys()].map(str);
        if (v.layer === 'Sequential' || v.layer === 'ModuleList') return [...v.children.values()];
        break;
      case 'const':
        return Array.from({ length: v.shape[0] ?? 0 }, (_, i) =>
          tensorIndex(this, v, int(i), line),
        );
      case 'tensor':
        throw new Decline(line, 'iterating over a tensor is not read');
      default:
        break;
    }
    throw new Decline(line, `${show(v)} is not iterable here`);
  }

  /** range() as a list, refusing lengths no model needs. */
  range(start: number, stop: number, step: number, line: number): Value {
    if (step === 0) throw new Decline(line, 'range() step is zero');
    const n = Math.max(0, Math.ceil((stop - start) / step));
    if (n > MAX_SEQ) throw new Decline(line, `range of ${n} items`);
    this.steps += n;
    if (this.steps > this.maxSteps) this.tick(line);
    const items: Value[] = [];
    for (let i = 0; i < n; i++) items.push(int(start + i * step));
    return { t: 'list', items };
  }
}

/** torchvision's private helpers (models/_utils.py, utils.py): small, stable, read as written there. */
const KNOWN_HELPERS = new Set(['_log_api_usage_once', '_make_divisible', '_ovewrite_named_param']);

const PY_BUILTINS = new Set([
  'len',
  'range',
  'enumerate',
  'zip',
  'list',
  'tuple',
  'dict',
  'set',
  'int',
  'float',
  'bool',
  'str',
  'min',
  'max',
  'sum',
  'abs',
  'round',
  'isinstance',
  'issubclass',
  'hasattr',
  'getattr',
  'setattr',
  'print',
  'type',
  'reversed',
  'sorted',
  'any',
  'all',
  'map',
  'filter',
  'iter',
  'next',
  'callable',
  'object',
  'divmod',
  'pow',
  'id',
  'hash',
  'repr',
  'format',
  'vars',
  'NotImplementedError',
  'ValueError',
  'TypeError',
  'AssertionError',
  'RuntimeError',
  'KeyError',
  'Exception',
]);

function unescape(s: string): string {
  return s.replace(/\\(n|t|\\|'|")/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

function isInt(v: Value): boolean {
  return v.t === 'bool' || (v.t === 'num' && v.int);
}

export function numeric(v: Value): number | undefined {
  if (v.t === 'num') return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  return undefined;
}

function same(a: Value, b: Value): boolean {
  if (a.t === 'none' || b.t === 'none') return a.t === b.t;
  if (a.t === 'bool' && b.t === 'bool') return a.v === b.v;
  if (a.t === 'builtin' && b.t === 'builtin') return a.name === b.name && a.self === b.self;
  if (a.t === 'param' && b.t === 'param') return a.p === b.p;
  if (a.t === 'tensor' && b.t === 'tensor') return a.id === b.id;
  return a === b || equal(a, b);
}

export function equal(a: Value, b: Value): boolean {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return x === y;
  if (a.t === 'str' && b.t === 'str') return a.v === b.v;
  if (a.t === 'none' || b.t === 'none') return a.t === b.t;
  if (isSeq(a) && isSeq(b)) {
    return (
      a.t === b.t &&
      a.items.length === b.items.length &&
      a.items.every((v, i) => equal(v, b.items[i]!))
    );
  }
  if (a.t === 'builtin' && b.t === 'builtin') return a.name === b.name;
  if (a.t === 'tensor' && b.t === 'tensor') return a.id === b.id;
  if (a.t === 'param' && b.t === 'param') return a.p === b.p;
  return a === b;
}

function repeat(v: Value, times: number, line: number): Value {
  if (times * (v.t === 'str' ? v.v.length : isSeq(v) ? v.items.length : 1) > MAX_SEQ) {
    throw new Decline(line, 'sequence too long');
  }
  const n = Math.max(0, Math.floor(times));
  if (v.t === 'str') return str(v.v.repeat(n));
  if (!isSeq(v)) return v;
  const items: Value[] = [];
  for (let i = 0; i < n; i++) items.push(...v.items);
  return v.t === 'list' ? { t: 'list', items } : tuple(items);
}

/** Python slice semantics on a list. */
export function sliceBounds(
  len: number,
  s: Extract<Value, { t: 'slice' }>,
  line: number,
): { start: number; stop: number; step: number } {
  const get = (v: Value): number | undefined => {
    if (v.t === 'none') return undefined;
    const n = numeric(v);
    if (n === undefined || !Number.isInteger(n))
      throw new Decline(line, `slice bound ${show(v)} is not an integer`);
    return n;
  };
  const step = get(s.step) ?? 1;
  if (step === 0) throw new Decline(line, 'slice step is zero');
  const norm = (v: number | undefined, dflt: number, lo: number, hi: number): number => {
    if (v === undefined) return dflt;
    const x = v < 0 ? v + len : v;
    return Math.min(Math.max(x, lo), hi);
  };
  if (step > 0)
    return { start: norm(get(s.start), 0, 0, len), stop: norm(get(s.stop), len, 0, len), step };
  return {
    start: norm(get(s.start), len - 1, -1, len - 1),
    stop: norm(get(s.stop), -1, -1, len - 1),
    step,
  };
}

function sliceItems(items: Value[], s: Extract<Value, { t: 'slice' }>, line: number): Value[] {
  const { start, stop, step } = sliceBounds(items.length, s, line);
  const out: Value[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(items[i]!);
  else for (let i = start; i > stop; i += step) out.push(items[i]!);
  return out;
}

/** printf-style `'%s_%d' % (a, b)` for the conversions module names use. */
function percentFormat(fmt: string, args: readonly Value[], line: number): string {
  let i = 0;
  return fmt.replace(
    /%([-+ 0#]*)(\d*)(?:\.(\d+))?([sdifgr%])/g,
    (_m, _flags, _w, prec: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      const v = args[i++];
      if (v === undefined) throw new Decline(line, 'not enough arguments for % formatting');
      if (conv === 's' || conv === 'r')
        return v.t === 'str' ? v.v : v.t === 'num' ? String(v.v) : show(v);
      const n = numeric(v);
      if (n === undefined) throw new Decline(line, `%${conv} of ${show(v)}`);
      if (conv === 'd' || conv === 'i') return String(Math.trunc(n));
      return prec !== undefined ? n.toFixed(Number(prec)) : String(n);
    },
  );
}
