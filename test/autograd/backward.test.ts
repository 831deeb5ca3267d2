import { describe, expect, it } from 'vitest';
import { add, exp, mul, noGrad, relu, scope, sum, tensor, type Tensor } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';
import { liveBuffers } from '../support/op-check.js';

useGpu();

const values = async (t: Tensor | null) => Array.from(await t!.toArray());

describe('backward', () => {
  it('gives a tensor used twice both gradients: d(x·x)/dx = 2x', async () => {
    await scope(async () => {
      const x = tensor([1, -2, 3], undefined, { requiresGrad: true });
      sum(mul(x, x)).backward();
      expect(await values(x.grad)).toEqual([2, -4, 6]);
    });
  });

  it('sums gradients along every path: y = relu(x) + exp(x)', async () => {
    await scope(async () => {
      const x = tensor([-1, 0.5], undefined, { requiresGrad: true });
      sum(add(relu(x), exp(x))).backward();
      const g = await values(x.grad);
      expect(g[0]).toBeCloseTo(Math.exp(-1), 6);
      expect(g[1]).toBeCloseTo(1 + Math.exp(0.5), 6);
    });
  });

  it('accumulates into .grad across backward calls, as PyTorch', async () => {
    await scope(async () => {
      const x = tensor([2, 3], undefined, { requiresGrad: true });
      sum(mul(x, 3)).backward();
      sum(mul(x, 3)).backward();
      expect(await values(x.grad)).toEqual([6, 6]);
    });
  });

  it('backward on a leaf sets its gradient to ones', async () => {
    await scope(async () => {
      const x = tensor([5], undefined, { requiresGrad: true });
      x.backward();
      expect(await values(x.grad)).toEqual([1]);
    });
  });

  it('records nothing under noGrad, and detach cuts the graph', () => {
    scope(() => {
      const x = tensor([1, 2], undefined, { requiresGrad: true });
      expect(noGrad(() => mul(x, 2)).requiresGrad).toBe(false);
      expect(mul(x.detach(), 2).requiresGrad).toBe(false);
      expect(mul(x, 2).requiresGrad).toBe(true);
    });
  });

  it('refuses an async function in noGrad, whose ops after an await would record, but not a read it returns', async () => {
    expect(() => noGrad(async () => undefined)).toThrow(/^noGrad: the function must not be async/);
    scope(() => expect(mul(tensor([1, 2], undefined, { requiresGrad: true }), 2).requiresGrad).toBe(true));
    await scope(async () => {
      const x = tensor([1, -2, 3], undefined, { requiresGrad: true });
      expect(Array.from(await noGrad(() => relu(x).toArray()))).toEqual([1, 0, 3]);
    });
  });

  it('names backward when the given gradient was disposed', () => {
    scope(() => {
      const x = tensor([1, 2], undefined, { requiresGrad: true });
      const g = tensor([1, 1]);
      g.dispose();
      expect(() => mul(x, 2).backward(g)).toThrow(/^backward: gradient of shape \[2\] was used after dispose\(\)/);
    });
  });

  it('refuses to imply the gradient of a non-scalar output', () => {
    scope(() => {
      const x = tensor([1, 2], undefined, { requiresGrad: true });
      expect(() => mul(x, 2).backward()).toThrow(/backward: a gradient can be implied only for a one-element output, got shape \[2\]/);
    });
  });

  it('refuses a second backward through a freed graph', () => {
    scope(() => {
      const x = tensor([1, 2], undefined, { requiresGrad: true });
      const y = sum(mul(x, 2));
      y.backward();
      expect(() => y.backward()).toThrow(/its graph was freed/);
    });
  });

  it('releases what each node saved once backward has run, and leaks nothing', () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const before = liveBuffers();
    scope(() => {
      const squared = mul(x, x);
      const loss = sum(exp(squared));
      loss.backward();
      expect(loss.node!.released).toBe(true);
      expect(squared.node!.released).toBe(true);
    });
    // Only x.grad is new: every saved input and intermediate went back to the pool.
    expect(liveBuffers()).toBe(before + 1);
    x.dispose();
    expect(liveBuffers()).toBe(before - 1);
  });

  it('handles graphs deeper than the JS stack would allow recursively', async () => {
    await scope(async () => {
      const x = tensor([1], undefined, { requiresGrad: true });
      let y: Tensor = x;
      for (let i = 0; i < 3000; i++) y = add(y, 1e-4);
      y.backward();
      expect(await values(x.grad)).toEqual([1]);
    });
  });
});
