// Grid helpers of src/ops/launch.ts on cases the generic tests cannot reach (buffers of the binding
// limit's size) or reach only indirectly (split-K ranges).
import { describe, expect, it } from 'vitest';
import { chunked, grid1d, MAX_GROUPS, vec4Grid } from '../../src/ops/launch.js';

/** Stand-ins: vec4Grid reads only the sizes. */
const buffers = (...sizes: number[]) => sizes.map((size) => ({ size }) as GPUBuffer);

describe('vec4Grid', () => {
  it('runs a thread per vec4, the last one partial', () => {
    expect(vec4Grid('relu', 10, buffers(48, 256))).toEqual(grid1d(3, 256));
    expect(vec4Grid('relu', 4 * 256 * MAX_GROUPS + 1, buffers(16 * (256 * MAX_GROUPS + 1)))).toEqual([MAX_GROUPS, 2]);
  });

  it('refuses a buffer without room for the last whole vec4, naming the op', () => {
    expect(() => vec4Grid('relu_backward', 10, buffers(48, 40))).toThrow(/^relu_backward: 10 elements are too many for its vec4 kernel: it needs buffers of 48 bytes/);
  });
});

describe('chunked', () => {
  it('cuts a range into about the wanted chunks, each a whole number of steps, the last short', () => {
    expect(chunked(530, 2, 8)).toEqual({ chunk: 272, chunks: 2 });
    expect(chunked(4608, 4)).toEqual({ chunk: 1152, chunks: 4 });
    expect(chunked(100, 3, 32)).toEqual({ chunk: 64, chunks: 2 });
  });

  it('gives one chunk when no split is wanted, and never a chunk of nothing', () => {
    expect(chunked(530, 1, 8)).toEqual({ chunk: 536, chunks: 1 });
    expect(chunked(530, 0)).toEqual({ chunk: 530, chunks: 1 });
    expect(chunked(0, 5)).toEqual({ chunk: 1, chunks: 1 });
  });
});
