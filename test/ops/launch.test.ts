// Grid helpers of src/ops/launch.ts that the generic tests cannot reach: they need buffers of the
// binding limit's size.
import { describe, expect, it } from 'vitest';
import { grid1d, MAX_GROUPS, vec4Grid } from '../../src/ops/launch.js';

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
