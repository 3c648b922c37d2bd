/** Paths into test/reference, the repository's own reference data (see its README for the makers). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const referenceDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'reference');

export function referenceFile(file: string): string {
  return join(referenceDir, file);
}
