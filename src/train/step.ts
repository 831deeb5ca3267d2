// One supervised training step as the tutorials write it, shared by the training command, the
// benchmarks and the tests of captured steps.
import { backward } from '../autograd/backward.js';
import type { Module } from '../layers/module.js';
import { eq } from '../ops/binary.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import { argmax, sum } from '../ops/reduce.js';
import type { BaseOptions, Optimizer } from '../optim/optimizer.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RunningSum } from './running-sum.js';

/**
 * (x, y) → cross-entropy of model(x) against class indices y, zeroGrad, backward and an optimizer
 * step, in a scope of its own. The loss is added to `sums.loss`, and the count of images whose
 * highest logit is their class (Keras's training accuracy) to `sums.correct`, when given.
 */
export function supervisedStep(model: Module, optimizer: Optimizer<BaseOptions>, sums: { loss?: RunningSum; correct?: RunningSum } = {}): (x: Tensor, y: Tensor) => void {
  return (x, y) =>
    scope(() => {
      const logits = model.forward(x);
      const loss = crossEntropy(logits, y);
      optimizer.zeroGrad();
      backward(loss);
      optimizer.step();
      sums.loss?.add(loss);
      sums.correct?.add(sum(eq(argmax(logits, 1), y)));
    });
}
