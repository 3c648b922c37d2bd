/**
 * Reading a package's other files from disk for the model reader (`from ..ops.misc import X`,
 * `from torchvision.ops.misc import X` inside torchvision): the CLI and the extension pass this
 * resolver with the file's path. Only `.py` files next to the file or in its package's parents
 * are read; nothing is executed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModuleResolver } from './interp';

const MAX_UP = 6;

function candidates(base: string, parts: readonly string[]): string[] {
  const rel = join(base, ...parts);
  return [`${rel}.py`, join(rel, '__init__.py')];
}

/** Resolves relative modules from the importing file's folder, absolute ones by walking up. */
export const fileModuleResolver: ModuleResolver = (fromPath, module, name) => {
  if (!fromPath) return undefined;
  const dir = dirname(fromPath);
  const dots = /^\.*/.exec(module)![0].length;
  const parts = module.slice(dots).split('.').filter(Boolean);
  const bases: string[] = [];
  if (dots > 0) {
    let base = dir;
    for (let i = 1; i < dots; i++) base = dirname(base);
    bases.push(base);
  } else {
    // `torchvision.ops.misc` seen from …/torchvision/models/resnet.py: the folder above the package.
    let base = dir;
    for (let i = 0; i < MAX_UP; i++) {
      bases.push(base);
      const up = dirname(base);
      if (up === base) break;
      base = up;
    }
  }
  for (const base of bases) {
    for (const path of candidates(base, parts)) {
      if (path !== fromPath && existsSync(path)) return { path, text: readFileSync(path, 'utf8') };
    }
  }
  // `from torchvision.ops import StochasticDepth` with the package's __init__.py absent: the file
  // of that folder which defines the name.
  if (name) {
    const def = new RegExp(`^(class|def) ${name}\\b`, 'm');
    for (const base of bases) {
      const folder = join(base, ...parts);
      if (!existsSync(folder) || !statSync(folder).isDirectory()) continue;
      for (const f of readdirSync(folder).sort()) {
        if (!f.endsWith('.py')) continue;
        const path = join(folder, f);
        const text = readFileSync(path, 'utf8');
        if (def.test(text)) return { path, text };
      }
    }
  }
  return undefined;
};
