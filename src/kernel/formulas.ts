import type { Formulas } from './types';

/** Formulas per kernel id. (Filled in by the formulas work.) */
export const FORMULAS: Readonly<Record<string, Formulas>> = {};
