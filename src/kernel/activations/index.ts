import type { ActivationNumerics } from '../types';

/** All activations, in display order. (Filled in by the kernel work.) */
export const NUMERICS: readonly ActivationNumerics[] = [];
