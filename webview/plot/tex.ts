/**
 * KaTeX as its own script (dist/webview/plotTex.js), loaded by the panel after the curves are
 * painted: it is the largest part of the bundle, and formulas can wait a frame or two, the chart
 * cannot.
 */
import katex from 'katex';

(globalThis as unknown as { activationLensKatex: typeof katex }).activationLensKatex = katex;
document.dispatchEvent(new Event('activation-lens-katex'));
