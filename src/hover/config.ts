/**
 * The hover settings, as declared in package.json under `activationLens.hover.*`, read through
 * one typed function so a wrong value in settings.json falls back to the default instead of
 * breaking the hover.
 */
export interface HoverConfig {
  /** `activationLens.hover.enabled`: language id → show hovers there (missing languages: true). */
  readonly enabled: Readonly<Record<string, boolean>>;
  /** `activationLens.hover.showPlot`: include the small SVG plot of f and f′. */
  readonly showPlot: boolean;
  /** `activationLens.hover.typesetFormulas`: formulas as MathJax SVG images. */
  readonly typesetFormulas: boolean;
  /** `activationLens.hover.compact`: what matters first, lesson and notes after. */
  readonly compact: boolean;
}

/** Normalises raw setting values (whatever the user wrote) into a {@link HoverConfig}. */
export function readHoverConfig(
  get: (key: 'enabled' | 'showPlot' | 'typesetFormulas' | 'compact') => unknown,
): HoverConfig {
  const rawEnabled = get('enabled');
  const enabled: Record<string, boolean> = {};
  if (rawEnabled && typeof rawEnabled === 'object' && !Array.isArray(rawEnabled)) {
    for (const [k, v] of Object.entries(rawEnabled as Record<string, unknown>)) {
      if (typeof v === 'boolean') enabled[k] = v;
    }
  }
  const flag = (key: 'showPlot' | 'typesetFormulas' | 'compact') => {
    const v = get(key);
    return typeof v === 'boolean' ? v : true;
  };
  return {
    enabled,
    showPlot: flag('showPlot'),
    typesetFormulas: flag('typesetFormulas'),
    compact: flag('compact'),
  };
}

/** Whether hovers are on for a language (on unless set to false). */
export function hoverEnabledFor(config: HoverConfig, languageId: string): boolean {
  return config.enabled[languageId] !== false;
}
