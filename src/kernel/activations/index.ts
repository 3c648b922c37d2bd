import type { ActivationNumerics } from '../types';
import { celu, elu, exponential, selu } from './exponentials';
import { gelu, geluTanh, mish, quickGelu, silu, squareplus } from './gated';
import { hardSigmoidLinear, hardshrink, hardsigmoid, hardswish, softshrink } from './hard';
import { logsigmoid, sigmoid, softplus, softsign, tanh, tanhshrink } from './logistic';
import {
  hardtanh,
  identity,
  leakyRelu,
  prelu,
  relu,
  relu2,
  relu6,
  rrelu,
  step,
  threshold,
} from './rectifiers';

/**
 * The derivative convention at kinks, stated once for every activation: we return what PyTorch's
 * autograd returns there.
 */
export const KINK_CONVENTION =
  "At a kink, f′ is the value PyTorch's autograd returns: relu′(0) = 0; leaky_relu′(0) = negative_slope " +
  '(likewise prelu and rrelu: the negative-side slope); elu′(0) = α and selu′(0) = λα (the left branch); ' +
  'hardtanh′ = 0 at min_val and max_val, so relu6′ = 0 at 0 and 6; hardsigmoid′ = 0 at ±3; ' +
  'hardswish′ = x/3 + ½ on the closed interval [−3, 3] (−½ at −3, 1.5 at 3); softshrink′ = hardshrink′ = 0 ' +
  'at ±λ; threshold′ = 0 at the threshold; the step′ is 0 everywhere (also at 0). hard_sigmoid_linear, ' +
  'which PyTorch lacks, follows hardsigmoid: 0 at ±2.5. f″ takes the same side as f′. Every derivative of ' +
  'NaN is NaN.';

/** All activations, in display order. */
export const NUMERICS: readonly ActivationNumerics[] = [
  sigmoid,
  tanh,
  relu,
  leakyRelu,
  elu,
  selu,
  celu,
  gelu,
  geluTanh,
  softplus,
  silu,
  mish,
  softsign,
  hardtanh,
  relu6,
  hardsigmoid,
  hardswish,
  logsigmoid,
  tanhshrink,
  softshrink,
  hardshrink,
  quickGelu,
  prelu,
  rrelu,
  threshold,
  identity,
  step,
  squareplus,
  hardSigmoidLinear,
  exponential,
  relu2,
];
