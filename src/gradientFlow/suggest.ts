/**
 * "Re-run with the suggestion": the plain check's advice as a configuration to run, so the report
 * can put the fix beside the problem (sigmoid + Xavier beside ReLU + He). Pure.
 */
import { getActivation } from '../kernel/registry';
import { SATURATING, suggestedInit } from '../kernel/gradientFlow/verdict';
import type { CheckConfigArg } from './protocol';
import { summarize, type SummaryInput } from './summary';

export interface Suggestion {
  /** What the button says it will run: "relu + he_normal". */
  readonly label: string;
  readonly config: CheckConfigArg;
}

type Echo = Readonly<Record<string, unknown>>;

const OPTIONAL_KEYS = [
  'depth',
  'width',
  'batch',
  'seed',
  'dtype',
  'clipNorm',
  'steps',
  'norm',
  'residual',
] as const;

/** The echoed config's sizes and seed, so the suggestion runs the same experiment. */
function keep(c: Echo): Partial<CheckConfigArg> {
  const out: Record<string, unknown> = {};
  for (const k of OPTIONAL_KEYS) if (c[k] !== undefined && c[k] !== null) out[k] = c[k];
  return out as Partial<CheckConfigArg>;
}

/**
 * The configuration the advice points to, or undefined when nothing is flagged or the report is
 * not a plain check (a model's fixes are quick fixes in its file).
 */
export function suggestionFor(r: SummaryInput & { config: Echo }): Suggestion | undefined {
  const c = r.config;
  const act = typeof c['activation'] === 'string' ? c['activation'] : undefined;
  if (!act || !getActivation(act) || c['model'] !== undefined) return undefined;
  const s = summarize(r);
  if (s.tone === 'ok') return undefined;
  const init = typeof c['init'] === 'string' ? c['init'] : suggestedInit(act);
  const gain = typeof c['gain'] === 'number' ? c['gain'] : 1;
  const dropout = typeof c['dropout'] === 'number' ? c['dropout'] : 0;
  const base = keep(c);
  const arch = typeof c['arch'] === 'string' ? c['arch'] : 'mlp';
  if (arch !== 'mlp') {
    // Recurrent: the advice is the gated cell (an LSTM keeps an additive path through time).
    return arch === 'rnn' && s.tone === 'error'
      ? {
          label: 'an LSTM over the same steps',
          config: { ...base, arch: 'lstm', activation: 'tanh' } as CheckConfigArg,
        }
      : undefined;
  }
  if (s.label === 'vanishing' || s.label === 'exploding') {
    if (SATURATING.has(act)) {
      return {
        label: 'relu + he_normal',
        config: { ...base, activation: 'relu', init: 'he_normal' },
      };
    }
    const want = suggestedInit(act);
    if (want !== init || gain !== 1) {
      return {
        label: `${act} + ${want}, gain 1`,
        config: { ...base, activation: act, init: want as CheckConfigArg['init'] },
      };
    }
    return {
      label: 'relu + he_normal',
      config: { ...base, activation: 'relu', init: 'he_normal' },
    };
  }
  if (s.label === 'dead units' && act !== 'leaky_relu') {
    return {
      label: 'leaky_relu + he_normal',
      config: { ...base, activation: 'leaky_relu', init: 'he_normal' },
    };
  }
  if (s.label === 'not self-normalising') {
    return {
      label: `selu + lecun_normal${dropout > 0 ? `, alpha dropout ${dropout}` : ''}`,
      config: {
        ...base,
        activation: 'selu',
        init: 'lecun_normal',
        ...(dropout > 0 ? { alphaDropout: dropout } : {}),
      },
    };
  }
  return undefined;
}
