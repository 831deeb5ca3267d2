// Every public op, for the generic tests (GPU vs CPU reference, gradients vs finite differences,
// bad-input errors). An op file that is not listed here is not tested: add new ops here.
import { addSpec, divSpec, eqSpec, gtSpec, ltSpec, mulSpec, powSpec, subSpec } from './binary.js';
import { argmaxSpec, maxSpec, meanSpec, sumSpec } from './reduce.js';
import { expandSpec, permuteSpec, reshapeSpec } from './shape-ops.js';
import type { AnyOpSpec } from './spec.js';
import { eluSpec, expSpec, leakyReluSpec, logSpec, negSpec, reluSpec, sigmoidSpec, sqrtSpec, tanhSpec } from './unary.js';

export const registry: readonly AnyOpSpec[] = [
  addSpec, subSpec, mulSpec, divSpec, powSpec, eqSpec, gtSpec, ltSpec,
  negSpec, expSpec, logSpec, sqrtSpec, reluSpec, leakyReluSpec, eluSpec, sigmoidSpec, tanhSpec,
  sumSpec, meanSpec, maxSpec, argmaxSpec,
  reshapeSpec, permuteSpec, expandSpec,
  // @matmul
  // @conv
  // @pool
  // @softmax
];
