import type { Dataset } from '../../src/data/dataset.js';

/** `count` images of 2×3 whose pixels encode (image, position): pixel k of image i is 10·i + k. */
export function tinyDataset(count: number): Dataset {
  const images = new Uint8Array(count * 6);
  images.forEach((_, j) => (images[j] = 10 * Math.floor(j / 6) + (j % 6)));
  return {
    name: 'tiny',
    images,
    labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
    count,
    height: 2,
    width: 3,
    classNames: ['a', 'b', 'c'],
  };
}
