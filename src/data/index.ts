// The data layer: IDX files, MNIST and Fashion-MNIST offline, loaders, splits, augmentation.
export { readIdx, parseIdx, encodeIdx, IdxError, type IdxArray, type IdxData, type IdxDtype } from './idx.js';
export { loadIdxDataset, datasetFromIdx, IDX_FILES, type Dataset, type DatasetPair, type IdxDirOptions } from './dataset.js';
export { loadMnist, mnistDataDir, MNIST_CLASSES } from './mnist.js';
export { loadFashionMnist, fashionMnistCacheDir, FASHION_MNIST_CLASSES, type FashionMnistOptions } from './fashion-mnist.js';
export { DataLoader, type Batch, type HostBatch, type BatchTransform, type LoaderOptions } from './loader.js';
export { splitIndices, type Split } from './split.js';
export { flipHorizontal, randomHorizontalFlip } from './augment.js';
