/**
 * Python's own library as model files use it: builtins (len, range, enumerate, zip, isinstance,
 * min/max/sum…), str/list/dict methods, math, functools.partial, collections.OrderedDict and
 * argparse defaults (`parser.add_argument('--nz', type=int, default=100)` → `opt.nz` = 100).
 */
import type { Interp } from './interp';
import { equal, named, numeric } from './interp';
import {
  Decline,
  FALSE,
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
  type ModuleObj,
  type Value,
} from './values';

type Kw = Map<string, Value>;

export const MATH_CONSTANTS: Readonly<Record<string, number>> = {
  pi: Math.PI,
  e: Math.E,
  inf: Infinity,
  tau: 2 * Math.PI,
};

const MATH_FUNCTIONS: Readonly<Record<string, (x: number, y?: number) => number>> = {
  sqrt: Math.sqrt,
  log: (x, b) => (b === undefined ? Math.log(x) : Math.log(x) / Math.log(b)),
  log2: Math.log2,
  log10: Math.log10,
  exp: Math.exp,
  floor: Math.floor,
  ceil: Math.ceil,
  pow: (x, y) => x ** (y ?? 1),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  fabs: Math.abs,
  trunc: Math.trunc,
  isqrt: (x) => Math.floor(Math.sqrt(x)),
};

const INT_RESULT = new Set(['floor', 'ceil', 'trunc', 'isqrt']);

function numOf(v: Value | undefined, line: number, what: string): number {
  const n = v === undefined ? undefined : numeric(v);
  if (n === undefined)
    throw new Decline(line, `${what}: ${v ? show(v) : 'nothing'} is not a number`);
  return n;
}

/** Whether a module is an instance of a class value (built-in layer or user class). */
export function isInstance(ip: Interp, v: Value, cls: Value): boolean {
  if (cls.t === 'tuple' || cls.t === 'list') return cls.items.some((c) => isInstance(ip, v, c));
  if (cls.t === 'builtin') {
    const q = cls.name.replace(/^torch\.nn\.modules\.\w+\./, 'torch.nn.');
    if (q === 'torch.Tensor' || q === 'torch.nn.Parameter')
      return v.t === 'tensor' || v.t === 'param';
    if (v.t === 'module') {
      if (q === 'torch.nn.Module') return true;
      const layer = v.layer;
      if (!layer) return false;
      if (q === `torch.nn.${layer}`) return true;
      // The abstract bases people test for.
      if (q === 'torch.nn.modules.conv._ConvNd' || q === 'torch.nn.conv._ConvNd')
        return /^Conv/.test(layer);
      if (/_BatchNorm$/.test(q)) return /^BatchNorm/.test(layer);
      if (/_NormBase$/.test(q)) return /^(BatchNorm|InstanceNorm)/.test(layer);
      return false;
    }
    if (/^(typing|collections\.abc)\.(Sequence|List|Tuple|Iterable)$/.test(q))
      return v.t === 'list' || v.t === 'tuple';
    const py: Record<string, string[]> = {
      'builtins.int': ['num-int', 'bool'],
      'builtins.float': ['num-float'],
      'builtins.str': ['str'],
      'builtins.list': ['list'],
      'builtins.tuple': ['tuple'],
      'builtins.dict': ['dict'],
      'builtins.bool': ['bool'],
    };
    const kinds = py[q];
    if (!kinds) return false;
    const k = v.t === 'num' ? (v.int ? 'num-int' : 'num-float') : v.t;
    return kinds.includes(k);
  }
  if (cls.t === 'class') {
    const c = v.t === 'module' || v.t === 'obj' ? v.cls : undefined;
    return c !== undefined && ip.mro(c).includes(cls);
  }
  return false;
}

/** Python builtins and the small standard library; undefined when `name` is not one of them. */
export function callPython(
  ip: Interp,
  name: string,
  self: Value | undefined,
  pos: Value[],
  kw: Kw,
  line: number,
): Value | undefined {
  if (name === 'builtins.object.__init__') return NONE;
  if (name === '$dataclass_init' && self?.t === 'tuple') {
    const [obj, cls] = self.items;
    if (obj?.t === 'obj' && cls?.t === 'class') ip.initDataclass(obj, cls, pos, kw, line);
    return NONE;
  }
  if (name === '$namedtuple') return tuple(pos);
  if (name === '$item' && self) return self;
  if (name === 'helpers._log_api_usage_once') return NONE;
  if (name === 'helpers._make_divisible') {
    // torchvision.models._utils._make_divisible
    const v = numOf(pos[0], line, name);
    const divisor = numOf(pos[1], line, name);
    const m = pos[2] ?? kw.get('min_value');
    const minValue = m && m.t !== 'none' ? numOf(m, line, name) : divisor;
    let nv = Math.max(minValue, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
    if (nv < 0.9 * v) nv += divisor;
    return int(nv);
  }
  if (name === 'helpers._ovewrite_named_param') {
    // torchvision.models._utils._ovewrite_named_param(kwargs, param, new_value)
    const [d, k, v] = pos;
    if (d?.t !== 'dict' || k?.t !== 'str' || !v)
      throw new Decline(line, `${name} with unexpected arguments`);
    const key = `s:${k.v}`;
    const cur = d.entries.get(key);
    if (cur && !equal(cur[1], v))
      throw new Decline(line, `${k.v} given as ${show(cur[1])}, the weights need ${show(v)}`);
    d.entries.set(key, [k, v]);
    return NONE;
  }
  if (self !== undefined) return callMethod(ip, name, self, pos, kw, line);
  const a0 = pos[0];
  switch (name) {
    case 'builtins.len': {
      if (!a0) break;
      if (a0.t === 'str') return int(a0.v.length);
      if (isSeq(a0)) return int(a0.items.length);
      if (a0.t === 'dict') return int(a0.entries.size);
      if (
        a0.t === 'module' &&
        a0.layer &&
        ['Sequential', 'ModuleList', 'ModuleDict'].includes(a0.layer)
      )
        return int(a0.children.size);
      if (a0.t === 'tensor') return int(a0.shape[0] ?? 0);
      break;
    }
    case 'builtins.range': {
      const ns = pos.map((p) => numOf(p, line, 'range'));
      if (ns.length === 1) return ip.range(0, ns[0]!, 1, line);
      return ip.range(ns[0]!, ns[1]!, ns[2] ?? 1, line);
    }
    case 'builtins.enumerate': {
      const start = numOf(kw.get('start') ?? pos[1] ?? int(0), line, 'enumerate');
      return { t: 'list', items: ip.iterate(a0!, line).map((v, i) => tuple([int(i + start), v])) };
    }
    case 'builtins.zip': {
      const lists = pos.map((p) => ip.iterate(p, line));
      const n = Math.min(...lists.map((l) => l.length));
      const items: Value[] = [];
      for (let i = 0; i < n; i++) items.push(tuple(lists.map((l) => l[i]!)));
      return { t: 'list', items };
    }
    case 'builtins.list':
      return { t: 'list', items: a0 ? ip.iterate(a0, line) : [] };
    case 'builtins.tuple':
      return tuple(a0 ? ip.iterate(a0, line) : []);
    case 'builtins.set':
      return { t: 'list', items: a0 ? dedup(ip.iterate(a0, line)) : [] };
    case 'builtins.reversed':
      return { t: 'list', items: ip.iterate(a0!, line).reverse() };
    case 'builtins.sorted': {
      const items = ip.iterate(a0!, line);
      const keys = items.map((v) => numeric(v) ?? (v.t === 'str' ? v.v : undefined));
      if (keys.some((k) => k === undefined)) throw new Decline(line, 'sorted() of non-numbers');
      const order = items
        .map((_, i) => i)
        .sort((i, j) => (keys[i]! < keys[j]! ? -1 : keys[i]! > keys[j]! ? 1 : 0));
      const out = order.map((i) => items[i]!);
      return { t: 'list', items: truthy(kw.get('reverse') ?? FALSE) ? out.reverse() : out };
    }
    case 'builtins.dict':
    case 'collections.OrderedDict':
    case 'typing.OrderedDict': {
      const entries = new Map<string, [Value, Value]>();
      if (a0?.t === 'dict') for (const [k, e] of a0.entries) entries.set(k, e);
      else if (a0) {
        for (const p of ip.iterate(a0, line)) {
          if (!isSeq(p) || p.items.length !== 2)
            throw new Decline(line, 'dict() of something that is not pairs');
          const k = dictKey(p.items[0]!);
          if (k === undefined) throw new Decline(line, `${show(p.items[0]!)} as a dict key`);
          entries.set(k, [p.items[0]!, p.items[1]!]);
        }
      }
      for (const [k, v] of kw) entries.set(`s:${k}`, [str(k), v]);
      return { t: 'dict', entries };
    }
    case 'builtins.int': {
      if (a0?.t === 'str') {
        const n = Number.parseInt(a0.v, 10);
        if (Number.isNaN(n)) throw new Decline(line, `int('${a0.v}')`);
        return int(n);
      }
      return int(Math.trunc(numOf(a0 ?? int(0), line, 'int')));
    }
    case 'builtins.float': {
      if (a0?.t === 'str') {
        const t = a0.v.trim().toLowerCase();
        const n = t === 'inf' || t === '+inf' ? Infinity : t === '-inf' ? -Infinity : Number(t);
        if (Number.isNaN(n) && t !== 'nan') throw new Decline(line, `float('${a0.v}')`);
        return num(n, false);
      }
      return num(numOf(a0 ?? int(0), line, 'float'), false);
    }
    case 'builtins.bool': {
      const t = a0 ? truthy(a0) : false;
      if (t === undefined) throw new Decline(line, 'bool() of a tensor');
      return bool(t);
    }
    case 'builtins.str':
      return str(a0 ? (a0.t === 'str' ? a0.v : a0.t === 'num' ? String(a0.v) : show(a0)) : '');
    case 'builtins.abs':
      return num(Math.abs(numOf(a0, line, 'abs')), a0?.t === 'num' ? a0.int : true);
    case 'builtins.round': {
      const x = numOf(a0, line, 'round');
      const d = pos[1] ? numOf(pos[1], line, 'round') : undefined;
      if (d === undefined) {
        // Python rounds half to even.
        const r = Math.round(x);
        return int(Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r);
      }
      return num(Math.round(x * 10 ** d) / 10 ** d, false);
    }
    case 'builtins.min':
    case 'builtins.max': {
      const items = pos.length === 1 ? ip.iterate(a0!, line) : pos;
      if (items.length === 0) throw new Decline(line, `${name.slice(9)}() of nothing`);
      let best = items[0]!;
      for (const v of items.slice(1)) {
        const better =
          name === 'builtins.min'
            ? numOf(v, line, 'min') < numOf(best, line, 'min')
            : numOf(v, line, 'max') > numOf(best, line, 'max');
        if (better) best = v;
      }
      return best;
    }
    case 'builtins.sum': {
      const items = ip.iterate(a0!, line);
      let acc: Value = pos[1] ?? int(0);
      for (const v of items) acc = ip.binary('+', acc, v, line);
      return acc;
    }
    case 'builtins.any':
    case 'builtins.all': {
      const ts = ip.iterate(a0!, line).map(truthy);
      if (ts.some((t) => t === undefined)) throw new Decline(line, `${name.slice(9)}() of tensors`);
      return bool(name === 'builtins.any' ? ts.some(Boolean) : ts.every(Boolean));
    }
    case 'builtins.divmod': {
      const x = numOf(a0, line, 'divmod');
      const y = numOf(pos[1], line, 'divmod');
      return tuple([int(Math.floor(x / y)), int(x - y * Math.floor(x / y))]);
    }
    case 'builtins.pow':
      return ip.binary('**', a0!, pos[1]!, line);
    case 'builtins.isinstance':
      return bool(isInstance(ip, a0!, pos[1]!));
    case 'builtins.issubclass':
      return bool(a0?.t === 'class' && pos[1]?.t === 'class' && ip.mro(a0).includes(pos[1]));
    case 'builtins.hasattr': {
      const key = pos[1];
      if (key?.t !== 'str') break;
      try {
        ip.getattr(a0!, key.v, line);
        return TRUE;
      } catch (e) {
        if (e instanceof Decline) return FALSE;
        throw e;
      }
    }
    case 'builtins.getattr': {
      const key = pos[1];
      if (key?.t !== 'str') break;
      if (pos[2] === undefined) return ip.getattr(a0!, key.v, line);
      try {
        return ip.getattr(a0!, key.v, line);
      } catch (e) {
        if (e instanceof Decline) return pos[2];
        throw e;
      }
    }
    case 'builtins.setattr': {
      const key = pos[1];
      if (key?.t !== 'str' || !a0 || !pos[2]) break;
      ip.setattr(a0, key.v, pos[2], line);
      return NONE;
    }
    case 'builtins.type':
      if (a0?.t === 'module') return a0.cls ?? { t: 'builtin', name: `torch.nn.${a0.layer}` };
      if (a0?.t === 'obj') return a0.cls;
      break;
    case 'builtins.callable':
      return bool(!!a0 && ['func', 'class', 'builtin', 'module'].includes(a0.t));
    case 'builtins.map': {
      const f = a0!;
      return {
        t: 'list',
        items: ip.iterate(pos[1]!, line).map((v) => ip.call(f, [v], new Map(), line)),
      };
    }
    case 'builtins.filter': {
      const f = a0!;
      return {
        t: 'list',
        items: ip
          .iterate(pos[1]!, line)
          .filter((v) => (f.t === 'none' ? truthy(v) : truthy(ip.call(f, [v], new Map(), line)))),
      };
    }
    case 'builtins.iter':
      return { t: 'list', items: ip.iterate(a0!, line) };
    case 'builtins.next': {
      const items = ip.iterate(a0!, line);
      if (items[0]) return items[0];
      if (pos[1]) return pos[1];
      throw new Decline(line, 'next() of an empty iterator');
    }
    case 'builtins.print':
    case 'builtins.object.__init__':
      return NONE;
    case 'functools.partial': {
      const f = a0;
      if (f?.t === 'func') return { ...f, partialArgs: { pos: pos.slice(1), kw: new Map(kw) } };
      if (!f) throw new Decline(line, 'functools.partial of nothing');
      // Classes and library callables (partial(nn.LayerNorm, eps=1e-6)): bound at call time.
      const entries = new Map<string, [Value, Value]>();
      for (const [k, v] of kw) entries.set(`s:${k}`, [str(k), v]);
      return {
        t: 'builtin',
        name: '$partial',
        self: tuple([f, tuple(pos.slice(1)), { t: 'dict', entries }]),
      };
    }
    case 'collections.namedtuple':
    case 'typing.NamedTuple':
      // Instances are plain tuples: the first element is what a forward's caller takes.
      return { t: 'builtin', name: '$namedtuple' };
    case 'dataclasses.asdict': {
      if (a0?.t !== 'obj') break;
      const entries = new Map<string, [Value, Value]>();
      for (const [k, v] of a0.attrs) entries.set(`s:${k}`, [str(k), v]);
      return { t: 'dict', entries };
    }
    case 'torch.jit.is_scripting':
    case 'torch.jit.is_tracing':
    case 'torch.cuda.is_available':
    case 'torch.backends.mps.is_available':
    case 'torch.is_grad_enabled':
      return name === 'torch.is_grad_enabled' ? TRUE : FALSE;
    case 'torch.jit.annotate':
      return pos[1] ?? NONE;
    case 'torch._assert':
      return NONE;
    case 'argparse.ArgumentParser':
      return { t: 'argparse', defaults: argparseDefaults(ip, line) };
    case 'copy.deepcopy':
    case 'copy.copy':
      if (a0?.t === 'module') {
        ip.note(
          line,
          `${name}(${a0.kind}): PyTorch's copies start with equal weights; here each copy draws its own`,
        );
        return cloneModule(a0);
      }
      return a0 ?? NONE;
    default:
      break;
  }
  if (name.startsWith('math.')) {
    const f = MATH_FUNCTIONS[name.slice(5)];
    if (f) {
      const r = f(numOf(a0, line, name), pos[1] ? numOf(pos[1], line, name) : undefined);
      if (!Number.isFinite(r)) throw new Decline(line, `${name}() gives ${r}`);
      return num(r, INT_RESULT.has(name.slice(5)));
    }
    if (name === 'math.prod')
      return int(ip.iterate(a0!, line).reduce((acc, v) => acc * numOf(v, line, 'prod'), 1));
  }
  return undefined;
}

function dedup(items: Value[]): Value[] {
  const out: Value[] = [];
  for (const v of items) if (!out.some((o) => equal(o, v))) out.push(v);
  return out;
}

/** A deep copy of a module tree (copy.deepcopy(layer) in `_get_clones`); parameters are new. */
export function cloneModule(m: ModuleObj): ModuleObj {
  const params = new Map<string, ReturnType<ModuleObj['params']['get']>>();
  for (const [k, p] of m.params) params.set(k, p ? { ...p, shape: [...p.shape] } : null);
  const children = new Map<string, ModuleObj>();
  for (const [k, c] of m.children) children.set(k, cloneModule(c));
  return {
    ...m,
    cfg: new Map(m.cfg),
    children,
    params: params as ModuleObj['params'],
    buffers: new Map(m.buffers),
    attrs: new Map(m.attrs),
    path: undefined,
  };
}

/** Every `X.add_argument('--name', default=…)` at module level: its defaults by dest. */
function argparseDefaults(ip: Interp, line: number): Map<string, Value> {
  const out = new Map<string, Value>();
  for (const call of ip.addArgumentCalls) {
    const args = named(call.childForFieldName('arguments'));
    const flags = args
      .filter((a) => a.type === 'string')
      .map((a) => a.text.replace(/^['"]+|['"]+$/g, ''));
    let dest = flags.find((f) => f.startsWith('--'))?.slice(2) ?? flags[0];
    let value: Value = NONE;
    let action: string | undefined;
    for (const a of args) {
      if (a.type !== 'keyword_argument') continue;
      const k = a.childForFieldName('name')!.text;
      const v = a.childForFieldName('value')!;
      if (k === 'dest' && v.type === 'string') dest = v.text.replace(/^['"]+|['"]+$/g, '');
      if (k === 'action' && v.type === 'string') action = v.text.replace(/^['"]+|['"]+$/g, '');
      if (k === 'default') {
        try {
          value = ip.eval(v, ip.globals);
        } catch (e) {
          if (!(e instanceof Decline)) throw e;
          value = { t: 'opaque', what: `the default of --${dest}` };
        }
      }
    }
    if (action === 'store_true' && value.t === 'none') value = FALSE;
    if (action === 'store_false' && value.t === 'none') value = TRUE;
    if (dest) out.set(dest.replace(/-/g, '_'), value);
  }
  if (out.size === 0) ip.note(line, 'argparse: no add_argument() calls found at module level');
  return out;
}

/** Methods of str, list, dict and argparse values. */
function callMethod(
  ip: Interp,
  name: string,
  self: Value,
  pos: Value[],
  kw: Kw,
  line: number,
): Value | undefined {
  const a0 = pos[0];
  if (self.t === 'str') {
    const s = self.v;
    switch (name) {
      case 'startswith':
      case 'endswith': {
        const opts = a0?.t === 'tuple' ? a0.items : a0 ? [a0] : [];
        return bool(
          opts.some(
            (o) => o.t === 'str' && (name === 'startswith' ? s.startsWith(o.v) : s.endsWith(o.v)),
          ),
        );
      }
      case 'find':
        return int(a0?.t === 'str' ? s.indexOf(a0.v) : -1);
      case 'lower':
        return str(s.toLowerCase());
      case 'upper':
        return str(s.toUpperCase());
      case 'strip':
        return str(s.trim());
      case 'replace':
        return a0?.t === 'str' && pos[1]?.t === 'str'
          ? str(s.split(a0.v).join(pos[1].v))
          : undefined;
      case 'split': {
        const sep = a0?.t === 'str' ? a0.v : undefined;
        return {
          t: 'list',
          items: (sep === undefined ? s.trim().split(/\s+/) : s.split(sep)).map(str),
        };
      }
      case 'join':
        return str(
          ip
            .iterate(a0!, line)
            .map((v) => (v.t === 'str' ? v.v : show(v)))
            .join(s),
        );
      case 'format':
        return str(
          s.replace(/\{(\d*)\}/g, (_, i: string) => {
            const v = pos[i === '' ? 0 : Number(i)];
            return v ? (v.t === 'str' ? v.v : v.t === 'num' ? String(v.v) : show(v)) : '';
          }),
        );
      default:
        return undefined;
    }
  }
  if (self.t === 'list') {
    switch (name) {
      case 'append':
        self.items.push(a0!);
        return NONE;
      case 'extend':
        self.items.push(...ip.iterate(a0!, line));
        return NONE;
      case 'insert': {
        const i = numeric(a0!) ?? 0;
        self.items.splice(i < 0 ? self.items.length + i : i, 0, pos[1]!);
        return NONE;
      }
      case 'pop': {
        const i = a0 ? (numeric(a0) ?? -1) : -1;
        const [v] = self.items.splice(i < 0 ? self.items.length + i : i, 1);
        if (!v) throw new Decline(line, 'pop from an empty list');
        return v;
      }
      case 'index': {
        const i = self.items.findIndex((v) => equal(v, a0!));
        if (i < 0) throw new Decline(line, `${show(a0!)} is not in the list`);
        return int(i);
      }
      case 'copy':
        return { t: 'list', items: [...self.items] };
      case 'count':
        return int(self.items.filter((v) => equal(v, a0!)).length);
      default:
        return undefined;
    }
  }
  if (self.t === 'tuple') {
    if (name === 'index') return int(self.items.findIndex((v) => equal(v, a0!)));
    if (name === 'count') return int(self.items.filter((v) => equal(v, a0!)).length);
    return undefined;
  }
  if (self.t === 'dict') {
    switch (name) {
      case 'items':
        return { t: 'list', items: [...self.entries.values()].map(([k, v]) => tuple([k, v])) };
      case 'keys':
        return { t: 'list', items: [...self.entries.values()].map(([k]) => k) };
      case 'values':
        return { t: 'list', items: [...self.entries.values()].map(([, v]) => v) };
      case 'get':
      case 'pop':
      case 'setdefault': {
        const k = dictKey(a0!);
        const e = k !== undefined ? self.entries.get(k) : undefined;
        if (name === 'pop' && k !== undefined) self.entries.delete(k);
        if (name === 'setdefault' && !e && k !== undefined)
          self.entries.set(k, [a0!, pos[1] ?? NONE]);
        return e ? e[1] : (pos[1] ?? NONE);
      }
      case 'update': {
        if (a0?.t === 'dict') for (const [k, e] of a0.entries) self.entries.set(k, e);
        for (const [k, v] of kw) self.entries.set(`s:${k}`, [str(k), v]);
        return NONE;
      }
      case 'copy':
        return { t: 'dict', entries: new Map(self.entries) };
      default:
        return undefined;
    }
  }
  if (self.t === 'argparse') {
    if (name === 'argparse.parse_args' || name === 'argparse.parse_known_args') {
      const ns: Value = { t: 'argparse', defaults: self.defaults };
      return name === 'argparse.parse_args' ? ns : tuple([ns, { t: 'list', items: [] }]);
    }
    if (name === 'argparse.add_argument_group') return self;
    if (name === 'argparse.add_argument') return NONE;
  }
  return undefined;
}

/** Attributes of plain Python values: their methods. */
export function pythonAttr(v: Value, name: string): Value | undefined {
  // A number taken out of a constant tensor (`x.item()` over torch.linspace).
  if (v.t === 'num' && name === 'item') return { t: 'builtin', name: '$item', self: v };
  if (v.t === 'str' || v.t === 'list' || v.t === 'tuple' || v.t === 'dict')
    return { t: 'builtin', name, self: v };
  if (v.t === 'num' && name === 'real') return v;
  return undefined;
}
