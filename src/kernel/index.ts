/**
 * The shared kernel module (also built alone as dist/kernel.js, our scripting API):
 * `activations`, `getActivation(id)`, and the gradient-flow simulation.
 */
export { activations, getActivation, type ActivationDescriptor } from './registry';
export type * from './types';
export { checkParams } from './params';
export * from './gradientFlow';
/** The engine's dense product (WebAssembly SIMD; see src/kernel/graph/gemm.ts). */
export { gemm, gemmReference, type GemmArgs } from './graph/gemm';
export { runSelfCheck, selfCheckTable, type SelfCheckResult, type SelfCheckRow } from './selfCheck';
