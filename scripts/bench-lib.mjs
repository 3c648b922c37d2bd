// What every bench script shares: the PyTorch interpreter lookup, medians and the Markdown table.
import { spawnSync } from 'node:child_process';

/** The first Python that can import torch (pyenv's python3 may lack it; Debian's has it). */
export function torchPython() {
  for (const py of ['python3', '/usr/bin/python3']) {
    if (spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return py;
  }
  return null;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A Markdown table, first column left-aligned, the others right-aligned; rows[0] is the header. */
export function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length)));
  const line = (r) =>
    '| ' +
    r
      .map((v, c) =>
        c === 0 ? String(v ?? '').padEnd(widths[c]) : String(v ?? '').padStart(widths[c]),
      )
      .join(' | ') +
    ' |';
  console.log(line(rows[0]));
  console.log(
    '|' +
      widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') +
      '|',
  );
  for (const r of rows.slice(1)) console.log(line(r));
}
