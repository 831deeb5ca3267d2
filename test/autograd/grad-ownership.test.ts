// What backward() leaves behind: leaf gradients that own their memory, no gradient kept for a
// disposed leaf, nothing leaked when it throws, and a refusal to differentiate through values
// that were overwritten after the forward pass used them.
import { describe, expect, it } from 'vitest';
import { add, backward, mul, scope, SGD, sum, tensor, type Tensor } from '../../src/index.js';
import { writeValues } from '../../src/tensor/create.js';
import { useGpu } from '../support/gpu.js';
import { liveBuffers } from '../support/op-check.js';

useGpu();

const values = async (t: Tensor | null) => Array.from(await t!.toArray());

describe('leaf gradients own their memory', () => {
  // .grad is the user's to keep, clip or zero in place, as PyTorch's AccumulateGrad copies: it
  // must not share memory with the caller's gradient tensor or with another leaf's gradient.
  it('apart from the gradient passed to backward()', async () => {
    await scope(async () => {
      const x = tensor([1, 2], [2], { requiresGrad: true });
      const seed = tensor([1, 1]);
      backward(add(x, 0), seed);
      writeValues(seed, [9, 9]); // a training loop reusing its seed tensor
      expect(await values(x.grad)).toEqual([1, 1]);
    });
  });

  it('apart from the gradient passed to backward() on a leaf', async () => {
    await scope(async () => {
      const x = tensor([1, 2], [2], { requiresGrad: true });
      const seed = tensor([1, 1]);
      backward(x, seed);
      writeValues(seed, [5, 5]);
      expect(await values(x.grad)).toEqual([1, 1]);
    });
  });

  it('apart from each other when one op gives both the same gradient', async () => {
    await scope(async () => {
      const a = tensor([1, 2], [2], { requiresGrad: true });
      const b = tensor([3, 4], [2], { requiresGrad: true });
      backward(sum(add(a, b))); // add's rule returns one tensor for both inputs
      expect(a.grad!.storage).not.toBe(b.grad!.storage);
      writeValues(a.grad!, [0, 0]);
      expect(await values(b.grad)).toEqual([1, 1]);
    });
  });
});

describe('leaves disposed before backward', () => {
  // A disposed tensor's dispose() does nothing, so a gradient given to one could never be freed.
  it('get no gradient, and nothing is left allocated', () => {
    const before = liveBuffers();
    scope(() => {
      let w!: Tensor;
      const y = scope(() => {
        w = tensor([1, 2], [2], { requiresGrad: true });
        return mul(w, tensor([3, 4]));
      }); // w is disposed here; y's graph still reaches it
      backward(sum(y));
      expect(w.grad).toBeNull();
    });
    expect(liveBuffers()).toBe(before);
  });
});

describe('a tensor modified in place after the forward pass used it', () => {
  // Backward would silently use the new values (PyTorch: "modified by an inplace operation").
  it('makes backward throw, naming the op and the argument (writeValues)', () => {
    scope(() => {
      const w = tensor([1, 2], [2], { requiresGrad: true });
      const x = tensor([3, 4], [2], { requiresGrad: true });
      const loss = sum(mul(w, x));
      writeValues(w, [10, 20]);
      expect(() => backward(loss)).toThrow(/^mul: input of shape \[2\] was modified in place/);
    });
  });

  it('makes backward throw (optimizer step)', () => {
    scope(() => {
      const w = tensor([1, 2], [2], { requiresGrad: true });
      const x = tensor([3, 4]);
      const first = sum(mul(x, w));
      const second = sum(mul(x, w));
      backward(first);
      const opt = new SGD([w], { lr: 0.1 });
      opt.step();
      expect(() => backward(second)).toThrow(/^mul: other of shape \[2\] was modified in place/);
      opt.dispose();
    });
  });

  it('throws without leaking the gradients in flight', () => {
    const before = liveBuffers();
    scope(() => {
      const x = tensor([1, 2], [2], { requiresGrad: true });
      const z = tensor([3, 4], [2], { requiresGrad: true });
      const w = tensor([5, 6]);
      // Both products' gradients are in flight when the first of them reaches the changed w.
      const loss = sum(add(mul(x, w), mul(z, w)));
      writeValues(w, [0, 0]);
      expect(() => backward(loss)).toThrow(/was modified in place/);
    });
    expect(liveBuffers()).toBe(before);
  });
});
