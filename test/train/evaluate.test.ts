import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { runtime } from '../../src/gpu/context.js';
import { mlp } from '../../src/models/presets.js';
import { manualSeed } from '../../src/tensor/random.js';
import { evaluate } from '../../src/train/evaluate.js';
import { useGpu } from '../support/gpu.js';

useGpu();

/** 47 random 28×28 images of 10 classes: 10 batches of 5, the last one short. */
function randomImages(): Dataset {
  const count = 47;
  let s = 1;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) % 256;
  return {
    name: 'random',
    images: Uint8Array.from({ length: count * 28 * 28 }, next),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    count,
    height: 28,
    width: 28,
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
  };
}

describe('evaluate', () => {
  it('reports progress as the GPU finishes batches, after recording them all, and ends with done = total', async () => {
    manualSeed(1);
    const model = mlp();
    const data = randomImages();
    const indices = Array.from({ length: data.count }, (_, i) => i);
    const rt = runtime();
    const fence = rt.fence.bind(rt);
    const finished: boolean[] = [];
    let recorded = 0;
    const forward = model.forward.bind(model);
    model.forward = (x) => (recorded++, forward(x));
    const calls: { done: number; total: number; recorded: number; fenceDone: boolean }[] = [];
    rt.fence = () => {
      const k = finished.push(false) - 1;
      return fence().then(() => void (finished[k] = true));
    };
    try {
      const withProgress = await evaluate(model, data, indices, 5, (done, total) => calls.push({ done, total, recorded, fenceDone: finished[calls.length] }));
      expect(calls.map((c) => c.done)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 47]);
      expect(calls.every((c) => c.total === 47 && c.fenceDone)).toBe(true);
      // Nothing waited for a fence while recording: the first report comes after the last batch.
      expect(calls[0].recorded).toBe(10);
      const fences = finished.length;
      const without = await evaluate(model, data, indices, 5);
      // Callers without a callback submit no extra work, and get the same numbers.
      expect(finished.length).toBe(fences);
      expect(without).toEqual(withProgress);
    } finally {
      rt.fence = fence;
      model.dispose();
    }
  });
});
