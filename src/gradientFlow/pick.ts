/**
 * The pure side of the check's quick picks and of the self-check view: the settings for the
 * check's defaults, the remembered last inputs, the depth × width box, and the self-check's one
 * line and document. The vscode adapter (register.ts) only shows them.
 */
import { selfCheckTable, type SelfCheckResult } from '../kernel/selfCheck';
import { INITS, type InitName } from '../kernel/gradientFlow/init';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../kernel/gradientFlow/verdict';

/** `activationLens.gradientFlow.*`: the check's defaults when a run does not give them. */
export interface CheckDefaults {
  readonly depth: number;
  readonly width: number;
  readonly batch: number;
}

export const BUILTIN_DEFAULTS: CheckDefaults = { depth: 32, width: 256, batch: 256 };
/** The settings' bounds, as package.json declares them. */
const LIMITS: Readonly<Record<keyof CheckDefaults, readonly [number, number]>> = {
  depth: [1, 1000],
  width: [1, 8192],
  batch: [1, 8192],
};

/** Reads the settings; anything but an integer in range falls back to the built-in default. */
export function readCheckDefaults(get: (key: keyof CheckDefaults) => unknown): CheckDefaults {
  const one = (k: keyof CheckDefaults): number => {
    const v = get(k);
    const [lo, hi] = LIMITS[k];
    return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi
      ? v
      : BUILTIN_DEFAULTS[k];
  };
  return { depth: one('depth'), width: one('width'), batch: one('batch') };
}

/** What the pickers remember between runs (globalState). */
export interface LastPick {
  readonly activation: string;
  readonly init: InitName;
  readonly depth: number;
  readonly width: number;
}

/** A stored value back as a LastPick, or undefined when it is not one (older or damaged state). */
export function readLastPick(raw: unknown): LastPick | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as Record<string, unknown>;
  const pos = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (
    typeof o['activation'] !== 'string' ||
    typeof o['init'] !== 'string' ||
    !(INITS as readonly string[]).includes(o['init']) ||
    !pos(o['depth']) ||
    !pos(o['width'])
  )
    return undefined;
  return {
    activation: o['activation'],
    init: o['init'] as InitName,
    depth: o['depth'],
    width: o['width'],
  };
}

/** "32 × 256", "32x256", "32*256" → {depth, width}; undefined when it is not that. */
export function parseShape(s: string): { depth: number; width: number } | undefined {
  const m = /^\s*([1-9]\d*)\s*[x×*]\s*([1-9]\d*)\s*$/.exec(s);
  if (!m) return undefined;
  return { depth: Number(m[1]), width: Number(m[2]) };
}

export function shapeText(depth: number, width: number): string {
  return `${depth} × ${width}`;
}

/** The notification that comes before the view: pass or fail in one line. */
export function selfCheckLine(r: SelfCheckResult): string {
  const failed = r.rows.filter((x) => !x.pass);
  if (failed.length === 0) {
    return `Self-check passed: f′ and f″ of all ${r.rows.length} activations match numeric derivatives.`;
  }
  const names = failed.map((x) => x.id);
  return `Self-check FAILED for ${failed.length} of ${r.rows.length} activations: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}.`;
}

/** The read-only view's Markdown. */
export function selfCheckDocument(r: SelfCheckResult): string {
  return [
    '# Activation Lens: kernel self-check',
    '',
    `**${selfCheckLine(r)}**`,
    '',
    'f′ and f″ against five-point numeric derivatives of f and f′ on [−8, 8] (away from kinks), and the cost of one evaluation relative to ReLU on this machine.',
    '',
    selfCheckTable(r, true),
    '',
  ].join('\n');
}

/** The thresholds' settings, as CheckConfig fields. */
export interface ThresholdSettings {
  readonly ratioLimit: number;
  readonly deadWarning: number;
}

/**
 * `activationLens.gradientFlow.ratioLimit` (orders of magnitude) and `.deadUnitWarning` (a
 * fraction). A bad value falls back to its default and says so in one line, so that a typo in
 * settings.json is seen rather than silently judged against another limit.
 */
export function readThresholdSettings(get: (key: 'ratioLimit' | 'deadUnitWarning') => unknown): {
  readonly settings: ThresholdSettings;
  readonly problems: readonly string[];
} {
  const problems: string[] = [];
  const one = (key: 'ratioLimit' | 'deadUnitWarning'): number | undefined => {
    const v = get(key);
    const r = resolveThresholds(key === 'ratioLimit' ? { ratioLimit: v } : { deadWarning: v });
    if (r.ok) return v as number | undefined;
    problems.push(`setting activationLens.gradientFlow.${key}: ${r.message}; the default is used`);
    return undefined;
  };
  return {
    settings: {
      ratioLimit: one('ratioLimit') ?? DEFAULT_THRESHOLDS.ratioLimitLog10,
      deadWarning: one('deadUnitWarning') ?? DEFAULT_THRESHOLDS.deadWarningFraction,
    },
    problems,
  };
}
