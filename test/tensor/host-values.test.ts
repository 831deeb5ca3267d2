// Host copies of small tensors' values (kept so that checks such as cross_entropy's label range
// need no GPU read) belong to the memory, not to one tensor: every view sees the same copy, an
// in-place write through any of them refreshes it, and an optimizer step drops it.
import { describe, expect, it } from 'vitest';
import { crossEntropy, reshape, scope, SGD, tensor, zeros } from '../../src/index.js';
import { writeValues } from '../../src/tensor/create.js';
import { useGpu } from '../support/gpu.js';

useGpu();

const host = (t: { hostValues: ArrayLike<number> | null }) => (t.hostValues ? Array.from(t.hostValues) : null);

describe('host copies', () => {
  it('of a view follow writes to its source', () => {
    scope(() => {
      const labels = tensor([0, 1]);
      const view = reshape(labels, [2]);
      writeValues(labels, [0, 7]);
      expect(host(view)).toEqual([0, 7]);
      expect(() => crossEntropy(zeros([2, 3]), view)).toThrow(/^cross_entropy: target 7 is out of range for 3 classes/);
    });
  });

  it('of a source follow writes to its view', () => {
    scope(() => {
      const labels = tensor([0, 1]);
      const view = reshape(labels, [1, 2]);
      writeValues(view, [0, 7]);
      expect(host(labels)).toEqual([0, 7]);
      expect(() => crossEntropy(zeros([2, 3]), labels)).toThrow(/^cross_entropy: target 7 is out of range for 3 classes/);
    });
  });

  it('are dropped for every view of a parameter an optimizer updates', () => {
    scope(() => {
      const w = tensor([1, 2], [2]);
      w.requiresGrad = true; // made before requiresGrad was set: it has a host copy
      const view = reshape(w, [1, 2]);
      expect(host(view)).toEqual([1, 2]);
      const opt = new SGD([w], { lr: 0.1 });
      w.grad = tensor([1, 1]);
      opt.step();
      expect(view.hostValues).toBeNull();
      opt.dispose();
    });
  });
});
