// Every public op, for the generic tests (GPU vs CPU reference, gradients vs finite differences,
// bad-input errors). An op file that is not listed here is not tested: add new ops here.
import { addSpec, divSpec, eqSpec, gtSpec, ltSpec, mulSpec, powSpec, subSpec } from './binary.js';
import { conv2dBiasSpec, conv2dSpec } from './conv2d.js';
import { crossEntropySpec } from './cross-entropy.js';
import { dropoutSpec } from './dropout.js';
import { matmulSpec } from './matmul.js';
import { avgPool2dSpec, maxPool2dSpec } from './pool2d.js';
import { argmaxSpec, maxSpec, meanSpec, sumSpec } from './reduce.js';
import { expandSpec, permuteSpec, reshapeSpec } from './shape-ops.js';
import { logSoftmaxSpec, softmaxSpec } from './softmax.js';
import type { AnyOpSpec } from './spec.js';
import { eluSpec, expSpec, leakyReluSpec, logSpec, negSpec, reluSpec, sigmoidSpec, sqrtSpec, tanhSpec } from './unary.js';

export const registry: readonly AnyOpSpec[] = [
  addSpec, subSpec, mulSpec, divSpec, powSpec, eqSpec, gtSpec, ltSpec,
  negSpec, expSpec, logSpec, sqrtSpec, reluSpec, leakyReluSpec, eluSpec, sigmoidSpec, tanhSpec,
  sumSpec, meanSpec, maxSpec, argmaxSpec,
  reshapeSpec, permuteSpec, expandSpec,
  matmulSpec,
  conv2dSpec, conv2dBiasSpec,
  maxPool2dSpec, avgPool2dSpec,
  softmaxSpec, logSoftmaxSpec, crossEntropySpec, dropoutSpec,
];
