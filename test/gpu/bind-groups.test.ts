import { describe, expect, it } from 'vitest';
import { Adam, crossEntropy, manualSeed, randn, runtime, scope, tensor } from '../../src/index.js';
import { BindGroupCache } from '../../src/gpu/bind-groups.js';
import { presets } from '../../src/models/presets.js';
import { useGpu } from '../support/gpu.js';

useGpu();

describe('bind group cache', () => {
  it('gives the same group for the same op and buffers, another for other buffers or another op', () => {
    const rt = runtime();
    const uniforms = rt.device.createBuffer({ size: 1024, usage: GPUBufferUsage.UNIFORM });
    const cache = new BindGroupCache(rt.device, uniforms, 3);
    const { layout } = rt.pipelines.get('unary', { OP: 0 });
    const [a, b, c] = [0, 1, 2].map(() => rt.acquire(64, 'test'));
    const ab = cache.get('relu', layout, [a, b]);
    expect(cache.get('relu', layout, [a, b])).toBe(ab);
    expect(cache.get('relu', layout, [b, a])).not.toBe(ab);
    expect(cache.get('exp', layout, [a, b])).not.toBe(ab);
    expect([cache.hits, cache.misses, cache.size]).toEqual([1, 3, 3]);
    // Full: the least recently used group goes first.
    cache.get('relu', layout, [a, b]);
    cache.get('relu', layout, [a, c]);
    expect(cache.size).toBe(3);
    expect(cache.get('relu', layout, [a, b])).toBe(ab);
    expect(cache.misses).toBe(4);
    cache.get('relu', layout, [b, a]); // evicted by [a, c]
    expect(cache.misses).toBe(5);
    for (const buffer of [a, b, c]) rt.release(buffer);
    uniforms.destroy();
  });

  it('a training step reuses every bind group once the buffer pool has settled', async () => {
    manualSeed(1);
    const model = presets.cnn();
    const opt = new Adam(model.parameters());
    const x = randn([4, 1, 28, 28]);
    const y = tensor([0, 1, 2, 3]);
    const step = () =>
      scope(() => {
        const loss = crossEntropy(model.forward(x), y);
        opt.zeroGrad();
        loss.backward();
        opt.step();
      });
    const cache = runtime().bindGroups;
    // The pool's free lists settle into a cycle after a few steps (5 for this model).
    for (let i = 0; i < 6; i++) step();
    await runtime().sync();
    const misses = cache.misses;
    const hits = cache.hits;
    step();
    step();
    await runtime().sync();
    expect(cache.misses).toBe(misses);
    expect(cache.hits - hits).toBeGreaterThan(40);
    opt.dispose();
    model.dispose();
    x.dispose();
    y.dispose();
  });
});
