// Resident loaders gather batches on the GPU (kernels/wgsl/gather_batch.wgsl); the host loader is
// their reference: every batch must match it bit for bit, flips included.
import { describe, expect, it } from 'vitest';
import { randomHorizontalFlip } from '../../src/data/augment.js';
import { DataLoader, type LoaderOptions } from '../../src/data/loader.js';
import { loadMnist } from '../../src/data/mnist.js';
import type { Dataset } from '../../src/data/dataset.js';
import { init, runtime, shutdown } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';
import { tinyDataset } from './tiny.js';

useGpu();

/** Every batch of an epoch from a resident loader equals the host batch, bit for bit. */
async function expectSameAsHost(data: Dataset, options: LoaderOptions, epoch: number): Promise<number> {
  const host = [...new DataLoader(data, options).hostBatches(epoch)];
  const loader = new DataLoader(data, { ...options, resident: true });
  let k = 0;
  try {
    for (const { x, y, indices } of loader.batches(epoch)) {
      const h = host[k++]!;
      expect(x.shape).toEqual(h.shape);
      expect(Array.from(indices)).toEqual(Array.from(h.indices));
      expect(Buffer.from((await x.toArray()).buffer).equals(Buffer.from(h.x.buffer))).toBe(true);
      expect(Array.from(await y.toArray())).toEqual(Array.from(h.y));
      expect(Array.from(y.hostValues!)).toEqual(Array.from(h.y));
      x.dispose();
      y.dispose();
    }
  } finally {
    loader.dispose();
  }
  expect(k).toBe(host.length);
  return k;
}

describe('DataLoader with resident: true', () => {
  it('gathers the host batches, with shuffles, flips and a partial last batch', async () => {
    // 7 images of 2×3: 42 image bytes and 7 label bytes, neither a whole number of words.
    const data = tinyDataset(7);
    for (const epoch of [0, 1]) {
      expect(await expectSameAsHost(data, { batchSize: 3, shuffle: true, seed: 4, transform: randomHorizontalFlip() }, epoch)).toBe(3);
    }
    expect(await expectSameAsHost(data, { batchSize: 7, transform: randomHorizontalFlip(1) }, 0)).toBe(1);
    expect(await expectSameAsHost(data, { batchSize: 2, dropLast: true, indices: [6, 0, 5, 2, 3] }, 0)).toBe(2);
  });

  it('gathers MNIST images anywhere in the 47 MB training set', async () => {
    const { train } = loadMnist();
    const indices = [59_999, 0, 31_415, 59_998, 12, 45_000, 7];
    expect(await expectSameAsHost(train, { batchSize: 4, shuffle: true, seed: 9, indices, transform: randomHorizontalFlip() }, 0)).toBe(2);
  });

  it('frees its GPU copy on dispose, and on an early break frees the epoch order', () => {
    const rt = runtime();
    const before = rt.memory().liveBytes;
    const loader = new DataLoader(tinyDataset(10), { batchSize: 4, resident: true });
    for (const { x, y } of loader) {
      x.dispose();
      y.dispose();
      break;
    }
    expect(rt.memory().liveBytes).toBeGreaterThan(before);
    loader.dispose();
    expect(rt.memory().liveBytes).toBe(before);
  });

  it('uploads again after shutdown() and init()', async () => {
    const loader = new DataLoader(tinyDataset(4), { batchSize: 4, resident: true });
    const first = async () => {
      const { x, y } = loader.batches(0).next().value!;
      const values = await x.toArray();
      x.dispose();
      y.dispose();
      return values;
    };
    const before = await first();
    shutdown();
    await init();
    expect(await first()).toEqual(before);
    loader.dispose();
  });

  it('refuses what it cannot gather on the GPU', () => {
    const tiny = tinyDataset(4);
    expect(() => new DataLoader(tiny, { batchSize: 2, resident: true, device: 'cpu' })).toThrow(/^DataLoader: resident keeps the dataset on the GPU/);
    expect(() => new DataLoader(tiny, { batchSize: 2, resident: true, transform: () => undefined })).toThrow(/only randomHorizontalFlip can run/);
  });
});
