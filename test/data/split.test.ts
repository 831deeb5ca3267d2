// splitIndices: sizes as train_test_split(test_size=f), a partition, repeatable for a seed.
import { describe, expect, it } from 'vitest';
import { evenSample, splitIndices } from '../../src/data/split.js';

describe('splitIndices', () => {
  it('holds out ceil(f·count) for validation, the Keras tutorial’s 48,000 / 12,000', () => {
    const { train, val } = splitIndices(60000, 0.2, 42);
    expect([train.length, val.length]).toEqual([48000, 12000]);
    expect(splitIndices(10, 0.25, 0).val.length).toBe(3);
  });

  it('partitions the indices', () => {
    const { train, val } = splitIndices(1000, 0.3, 7);
    expect([...train, ...val].sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
  });

  it('is repeatable for a seed and differs between seeds', () => {
    expect(splitIndices(500, 0.2, 42)).toEqual(splitIndices(500, 0.2, 42));
    expect(splitIndices(500, 0.2, 42).val).not.toEqual(splitIndices(500, 0.2, 43).val);
  });

  it('rejects bad arguments', () => {
    expect(() => splitIndices(10, 0, 1)).toThrow('splitIndices: valFraction must be in (0, 1), got 0');
    expect(() => splitIndices(10, 1, 1)).toThrow('valFraction must be in (0, 1), got 1');
    expect(() => splitIndices(1, 0.5, 1)).toThrow('splitIndices: count must be an integer ≥ 2, got 1');
    expect(() => splitIndices(2, 0.9, 1)).toThrow('splitIndices: valFraction 0.9 of 2 leaves no training samples');
    expect(() => splitIndices(10, 0.5, Infinity)).toThrow('seed must be a finite number, got Infinity');
  });

  it('subsets keep every class of a split stored by class', () => {
    const byClass = Array.from({ length: 100 }, (_, i) => i); // 10 classes of 10, in order
    expect(new Set(evenSample(byClass, 10).map((i) => Math.floor(i / 10))).size).toBe(10);
    expect(evenSample(byClass, 500)).toBe(byClass);
  });
});
