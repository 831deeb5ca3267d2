// One supervised training step as the tutorials write it, shared by the training command, the
// benchmarks and the tests of captured steps.
import { backward } from '../autograd/backward.js';
import type { Module } from '../layers/module.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import type { BaseOptions, Optimizer } from '../optim/optimizer.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RunningSum } from './running-sum.js';

/**
 * (x, y) → cross-entropy of model(x) against class indices y, zeroGrad, backward and an optimizer
 * step, in a scope of its own; the loss is added to `lossSum` when one is given.
 */
export function supervisedStep(model: Module, optimizer: Optimizer<BaseOptions>, lossSum?: RunningSum): (x: Tensor, y: Tensor) => void {
  return (x, y) =>
    scope(() => {
      const loss = crossEntropy(model.forward(x), y);
      optimizer.zeroGrad();
      backward(loss);
      optimizer.step();
      lossSum?.add(loss);
    });
}
