// Hand-computed max_pool2d and avg_pool2d cases, on the GPU and on the CPU reference: values,
// gradients (ties, padding, ceil mode, divisors), the tutorial models' shapes and error messages.
// The generic tests cover random inputs against the reference.
import { describe, expect, it } from 'vitest';
import { scope, tensor, zeros, type Tensor } from '../../src/index.js';
import { avgPool2d, maxPool2d, type AvgPool2dOptions, type MaxPool2dOptions } from '../../src/ops/pool2d.js';
import type { Device } from '../../src/tensor/storage.js';
import { expectClose, FLOAT32 } from '../support/close.js';
import { useGpu } from '../support/gpu.js';

useGpu();

const devices: Device[] = ['gpu', 'cpu'];

/** 1..n laid out row-major as [1, 1, h, w]. */
const counting = (h: number, w: number): number[][][][] => [[Array.from({ length: h }, (_, r) => Array.from({ length: w }, (_, c) => r * w + c + 1))]];

interface Result {
  shape: readonly number[];
  out: Float32Array;
  dx: Float32Array;
}

/** Pools `x` on `device`, backpropagates `grad` (ones by default) and returns output and input gradient. */
async function run(device: Device, pool: (x: Tensor) => Tensor, x: number[][][][], grad?: number[][][][]): Promise<Result> {
  return scope(async () => {
    const input = tensor(x, undefined, { device, requiresGrad: true });
    const out = pool(input);
    const g = grad ? tensor(grad, undefined, { device }) : tensor(new Float32Array(out.size).fill(1), out.shape, { device });
    out.backward(g);
    return { shape: out.shape, out: await out.toArray(), dx: await input.grad!.toArray() };
  });
}

const maxPool = (o: MaxPool2dOptions) => (x: Tensor) => maxPool2d(x, o);
const avgPool = (o: AvgPool2dOptions) => (x: Tensor) => avgPool2d(x, o);

describe.each(devices)('max_pool2d on %s', (device) => {
  it('pools a 4×4 input with 2×2 windows and routes each gradient to its maximum', async () => {
    const x = [[[[1, 9, 2, 0], [5, 3, 4, 8], [7, 6, 1, 1], [2, 0, 3, 5]]]];
    const r = await run(device, maxPool({ kernelSize: 2 }), x, [[[[1, 2], [3, 4]]]]);
    expect(r.shape).toEqual([1, 1, 2, 2]);
    expect([...r.out]).toEqual([9, 8, 7, 5]);
    expect([...r.dx]).toEqual([0, 1, 0, 0, 0, 0, 0, 2, 3, 0, 0, 0, 0, 0, 0, 4]);
  });

  it('sends the gradient of a window of equal values to its first element, as PyTorch', async () => {
    const r = await run(device, maxPool({ kernelSize: 2 }), [[[[3, 3], [3, 3]]]], [[[[5]]]]);
    expect([...r.out]).toEqual([3]);
    expect([...r.dx]).toEqual([5, 0, 0, 0]);
  });

  it('breaks ties by row-major window order, also in overlapping windows', async () => {
    // Every 2×2 window of a constant 3×3 input picks its own top-left element.
    const r = await run(device, maxPool({ kernelSize: 2, stride: 1 }), [[[[0, 0, 0], [0, 0, 0], [0, 0, 0]]]], [[[[1, 2], [3, 4]]]]);
    expect([...r.dx]).toEqual([1, 2, 0, 3, 4, 0, 0, 0, 0]);
    // A later maximum equal to an earlier one does not take over.
    const s = await run(device, maxPool({ kernelSize: 2 }), [[[[0, 5], [5, 1]]]]);
    expect([...s.dx]).toEqual([0, 1, 0, 0]);
  });

  it('never picks the padding, even when every value is negative', async () => {
    const r = await run(device, maxPool({ kernelSize: 2, stride: 2, padding: 1 }), [[[[-1, -2], [-3, -4]]]]);
    expect(r.shape).toEqual([1, 1, 2, 2]);
    expect([...r.out]).toEqual([-1, -2, -3, -4]);
    expect([...r.dx]).toEqual([1, 1, 1, 1]);
  });

  it('adds a partial window with ceilMode', async () => {
    const r = await run(device, maxPool({ kernelSize: 2, ceilMode: true }), counting(5, 5));
    expect(r.shape).toEqual([1, 1, 3, 3]);
    expect([...r.out]).toEqual([7, 9, 10, 17, 19, 20, 22, 24, 25]);
    const floor = await run(device, maxPool({ kernelSize: 2 }), counting(5, 5));
    expect(floor.shape).toEqual([1, 1, 2, 2]);
  });

  it('skips dilated taps outside the input', async () => {
    // Kernel 3 with dilation 2 and padding 1 on 3×3: the window at (0, 0) taps rows and columns -1, 1, 3.
    const r = await run(device, maxPool({ kernelSize: 3, stride: 1, padding: 1, dilation: 2 }), counting(3, 3));
    expect(r.shape).toEqual([1, 1, 1, 1]);
    expect([...r.out]).toEqual([5]);
    expect([...r.dx]).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('gives -inf and no gradient for a dilated window with no tap inside the input', async () => {
    // Taps at -1 and 2 on a size-2 axis.
    const r = await run(device, maxPool({ kernelSize: 2, padding: 1, dilation: 3 }), [[[[1, 2], [3, 4]]]]);
    expect([...r.out]).toEqual([-Infinity]);
    expect([...r.dx]).toEqual([0, 0, 0, 0]);
  });

  it('propagates NaN, as PyTorch', async () => {
    const r = await run(device, maxPool({ kernelSize: 2 }), [[[[1, NaN], [3, 2]]]]);
    expect(r.out[0]).toBeNaN();
    expect([...r.dx]).toEqual([0, 1, 0, 0]);
  });

  it('accepts a 3-D (C, H, W) input', async () => {
    await scope(async () => {
      const x = tensor([[[1, 9, 2, 0], [5, 3, 4, 8]]], undefined, { device });
      const out = maxPool2d(x, { kernelSize: 2 });
      expect(out.shape).toEqual([1, 1, 2]);
      expect([...(await out.toArray())]).toEqual([9, 8]);
    });
  });

  it('takes the kernel size alone, as F.max_pool2d(x, 2) and F.avg_pool2d(x, (1, 2))', async () => {
    await scope(async () => {
      const x = tensor([[[1, 9, 2, 0], [5, 3, 4, 8]]], undefined, { device });
      expect([...(await maxPool2d(x, 2).toArray())]).toEqual([9, 8]);
      expect([...(await avgPool2d(x, [1, 2]).toArray())]).toEqual([5, 1, 4, 6]);
    });
  });
});

describe.each(devices)('avg_pool2d on %s', (device) => {
  // 3×3 kernel, stride 1, padding 1 on 1..9: the corner window holds 1, 2, 4, 5 (sum 12) and five
  // padding zeros; the top edge window holds 1..6 (sum 21) and three.
  it('counts the padding in the divisor with countIncludePad (the default)', async () => {
    const r = await run(device, avgPool({ kernelSize: 3, stride: 1, padding: 1 }), counting(3, 3));
    expectClose(r.out, [12 / 9, 21 / 9, 16 / 9, 27 / 9, 45 / 9, 33 / 9, 24 / 9, 39 / 9, 28 / 9], FLOAT32, 'avg_pool2d');
    // Each input gets 1/9 from every window that covers it: 4 for a corner, 6 for an edge, 9 in the middle.
    expectClose(r.dx, [4, 6, 4, 6, 9, 6, 4, 6, 4].map((n) => n / 9), FLOAT32, 'avg_pool2d dx');
  });

  it('divides by the taps inside the input with countIncludePad false', async () => {
    const r = await run(device, avgPool({ kernelSize: 3, stride: 1, padding: 1, countIncludePad: false }), counting(3, 3));
    expectClose(r.out, [12 / 4, 21 / 6, 16 / 4, 27 / 6, 45 / 9, 33 / 6, 24 / 4, 39 / 6, 28 / 4], FLOAT32, 'avg_pool2d');
    // The corner is in the windows at (0,0), (0,1), (1,0), (1,1) of sizes 4, 6, 6, 9.
    expect(r.dx[0]).toBeCloseTo(1 / 4 + 1 / 6 + 1 / 6 + 1 / 9, 6);
    expect(r.dx[4]).toBeCloseTo(4 / 4 + 4 / 6 + 1 / 9, 6);
  });

  it('cuts a ceil-mode window at the padded border, as PyTorch', async () => {
    // 4×4 of 1..16, kernel 3, stride 2, padding 1, ceil: 3×3 output. The last window starts at 3 and
    // ends at the padded border 5 (not 6): it spans one input row and one padding row.
    const include = await run(device, avgPool({ kernelSize: 3, stride: 2, padding: 1, ceilMode: true }), counting(4, 4));
    expect(include.shape).toEqual([1, 1, 3, 3]);
    expect(include.out[0]).toBeCloseTo((1 + 2 + 5 + 6) / 9, 6);
    expect(include.out[2]).toBeCloseTo((4 + 8) / 6, 6);
    expect(include.out[8]).toBeCloseTo(16 / 4, 6);
    const exclude = await run(device, avgPool({ kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), counting(4, 4));
    expect(exclude.out[2]).toBeCloseTo((4 + 8) / 2, 6);
    expect(exclude.out[8]).toBeCloseTo(16, 6);
  });

  it('averages a partial ceil-mode window without padding over its part inside the input', async () => {
    const r = await run(device, avgPool({ kernelSize: 2, ceilMode: true }), counting(3, 3));
    expectClose(r.out, [3, 4.5, 7.5, 9], FLOAT32, 'avg_pool2d');
    expectClose(r.dx, [0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1], FLOAT32, 'avg_pool2d dx');
  });

  it('divides by divisorOverride', async () => {
    const r = await run(device, avgPool({ kernelSize: 2, stride: 1, divisorOverride: 2 }), counting(3, 3));
    expectClose(r.out, [6, 8, 12, 14], FLOAT32, 'avg_pool2d');
    expectClose(r.dx, [1, 2, 1, 2, 4, 2, 1, 2, 1].map((n) => n / 2), FLOAT32, 'avg_pool2d dx');
  });
});

describe('pool2d shapes of the tutorial models', () => {
  const shapeOf = (shape: number[], o: MaxPool2dOptions) => scope(() => maxPool2d(zeros(shape), o).shape);

  it('MaxPool2d(2) halves 28×28', () => {
    expect(shapeOf([1, 32, 28, 28], { kernelSize: 2 })).toEqual([1, 32, 14, 14]);
  });

  it("deep-cnn's MaxPool2d(2, 2, padding=1) takes 7×7 to 4×4", () => {
    expect(shapeOf([1, 128, 7, 7], { kernelSize: 2, stride: 2, padding: 1 })).toEqual([1, 128, 4, 4]);
  });

  it("small-cnn's padded pool takes 26×26 to 14×14 and 12×12 to 7×7", () => {
    expect(shapeOf([1, 16, 26, 26], { kernelSize: 2, stride: 2, padding: 1 })).toEqual([1, 16, 14, 14]);
    expect(shapeOf([1, 32, 12, 12], { kernelSize: 2, stride: 2, padding: 1 })).toEqual([1, 32, 7, 7]);
  });

  it('ceilMode keeps a window that starts in the input and drops one that would start in the padding', () => {
    expect(shapeOf([1, 1, 7, 6], { kernelSize: 2, ceilMode: true })).toEqual([1, 1, 4, 3]);
    // With padding 1 on 5 rows, a fourth window would start at row 5, in the right padding.
    expect(shapeOf([1, 1, 5, 5], { kernelSize: 2, padding: 1, ceilMode: true })).toEqual([1, 1, 3, 3]);
  });
});

describe('pool2d errors', () => {
  const x = (shape: number[]) => zeros(shape);

  it('names the op, the argument and the shapes', () => {
    scope(() => {
      expect(() => maxPool2d(x([4, 4]), { kernelSize: 2 })).toThrow(/^max_pool2d: input must be 3-D \(C, H, W\) or 4-D \(N, C, H, W\), got shape \[4, 4\]$/);
      expect(() => avgPool2d(x([1, 1, 1, 4, 4]), { kernelSize: 2 })).toThrow(/^avg_pool2d: input must be 3-D .* got shape \[1, 1, 1, 4, 4\]$/);
      expect(() => maxPool2d(x([1, 1, 4, 4]), { kernelSize: 2.5 })).toThrow(/^max_pool2d: kernelSize\[0\] must be an integer ≥ 1, got 2.5$/);
      expect(() => maxPool2d(x([1, 1, 4, 4]), { kernelSize: 2, stride: [1, -1] })).toThrow(/^max_pool2d: stride\[1\] must be an integer ≥ 1, got -1$/);
      expect(() => maxPool2d(x([1, 1, 4, 4]), { kernelSize: 2, dilation: 0 })).toThrow(/^max_pool2d: dilation\[0\] must be an integer ≥ 1, got 0$/);
      expect(() => avgPool2d(x([1, 1, 4, 4]), { kernelSize: 2, padding: -1 })).toThrow(/^avg_pool2d: padding\[0\] must be an integer ≥ 0, got -1$/);
      expect(() => maxPool2d(x([1, 1, 4, 4]), { kernelSize: 2, padding: 2 })).toThrow(/^max_pool2d: padding \(2, 2\) must be at most half of kernelSize \(2, 2\)$/);
      // PyTorch's rule is on the kernel size itself, not the dilated extent.
      expect(() => maxPool2d(x([1, 1, 9, 9]), { kernelSize: 3, padding: 2, dilation: 3 })).toThrow(/^max_pool2d: padding \(2, 2\) must be at most half of kernelSize \(3, 3\)$/);
      expect(() => maxPool2d(x([1, 1, 5, 5]), { kernelSize: 3, dilation: 3 })).toThrow(
        /^max_pool2d: input \[1, 1, 5, 5\] is too small for kernelSize \(3, 3\) with padding \(0, 0\) and dilation \(3, 3\): the output would be 0×0$/,
      );
      expect(() => avgPool2d(x([2, 3, 2, 8]), { kernelSize: [3, 2] })).toThrow(/^avg_pool2d: input \[2, 3, 2, 8\] is too small .* the output would be 0×4$/);
      expect(() => avgPool2d(x([1, 1, 4, 4]), { kernelSize: 2, divisorOverride: 0 })).toThrow(/^avg_pool2d: divisorOverride must be a nonzero integer, got 0$/);
    });
  });
});
