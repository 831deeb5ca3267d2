// Public API.
import './tensor/methods.js';

export { init, runtime, shutdown } from './gpu/context.js';
export { GpuError } from './gpu/errors.js';
export { Tensor } from './tensor/tensor.js';
export { tensor, zeros, ones, full, rand, randn, to } from './tensor/create.js';
export { scope, keep } from './tensor/scope.js';
export { manualSeed } from './tensor/random.js';
export type { Shape } from './tensor/shape.js';
export { noGrad, isGradEnabled } from './autograd/grad-mode.js';
export { backward } from './autograd/backward.js';
export { OpError } from './ops/errors.js';
export { add, sub, mul, div, pow, eq, gt, lt } from './ops/binary.js';
export { neg, exp, log, sqrt, relu, leakyRelu, elu, sigmoid, tanh } from './ops/unary.js';
export { sum, mean, max, argmax } from './ops/reduce.js';
export { reshape, view, flatten, squeeze, unsqueeze, permute, transpose, expand } from './ops/shape-ops.js';
