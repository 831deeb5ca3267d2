import { describe, expect, it } from 'vitest';
import { addInto, copyInto, noGrad, scope, tensor, type Tensor } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';

useGpu();

describe('in-place writes (copyInto, addInto)', () => {
  for (const device of ['gpu', 'cpu'] as const) {
    it(`copies and accumulates into an existing tensor (${device})`, async () => {
      await scope(async () => {
        const dst = tensor([1, 2, 3, 4, 5], [5], { device });
        const src = tensor([10, 20, 30, 40, 50], [5], { device });
        const storage = dst.storage;
        const version = storage.version;
        addInto(dst, src);
        expect(Array.from(await dst.toArray())).toEqual([11, 22, 33, 44, 55]);
        copyInto(dst, tensor([-1, 0.5, 7, 8, 9], [5], { device }));
        expect(Array.from(await dst.toArray())).toEqual([-1, 0.5, 7, 8, 9]);
        expect(dst.storage).toBe(storage);
        expect(storage.version).toBe(version + 2);
      });
    });
  }

  it('a copy carries the class labels a loss checks without reading the GPU', () => {
    scope(() => {
      const dst = tensor([0, 0]);
      copyInto(dst, tensor([2, 1]));
      expect(Array.from(dst.hostValues!)).toEqual([2, 1]);
      addInto(dst, tensor([1, 1]));
      expect(dst.hostValues).toBeNull();
    });
  });

  it('refuses other shapes, other devices, tensors that require grad and one memory as both', () => {
    scope(() => {
      const a = tensor([1, 2, 3]);
      expect(() => copyInto(a, tensor([1, 2]))).toThrow(/^copyInto: dst has shape \[3\] but src has shape \[2\]/);
      expect(() => addInto(a, tensor([1, 2, 3], [3], { device: 'cpu' }))).toThrow(/^addInto: dst is on the gpu but src is on the cpu/);
      expect(() => copyInto(tensor([1, 2, 3], [3], { requiresGrad: true }), a)).toThrow(/^copyInto: dst \(shape \[3\]\) requires grad; .* \(write inside noGrad/);
      expect(() => addInto(a, a.reshape([3]))).toThrow(/^addInto: dst and src are the same memory/);
    });
  });

  it('updates a weight in place under noGrad, as `with torch.no_grad(): p -= lr * p.grad`, and backward then refuses its stale saves', async () => {
    await scope(async () => {
      const p = tensor([1, 2, 3], [3], { requiresGrad: true });
      const loss = p.mul(p).sum();
      loss.backward();
      noGrad(() => addInto(p, (p.grad as Tensor).mul(-0.1)));
      expect([...(await p.toArray())].map((v) => Math.fround(v))).toEqual([0.8, 1.6, 2.4].map(Math.fround));
      expect(p.requiresGrad).toBe(true);
      const stale = p.mul(p).sum();
      noGrad(() => addInto(p, tensor([1, 1, 1])));
      expect(() => stale.backward()).toThrow(/modified in place/);
    });
  });
});
