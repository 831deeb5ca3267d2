// Host-side augmentation on batches, as torchvision's RandomHorizontalFlip.
import type { BatchTransform, HostBatch } from './loader.js';

/** Mirrors sample `i` of a batch left to right, in place (every channel). */
export function flipHorizontal(batch: HostBatch, i: number): void {
  const [, channels, height, width] = batch.shape;
  const start = i * channels * height;
  for (let row = start; row < start + channels * height; row++) batch.x.subarray(row * width, (row + 1) * width).reverse();
}

/** A loader transform flipping each image with probability p, drawn from the loader's seeded rng. */
export function randomHorizontalFlip(p = 0.5): BatchTransform {
  if (!(p >= 0 && p <= 1)) throw new Error(`randomHorizontalFlip: p must be in [0, 1], got ${p}`);
  return (batch, rng) => {
    for (let i = 0; i < batch.shape[0]; i++) if (rng() < p) flipHorizontal(batch, i);
  };
}
