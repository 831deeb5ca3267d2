// conv2d on hand-computed cases (the generic tests check it against its CPU reference and finite
// differences on random data): the tutorial's worked example with its gradients, stride, padding,
// dilation and groups one at a time, the output-size formula, the tutorial CNN's shapes, and errors.
import { describe, expect, it } from 'vitest';
import { backward, randn, scope, sum, tensor, type Tensor } from '../../src/index.js';
import { conv2d, conv2dSpec, type Conv2dOptions } from '../../src/ops/conv2d.js';
import { useGpu } from '../support/gpu.js';

useGpu();

const devices = ['gpu', 'cpu'] as const;

/** A [1, 1, rows, cols] tensor from a 2-D array. */
const image = (rows: number[][], device: 'gpu' | 'cpu' = 'gpu', requiresGrad = false): Tensor =>
  tensor([[rows]], undefined, { device, requiresGrad });

const values = async (t: Tensor): Promise<number[]> => Array.from(await t.toArray());

describe('conv2d: the worked example', () => {
  const input = [
    [1, 2, 3],
    [2, 1, 0],
    [3, 0, 1],
  ];
  const kernel = [
    [1, 0],
    [1, 0],
  ];

  it.each(devices)('with bias 5 gives [[8, 8], [10, 6]] (%s)', async (device) => {
    await scope(async () => {
      const out = conv2d(image(input, device), image(kernel, device), tensor([5], undefined, { device }));
      expect(out.shape).toEqual([1, 1, 2, 2]);
      expect(await values(out)).toEqual([8, 8, 10, 6]);
    });
  });

  it.each(devices)('without bias gives [[3, 3], [5, 1]] (%s)', async (device) => {
    await scope(async () => {
      expect(await values(conv2d(image(input, device), image(kernel, device)))).toEqual([3, 3, 5, 1]);
    });
  });

  it.each(devices)('gradients of the sum of outputs (%s)', async (device) => {
    await scope(async () => {
      const x = image(input, device, true);
      const w = image(kernel, device, true);
      const b = tensor([5], undefined, { device, requiresGrad: true });
      backward(sum(conv2d(x, w, b)));
      // dx[i][j]: the kernel weights that touch (i, j), summed over the four output positions.
      expect(await values(x.grad!)).toEqual([1, 1, 0, 2, 2, 0, 1, 1, 0]);
      // dw[ky][kx]: the sum of the 2×2 input window at offset (ky, kx).
      expect(await values(w.grad!)).toEqual([6, 6, 6, 2]);
      expect(await values(b.grad!)).toEqual([4]);
    });
  });
});

describe('conv2d: parameters one at a time', () => {
  const ramp = (rows: number, cols: number) => Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => r * cols + c + 1));
  const ones = (rows: number, cols: number) => Array.from({ length: rows }, () => new Array<number>(cols).fill(1));

  it('stride 2: sums of non-overlapping 2×2 blocks', async () => {
    await scope(async () => {
      const out = conv2d(image(ramp(4, 4)), image(ones(2, 2)), null, { stride: 2 });
      expect(out.shape).toEqual([1, 1, 2, 2]);
      expect(await values(out)).toEqual([1 + 2 + 5 + 6, 3 + 4 + 7 + 8, 9 + 10 + 13 + 14, 11 + 12 + 15 + 16]);
    });
  });

  it('padding 1: a 1×1 kernel surrounds its output with zeros', async () => {
    await scope(async () => {
      const out = conv2d(image([[1, 2], [3, 4]]), image([[2]]), null, { padding: 1 });
      expect(out.shape).toEqual([1, 1, 4, 4]);
      expect(await values(out)).toEqual([0, 0, 0, 0, 0, 2, 4, 0, 0, 6, 8, 0, 0, 0, 0, 0]);
    });
  });

  it('dilation 2: a 2×2 kernel reads the corners of a 3×3 input', async () => {
    await scope(async () => {
      const out = conv2d(image(ramp(3, 3)), image([[1, 10], [100, 1000]]), null, { dilation: 2 });
      expect(out.shape).toEqual([1, 1, 1, 1]);
      expect(await values(out)).toEqual([1 + 10 * 3 + 100 * 7 + 1000 * 9]);
    });
  });

  it('asymmetric stride and padding pairs', async () => {
    await scope(async () => {
      // Width padded by 1 each side: [0, 1, 2, 3, 0]; rows 0 and 2 of the 3×3 ramp (stride 2).
      const out = conv2d(image(ramp(3, 3)), image([[1, 1]]), null, { stride: [2, 1], padding: [0, 1] });
      expect(out.shape).toEqual([1, 1, 2, 4]);
      expect(await values(out)).toEqual([1, 3, 5, 3, 7, 15, 17, 9]);
    });
  });

  it('groups 2: each output channel sees only its group of input channels', async () => {
    await scope(async () => {
      // Input channels [1, 2, 3, 4] (1×1 images); weight [2 outputs, 2 channels per group, 1, 1].
      const x = tensor([1, 2, 3, 4], [1, 4, 1, 1]);
      const w = tensor([10, 1, 100, 1000], [2, 2, 1, 1]);
      const out = conv2d(x, w, tensor([0.5, -0.5]), { groups: 2 });
      expect(out.shape).toEqual([1, 2, 1, 1]);
      expect(await values(out)).toEqual([1 * 10 + 2 * 1 + 0.5, 3 * 100 + 4 * 1000 - 0.5]);
    });
  });
});

describe('conv2d: output size ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1', () => {
  const cases: [string, number[], number[], Conv2dOptions, number[]][] = [
    ['same padding', [1, 1, 28, 28], [32, 1, 3, 3], { padding: 1 }, [1, 32, 28, 28]],
    ['valid 5×5', [2, 3, 32, 32], [6, 3, 5, 5], {}, [2, 6, 28, 28]],
    ['stride 2 rounds down', [1, 1, 8, 7], [1, 1, 3, 3], { stride: 2 }, [1, 1, 3, 3]],
    ['stride 3, padding 1', [1, 1, 10, 10], [1, 1, 3, 3], { stride: 3, padding: 1 }, [1, 1, 4, 4]],
    ['dilation 2', [1, 1, 9, 9], [1, 1, 3, 3], { dilation: 2 }, [1, 1, 5, 5]],
    ['pairs', [1, 1, 10, 12], [1, 1, 2, 3], { stride: [1, 2], padding: [2, 0], dilation: [3, 1] }, [1, 1, 11, 5]],
    ['kernel = padded input', [1, 2, 3, 4], [5, 2, 5, 6], { padding: 1 }, [1, 5, 1, 1]],
  ];
  it.each(cases)('%s', (_, input, weight, options, expected) => {
    expect(conv2dSpec.shape([input, weight], options)).toEqual(expected);
  });
});

describe('conv2d: the tutorial CNN', () => {
  it('[1, 1, 28, 28] → conv(1→32, k3, p1) → [1, 32, 28, 28] → conv(32→64, k3, p1, stride 2) → [1, 64, 14, 14]', async () => {
    await scope(async () => {
      const x = randn([1, 1, 28, 28]);
      const h = conv2d(x, randn([32, 1, 3, 3]), randn([32]), { padding: 1 });
      expect(h.shape).toEqual([1, 32, 28, 28]);
      const y = conv2d(h, randn([64, 32, 3, 3]), randn([64]), { padding: 1, stride: 2 });
      expect(y.shape).toEqual([1, 64, 14, 14]);
      expect((await y.toArray()).every(Number.isFinite)).toBe(true);
    });
  });
});

describe('conv2d: errors name the op, the argument and the shapes', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['3-D input', () => conv2d(randn([1, 28, 28]), randn([4, 1, 3, 3])), /^conv2d: input must be 4-D \(N, C, H, W\), got shape \[1, 28, 28\]$/],
    ['channel mismatch', () => conv2d(randn([1, 3, 8, 8]), randn([4, 1, 3, 3])), /^conv2d: weight\[1\] × groups must equal the input channels: 1 × 1 ≠ 3 \(input \[1, 3, 8, 8\], weight \[4, 1, 3, 3\]\)$/],
    ['bias shape', () => conv2d(randn([1, 1, 8, 8]), randn([4, 1, 3, 3]), randn([1, 4])), /^conv2d: bias must have shape \[4\] \(one per output channel\), got \[1, 4\]$/],
    ['kernel too large', () => conv2d(randn([1, 1, 2, 8]), randn([4, 1, 3, 3])), /^conv2d: kernel 3×3 .* larger than the padded input 2×8/],
    ['bad stride', () => conv2d(randn([1, 1, 8, 8]), randn([4, 1, 3, 3]), null, { stride: [1, 0] }), /^conv2d: stride\[1\] must be an integer ≥ 1, got 0$/],
    ['bad padding', () => conv2d(randn([1, 1, 8, 8]), randn([4, 1, 3, 3]), null, { padding: 0.5 }), /^conv2d: padding\[0\] must be an integer ≥ 0, got 0.5$/],
  ];
  it.each(cases)('%s', (_, call, error) => {
    scope(() => expect(call).toThrow(error));
  });
});
