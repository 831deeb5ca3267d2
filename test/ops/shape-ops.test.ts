// view, reshape, expand and permute take sizes or dims as PyTorch does: as arguments or one array.
import { describe, expect, it } from 'vitest';
import { expand, OpError, permute, reshape, scope, sum, tensor, view, type Tensor } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';

useGpu();

const arange = (n: number, shape: number[]) => tensor(Float32Array.from({ length: n }, (_, i) => i), shape);

describe('view and reshape arguments', () => {
  it('take sizes as arguments or as one array, inferring a -1', async () => {
    await scope(async () => {
      const x = arange(24, [2, 3, 4]);
      expect(x.view(-1).shape).toEqual([24]);
      expect(x.view(2, -1).shape).toEqual([2, 12]);
      expect(x.view([2, -1]).shape).toEqual([2, 12]);
      expect(x.view([4, 3, 2] as const).shape).toEqual([4, 3, 2]);
      expect(x.reshape(-1, 4).shape).toEqual([6, 4]);
      expect(x.reshape([3, 8]).shape).toEqual([3, 8]);
      expect(reshape(x, -1, 2).shape).toEqual([12, 2]);
      expect(view(x, 4, 6).shape).toEqual([4, 6]);
      expect(view(x, [1, -1, 1]).shape).toEqual([1, 24, 1]);
      expect(tensor([5]).view([]).shape).toEqual([]);
      expect(Array.from(await x.view(2, -1).toArray())).toEqual(Array.from(await x.toArray()));
    });
  });

  it('name the op and the bad size, and say how to give a shape', () => {
    scope(() => {
      const x = arange(24, [2, 3, 4]);
      const how = (op: string) => `; give sizes, as ${op}\\(2, -1\\), or one array, as ${op}\\(\\[2, -1\\]\\)$`;
      const bad = (op: string, index: number, got: string) => new RegExp(`^${op}: shape\\[${index}\\] must be an integer ≥ 0 \\(or -1 to infer it\\), got ${got}${how(op)}`);
      expect(() => x.view(2.5, -1)).toThrow(bad('view', 0, '2\\.5'));
      expect(() => x.view(2, NaN)).toThrow(bad('view', 1, 'NaN'));
      expect(() => x.reshape(-2, -12)).toThrow(bad('reshape', 0, '-2'));
      // What JavaScript callers (or casts) can pass.
      const untyped = (op: typeof view) => op as (x: Tensor, ...shape: unknown[]) => Tensor;
      expect(() => untyped(reshape)(x, [2], [12])).toThrow(bad('reshape', 0, '\\[2\\]'));
      expect(() => untyped(view)(x, '24')).toThrow(bad('view', 0, "'24'"));
      expect(() => untyped(view)(x, [[2, 12]])).toThrow(bad('view', 0, '\\[2, 12\\]'));
      expect(() => untyped(view)(x)).toThrow(new RegExp(`^view: shape is missing${how('view')}`));
      expect(() => x.view(2.5)).toThrow(OpError);
      // Sizes that do not fit the input name the function called too.
      expect(() => x.view(5, -1)).toThrow(/^view: shape \[5, -1\] is invalid for input of shape \[2, 3, 4\]/);
      expect(() => x.view(-1, -1)).toThrow(/^view: only one dimension can be -1/);
      const gone = arange(2, [2]);
      gone.dispose();
      expect(() => gone.view(1, 2)).toThrow(/^view: input of shape \[2\] was used after dispose\(\)/);
      expect(() => x.reshape(5, 5)).toThrow(/^reshape: shape \[5, 5\] is invalid for input of shape \[2, 3, 4\] \(24 elements\)/);
    });
  });

  it('expand and permute take arguments or one array; expand keeps a dim given as -1', async () => {
    await scope(async () => {
      const x = arange(6, [2, 3]);
      expect(x.permute(1, 0).shape).toEqual([3, 2]);
      expect(permute(x, [1, 0]).shape).toEqual([3, 2]);
      expect(Array.from(await x.permute(1, 0).toArray())).toEqual([0, 3, 1, 4, 2, 5]);
      const col = arange(2, [2, 1]);
      expect(col.expand(2, 3).shape).toEqual([2, 3]);
      expect(expand(col, [4, -1, 5]).shape).toEqual([4, 2, 5]);
      expect(Array.from(await col.expand(-1, 3).toArray())).toEqual([0, 0, 0, 1, 1, 1]);
      expect(() => col.expand(-1, 2, 3)).toThrow(/^expand: -1 is not allowed for the new leading dim 0 of \[-1, 2, 3\] \(input of shape \[2, 1\]\)/);
      expect(() => col.expand(2, -2)).toThrow(/^expand: shape\[1\] must be an integer ≥ 0 \(or -1 to keep its size\), got -2/);
      expect(() => (permute as (x: Tensor, ...d: unknown[]) => Tensor)(x)).toThrow(/^permute: dims is missing; give dims, as permute\(1, 0\)/);
      expect(() => (permute as (x: Tensor, ...d: unknown[]) => Tensor)(x, '1', '0')).toThrow(/^permute: dim must be an integer, got '1'/);
      expect(() => (sum as (x: Tensor, d: unknown) => Tensor)(x, '1')).toThrow(/^sum: dim must be a number or an array of numbers, got '1'/);
    });
  });
});
