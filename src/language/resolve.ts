import {
  spellingsNamed,
  stringSpellings,
  type ArgValue,
  type IndexedSpelling,
  type Spelling,
} from '../kernel/spellings';
import { getActivation } from '../kernel/registry';
import { checkParams } from '../kernel/params';
import type { Framework } from '../kernel/types';
import type { Alternative, CallArgs, Literal, ParamSource, Recognition } from './types';

/** A recognition before the recogniser adds where it is and what else it could be. */
export type Resolved = Omit<Recognition, 'written' | 'start' | 'end' | 'alternatives'>;

const show = (v: ArgValue): string =>
  typeof v === 'string' ? `'${v}'` : v === null ? 'None' : String(v);

/**
 * Binds the arguments as written to one spelling's signature and picks the kernel id.
 * `group` are the spellings sharing one qualified name (an argument may select between them).
 * `args` undefined: a reference, not a call (`activation=F.gelu`): every default applies.
 */
export function resolveCall(
  group: readonly IndexedSpelling[],
  args: CallArgs | undefined,
): Resolved | undefined {
  const first = group[0];
  if (!first) return undefined;
  const sig = first.spelling.args;
  const bound = new Map<string, Literal>();
  const ignored: string[] = [];
  const notes: string[] = [];
  const unknown: { arg: string; text: string }[] = [];

  if (args) {
    let i = 0;
    for (const lit of args.positional) {
      const a = sig[i++];
      if (!a) {
        notes.push(
          `Extra positional argument ${lit.kind === 'value' ? show(lit.value) : lit.text} ignored.`,
        );
        continue;
      }
      bound.set(a.name, lit);
    }
    for (const [name, lit] of args.keywords) {
      const a = sig.find((s) => s.name === name || s.aliases?.includes(name));
      if (!a) {
        ignored.push(name);
        continue;
      }
      if (a.name !== name)
        notes.push(`\`${name}\` is accepted as the older name of \`${a.name}\`.`);
      bound.set(a.name, lit);
    }
    if (args.splat)
      notes.push('Arguments after a `*`/`**` unpacking are unknown; defaults shown for the rest.');
  }

  // The selecting arguments (approximate=…, max_value=…) choose among the group.
  const chosen: Record<string, ArgValue> = {};
  for (const a of sig) {
    if (a.role !== 'select') continue;
    const lit = bound.get(a.name);
    if (lit?.kind === 'unknown') unknown.push({ arg: a.name, text: lit.text });
    chosen[a.name] = lit?.kind === 'value' ? lit.value : (a.default ?? null);
  }
  const matches = (s: Spelling, values: Record<string, ArgValue>) =>
    !s.when || Object.entries(s.when).every(([k, v]) => values[k] === v);
  let pick = group.find((g) => matches(g.spelling, chosen));
  if (!pick) {
    const defaults: Record<string, ArgValue> = {};
    for (const a of sig) if (a.role === 'select') defaults[a.name] = a.default ?? null;
    pick = group.find((g) => matches(g.spelling, defaults)) ?? first;
    const given = Object.entries(chosen)
      .filter(([k, v]) => v !== defaults[k])
      .map(([k, v]) => `${k}=${show(v)}`);
    notes.push(`${given.join(', ')} is not modelled; showing the default form.`);
  }
  const spelling = pick.spelling;

  const params: Record<string, number> = {};
  const sources: Record<string, ParamSource> = {};
  for (const a of sig) {
    const lit = bound.get(a.name);
    if (a.role === 'input' || a.role === 'select') continue;
    if (a.role === 'ignored') {
      if (lit) ignored.push(a.name);
      continue;
    }
    if (a.role === 'unsupported') {
      if (lit?.kind === 'unknown') unknown.push({ arg: a.name, text: lit.text });
      else if (
        lit &&
        lit.value !== (a.default ?? null) &&
        !(typeof lit.value === 'number' && lit.value === a.default)
      ) {
        notes.push(`\`${a.name}=${show(lit.value)}\` changes the function; not modelled here.`);
      }
      continue;
    }
    if (!a.param) continue;
    if (lit?.kind === 'value' && typeof lit.value === 'number' && Number.isFinite(lit.value)) {
      params[a.param] = lit.value;
      sources[a.param] = 'given';
      continue;
    }
    if (lit?.kind === 'value' && typeof lit.value === 'boolean') {
      params[a.param] = lit.value ? 1 : 0;
      sources[a.param] = 'given';
      continue;
    }
    if (lit) {
      unknown.push({ arg: a.name, text: lit.kind === 'unknown' ? lit.text : show(lit.value) });
    }
    if (typeof a.default === 'number') {
      params[a.param] = a.default;
      sources[a.param] = 'framework-default';
    } else if (!lit) {
      notes.push(
        `\`${a.name}\` is required by ${spelling.qualifiedName}; the kernel’s default is shown.`,
      );
    }
  }
  for (const [k, v] of Object.entries(spelling.fixed ?? {})) {
    params[k] = v;
    sources[k] = 'fixed';
  }
  if (spelling.note) notes.unshift(spelling.note);
  const invalid = domainProblem(pick.id, params);
  return {
    id: pick.id,
    spelling,
    params,
    sources,
    unknown,
    ignored,
    notes,
    ...(invalid ? { invalid } : {}),
  };
}

/** What the kernel's one parameter check (src/kernel/params.ts) says of literal arguments that
 * the framework itself refuses (`nn.Hardtanh(5, -5)`, `nn.CELU(0)`): readers decline such a call
 * and the hover names the problem, instead of simulating a function PyTorch would not build. */
function domainProblem(id: string, params: Readonly<Record<string, number>>): string | undefined {
  const a = getActivation(id);
  if (!a) return undefined;
  const known: Record<string, number> = {};
  for (const s of a.paramSpecs) if (s.name in params) known[s.name] = params[s.name]!;
  const checked = checkParams(a, known);
  return checked.ok ? undefined : checked.message;
}

/** A string id (`activation="selu"`, `ACT2FN["gelu_new"]`) in one framework. */
export function resolveString(framework: Framework, key: string): Resolved | undefined {
  const hit = stringSpellings(framework, key)[0];
  if (!hit) return undefined;
  const params: Record<string, number> = {};
  const sources: Record<string, ParamSource> = {};
  for (const [k, v] of Object.entries(hit.spelling.fixed ?? {})) {
    params[k] = v;
    sources[k] = 'fixed';
  }
  return {
    id: hit.id,
    spelling: hit.spelling,
    params,
    sources,
    unknown: [],
    ignored: [],
    notes: hit.spelling.note ? [hit.spelling.note] : [],
  };
}

/** Readings that the same text has in another framework version (Keras 2 vs 3). */
const VERSION_AMBIGUITY: Readonly<Record<string, { qualifiedName: string; why: string }>> = {
  'tf.keras.activations.hard_sigmoid': {
    qualifiedName: 'keras.activations.hard_sigmoid',
    why: 'With TensorFlow ≥ 2.16, tf.keras is Keras 3, where hard_sigmoid is relu6(x+3)/6.',
  },
  'keras.activations.hard_sigmoid': {
    qualifiedName: 'tf.keras.activations.hard_sigmoid',
    why: 'In Keras 2 (tf.keras ≤ 2.15) hard_sigmoid is clip(0.2x+0.5, 0, 1).',
  },
};

/** The Keras 2 reading of a Keras string id, where it differs. */
const KERAS2_STRING: Readonly<Record<string, string>> = {
  hard_sigmoid: 'tf.keras.activations.hard_sigmoid',
};

export function versionAlternatives(r: Resolved, key?: string): Alternative[] {
  const out: Alternative[] = [];
  const amb = key !== undefined ? undefined : VERSION_AMBIGUITY[r.spelling.qualifiedName];
  const otherName =
    amb?.qualifiedName ??
    (key !== undefined && r.spelling.framework === 'keras' ? KERAS2_STRING[key] : undefined);
  if (!otherName) return out;
  const other = resolveCall(spellingsNamed(otherName), undefined);
  if (other && other.id !== r.id) {
    out.push({
      id: other.id,
      qualifiedName: otherName,
      why: amb?.why ?? 'In Keras 2 (tf.keras ≤ 2.15) this string id means clip(0.2x+0.5, 0, 1).',
      params: other.params,
    });
  }
  return out;
}
