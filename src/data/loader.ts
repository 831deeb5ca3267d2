// Batches of a Dataset, as torch.utils.data.DataLoader(dataset, batch_size, shuffle, drop_last)
// over ToTensor: images [B, 1, H, W] float32 scaled to [0, 1], labels [B] float32 class indices.
import { tensor } from '../tensor/create.js';
import { mulberry32, nextSeed } from '../tensor/random.js';
import type { Device } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Dataset } from './dataset.js';
import { range, shuffleInPlace } from './shuffle.js';

/** A batch on the host, before it becomes tensors. */
export interface HostBatch {
  /** B·1·H·W pixels in [0, 1]. */
  x: Float32Array;
  /** B class indices. */
  y: Float32Array;
  /** The dataset index of each sample. */
  indices: Uint32Array;
  shape: [number, number, number, number];
}

/** A batch as tensors; the caller disposes x and y (or runs the step in a scope()). */
export interface Batch {
  x: Tensor;
  y: Tensor;
  indices: Uint32Array;
}

/** Changes a host batch in place (augmentation); `rng` is the loader's, seeded per epoch. */
export type BatchTransform = (batch: HostBatch, rng: () => number) => void;

export interface LoaderOptions {
  batchSize: number;
  /** Reshuffle every epoch (default false, as torch). */
  shuffle?: boolean;
  /** Default: drawn from the global generator, so manualSeed() makes runs repeatable. */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Visit only these dataset indices (e.g. one side of splitIndices). */
  indices?: ArrayLike<number>;
  transform?: BatchTransform;
  /** Where batch tensors are made (default 'gpu'). */
  device?: Device;
}

// ToTensor's x / 255 for every byte value, so a batch is built by table lookups.
const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  /** Batches per epoch. */
  readonly length: number;
  /** The epoch the next for…of runs; each loop advances it, so every epoch has its own order. */
  epoch = 0;
  private readonly indices: Uint32Array;
  private readonly seed: number;

  constructor(
    readonly dataset: Dataset,
    private readonly options: LoaderOptions,
  ) {
    const { batchSize, seed, indices } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (seed !== undefined && !Number.isFinite(seed)) throw new Error(`DataLoader: seed must be a finite number, got ${seed}`);
    if (indices) {
      const bad = Array.prototype.findIndex.call(indices, (i: number) => !Number.isInteger(i) || i < 0 || i >= dataset.count);
      if (bad >= 0) throw new Error(`DataLoader: indices[${bad}] = ${indices[bad]} is not an index of ${dataset.name} (${dataset.count} samples)`);
    }
    this.batchSize = batchSize;
    this.indices = indices ? Uint32Array.from(indices) : range(dataset.count);
    this.seed = seed ?? nextSeed();
    const n = this.indices.length;
    this.length = options.dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  }

  /** The dataset indices in the order epoch `epoch` visits them. */
  order(epoch: number): Uint32Array {
    return this.plan(epoch).order;
  }

  /** Epoch `epoch`'s batches on the host, without touching the GPU. */
  *hostBatches(epoch = this.epoch): Generator<HostBatch> {
    const { order, rng } = this.plan(epoch);
    for (let b = 0; b < this.length; b++) {
      const batch = this.hostBatch(order.subarray(b * this.batchSize, (b + 1) * this.batchSize));
      this.options.transform?.(batch, rng);
      yield batch;
    }
  }

  /** Epoch `epoch`'s batches as tensors on options.device. */
  *batches(epoch = this.epoch): Generator<Batch> {
    const device = this.options.device ?? 'gpu';
    for (const h of this.hostBatches(epoch)) {
      yield { x: tensor(h.x, h.shape, { device }), y: tensor(h.y, [h.y.length], { device }), indices: h.indices };
    }
  }

  [Symbol.iterator](): Iterator<Batch> {
    return this.batches(this.epoch++);
  }

  // One generator per epoch: the shuffle draws from it first, then the transform.
  private plan(epoch: number): { order: Uint32Array; rng: () => number } {
    const rng = mulberry32(this.seed + epoch);
    return { order: this.options.shuffle ? shuffleInPlace(this.indices.slice(), rng) : this.indices, rng };
  }

  private hostBatch(indices: Uint32Array): HostBatch {
    const { images, labels, height, width } = this.dataset;
    const pixels = height * width;
    const x = new Float32Array(indices.length * pixels);
    const y = new Float32Array(indices.length);
    indices.forEach((index, b) => {
      const from = index * pixels;
      for (let k = 0; k < pixels; k++) x[b * pixels + k] = SCALE[images[from + k]!]!;
      y[b] = labels[index]!;
    });
    return { x, y, indices: indices.slice(), shape: [indices.length, 1, height, width] };
  }
}
