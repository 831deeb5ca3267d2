// cross_entropy against hand-computed losses and gradients, against log_softmax, and its label
// checks; the generic tests cover GPU vs CPU and gradients against finite differences.
import { describe, expect, it } from 'vitest';
import { add, randn, scope, tensor } from '../../src/index.js';
import { crossEntropy } from '../../src/ops/cross-entropy.js';
import { logSoftmax } from '../../src/ops/softmax.js';
import { expectClose, FLOAT32 } from '../support/close.js';
import { useGpu } from '../support/gpu.js';

useGpu();

describe('cross_entropy', () => {
  it('of logits [[2, 1, 0.1]], target [0] by hand', async () => {
    await scope(async () => {
      // −log(e² / (e² + e + e^0.1)) = log(11.2125088) − 2 = 0.4170300
      const loss = await crossEntropy(tensor([[2, 1, 0.1]]), [0]).item();
      expect(loss).toBeCloseTo(Math.log(Math.exp(2) + Math.E + Math.exp(0.1)) - 2, 6);
      expect(loss).toBeCloseTo(0.41703, 5);
    });
  });

  it('equals −log_softmax picked at the target, for each reduction', async () => {
    await scope(async () => {
      const [n, c] = [6, 5];
      const logits = randn([n, c]);
      const target = [4, 0, 2, 2, 1, 3];
      const logp = await logSoftmax(logits).toArray();
      const picked = target.map((t, i) => -logp[i * c + t]);
      const total = picked.reduce((a, b) => a + b, 0);
      expectClose(await crossEntropy(logits, target, { reduction: 'none' }).toArray(), picked, FLOAT32, 'none');
      expectClose(await crossEntropy(logits, target, { reduction: 'sum' }).toArray(), [total], FLOAT32, 'sum');
      expectClose(await crossEntropy(logits, Int32Array.from(target)).toArray(), [total / n], FLOAT32, 'mean (default)');
      expectClose(await crossEntropy(logits, tensor(target)).toArray(), [total / n], FLOAT32, 'mean, tensor target');
    });
  });

  // Rows (0, 0) → softmax (1/2, 1/2) and (ln 3, 0) → (3/4, 1/4); targets 1 and 0.
  const rows = [[0, 0], [Math.log(3), 0]];
  const target = [1, 0];
  const softmaxMinusOnehot = [0.5, -0.5, -0.25, 0.25];

  it('mean: loss and gradient (softmax − onehot)/N by hand', async () => {
    await scope(async () => {
      const logits = tensor(rows, undefined, { requiresGrad: true });
      const loss = crossEntropy(logits, target);
      expect(await loss.item()).toBeCloseTo((Math.log(2) + Math.log(4 / 3)) / 2, 6);
      loss.backward();
      expectClose(await logits.grad!.toArray(), softmaxMinusOnehot.map((v) => v / 2), FLOAT32, 'mean gradient');
    });
  });

  it('sum and none: the gradient scales by g, and by g[n] per row', async () => {
    await scope(async () => {
      const logits = tensor(rows, undefined, { requiresGrad: true });
      crossEntropy(logits, target, { reduction: 'sum' }).backward(tensor(3, []));
      expectClose(await logits.grad!.toArray(), softmaxMinusOnehot.map((v) => 3 * v), FLOAT32, 'sum gradient');

      const other = tensor(rows, undefined, { requiresGrad: true });
      crossEntropy(other, target, { reduction: 'none' }).backward(tensor([2, -1]));
      expectClose(await other.grad!.toArray(), [1, -1, 0.25, -0.25], FLOAT32, 'none gradient');
    });
  });

  it('does not differentiate the target', () => {
    scope(() => {
      const target = tensor([1, 0], undefined, { requiresGrad: true });
      const logits = tensor(rows, undefined, { requiresGrad: true });
      crossEntropy(logits, target).backward();
      expect(target.grad).toBeNull();
      expect(logits.grad).not.toBeNull();
    });
  });

  it('stays finite for huge logits', async () => {
    await scope(async () => {
      // Row [1000, 0]: target 0 costs log(1 + e^-1000) ≈ 0, target 1 costs 1000.
      expectClose(await crossEntropy(tensor([[1000, 0], [1000, 0]]), [0, 1], { reduction: 'none' }).toArray(), [0, 1000], FLOAT32, 'huge logits');
    });
  });

  it('rejects bad labels and shapes, naming the op', () => {
    scope(() => {
      const logits = randn([4, 10]);
      expect(() => crossEntropy(logits, [1, 2, 3, 10])).toThrow('cross_entropy: target 10 is out of range for 10 classes (batch index 3)');
      expect(() => crossEntropy(logits, [0, -1, 0, 0])).toThrow('cross_entropy: target -1 is out of range for 10 classes (batch index 1)');
      expect(() => crossEntropy(logits, [0, 0, 2.5, 0])).toThrow('cross_entropy: target 2.5 at batch index 2 is not an integer class index');
      expect(() => crossEntropy(logits, [0, Number.NaN, 0, 0])).toThrow('cross_entropy: target NaN at batch index 1 is not an integer class index');
      expect(() => crossEntropy(logits, [0, 1, 2])).toThrow('cross_entropy: target of shape [3] must hold one class index per row of input [4, 10]');
      expect(() => crossEntropy(randn([10]), [1])).toThrow(/^cross_entropy: input must be 2-D \[N, C\], got shape \[10\]/);
      expect(() => crossEntropy(logits, [0, 1, 2, 3], { reduction: 'avg' as 'mean' })).toThrow(/^cross_entropy: reduction must be/);
    });
  });

  it('checks labels on the CPU device too', () => {
    scope(() => {
      const logits = tensor([[0, 1, 2]], undefined, { device: 'cpu' });
      expect(() => crossEntropy(logits, [3])).toThrow('cross_entropy: target 3 is out of range for 3 classes (batch index 0)');
    });
  });

  it('gives NaN for a bad label computed on the GPU (no host copy to check)', async () => {
    await scope(async () => {
      const labels = add(tensor([0, 1]), 2); // [2, 3] for 3 classes: 3 is out of range
      expect(labels.hostValues).toBeNull();
      const losses = await crossEntropy(randn([2, 3]), labels, { reduction: 'none' }).toArray();
      expect(Number.isFinite(losses[0])).toBe(true);
      expect(losses[1]).toBeNaN();
    });
  });
});
