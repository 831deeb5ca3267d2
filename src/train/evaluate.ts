// Loss, accuracy, per-class accuracy and confusion matrix of a model on a data set. Losses and
// predictions stay on the GPU until one read at the end.
import { runtime } from '../gpu/context.js';
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

/** Progress reports per evaluation at most: each one is a fence, which submits the work recorded so far. */
const PROGRESS_REPORTS = 100;

/**
 * `onProgress(done, total)`: called every few batches with the images the GPU has finished, and
 * once with done = total. It follows fences that are not awaited, so the batches are still all
 * recorded at once and the GPU never idles for it; the reports arrive while the results are read.
 */
export async function evaluate(model: Module, data: Dataset, indices: ArrayLike<number>, batchSize: number, onProgress?: (done: number, total: number) => void): Promise<Evaluation> {
  const wasTraining = model.training;
  model.eval();
  const loader = new DataLoader(data, { batchSize, shuffle: false, dropLast: false, indices: Uint32Array.from(indices), resident: fitsOnGpu(data) });
  const predictions: Tensor[] = [];
  const lossSum = new RunningSum();
  const reports: Promise<void>[] = [];
  const every = Math.ceil(loader.length / PROGRESS_REPORTS);
  try {
    noGrad(() => {
      let batches = 0;
      for (const { x, y } of loader) {
        scope(() => {
          const logits = model.forward(x);
          predictions.push(keep(argmax(logits, 1)));
          lossSum.add(crossEntropy(logits, y, { reduction: 'sum' }));
        });
        x.dispose();
        y.dispose();
        batches++;
        if (onProgress && (batches % every === 0 || batches === loader.length)) {
          const done = Math.min(batches * batchSize, indices.length);
          reports.push(runtime().fence().then(() => onProgress(done, indices.length)));
        }
      }
    });
    const [loss, ...preds] = await Promise.all([lossSum.read(), ...predictions.map((p) => p.toArray())]);
    await Promise.all(reports);
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
