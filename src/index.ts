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
export { matmul } from './ops/matmul.js';
export { linear } from './ops/linear.js';
export { conv2d, type Conv2dOptions } from './ops/conv2d.js';
export { maxPool2d, avgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from './ops/pool2d.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { crossEntropy, type Reduction } from './ops/cross-entropy.js';
export { dropout } from './ops/dropout.js';
export { SGD, Adam, AdamW, Optimizer, type OptimizerStateDict, type ParamStateDict, type SgdOptions, type AdamOptions } from './optim/index.js';
export { Module, type StateDict } from './layers/module.js';
export { Sequential } from './layers/sequential.js';
export { Linear, Conv2d, MaxPool2d, AvgPool2d, ReLU, LeakyReLU, ELU, Sigmoid, Tanh, Softmax, Flatten, Dropout, CrossEntropyLoss } from './layers/layers.js';
export { xavierUniform } from './layers/init.js';
