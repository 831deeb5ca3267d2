// softmax and log_softmax against hand-computed values; the generic tests cover GPU vs CPU and
// gradients against finite differences.
import { describe, expect, it } from 'vitest';
import { randn, scope, sum, tensor } from '../../src/index.js';
import { logSoftmax, softmax } from '../../src/ops/softmax.js';
import { expectClose, FLOAT32 } from '../support/close.js';
import { useGpu } from '../support/gpu.js';

useGpu();

// e = Math.E; softmax([1, 2, 3]) = [1, e, e²] / (1 + e + e²); log-sum-exp = 3 + log(1 + e⁻¹ + e⁻²).
const LSE_123 = 3 + Math.log(1 + Math.exp(-1) + Math.exp(-2)); // 3.4076059644

describe('softmax', () => {
  it('rows sum to 1 along the last dim, dim 0 and a middle dim', async () => {
    await scope(async () => {
      const x = randn([4, 9, 5]);
      for (const [dim, summed] of [[-1, [4, 9]], [0, [9, 5]], [1, [4, 5]]] as const) {
        const totals = await sum(softmax(x, dim), dim).toArray();
        expect(totals.length).toBe(summed[0] * summed[1]);
        expectClose(totals, new Float64Array(totals.length).fill(1), FLOAT32, `softmax dim ${dim} row sums`);
      }
    });
  });

  it('with no dim takes PyTorch\'s implicit one: 0 for 1-D and 3-D input, else 1', async () => {
    await scope(async () => {
      for (const [shape, dim] of [[[7], 0], [[4, 9], 1], [[4, 9, 5], 0], [[2, 3, 4, 5], 1]] as const) {
        const x = randn([...shape]);
        expect(await softmax(x).toArray(), `softmax of ${shape.join('×')}`).toEqual(await softmax(x, dim).toArray());
        expect(await logSoftmax(x).toArray(), `logSoftmax of ${shape.join('×')}`).toEqual(await logSoftmax(x, dim).toArray());
      }
    });
  });

  it('of [1, 2, 3] by hand', async () => {
    await scope(async () => {
      const expected = [1 - LSE_123, 2 - LSE_123, 3 - LSE_123].map(Math.exp); // 0.0900306, 0.2447285, 0.6652410
      expectClose(await softmax(tensor([1, 2, 3])).toArray(), expected, FLOAT32, 'softmax([1, 2, 3])');
    });
  });

  it('along a middle dim by hand', async () => {
    await scope(async () => {
      // Pairs along dim 1: (0, ln 3) → (1/4, 3/4) and (0, 0) → (1/2, 1/2).
      const x = tensor([[[0, 0], [Math.log(3), 0]]]);
      expectClose(await softmax(x, 1).toArray(), [0.25, 0.5, 0.75, 0.5], FLOAT32, 'softmax dim 1');
    });
  });

  it('stays finite for huge logits', async () => {
    await scope(async () => {
      expectClose(await softmax(tensor([[1000, 1000, -1000]])).toArray(), [0.5, 0.5, 0], FLOAT32, 'softmax of ±1000');
      expectClose(await logSoftmax(tensor([[-1000, 0]])).toArray(), [-1000, 0], FLOAT32, 'log_softmax of [-1000, 0]');
      // A row longer than the kernel's 64 threads whose max is the last element: the threads' maxima must combine.
      const row = new Float32Array(130);
      row[129] = 1000;
      const onehot = new Float64Array(130);
      onehot[129] = 1;
      expectClose(await softmax(tensor(row)).toArray(), onehot, FLOAT32, 'softmax of a long row ending in 1000');
    });
  });

  it('rejects a dim out of range, naming the op', () => {
    scope(() => {
      expect(() => softmax(tensor([1, 2]), 1)).toThrow(/^softmax: dim 1 is out of range for a tensor of rank 1/);
      expect(() => logSoftmax(tensor([[1, 2]]), -3)).toThrow(/^log_softmax: dim -3 is out of range for a tensor of rank 2/);
    });
  });

  it('rejects more than 8 dims up front, naming the op', () => {
    // Backward goes through mul and sum, which index at most 8 dims: accepting rank 9 here would
    // fail only later, inside backward, naming an op the caller never called.
    scope(() => {
      const x = tensor(new Float32Array(6), [1, 1, 1, 1, 1, 1, 1, 2, 3], { requiresGrad: true });
      expect(() => softmax(x)).toThrow(/^softmax: at most 8 dims are supported, got \[1, 1, 1, 1, 1, 1, 1, 2, 3\]/);
      expect(() => logSoftmax(x)).toThrow(/^log_softmax: at most 8 dims are supported/);
    });
  });
});

describe('log_softmax', () => {
  it('of [1, 2, 3] by hand', async () => {
    await scope(async () => {
      // [-2.4076060, -1.4076060, -0.4076060]
      expectClose(await logSoftmax(tensor([1, 2, 3])).toArray(), [1 - LSE_123, 2 - LSE_123, 3 - LSE_123], FLOAT32, 'log_softmax([1, 2, 3])');
    });
  });

  it('has gradient g − softmax·Σg: with g = [1, 0, 0], onehot − softmax', async () => {
    await scope(async () => {
      const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
      logSoftmax(x).backward(tensor([1, 0, 0]));
      const p = [1 - LSE_123, 2 - LSE_123, 3 - LSE_123].map(Math.exp);
      expectClose(await x.grad!.toArray(), [1 - p[0], -p[1], -p[2]], FLOAT32, 'd log_softmax');
    });
  });
});
