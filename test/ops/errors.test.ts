// Argument checks shared by the ops, through the public functions that use them.
import { describe, expect, it } from 'vitest';
import { avgPool2d, conv2d, crossEntropy, maxPool2d, randn, scope, tensor } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';

useGpu();

describe('option names', () => {
  it('an op refuses an option it does not know, naming it and the ones it takes', () => {
    scope(() => {
      const x = randn([1, 1, 4, 4]);
      expect(() => conv2d(x, randn([1, 1, 3, 3]), null, { padd: 1 } as never)).toThrow(/^conv2d: unknown option padd \(the options are stride, padding, dilation, groups\)$/);
      expect(() => maxPool2d(x, { kernelSize: 2, strid: 1 } as never)).toThrow(/^max_pool2d: unknown option strid \(the options are kernelSize, stride, padding, dilation, ceilMode\)$/);
      expect(() => avgPool2d(x, { kernelSize: 2, ceil_mode: true, pad: 1 } as never)).toThrow(/^avg_pool2d: unknown options ceil_mode, pad /);
      expect(() => crossEntropy(randn([2, 3]), tensor([0, 1]), { label_smoothing: 0.1 } as never)).toThrow(/^cross_entropy: unknown option label_smoothing \(the options are reduction\)$/);
      // Known names pass.
      expect(maxPool2d(x, { kernelSize: 2, stride: 2 }).shape).toEqual([1, 1, 2, 2]);
    });
  });
});
