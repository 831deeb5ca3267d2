// NaN goes through the ops as in PyTorch, on both devices: a diverged network must show NaN, not
// finite values that hide it (after a relu or a max, say) from the trainer's NaN check.
import { describe, expect, it } from 'vitest';
import { argmax, elu, leakyRelu, max, relu, scope, sigmoid, tanh, tensor, type Tensor } from '../../src/index.js';
import type { Device } from '../../src/tensor/storage.js';
import { useGpu } from '../support/gpu.js';

useGpu();

const devices: Device[] = ['gpu', 'cpu'];

describe.each(devices)('NaN on %s', (device) => {
  const read = (values: number[][] | number[], op: (x: Tensor) => Tensor) =>
    scope(async () => [...(await op(tensor(values, undefined, { device })).toArray())]);

  it('passes through the activations', async () => {
    for (const op of [relu, (x: Tensor) => leakyRelu(x), (x: Tensor) => elu(x), sigmoid, tanh]) {
      const out = await read([1, NaN, -3, 0.5, NaN], op);
      expect(out.map(Number.isNaN)).toEqual([false, true, false, false, true]);
    }
    expect(await read([-2, NaN, 3, -0.5], relu)).toEqual([0, NaN, 3, 0]);
  });

  it('wins max and argmax, the first NaN for argmax', async () => {
    expect(await read([1, NaN, 3], (x) => max(x))).toEqual([NaN]);
    expect(await read([1, NaN, 3, NaN], (x) => argmax(x))).toEqual([1]);
    expect(await read([NaN, NaN], (x) => argmax(x))).toEqual([0]);
    expect(await read([NaN, NaN], (x) => max(x))).toEqual([NaN]);
    const rows = [[1, 5, NaN, 2], [4, 3, 2, 1], [NaN, 9, NaN, 0]];
    expect(await read(rows, (x) => max(x, 1))).toEqual([NaN, 4, NaN]);
    expect(await read(rows, (x) => argmax(x, 1))).toEqual([2, 0, 0]);
    expect(await read(rows, (x) => argmax(x, 0))).toEqual([2, 2, 0, 0]);
    // A reduction long enough to be split across a workgroup's threads.
    const long = Array.from({ length: 1000 }, (_, i) => (i === 700 || i === 900 ? NaN : i));
    expect(await read(long, (x) => argmax(x))).toEqual([700]);
    expect(await read(long, (x) => max(x))).toEqual([NaN]);
  });
});
