// Host-side augmentation on batches, as torchvision's RandomHorizontalFlip.
import type { BatchTransform, HostBatch } from './loader.js';

/** Mirrors sample `i` of a batch left to right, in place (every channel). */
export function flipHorizontal(batch: HostBatch, i: number): void {
  const [, channels, height, width] = batch.shape;
  const start = i * channels * height;
  for (let row = start; row < start + channels * height; row++) batch.x.subarray(row * width, (row + 1) * width).reverse();
}

/** A transform that only mirrors images: a loader keeping its dataset on the GPU applies it there. */
export interface FlipTransform extends BatchTransform {
  /** Which of `count` images to mirror, drawn from `rng` exactly as the transform draws them. */
  flips(count: number, rng: () => number): Uint8Array;
}

/** A loader transform flipping each image with probability p, drawn from the loader's seeded rng. */
export function randomHorizontalFlip(p = 0.5): FlipTransform {
  if (!(p >= 0 && p <= 1)) throw new Error(`randomHorizontalFlip: p must be in [0, 1], got ${p}`);
  const flips = (count: number, rng: () => number) => Uint8Array.from({ length: count }, () => (rng() < p ? 1 : 0));
  const transform: BatchTransform = (batch, rng) => flips(batch.shape[0], rng).forEach((flip, i) => flip && flipHorizontal(batch, i));
  return Object.assign(transform, { flips });
}
