import { loadFashionMnist } from '../data/fashion-mnist.js';
import { loadMnist } from '../data/mnist.js';
import type { DatasetName } from './recipes.js';

/** The train and test sets of a data set by name: packaged offline, or official IDX files in dataDir. */
export function loadDataset(name: DatasetName, dataDir?: string) {
  return name === 'mnist' ? loadMnist({ dataDir }) : loadFashionMnist({ dataDir });
}
