// The bundled MNIST is the official set: its counts, label histograms and first labels.
import { describe, expect, it } from 'vitest';
import { loadMnist, MNIST_CLASSES } from '../../src/data/mnist.js';

const histogram = (labels: Uint8Array) => {
  const counts = new Array<number>(10).fill(0);
  for (const l of labels) counts[l]!++;
  return counts;
};

describe('MNIST', () => {
  const { train, test } = loadMnist();

  it('has 60,000 training and 10,000 test images of 28×28', () => {
    expect(train).toMatchObject({ name: 'mnist/train', count: 60000, height: 28, width: 28, classNames: MNIST_CLASSES });
    expect(test).toMatchObject({ name: 'mnist/test', count: 10000, height: 28, width: 28 });
    expect(train.images.length).toBe(60000 * 784);
    expect(test.labels.length).toBe(10000);
    expect(MNIST_CLASSES).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('has the official label counts per digit', () => {
    expect(histogram(train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(histogram(test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('starts with the official first labels (5 and 7)', () => {
    expect(train.labels[0]).toBe(5);
    expect(test.labels[0]).toBe(7);
  });

  it('uses the full pixel range', () => {
    expect(Math.max(...test.images.subarray(0, 784))).toBe(255);
    expect(Math.min(...test.images.subarray(0, 784))).toBe(0);
  });

  it('reports a dataDir without the files', () => {
    expect(() => loadMnist({ dataDir: '/nonexistent' })).toThrow(/mnist: IDX files not found in \/nonexistent; looked for:\n {2}\/nonexistent\/train-images-idx3-ubyte or/);
  });
});
