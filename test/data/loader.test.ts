// DataLoader: batching, drop_last, seeded per-epoch shuffles, ToTensor scaling, tensors on the GPU.
import { describe, expect, it } from 'vitest';
import { randomHorizontalFlip } from '../../src/data/augment.js';
import { DataLoader } from '../../src/data/loader.js';
import { loadMnist } from '../../src/data/mnist.js';
import { manualSeed, runtime } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';
import { tinyDataset } from './tiny.js';

useGpu();

const tiny = tinyDataset(10); // pixel values ≤ 96, so every image is distinct after /255

const allIndices = (loader: DataLoader, epoch: number) => [...loader.hostBatches(epoch)].flatMap((b) => Array.from(b.indices));

describe('DataLoader on the host', () => {
  it('makes batches of [B, 1, H, W] pixels scaled by 1/255 and float labels', () => {
    const [first] = new DataLoader(tiny, { batchSize: 4 }).hostBatches();
    expect(first!.shape).toEqual([4, 1, 2, 3]);
    expect(Array.from(first!.indices)).toEqual([0, 1, 2, 3]);
    expect(Array.from(first!.y)).toEqual([0, 1, 2, 0]);
    expect(first!.x.length).toBe(24);
    expect(first!.x[6 + 2]).toBeCloseTo(12 / 255, 7); // image 1, pixel 2
  });

  it('keeps or drops the last partial batch', () => {
    const kept = new DataLoader(tiny, { batchSize: 4 });
    expect(kept.length).toBe(3);
    expect([...kept.hostBatches()].map((b) => b.shape[0])).toEqual([4, 4, 2]);
    const dropped = new DataLoader(tiny, { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect([...dropped.hostBatches()].map((b) => b.shape[0])).toEqual([4, 4]);
    expect(new DataLoader(tiny, { batchSize: 5, dropLast: true }).length).toBe(2);
  });

  it('visits every index exactly once per shuffled epoch', () => {
    const loader = new DataLoader(tinyDataset(100), { batchSize: 7, shuffle: true, seed: 1 });
    for (const epoch of [0, 1, 2]) expect(allIndices(loader, epoch).sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
  });

  it('repeats an epoch for a seed and changes order between epochs and seeds', () => {
    const a = new DataLoader(tinyDataset(100), { batchSize: 10, shuffle: true, seed: 42 });
    const b = new DataLoader(tinyDataset(100), { batchSize: 10, shuffle: true, seed: 42 });
    const c = new DataLoader(tinyDataset(100), { batchSize: 10, shuffle: true, seed: 43 });
    expect(allIndices(a, 3)).toEqual(allIndices(b, 3));
    expect(allIndices(a, 0)).not.toEqual(allIndices(a, 1));
    expect(allIndices(a, 0)).not.toEqual(allIndices(c, 0));
    expect(Array.from(a.order(5))).toEqual(allIndices(b, 5));
    expect(Array.from(new DataLoader(tiny, { batchSize: 3 }).order(7))).toEqual([...Array(10).keys()]);
  });

  it('draws its default seed from manualSeed', () => {
    manualSeed(777);
    const a = new DataLoader(tinyDataset(50), { batchSize: 5, shuffle: true });
    manualSeed(777);
    const b = new DataLoader(tinyDataset(50), { batchSize: 5, shuffle: true });
    expect(Array.from(a.order(0))).toEqual(Array.from(b.order(0)));
  });

  it('visits only the given indices', () => {
    const loader = new DataLoader(tiny, { batchSize: 2, indices: [9, 3, 5], shuffle: true, seed: 0 });
    expect(loader.length).toBe(2);
    expect(allIndices(loader, 0).sort()).toEqual([3, 5, 9]);
    const [batch] = new DataLoader(tiny, { batchSize: 2, indices: [9, 3] }).hostBatches();
    expect(Array.from(batch!.y)).toEqual([0, 0]);
    expect(batch!.x[0]).toBeCloseTo(90 / 255, 7);
  });

  it('applies the transform with a generator seeded per epoch', () => {
    const loader = new DataLoader(tinyDataset(64), { batchSize: 16, shuffle: true, seed: 5, transform: randomHorizontalFlip() });
    const pixels = (epoch: number) => [...loader.hostBatches(epoch)].flatMap((b) => Array.from(b.x));
    expect(pixels(2)).toEqual(pixels(2));
    expect(pixels(2)).not.toEqual(pixels(3));
  });

  it('rejects bad options', () => {
    expect(() => new DataLoader(tiny, { batchSize: 0 })).toThrow('DataLoader: batchSize must be a positive integer, got 0');
    expect(() => new DataLoader(tiny, { batchSize: 2.5 })).toThrow('batchSize must be a positive integer, got 2.5');
    expect(() => new DataLoader(tiny, { batchSize: 2, seed: NaN })).toThrow('seed must be a finite number, got NaN');
    expect(() => new DataLoader(tiny, { batchSize: 2, indices: [1, 10] })).toThrow('DataLoader: indices[1] = 10 is not an index of tiny (10 samples)');
    expect(() => new DataLoader(tiny, { batchSize: 2, indices: [-1] })).toThrow('indices[0] = -1 is not an index');
  });
});

describe('DataLoader on MNIST, as tensors', () => {
  const { train } = loadMnist();

  it('iterates 600 GPU batches of [100, 1, 28, 28] in [0, 1], a new order each epoch', async () => {
    const loader = new DataLoader(train, { batchSize: 100, shuffle: true, seed: 777, dropLast: true });
    expect(loader.length).toBe(600);
    const firsts: number[][] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      expect(loader.epoch).toBe(epoch);
      for (const { x, y, indices } of loader) {
        expect(x.shape).toEqual([100, 1, 28, 28]);
        expect(y.shape).toEqual([100]);
        expect(x.device).toBe('gpu');
        const [pixels, labels] = [await x.toArray(), await y.toArray()];
        expect(pixels.reduce((a, b) => Math.max(a, b))).toBe(1);
        expect(pixels.reduce((a, b) => Math.min(a, b))).toBe(0);
        expect(Array.from(labels)).toEqual(Array.from(indices, (i) => train.labels[i]!));
        expect(pixels[0]).toBeCloseTo(train.images[indices[0]! * 784]! / 255, 7);
        firsts.push(Array.from(indices));
        x.dispose();
        y.dispose();
        break;
      }
    }
    expect(loader.epoch).toBe(2);
    expect(firsts[0]).not.toEqual(firsts[1]);
  });

  it('makes CPU tensors when asked', async () => {
    const loader = new DataLoader(train, { batchSize: 32, device: 'cpu' });
    const { x, y } = loader.batches(0).next().value!;
    expect(x.device).toBe('cpu');
    expect(x.shape).toEqual([32, 1, 28, 28]);
    expect((await y.toArray())[0]).toBe(5);
  });
});

describe('DataLoader batches from a given batch on', () => {
  it.each([false, true])('continue an epoch with its own remaining batches, flips included (resident: %s)', async (resident) => {
    const data = tinyDataset(11);
    const options = { batchSize: 3, shuffle: true, seed: 9, transform: randomHorizontalFlip(), resident };
    const whole = [...new DataLoader(data, options).hostBatches(2)];
    const loader = new DataLoader(data, options);
    const rest: number[][] = [];
    for (const { x, indices } of loader.batches(2, 2)) {
      rest.push([...indices, ...(await x.toArray())]);
      x.dispose();
    }
    expect(rest).toEqual(whole.slice(2).map((h) => [...h.indices, ...h.x]));
    expect([...loader.batches(2, 4)]).toEqual([]);
    expect(() => loader.batches(2, 5).next()).toThrow(/first batch must be an integer from 0 to 4 \(batches per epoch\), got 5/);
    loader.dispose();
  });
});

describe('DataLoader with inPlace: true', () => {
  it.each([false, true])('puts every full batch into the same memory, with the host batches\' values (resident: %s)', async (resident) => {
    const data = tinyDataset(8);
    const options = { batchSize: 3, shuffle: true, seed: 5, transform: randomHorizontalFlip() };
    const host = [...new DataLoader(data, options).hostBatches(1)];
    const loader = new DataLoader(data, { ...options, resident, inPlace: true });
    const storages: unknown[] = [];
    let k = 0;
    for (const { x, y } of loader.batches(1)) {
      const h = host[k++]!;
      // Read before the next batch overwrites them.
      expect(Array.from(await x.toArray())).toEqual(Array.from(h.x));
      expect(Array.from(await y.toArray())).toEqual(Array.from(h.y));
      expect(Array.from(y.hostValues!)).toEqual(Array.from(h.y));
      storages.push(x.storage);
      x.dispose();
      y.dispose();
    }
    expect(k).toBe(3);
    // The two full batches share one memory; the short last one has its own.
    expect(storages[1]).toBe(storages[0]);
    expect(storages[2]).not.toBe(storages[0]);
    // The next epoch goes into the same memory again, and dispose frees it.
    const epoch2 = loader.batches(2);
    const { x, y } = epoch2.next().value!;
    expect(x.storage).toBe(storages[0]);
    x.dispose();
    y.dispose();
    epoch2.return(undefined);
    const live = runtime().memory().liveBuffers;
    loader.dispose();
    expect(runtime().memory().liveBuffers).toBeLessThan(live);
  });
});
