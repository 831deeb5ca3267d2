// A seeded train/validation split, like sklearn's train_test_split(test_size=f, random_state=seed):
// the indices are shuffled and the first ceil(f·count) of them are held out for validation.
import { mulberry32 } from '../tensor/random.js';
import { range, shuffleInPlace } from './shuffle.js';

export interface Split {
  train: Uint32Array;
  val: Uint32Array;
}

export function splitIndices(count: number, valFraction: number, seed: number): Split {
  if (!Number.isInteger(count) || count < 2) throw new Error(`splitIndices: count must be an integer ≥ 2, got ${count}`);
  if (!(valFraction > 0 && valFraction < 1)) throw new Error(`splitIndices: valFraction must be in (0, 1), got ${valFraction}`);
  if (!Number.isFinite(seed)) throw new Error(`splitIndices: seed must be a finite number, got ${seed}`);
  const nVal = Math.ceil(valFraction * count);
  if (nVal >= count) throw new Error(`splitIndices: valFraction ${valFraction} of ${count} leaves no training samples`);
  const order = shuffleInPlace(range(count), mulberry32(seed));
  return { train: order.slice(nVal), val: order.slice(0, nVal) };
}

/**
 * At most `limit` indices spread evenly over the list: data sets stored by class (Fashion-MNIST's
 * test set here) keep every class in a subset.
 */
export function evenSample(indices: number[], limit?: number): number[] {
  if (limit === undefined || limit >= indices.length) return indices;
  return Array.from({ length: limit }, (_, i) => indices[Math.floor((i * indices.length) / limit)]);
}
