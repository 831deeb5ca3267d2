import { describe, expect, it } from 'vitest';
import { pow, scope, tensor, type Tensor } from '../../src/index.js';
import type { Device } from '../../src/tensor/storage.js';
import { useGpu } from '../support/gpu.js';

useGpu();

const devices: Device[] = ['gpu', 'cpu'];

describe.each(devices)('pow gradients on %s', (device) => {
  /** Gradients of sum(a ** b) by a and by b. */
  const grads = (a: number[], b: number[]) =>
    scope(async () => {
      const ta = tensor(a, undefined, { device, requiresGrad: true });
      const tb = tensor(b, undefined, { device, requiresGrad: true });
      pow(ta, tb).sum().backward();
      return [[...(await (ta.grad as Tensor).toArray())], [...(await (tb.grad as Tensor).toArray())]];
    });

  it('are PyTorch\'s at a zero base or a zero exponent, not NaN', async () => {
    // PyTorch's pow_backward formulas (with their masks) give, for a = [0, 0, 2, 0, -2], b = [0, 2, 2, -1, 2]: a.grad [0, 0, 4, -inf, -4], b.grad [0, 0, 4·ln 2, -inf, nan]
    const [da, db] = await grads([0, 0, 2, 0, -2], [0, 2, 2, -1, 2]);
    expect(da).toEqual([0, 0, 4, -Infinity, -4]);
    expect(db.slice(0, 2)).toEqual([0, 0]);
    expect(db[2]).toBeCloseTo(4 * Math.log(2), 5);
    expect(db[3]).toBe(-Infinity);
    expect(db[4]).toBeNaN();
  });

  it('are 0 by the base at a zero exponent, also for infinite and NaN bases, whose zeroth power is 1', async () => {
    const [da] = await grads([Infinity, -Infinity, NaN, 3], [0, 0, 0, 0]);
    expect(da).toEqual([0, 0, 0, 0]);
    const out = await scope(async () => Array.from(await pow(tensor([Infinity, -Infinity, NaN], undefined, { device }), 0).toArray()));
    expect(out).toEqual([1, 1, 1]);
  });

  it('keep a learnable exponent trainable through zeros (relu(x) ** p)', async () => {
    const [, db] = await grads([0, 1.5, 0, 2], [1.7, 1.7, 1.7, 1.7]);
    const expected = 1.5 ** 1.7 * Math.log(1.5) + 2 ** 1.7 * Math.log(2);
    expect(db.reduce((s, v) => s + v, 0)).toBeCloseTo(expected, 4);
  });
});
