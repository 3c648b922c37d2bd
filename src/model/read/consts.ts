/**
 * Tensors whose values the reader can compute because nothing in them depends on the input or on
 * a parameter: torch.arange arithmetic (RegNet's widths), meshgrid/stack/flatten of positions
 * (Swin's relative position index), sincos tables, masks built by item assignment. They stay
 * values until forward() meets them with a tensor; then they become a `constant` graph node.
 */
import { strides } from '../../kernel/graph/op';
import { broadcastIndex, broadcastShapes } from '../../kernel/graph/ops/util';
import { sliceBounds } from './interp';
import { Decline, isSeq, num, show, tuple, type Value } from './values';

export type ConstVal = Extract<Value, { t: 'const' }>;

/** Larger constant tensors are declined: their data would sit in the graph JSON. */
const MAX_ENTRIES = 1 << 20;

function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function makeConst(shape: readonly number[], data: number[], line: number): ConstVal {
  if (data.length > MAX_ENTRIES)
    throw new Decline(line, `a constant tensor of ${data.length} entries is too large to read`);
  return { t: 'const', shape, data };
}

/** A value as a constant tensor when its entries are known (numbers are 0-d tensors). */
export function toConst(v: Value): ConstVal | undefined {
  switch (v.t) {
    case 'const':
      return v;
    case 'num':
      return { t: 'const', shape: [], data: [v.v] };
    case 'bool':
      return { t: 'const', shape: [], data: [v.v ? 1 : 0] };
    case 'arange': {
      const n = numelOf(v.shape);
      return {
        t: 'const',
        shape: v.shape,
        data: Array.from({ length: n }, (_, i) => v.start + i * v.step),
      };
    }
    case 'init': {
      const k = v.init.kind;
      const fill =
        k === 'zeros' ? 0 : k === 'ones' ? 1 : k === 'constant' ? v.init.value : undefined;
      if (fill === undefined || v.empty) return undefined;
      const n = numelOf(v.shape);
      if (n > MAX_ENTRIES) return undefined;
      return { t: 'const', shape: v.shape, data: new Array<number>(n).fill(fill) };
    }
    case 'mask': {
      // tril(ones(n, n)): 1 on and below the diagonal (0 there after `== 0`).
      const n = numelOf(v.shape);
      const [r, c] = v.shape.slice(-2) as [number, number];
      if (n > MAX_ENTRIES || r === undefined) return undefined;
      const data = Array.from({ length: n }, (_, i) => {
        const j = i % c;
        const k = Math.floor(i / c) % r;
        const on = j <= k ? 1 : 0;
        return v.zero ? 1 - on : on;
      });
      return { t: 'const', shape: v.shape, data };
    }
    default:
      return undefined;
  }
}

/** Nested Python lists of numbers (torch.tensor([[0, 1], [2, 3]])). */
export function constFromNested(v: Value, line: number): ConstVal | undefined {
  if (v.t === 'num' || v.t === 'bool') return toConst(v);
  if (v.t === 'const') return v;
  if (!isSeq(v)) return undefined;
  const parts = v.items.map((x) => constFromNested(x, line));
  if (parts.some((p) => !p)) return undefined;
  const first = parts[0];
  if (!first) return makeConst([0], [], line);
  if (parts.some((p) => p!.shape.join() !== first.shape.join())) return undefined;
  return makeConst(
    [parts.length, ...first.shape],
    parts.flatMap((p) => p!.data),
    line,
  );
}

function broadcastShape(a: readonly number[], b: readonly number[], line: number): number[] {
  try {
    return [...broadcastShapes([a, b])];
  } catch {
    throw new Decline(
      line,
      `constant tensors (${a.join(', ')}) and (${b.join(', ')}) do not broadcast`,
      true,
    );
  }
}

const BINARY: Record<string, (x: number, y: number) => number> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '/': (x, y) => x / y,
  '//': (x, y) => Math.floor(x / y),
  '%': (x, y) => x - Math.floor(x / y) * y,
  '**': (x, y) => x ** y,
  '==': (x, y) => (x === y ? 1 : 0),
  '!=': (x, y) => (x !== y ? 1 : 0),
  '<': (x, y) => (x < y ? 1 : 0),
  '<=': (x, y) => (x <= y ? 1 : 0),
  '>': (x, y) => (x > y ? 1 : 0),
  '>=': (x, y) => (x >= y ? 1 : 0),
  '&': (x, y) => (x !== 0 && y !== 0 ? 1 : 0),
  '|': (x, y) => (x !== 0 || y !== 0 ? 1 : 0),
};

/** Method and function spellings of the binary operators. */
export const BINARY_NAMES: Record<string, string> = {
  add: '+',
  sub: '-',
  subtract: '-',
  mul: '*',
  multiply: '*',
  div: '/',
  divide: '/',
  true_divide: '/',
  floor_divide: '//',
  remainder: '%',
  pow: '**',
  eq: '==',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
  logical_and: '&',
  logical_or: '|',
};

export function constBinary(
  op: string,
  a: ConstVal,
  b: ConstVal,
  line: number,
): ConstVal | undefined {
  const f = BINARY[op];
  if (!f) return undefined;
  const shape = broadcastShape(a.shape, b.shape, line);
  const n = numelOf(shape);
  if (n > MAX_ENTRIES)
    throw new Decline(line, `a constant tensor of ${n} entries is too large to read`);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) data[i] = f(a.data[ia[i]!]!, b.data[ib[i]!]!);
  return { t: 'const', shape, data };
}

const UNARY: Record<string, (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  tanh: Math.tanh,
  abs: Math.abs,
  sign: Math.sign,
  log1p: Math.log1p,
  neg: (x) => -x,
  floor: Math.floor,
  ceil: Math.ceil,
  // torch.round rounds half to even.
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  logical_not: (x) => (x === 0 ? 1 : 0),
  // Integer conversions truncate toward zero as .int()/.long() do.
  int: Math.trunc,
  long: Math.trunc,
  bool: (x) => (x !== 0 ? 1 : 0),
  float: (x) => x,
  double: (x) => x,
  clone: (x) => x,
  detach: (x) => x,
  contiguous: (x) => x,
};

export function constUnary(fn: string, x: ConstVal): ConstVal | undefined {
  const f = UNARY[fn];
  return f ? { t: 'const', shape: x.shape, data: x.data.map(f) } : undefined;
}

export function constPermute(x: ConstVal, dims: readonly number[], line: number): ConstVal {
  const r = x.shape.length;
  const d = dims.map((k) => (k < 0 ? k + r : k));
  if (d.length !== r || new Set(d).size !== r || d.some((k) => k < 0 || k >= r))
    throw new Decline(line, `permute(${dims.join(', ')}) of a rank-${r} constant`);
  const st = strides(x.shape);
  const shape = d.map((k) => x.shape[k]!);
  const n = x.data.length;
  const data = new Array<number>(n);
  const coord = new Array<number>(r).fill(0);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let k = 0; k < r; k++) src += coord[k]! * st[d[k]!]!;
    data[i] = x.data[src]!;
    for (let k = r - 1; k >= 0; k--) {
      coord[k]! += 1;
      if (coord[k]! < shape[k]!) break;
      coord[k] = 0;
    }
  }
  return { t: 'const', shape, data };
}

export function constReshape(x: ConstVal, want: readonly number[], line: number): ConstVal {
  const n = x.data.length;
  const known = want.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const shape = want.map((d) => (d === -1 ? n / known : d));
  if (numelOf(shape) !== n || shape.some((d) => !Number.isInteger(d)))
    throw new Decline(
      line,
      `reshape of a constant (${x.shape.join(', ')}) to (${want.join(', ')})`,
      true,
    );
  return { t: 'const', shape, data: x.data };
}

/** Concatenation along `dim` (torch.cat); torch.stack unsqueezes first. */
export function constCat(xs: readonly ConstVal[], dim: number, line: number): ConstVal {
  const first = xs[0];
  if (!first) throw new Decline(line, 'torch.cat of nothing');
  const r = first.shape.length;
  const d = dim < 0 ? dim + r : dim;
  if (
    xs.some((x) => x.shape.length !== r || x.shape.some((s, i) => i !== d && s !== first.shape[i]))
  )
    throw new Decline(
      line,
      `torch.cat of constants ${xs.map((x) => `(${x.shape.join(', ')})`).join(', ')}`,
      true,
    );
  const outer = numelOf(first.shape.slice(0, d));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const x of xs) {
      const block = numelOf(x.shape.slice(d));
      for (let i = 0; i < block; i++) data.push(x.data[o * block + i]!);
    }
  }
  const shape = [...first.shape];
  shape[d] = xs.reduce((a, x) => a + x.shape[d]!, 0);
  return makeConst(shape, data, line);
}

export function constUnsqueeze(x: ConstVal, dim: number): ConstVal {
  const d = dim < 0 ? dim + x.shape.length + 1 : dim;
  return { t: 'const', shape: [...x.shape.slice(0, d), 1, ...x.shape.slice(d)], data: x.data };
}

/** torch.meshgrid(a, b, …, indexing='ij' (torch's default) or 'xy'). */
export function constMeshgrid(xs: readonly ConstVal[], indexing: string, line: number): Value {
  if (xs.some((x) => x.shape.length !== 1))
    throw new Decline(line, 'torch.meshgrid of non-vectors');
  const xy = indexing === 'xy' && xs.length >= 2;
  const lens = xs.map((x) => x.shape[0]!);
  const shape = xy ? [lens[1]!, lens[0]!, ...lens.slice(2)] : lens;
  const n = numelOf(shape);
  if (n > MAX_ENTRIES) throw new Decline(line, `a meshgrid of ${n} entries is too large to read`);
  const st = strides(shape);
  const grids = xs.map((x, k) => {
    // Which output axis indexes input k.
    const axis = xy && k < 2 ? 1 - k : k;
    const data = new Array<number>(n);
    for (let i = 0; i < n; i++) data[i] = x.data[Math.floor(i / st[axis]!) % shape[axis]!]!;
    return { t: 'const', shape, data } as ConstVal;
  });
  return tuple(grids);
}

/** Sum (or mean) over dims, or over everything. */
export function constReduce(
  x: ConstVal,
  kind: 'sum' | 'mean' | 'max' | 'min',
  dims: readonly number[] | undefined,
  keepdim: boolean,
): ConstVal {
  const r = x.shape.length;
  const ds = new Set((dims ?? x.shape.map((_, i) => i)).map((d) => (d < 0 ? d + r : d)));
  const outShape = x.shape.map((s, i) => (ds.has(i) ? 1 : s));
  const n = numelOf(outShape);
  const acc = new Array<number>(n).fill(kind === 'max' ? -Infinity : kind === 'min' ? Infinity : 0);
  const ost = strides(outShape);
  const coord = new Array<number>(r).fill(0);
  for (let i = 0; i < x.data.length; i++) {
    let o = 0;
    for (let k = 0; k < r; k++) if (!ds.has(k)) o += coord[k]! * ost[k]!;
    const v = x.data[i]!;
    acc[o] =
      kind === 'max' ? Math.max(acc[o]!, v) : kind === 'min' ? Math.min(acc[o]!, v) : acc[o]! + v;
    for (let k = r - 1; k >= 0; k--) {
      coord[k]! += 1;
      if (coord[k]! < x.shape[k]!) break;
      coord[k] = 0;
    }
  }
  const count = x.data.length / Math.max(1, n);
  const data = kind === 'mean' ? acc.map((v) => v / count) : acc;
  const shape = keepdim ? outShape : x.shape.filter((_, i) => !ds.has(i));
  return { t: 'const', shape, data };
}

interface Axis {
  /** Source indices along the dim, or undefined for a new axis (None). */
  readonly pick: number[] | undefined;
  /** Keeps the dim in the result (slices and None do; integers do not). */
  readonly keep: boolean;
}

/** The per-dim picks of an index key (ints, slices, None, Ellipsis) into `shape`. */
function axesOf(shape: readonly number[], key: Value, line: number): Axis[] | undefined {
  const keys = key.t === 'tuple' ? key.items : [key];
  const consumed = keys.filter((k) => k.t !== 'none' && k.t !== 'ellipsis').length;
  const axes: Axis[] = [];
  let dim = 0;
  for (const k of keys) {
    if (k.t === 'none') {
      axes.push({ pick: undefined, keep: true });
      continue;
    }
    if (k.t === 'ellipsis') {
      const skip = shape.length - consumed;
      for (let i = 0; i < skip; i++, dim++)
        axes.push({ pick: Array.from({ length: shape[dim]! }, (_, j) => j), keep: true });
      continue;
    }
    const len = shape[dim];
    if (len === undefined) throw new Decline(line, 'too many indices for a constant tensor');
    if (k.t === 'slice') {
      const { start, stop, step } = sliceBounds(len, k, line);
      const pick: number[] = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) pick.push(i);
      axes.push({ pick, keep: true });
    } else if (k.t === 'num' && k.int) {
      const i = k.v < 0 ? k.v + len : k.v;
      if (i < 0 || i >= len) throw new Decline(line, `index ${k.v} is out of range for ${len}`);
      axes.push({ pick: [i], keep: false });
    } else return undefined;
    dim++;
  }
  for (; dim < shape.length; dim++)
    axes.push({ pick: Array.from({ length: shape[dim]! }, (_, j) => j), keep: true });
  return axes;
}

/** The flat source index of every entry of x[key], and the result's shape. */
function gatherPlan(
  x: ConstVal,
  key: Value,
  line: number,
): { shape: number[]; src: number[] } | undefined {
  const axes = axesOf(x.shape, key, line);
  if (!axes) return undefined;
  const st = strides(x.shape);
  let src = [0];
  const shape: number[] = [];
  let dim = 0;
  for (const a of axes) {
    if (!a.pick) {
      shape.push(1);
      continue;
    }
    const s = st[dim]!;
    const next: number[] = [];
    for (const base of src) for (const i of a.pick) next.push(base + i * s);
    src = next;
    if (a.keep) shape.push(a.pick.length);
    dim++;
  }
  return { shape, src };
}

/** x[key] for ints, slices, None and Ellipsis; a 0-d result is a number. */
export function constIndex(x: ConstVal, key: Value, line: number): Value | undefined {
  const plan = gatherPlan(x, key, line);
  if (!plan) return undefined;
  const data = plan.src.map((i) => x.data[i]!);
  if (plan.shape.length === 0) return num(data[0]!);
  return { t: 'const', shape: plan.shape, data };
}

/** x[key] = value in place (Swin's attention mask: `img_mask[:, h, w, :] = cnt`). */
export function constAssign(x: ConstVal, key: Value, value: Value, line: number): boolean {
  const plan = gatherPlan(x, key, line);
  const v = toConst(value);
  if (!plan || !v) return false;
  const idx = broadcastIndex(v.shape, plan.shape);
  if (v.data.length !== 1 && plan.shape.join() !== v.shape.join())
    throw new Decline(
      line,
      `assigning ${show(value)} to a slice of shape (${plan.shape.join(', ')})`,
    );
  plan.src.forEach((s, i) => {
    x.data[s] = v.data[idx[i]!]!;
  });
  return true;
}

/** Nested Python lists of a constant's entries (`.tolist()`). */
export function constToList(x: ConstVal): Value {
  const build = (dim: number, off: number): Value => {
    if (dim === x.shape.length) {
      const v = x.data[off]!;
      return num(v, Number.isInteger(v));
    }
    const st = numelOf(x.shape.slice(dim + 1));
    return {
      t: 'list',
      items: Array.from({ length: x.shape[dim]! }, (_, i) => build(dim + 1, off + i * st)),
    };
  };
  return build(0, 0);
}

/** `a op b` of two known tensors (or a tensor and a number); undefined when either is not known. */
export function constCompare(op: string, a: Value, b: Value, line: number): Value | undefined {
  const x = toConst(a);
  const y = toConst(b);
  if (!x || !y) return undefined;
  return constBinary(op === '<>' ? '!=' : op, x, y, line);
}

/** torch.where(cond, a, b) of known tensors (masked_fill is where(mask, value, x)). */
export function constWhere(cond: ConstVal, a: ConstVal, b: ConstVal, line: number): ConstVal {
  const shape = broadcastShape(broadcastShape(cond.shape, a.shape, line), b.shape, line);
  const ic = broadcastIndex(cond.shape, shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const n = numelOf(shape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) data[i] = cond.data[ic[i]!] ? a.data[ia[i]!]! : b.data[ib[i]!]!;
  return makeConst(shape, data, line);
}
