// Fashion-MNIST from the bundled JSON: the documented balanced split, the cache, and dataDir.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDX_FILES } from '../../src/data/dataset.js';
import { FASHION_MNIST_CLASSES, fashionMnistCacheDir, loadFashionMnist } from '../../src/data/fashion-mnist.js';

const histogram = (labels: Uint8Array) => {
  const counts = new Array<number>(10).fill(0);
  for (const l of labels) counts[l]!++;
  return counts;
};

// toEqual walks typed arrays key by key, far too slow for 47 MB; compare the bytes instead.
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

const FILES = [IDX_FILES.train.images, IDX_FILES.train.labels, IDX_FILES.test.images, IDX_FILES.test.labels];

describe('Fashion-MNIST', () => {
  const { train, test } = loadFashionMnist();

  it('splits 60,000 / 10,000, balanced by class', () => {
    expect(train).toMatchObject({ name: 'fashion-mnist/train', count: 60000, height: 28, width: 28, classNames: FASHION_MNIST_CLASSES });
    expect(test).toMatchObject({ name: 'fashion-mnist/test', count: 10000, height: 28, width: 28 });
    expect(train.images.length).toBe(60000 * 784);
    expect(test.images.length).toBe(10000 * 784);
    expect(histogram(train.labels)).toEqual(new Array(10).fill(6000));
    expect(histogram(test.labels)).toEqual(new Array(10).fill(1000));
    expect(FASHION_MNIST_CLASSES).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
  });

  it('takes the first 1,000 images of each class file as test and skips the empty separators', () => {
    const json = join(dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json')), 'src', 'clothes', '0.json');
    const data = (JSON.parse(readFileSync(json, 'utf8')) as { data: number[][] }).data;
    expect(data[1000]).toEqual([]);
    expect(Array.from(test.images.subarray(0, 784))).toEqual(data[0]);
    expect(Array.from(test.images.subarray(999 * 784, 1000 * 784))).toEqual(data[999]);
    expect(Array.from(train.images.subarray(0, 784))).toEqual(data[1001]);
    expect(Array.from(train.images.subarray(5999 * 784, 6000 * 784))).toEqual(data[7000]);
  });

  it('caches the converted data as IDX files', () => {
    for (const f of FILES) expect(existsSync(join(fashionMnistCacheDir(), f))).toBe(true);
    expect(fashionMnistCacheDir()).toMatch(/node_modules[/\\]\.cache[/\\]webgpu-tensor[/\\]fashion-mnist$/);
  });

  it('rebuilds a corrupt cache', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'fashion-cache-'));
    try {
      for (const f of FILES) copyFileSync(join(fashionMnistCacheDir(), f), join(cacheDir, f));
      const path = join(cacheDir, IDX_FILES.train.images);
      truncateSync(path, 1000);
      const rebuilt = loadFashionMnist({ cacheDir });
      expect(same(rebuilt.train.images, train.images)).toBe(true);
      expect(same(rebuilt.test.labels, test.labels)).toBe(true);
      expect(readFileSync(path).length).toBe(16 + 60000 * 784);
    } finally {
      rmSync(cacheDir, { recursive: true });
    }
  });

  it('reads official IDX files from dataDir', () => {
    const fromDir = loadFashionMnist({ dataDir: fashionMnistCacheDir() });
    expect(same(fromDir.test.images, test.images)).toBe(true);
    expect(() => loadFashionMnist({ dataDir: '/nonexistent' })).toThrow('fashion-mnist: IDX files not found in /nonexistent');
  });
});
