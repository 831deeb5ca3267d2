// Batches of a Dataset, as torch.utils.data.DataLoader(dataset, batch_size, shuffle, drop_last)
// over ToTensor: images [B, 1, H, W] float32 scaled to [0, 1], labels [B] float32 class indices.
import { runtime } from '../gpu/context.js';
import { tensor, writeValues } from '../tensor/create.js';
import { mulberry32, nextSeed } from '../tensor/random.js';
import type { Device } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import type { FlipTransform } from './augment.js';
import { PIXEL_SCALE, type Dataset } from './dataset.js';
import { FLIP_BIT, ResidentDataset } from './resident.js';
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
  /**
   * Upload the dataset to the GPU once and gather each batch there (one dispatch, no transfer per
   * step); the same batches as the host path, bit for bit. Needs device 'gpu' and no transform
   * other than randomHorizontalFlip; call dispose() to free the GPU copy.
   */
  resident?: boolean;
  /**
   * Put every full batch into the same two tensors (each batch yields new handles on them, and the
   * next batch overwrites their values: a loop that keeps a batch must copy it). A captured step
   * (CapturedStep) then finds its inputs in place, with nothing to copy. Default false.
   */
  inPlace?: boolean;
}

export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  /** Batches per epoch. */
  readonly length: number;
  /** Images per epoch: all of them, or those of the full batches with dropLast. */
  readonly imageCount: number;
  /** The epoch the next for…of runs; each loop advances it, so every epoch has its own order. */
  epoch = 0;
  private readonly indices: Uint32Array;
  private readonly seed: number;
  private gpuCopy: ResidentDataset | null = null;
  /** The tensors full batches go into (options.inPlace), made by the first one. */
  private reused: { x: Tensor; y: Tensor } | null = null;

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
    if (options.resident) {
      if (options.device === 'cpu') throw new Error('DataLoader: resident keeps the dataset on the GPU; it cannot make CPU tensors');
      if (options.transform && !('flips' in options.transform)) throw new Error('DataLoader: resident batches are gathered on the GPU, where only randomHorizontalFlip can run; drop resident to use another transform');
    }
    this.batchSize = batchSize;
    this.indices = indices ? Uint32Array.from(indices) : range(dataset.count);
    this.seed = seed ?? nextSeed();
    const n = this.indices.length;
    this.length = options.dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
    this.imageCount = Math.min(n, this.length * batchSize);
  }

  /** The dataset indices in the order epoch `epoch` visits them. */
  order(epoch: number): Uint32Array {
    return this.plan(epoch).order;
  }

  /**
   * Epoch `epoch`'s batches on the host, without touching the GPU, from batch `from` on (the
   * batches before it are still drawn and transformed, so that the transform's random draws match).
   */
  *hostBatches(epoch = this.epoch, from = 0): Generator<HostBatch> {
    this.checkFrom(from);
    const { order, rng } = this.plan(epoch);
    for (let b = 0; b < this.length; b++) {
      const batch = this.hostBatch(order.subarray(b * this.batchSize, (b + 1) * this.batchSize));
      this.options.transform?.(batch, rng);
      if (b >= from) yield batch;
    }
  }

  /**
   * Epoch `epoch`'s batches as tensors on options.device, from batch `from` on: the same batches
   * as the rest of a whole epoch's, for a run that continues an epoch where it stopped.
   */
  *batches(epoch = this.epoch, from = 0): Generator<Batch> {
    this.checkFrom(from);
    if (this.options.resident) {
      yield* this.residentBatches(epoch, from);
      return;
    }
    const device = this.options.device ?? 'gpu';
    for (const h of this.hostBatches(epoch, from)) {
      const into = this.into(h.y.length);
      if (into) {
        writeValues(into.x, h.x);
        writeValues(into.y, h.y);
        yield { x: into.x.share(), y: into.y.share(), indices: h.indices };
      } else {
        yield this.keepFull({ x: tensor(h.x, h.shape, { device }), y: tensor(h.y, [h.y.length], { device }), indices: h.indices });
      }
    }
  }

  [Symbol.iterator](): Iterator<Batch> {
    return this.batches(this.epoch++);
  }

  /** Frees the dataset's GPU copy (resident loaders) and the in-place batch; a later epoch makes them again. */
  dispose(): void {
    this.gpuCopy?.dispose();
    this.gpuCopy = null;
    this.reused?.x.dispose();
    this.reused?.y.dispose();
    this.reused = null;
  }

  private checkFrom(from: number): void {
    if (!Number.isInteger(from) || from < 0 || from > this.length) throw new Error(`DataLoader: the first batch must be an integer from 0 to ${this.length} (batches per epoch), got ${from}`);
  }

  /** As batches(), gathered on the GPU: the epoch's order (flips in bit 31) goes up once. */
  private *residentBatches(epoch: number, from: number): Generator<Batch> {
    const { order, rng } = this.plan(epoch);
    const visited = order.slice(0, Math.min(order.length, this.length * this.batchSize));
    const flip = this.options.transform as FlipTransform | undefined;
    for (let start = 0; flip && start < visited.length; start += this.batchSize) {
      const count = Math.min(this.batchSize, visited.length - start);
      flip.flips(count, rng).forEach((f, i) => f && (visited[start + i] |= FLIP_BIT));
    }
    // A copy made before shutdown() and init() lives on a destroyed device: upload again.
    if (this.gpuCopy?.runtime !== runtime()) this.gpuCopy = new ResidentDataset(this.dataset);
    const gpuOrder = this.gpuCopy.uploadOrder(visited);
    try {
      for (let start = from * this.batchSize; start < visited.length; start += this.batchSize) {
        const indices = order.slice(start, Math.min(start + this.batchSize, visited.length));
        const labels = Float32Array.from(indices, (i) => this.dataset.labels[i]!);
        const into = this.into(indices.length);
        yield this.keepFull({ ...this.gpuCopy.gather(gpuOrder, start, indices.length, labels, into ?? undefined), indices });
      }
    } finally {
      this.gpuCopy?.release(gpuOrder);
    }
  }

  /** The in-place batch for a batch of `count` (inPlace, full batches, once the first has made it). */
  private into(count: number): { x: Tensor; y: Tensor } | null {
    const r = this.reused;
    // A batch made before shutdown() and init() lives on a destroyed device: make it again.
    if (r && r.x.storage.device === 'gpu' && r.x.storage.runtime !== runtime()) {
      r.x.dispose();
      r.y.dispose();
      this.reused = null;
      return null;
    }
    return r && count === this.batchSize ? r : null;
  }

  /** With inPlace, keeps the first full batch as the one later batches go into. */
  private keepFull(batch: Batch): Batch {
    if (this.options.inPlace && !this.reused && batch.y.size === this.batchSize) {
      this.reused = { x: batch.x.share({ untracked: true }), y: batch.y.share({ untracked: true }) };
    }
    return batch;
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
      for (let k = 0; k < pixels; k++) x[b * pixels + k] = PIXEL_SCALE[images[from + k]!]!;
      y[b] = labels[index]!;
    });
    return { x, y, indices: indices.slice(), shape: [indices.length, 1, height, width] };
  }
}
