// Number operands become cached one-element constants; the cache must tell apart values that
// compare equal but compute differently.
import { describe, expect, it } from 'vitest';
import { div, scope, tensor } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';

useGpu();

describe('scalar constants', () => {
  it('keep −0 apart from +0 (Map keys do not): 1 / −0 is −Infinity', async () => {
    await scope(async () => {
      const one = tensor([1]);
      expect(Array.from(await div(one, 0).toArray())).toEqual([Infinity]);
      expect(Array.from(await div(one, -0).toArray())).toEqual([-Infinity]);
      expect(Array.from(await div(one, 0).toArray())).toEqual([Infinity]);
    });
  });
});
