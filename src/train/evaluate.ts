// Loss, accuracy, per-class accuracy and confusion matrix of a model on a data set. Losses and
// predictions stay on the GPU until one read at the end.
import { DataLoader } from '../data/loader.js';
import { fitsOnGpu } from '../data/resident.js';
import type { Dataset } from '../data/dataset.js';
import type { Module } from '../layers/module.js';
import { noGrad } from '../autograd/grad-mode.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import { argmax } from '../ops/reduce.js';
import { RunningSum } from './running-sum.js';
import { keep, scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

export interface Evaluation {
  count: number;
  /** Mean cross-entropy per image. */
  loss: number;
  accuracy: number;
  perClassAccuracy: number[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
}

export async function evaluate(model: Module, data: Dataset, indices: ArrayLike<number>, batchSize: number): Promise<Evaluation> {
  const wasTraining = model.training;
  model.eval();
  const loader = new DataLoader(data, { batchSize, shuffle: false, dropLast: false, indices: Uint32Array.from(indices), resident: fitsOnGpu(data) });
  const predictions: Tensor[] = [];
  const lossSum = new RunningSum();
  try {
    noGrad(() => {
      for (const { x, y } of loader) {
        scope(() => {
          const logits = model.forward(x);
          predictions.push(keep(argmax(logits, 1)));
          lossSum.add(crossEntropy(logits, y, { reduction: 'sum' }));
        });
        x.dispose();
        y.dispose();
      }
    });
    const [loss, ...preds] = await Promise.all([lossSum.read(), ...predictions.map((p) => p.toArray())]);
    const classes = data.classNames.length;
    const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    let k = 0;
    for (const batch of preds) for (const p of batch) confusion[data.labels[indices[k++]]][p]++;
    const correct = confusion.reduce((s, row, c) => s + row[c], 0);
    return {
      count: k,
      loss: k > 0 ? loss / k : NaN,
      accuracy: k > 0 ? correct / k : NaN,
      perClassAccuracy: confusion.map((row, c) => row[c] / Math.max(1, row.reduce((a, b) => a + b, 0))),
      confusion,
    };
  } finally {
    loader.dispose();
    for (const p of predictions) p.dispose();
    lossSum.dispose();
    model.train(wasTraining);
  }
}
