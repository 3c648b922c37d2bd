/**
 * How much of a model the check simulated. The reader notes every layer it skips or reads with an
 * assumption; this turns those notes into the short phrase shown beside every verdict
 * ("2 layers simulated, Conv2d/BatchNorm1d skipped"), so that a partial check never reads as a
 * plain "healthy". Pure.
 */

export interface CoverageNote {
  readonly line: number;
  readonly message: string;
}

export interface Coverage {
  /** Layers the simulation ran (Linear/Dense rows, or graph rows). */
  readonly simulated: number;
  /** Layer types left out, in source order, each once: `Conv2d`, `BatchNorm1d`. */
  readonly skipped: readonly string[];
  /** Notes that are assumptions (a default taken, a value not read), not skipped layers. */
  readonly assumed: readonly CoverageNote[];
  /** "2 layers simulated, Conv2d/BatchNorm1d skipped", or null when nothing was skipped. */
  readonly partial: string | null;
}

const SKIPPED = /\bnot simulated\b|\bnot followed\b|\bskipped\b/;

/** `nn.Conv2d`, `nn.ReLU()`, `layers.Conv2D(32, 3)` → `Conv2d`, `ReLU`, `Conv2D`. */
function layerName(message: string): string {
  const quoted = /`([^`]+)`/.exec(message)?.[1];
  const head = quoted ?? /^\s*([\w.]+)/.exec(message)?.[1] ?? 'layer';
  const bare = head.replace(/\(.*$/s, '');
  return bare.slice(bare.lastIndexOf('.') + 1) || bare;
}

export function coverageOf(simulated: number, notes: readonly CoverageNote[]): Coverage {
  const skipped: string[] = [];
  const assumed: CoverageNote[] = [];
  for (const n of [...notes].sort((a, b) => a.line - b.line)) {
    if (SKIPPED.test(n.message)) {
      const name = layerName(n.message);
      if (!skipped.includes(name)) skipped.push(name);
    } else {
      assumed.push(n);
    }
  }
  const partial =
    skipped.length > 0
      ? `${simulated} layer${simulated === 1 ? '' : 's'} simulated, ${skipped.join('/')} skipped`
      : null;
  return { simulated, skipped, assumed, partial };
}
