/** Paths into ../shared/reference, which lies beside the repository (here and in CI). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function sharedReference(file: string): string {
  return join(repoRoot, '..', 'shared', 'reference', file);
}
