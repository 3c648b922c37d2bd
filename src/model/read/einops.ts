/**
 * einops as model code uses it (`rearrange(t, 'b n (h d) -> b h n d', h=8)`, the `Rearrange` and
 * `Reduce` layers, `repeat(cls, '1 1 d -> b 1 d', b=b)`, `reduce(x, 'b n d -> b d', 'mean')`): the
 * pattern becomes a reshape into elementary axes, a permute, reductions or expansions, and a
 * reshape into the output's groups — the graph ops PyTorch's own view/permute would give.
 */
import type { Interp } from './interp';
import { Decline, type TensorVal, type Value } from './values';

type Group = readonly string[];

interface Side {
  groups: Group[];
  ellipsis: number;
}

function parseSide(text: string, line: number): Side {
  const groups: Group[] = [];
  let ellipsis = -1;
  const re = /\(([^()]*)\)|(\.\.\.|…)|([A-Za-z_]\w*|\d+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text))) {
    if (text.slice(consumed, m.index).trim()) throw new Decline(line, `einops pattern '${text}'`);
    consumed = m.index + m[0].length;
    if (m[1] !== undefined) groups.push(m[1].trim().split(/\s+/).filter(Boolean));
    else if (m[2] !== undefined) {
      ellipsis = groups.length;
      groups.push(['…']);
    } else groups.push([m[3]!]);
  }
  if (text.slice(consumed).trim()) throw new Decline(line, `einops pattern '${text}'`);
  return { groups, ellipsis };
}

/** The ops of an einops call on `x`: reshape / permute / reduce / expand, then reshape. */
export function einops(
  ip: Interp,
  kind: 'rearrange' | 'repeat' | 'reduce',
  x: TensorVal,
  pattern: string,
  sizes: ReadonlyMap<string, number>,
  reduction: string | undefined,
  line: number,
  emit: {
    reshape: (t: TensorVal, shape: number[]) => TensorVal;
    permute: (t: TensorVal, dims: number[]) => TensorVal;
    reduce: (t: TensorVal, dims: number[], how: 'mean' | 'sum') => TensorVal;
    expand: (t: TensorVal, shape: number[]) => TensorVal;
  },
): TensorVal {
  void ip;
  const [l, r] = pattern.split('->');
  if (l === undefined || r === undefined)
    throw new Decline(line, `einops pattern '${pattern}' has no ->`);
  const left = parseSide(l, line);
  const right = parseSide(r, line);
  const size = new Map(sizes);
  const s = x.shape;
  const fixed = left.groups.length - (left.ellipsis >= 0 ? 1 : 0);
  const ellDims = left.ellipsis >= 0 ? s.length - fixed : 0;
  if (ellDims < 0 || (left.ellipsis < 0 && s.length !== left.groups.length)) {
    throw new Decline(line, `einops '${l.trim()}' does not match a rank-${s.length} tensor`, true);
  }
  // Elementary axes of the input, in order.
  const axes: string[] = [];
  let d = 0;
  left.groups.forEach((g) => {
    if (g[0] === '…') {
      for (let i = 0; i < ellDims; i++) {
        axes.push(`…${i}`);
        size.set(`…${i}`, s[d++]!);
      }
      return;
    }
    const dim = s[d++]!;
    const unknown = g.filter((a) => !/^\d+$/.test(a) && !size.has(a));
    const known = g.reduce((p, a) => p * (/^\d+$/.test(a) ? Number(a) : (size.get(a) ?? 1)), 1);
    if (unknown.length > 1)
      throw new Decline(line, `einops: sizes of ${unknown.join(', ')} are not given`);
    if (unknown.length === 1) {
      if (dim % known !== 0)
        throw new Decline(line, `einops: ${dim} is not divisible by ${known}`, true);
      size.set(unknown[0]!, dim / known);
    } else if (known !== dim) {
      throw new Decline(line, `einops: (${g.join(' ')}) is ${known}, the tensor has ${dim}`, true);
    }
    g.forEach((a, i) => axes.push(/^\d+$/.test(a) ? `#${d}.${i}` : a));
    g.forEach((a, i) => {
      if (/^\d+$/.test(a)) size.set(`#${d}.${i}`, Number(a));
    });
  });
  let t = x;
  const elem = axes.map((a) => size.get(a)!);
  if (elem.join() !== s.join()) t = emit.reshape(t, elem);
  // Right side's axes (ellipsis expanded), unit axes and new (repeated) axes kept apart.
  const outAxes: string[] = [];
  const outGroups: string[][] = right.groups
    .map((g) => {
      if (g[0] === '…') {
        const names = Array.from({ length: ellDims }, (_, i) => `…${i}`);
        return names.map((n) => [n]);
      }
      return [g];
    })
    .flat()
    .map((g) => [...g]);
  for (const g of outGroups) for (const a of g) if (!/^\d+$/.test(a)) outAxes.push(a);
  const kept = outAxes.filter((a) => axes.includes(a));
  const dropped = axes.filter((a) => !a.startsWith('#') && !outAxes.includes(a));
  const added = outAxes.filter((a) => !axes.includes(a));
  if (kind === 'rearrange' && (dropped.length || added.length)) {
    throw new Decline(
      line,
      `einops.rearrange '${pattern}': axes ${[...dropped, ...added].join(', ')} on one side only`,
    );
  }
  if (kind === 'reduce' && added.length)
    throw new Decline(line, `einops.reduce '${pattern}' adds axes`);
  if (kind === 'repeat' && dropped.length)
    throw new Decline(line, `einops.repeat '${pattern}' drops axes`);
  // Reduce dropped axes (keeping order of the rest), then permute to the output order.
  let cur = [...axes];
  if (dropped.length || axes.some((a) => a.startsWith('#'))) {
    const unit = axes.filter((a) => a.startsWith('#'));
    if (dropped.length) {
      if (reduction !== 'mean' && reduction !== 'sum')
        throw new Decline(line, `einops.reduce with '${reduction}' is not read (mean and sum are)`);
      t = emit.reduce(
        t,
        dropped.map((a) => cur.indexOf(a)),
        reduction,
      );
      cur = cur.filter((a) => !dropped.includes(a));
    }
    if (unit.length) {
      t = emit.reshape(
        t,
        cur.filter((a) => !a.startsWith('#')).map((a) => size.get(a)!),
      );
      cur = cur.filter((a) => !a.startsWith('#'));
    }
  }
  const perm = kept.map((a) => cur.indexOf(a));
  if (perm.some((p, i) => p !== i)) t = emit.permute(t, perm);
  // New axes (repeat): size 1 in place, then expanded.
  const final = outGroups.map((g) =>
    g.reduce((p, a) => p * (/^\d+$/.test(a) ? Number(a) : (size.get(a) ?? NaN)), 1),
  );
  if (final.some((n) => !Number.isInteger(n))) {
    throw new Decline(
      line,
      `einops: the size of ${added.find((a) => !size.has(a)) ?? '?'} is not given`,
    );
  }
  if (added.length) {
    const withOnes = outGroups.map((g) =>
      g.reduce(
        (p, a) => p * (added.includes(a) ? 1 : /^\d+$/.test(a) ? Number(a) : size.get(a)!),
        1,
      ),
    );
    if (g0(outGroups, added))
      throw new Decline(line, `einops.repeat '${pattern}': a new axis inside a group is not read`);
    t = emit.reshape(t, withOnes);
    t = emit.expand(t, final);
    return t;
  }
  if (final.join() !== t.shape.join()) t = emit.reshape(t, final);
  return t;
}

/** A new axis composed with others in one group (`(b h)` with h new): needs a copy pattern. */
function g0(groups: string[][], added: string[]): boolean {
  return groups.some((g) => g.length > 1 && g.some((a) => added.includes(a)));
}

export function sizesOf(kw: ReadonlyMap<string, Value>, line: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of kw) {
    if (v.t !== 'num' || !Number.isInteger(v.v))
      throw new Decline(line, `einops: ${k} is not a known integer`);
    out.set(k, v.v);
  }
  return out;
}
