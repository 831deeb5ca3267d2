import { describe, expect, it } from 'vitest';
import { add, keep, scope, tensor, type Tensor } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';
import { liveBuffers } from '../support/op-check.js';

useGpu();

describe('scope', () => {
  it('disposes temporaries and keeps what the block returns', async () => {
    scope(() => add(tensor([0]), 1)); // caches the constant 1
    const before = liveBuffers();
    const kept = scope(() => {
      const a = tensor([1, 2]);
      const b = add(a, a);
      return { result: add(b, 1) };
    });
    expect(liveBuffers()).toBe(before + 1);
    expect(Array.from(await kept.result.toArray())).toEqual([3, 5]);
    kept.result.dispose();
    expect(liveBuffers()).toBe(before);
  });

  it('hands returned tensors to the enclosing scope', () => {
    let inner: Tensor | null = null;
    scope(() => {
      inner = scope(() => tensor([1]));
      expect(inner.isDisposed).toBe(false);
    });
    expect(inner!.isDisposed).toBe(true);
  });

  it('keep() lets a tensor outlive every scope', () => {
    const t = scope(() => {
      keep(tensor([1]));
      return null;
    });
    expect(t).toBeNull();
    let held: Tensor | null = null;
    scope(() => {
      held = keep(tensor([2]));
    });
    expect(held!.isDisposed).toBe(false);
    held!.dispose();
  });

  it('works with async blocks', async () => {
    const before = liveBuffers();
    const v = await scope(async () => {
      const a = tensor([4]);
      return (await add(a, 1).toArray())[0];
    });
    expect(v).toBe(5);
    expect(liveBuffers()).toBe(before);
  });

  it('disposes on throw, and dispose is idempotent', () => {
    const before = liveBuffers();
    expect(() =>
      scope(() => {
        tensor([1, 2, 3]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(liveBuffers()).toBe(before);
    const t = tensor([1]);
    t.dispose();
    t.dispose();
    expect(() => add(t, 1)).toThrow(/add: input of shape \[1\] was used after dispose\(\)/);
  });
});
