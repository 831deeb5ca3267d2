// matmul on hand-computed cases, on both devices: values, the 1-D promotions and their shapes,
// broadcast batch dims, the internal transpose flags, gradients and error messages. The generic
// suite (generic.test.ts) covers random shapes against the CPU reference and finite differences.
import { describe, expect, it } from 'vitest';
import { backward, scope, sum, tensor, type Tensor } from '../../src/index.js';
import { apply } from '../../src/ops/apply.js';
import { matmul, matmulSpec } from '../../src/ops/matmul.js';
import type { Device } from '../../src/tensor/storage.js';
import { useGpu } from '../support/gpu.js';

useGpu();

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.toArray());
}

describe.each(['gpu', 'cpu'] as Device[])('matmul on %s', (device) => {
  const t = (v: Parameters<typeof tensor>[0], shape?: number[], requiresGrad = false) => tensor(v, shape, { device, requiresGrad });

  it('multiplies 2-D matrices', async () => {
    await scope(async () => {
      const c = matmul(t([[1, 2], [3, 4]]), t([[5, 6], [7, 8]]));
      expect(c.shape).toEqual([2, 2]);
      expect(await values(c)).toEqual([19, 22, 43, 50]);
      const d = matmul(t([[1, 2, 3], [4, 5, 6]]), t([[7, 8], [9, 10], [11, 12]]));
      expect(d.shape).toEqual([2, 2]);
      expect(await values(d)).toEqual([58, 64, 139, 154]);
    });
  });

  it('promotes 1-D operands as torch.matmul does', async () => {
    await scope(async () => {
      const m = t([[1, 2, 3], [4, 5, 6]]);
      const vm = matmul(t([1, 2]), m);
      expect(vm.shape).toEqual([3]);
      expect(await values(vm)).toEqual([9, 12, 15]);

      const mv = matmul(m, t([1, 0, -1]));
      expect(mv.shape).toEqual([2]);
      expect(await values(mv)).toEqual([-2, -2]);

      const dot = matmul(t([1, 2, 3]), t([4, 5, 6]));
      expect(dot.shape).toEqual([]);
      expect(await values(dot)).toEqual([32]);

      // [3]·[2, 3, 2] → [2, 2]: the vector times each matrix of the batch.
      const batch = t([[[1, 0], [0, 1], [1, 1]], [[2, 0], [0, 2], [1, -1]]]);
      const vb = matmul(t([1, 2, 3]), batch);
      expect(vb.shape).toEqual([2, 2]);
      expect(await values(vb)).toEqual([4, 5, 5, 1]);

      // [2, 2, 3]·[3] → [2, 2]: each row of each matrix dotted with the vector.
      const bv = matmul(t([[[1, 2, 3], [4, 5, 6]], [[1, 0, 0], [0, 0, 1]]]), t([1, 1, 2]));
      expect(bv.shape).toEqual([2, 2]);
      expect(await values(bv)).toEqual([9, 21, 1, 2]);
    });
  });

  it('broadcasts batch dims', async () => {
    await scope(async () => {
      // a = [I, 2I] as [2, 1, 2, 2]; b = three matrices [3, 2, 2]: out[i][j] = (i + 1)·b[j].
      const a = t([1, 0, 0, 1, 2, 0, 0, 2], [2, 1, 2, 2]);
      const bs = [1, 2, 3, 4, 0, 1, 1, 0, -1, 0, 0, 5];
      const c = matmul(a, t(bs, [3, 2, 2]));
      expect(c.shape).toEqual([2, 3, 2, 2]);
      expect(await values(c)).toEqual([...bs, ...bs.map((v) => 2 * v)]);
    });
  });

  it('reads either operand transposed through the internal flags', async () => {
    await scope(async () => {
      const a = t([[1, 2], [3, 4]]);
      const aT = t([[1, 3], [2, 4]]);
      const b = t([[5, 6], [7, 8]]);
      const bT = t([[5, 7], [6, 8]]);
      const run = (x: Tensor, y: Tensor, transA: boolean, transB: boolean) => values(apply(matmulSpec, [x, y], { transA, transB }));
      expect(await run(aT, b, true, false)).toEqual([19, 22, 43, 50]);
      expect(await run(a, bT, false, true)).toEqual([19, 22, 43, 50]);
      expect(await run(aT, bT, true, true)).toEqual([19, 22, 43, 50]);
      // Non-square: a stored [3, 2] used as [2, 3]; b stored [1, 3] used as [3, 1].
      const c = apply(matmulSpec, [t([[1, 4], [2, 5], [3, 6]]), t([[1, 0, -1]])], { transA: true, transB: true });
      expect(c.shape).toEqual([2, 1]);
      expect(await values(c)).toEqual([-2, -2]);
    });
  });

  it('gives zeros for an empty inner dim and an empty result for an empty outer dim', async () => {
    await scope(async () => {
      // A result first, so that the pool is likely to hand its (non-zero) buffer to the next one.
      scope(() => matmul(t([[1, 2, 3], [4, 5, 6]]), t([[1, 1, 1], [1, 1, 1], [1, 1, 1]])));
      const c = matmul(t([], [2, 0]), t([], [0, 3]));
      expect(c.shape).toEqual([2, 3]);
      expect(await values(c)).toEqual([0, 0, 0, 0, 0, 0]);
      const e = matmul(t([], [0, 4]), t(new Float32Array(8), [4, 2]));
      expect(e.shape).toEqual([0, 2]);
      expect(await values(e)).toEqual([]);
    });
  });

  it('has the gradients of sum(A·B) worked by hand', async () => {
    await scope(async () => {
      const a = t([[1, 2], [3, 4]], undefined, true);
      const b = t([[5, 6], [7, 8]], undefined, true);
      backward(sum(matmul(a, b)));
      // dA = 1·Bᵀ: each row holds B's row sums; dB = Aᵀ·1: each row holds A's column sums.
      expect(await values(a.grad!)).toEqual([11, 15, 11, 15]);
      expect(await values(b.grad!)).toEqual([4, 4, 6, 6]);
    });
  });

  it('sums gradients over broadcast batch dims', async () => {
    await scope(async () => {
      const a = t([[1, 2], [3, 4]], undefined, true);
      const b = t([1, 0, 0, 1, 2, 1, 0, 3], [2, 2, 2], true);
      backward(sum(matmul(a, b)));
      // dA[i][k] = Σ_batch Σ_j B[batch][k][j]: k = 0: (1 + 0) + (2 + 1), k = 1: (0 + 1) + (0 + 3).
      // dB[batch] = Aᵀ·1: each row holds A's column sums, as in the unbatched case.
      expect(await values(a.grad!)).toEqual([4, 4, 4, 4]);
      expect(await values(b.grad!)).toEqual([4, 4, 6, 6, 4, 4, 6, 6]);
    });
  });

  it('has the gradients of a dot product and of a shared weight', async () => {
    await scope(async () => {
      const x = t([1, 2, 3], undefined, true);
      const y = t([4, 5, 6], undefined, true);
      backward(matmul(x, y));
      expect(await values(x.grad!)).toEqual([4, 5, 6]);
      expect(await values(y.grad!)).toEqual([1, 2, 3]);

      // [2, 1, 2]·[2, 2] (a Linear layer on a batch): dW = Σ_batch xᵀ·1 = column-summed inputs.
      const input = t([1, 2, 3, 4], [2, 1, 2], true);
      const w = t([[1, -1], [2, 0]], undefined, true);
      backward(sum(matmul(input, w)));
      expect(await values(w.grad!)).toEqual([4, 4, 6, 6]);
      expect(await values(input.grad!)).toEqual([0, 2, 0, 2]);
    });
  });
});

it('splits a batch of more than 65,535 matrices into several dispatches', async () => {
  await scope(async () => {
    const n = 65_537;
    const a = new Float32Array(2 * n);
    const b = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      a.set([1, i % 7], 2 * i);
      b.set([(i % 5) - 2, 1], 2 * i);
    }
    // Each batch: [1, i mod 7]·[(i mod 5) − 2, 1]ᵀ, with b batched so that the batch stays on z.
    const c = await matmul(tensor(a, [n, 1, 2]), tensor(b, [n, 2, 1])).toArray();
    const expected = Array.from({ length: n }, (_, i) => (i % 5) - 2 + (i % 7));
    expect(Array.from(c)).toEqual(expected);
  });
});

describe('matmul errors', () => {
  const m = (...shape: number[]) => tensor(new Float32Array(shape.reduce((x, y) => x * y, 1)), shape);

  it('names the shapes as given when inner dims differ', () => {
    scope(() => {
      expect(() => matmul(m(2, 3), m(4, 5))).toThrow('matmul: input [2, 3] and other [4, 5] have mismatched inner dims (3 vs 4)');
      expect(() => matmul(m(3), m(4))).toThrow('matmul: input [3] and other [4] have mismatched inner dims (3 vs 4)');
      expect(() => matmul(m(2, 3), m(2))).toThrow('matmul: input [2, 3] and other [2] have mismatched inner dims (3 vs 2)');
    });
  });

  it('rejects 0-D operands, incompatible batch dims and non-tensors', () => {
    scope(() => {
      expect(() => matmul(m(), m(3))).toThrow(/^matmul: input must have at least 1 dim, got a 0-D tensor/);
      expect(() => matmul(m(3), m())).toThrow(/^matmul: other must have at least 1 dim, got a 0-D tensor/);
      expect(() => matmul(m(2, 3, 4), m(5, 4, 6))).toThrow('matmul: batch dims [2] of input [2, 3, 4] and [5] of other [5, 4, 6] cannot be broadcast together');
      expect(() => matmul(m(2, 2), [[1, 2]] as unknown as Tensor)).toThrow(/^matmul: other must be a Tensor/);
    });
  });
});
