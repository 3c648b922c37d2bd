import type { Framework } from './types';

/** How one framework spells an activation. (Filled in by the hover work.) */
export interface Spelling {
  readonly framework: Framework;
  readonly qualifiedName: string;
}

export const SPELLINGS: Readonly<Record<string, readonly Spelling[]>> = {};
