// Random horizontal flip: exact on a known image, p honoured, repeatable for a seed.
import { describe, expect, it } from 'vitest';
import { flipHorizontal, randomHorizontalFlip } from '../../src/data/augment.js';
import type { HostBatch } from '../../src/data/loader.js';
import { mulberry32 } from '../../src/tensor/random.js';

/** `count` images of 2×3 holding 0..5 (+ 10 per image). */
const batch = (count: number): HostBatch => ({
  x: Float32Array.from({ length: count * 6 }, (_, j) => 10 * Math.floor(j / 6) + (j % 6)),
  y: new Float32Array(count),
  indices: new Uint32Array(count),
  shape: [count, 1, 2, 3],
});
const flipped = (b: HostBatch) => Array.from({ length: b.shape[0] }, (_, i) => b.x[6 * i]! % 10 === 2);

describe('horizontal flip', () => {
  it('mirrors each row of one image and leaves the others', () => {
    const b = batch(3);
    flipHorizontal(b, 1);
    expect(Array.from(b.x)).toEqual([0, 1, 2, 3, 4, 5, 12, 11, 10, 15, 14, 13, 20, 21, 22, 23, 24, 25]);
  });

  it('flips with p = 1 always, p = 0 never', () => {
    const all = batch(5);
    randomHorizontalFlip(1)(all, mulberry32(0));
    expect(flipped(all)).toEqual(new Array(5).fill(true));
    const none = batch(5);
    randomHorizontalFlip(0)(none, mulberry32(0));
    expect(flipped(none)).toEqual(new Array(5).fill(false));
  });

  it('flips about half at p = 0.5, the same ones for the same seed', () => {
    const a = batch(1000);
    const b = batch(1000);
    randomHorizontalFlip()(a, mulberry32(9));
    randomHorizontalFlip()(b, mulberry32(9));
    expect(flipped(a)).toEqual(flipped(b));
    const count = flipped(a).filter(Boolean).length;
    expect(count).toBeGreaterThan(430); // 500 ± 4.4σ
    expect(count).toBeLessThan(570);
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => randomHorizontalFlip(1.5)).toThrow('randomHorizontalFlip: p must be in [0, 1], got 1.5');
  });
});
