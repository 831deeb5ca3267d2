// An image classification dataset held on the host as bytes, and loading one from a directory of
// IDX files named as the official MNIST ones (so the official Fashion-MNIST files work as they are).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IdxError, readIdx, type IdxArray } from './idx.js';

export interface Dataset {
  name: string;
  /** count·height·width pixels, 0–255, row-major. */
  images: Uint8Array;
  /** count class indices. */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  classNames: readonly string[];
}

/** ToTensor's x / 255 for every byte value: batches are built by table lookups, on the host or the GPU. */
export const PIXEL_SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

export interface DatasetPair {
  train: Dataset;
  test: Dataset;
}

export interface IdxDirOptions {
  /** A directory of IDX files named as the official ones, raw or .gz, used instead of the bundled data. */
  dataDir?: string;
}

export const IDX_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/** Image sizes a data set must have: MNIST's and Fashion-MNIST's, which the tutorials' models take. */
export const MNIST_SIZE = { height: 28, width: 28 } as const;

/**
 * Checks that parsed IDX images [N, H, W] and labels [N] (both uint8) make a dataset of at least
 * one image, of `size` when given.
 */
export function datasetFromIdx(name: string, images: IdxArray, labels: IdxArray, classNames: readonly string[], sources = { images: 'images', labels: 'labels' }, size?: { height: number; width: number }): Dataset {
  const expect = (a: IdxArray, rank: number, source: string) => {
    if (a.dtype !== 'uint8') throw new IdxError(`${source}: expected uint8 data (type 0x08), the file holds ${a.dtype}`);
    if (a.dims.length !== rank) throw new IdxError(`${source}: expected ${rank} dims, the file has ${a.dims.length} ([${a.dims.join(', ')}])`);
  };
  expect(images, 3, sources.images);
  expect(labels, 1, sources.labels);
  const [count, height, width] = images.dims as [number, number, number];
  if (count === 0) throw new IdxError(`${sources.images}: holds no images`);
  if (size && (height !== size.height || width !== size.width)) {
    throw new IdxError(`${sources.images}: images are ${height}×${width}; ${name} images are ${size.height}×${size.width}, which the models take`);
  }
  if (labels.dims[0] !== count) throw new IdxError(`${sources.labels}: ${labels.dims[0]} labels for the ${count} images of ${sources.images}`);
  const bad = (labels.data as Uint8Array).findIndex((l) => l >= classNames.length);
  if (bad >= 0) throw new IdxError(`${sources.labels}: label ${labels.data[bad]} at index ${bad} is not one of the ${classNames.length} classes`);
  return { name, images: images.data as Uint8Array, labels: labels.data as Uint8Array, count, height, width, classNames };
}

/** Loads train and test from `dir` (train-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz], …). */
export function loadIdxDataset(dir: string, name: string, classNames: readonly string[], size?: { height: number; width: number }): DatasetPair {
  const missing: string[] = [];
  const find = (file: string) => {
    const candidates = [join(dir, file), join(dir, `${file}.gz`)];
    const found = candidates.find((p) => existsSync(p));
    if (!found) missing.push(candidates.join(' or '));
    return found ?? '';
  };
  const paths = {
    train: { images: find(IDX_FILES.train.images), labels: find(IDX_FILES.train.labels) },
    test: { images: find(IDX_FILES.test.images), labels: find(IDX_FILES.test.labels) },
  };
  if (missing.length) throw new Error(`${name}: IDX files not found in ${dir}; looked for:\n  ${missing.join('\n  ')}`);
  const load = (split: 'train' | 'test') => {
    const sources = paths[split];
    return datasetFromIdx(`${name}/${split}`, readIdx(sources.images), readIdx(sources.labels), classNames, sources, size);
  };
  return { train: load('train'), test: load('test') };
}
