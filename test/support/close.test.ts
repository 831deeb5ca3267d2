// expectClose is what every numeric test trusts, so it must be able to fail: non-finite expected
// values are matched exactly and kept out of the scale of the absolute tolerance (one Infinity
// there would allow any error everywhere).
import { describe, expect, it } from 'vitest';
import { expectClose, FLOAT32 } from './close.js';

describe('expectClose', () => {
  it('passes within the tolerance and on matching non-finite values', () => {
    expectClose([1.00001, Infinity, -Infinity, Number.NaN], [1, Infinity, -Infinity, Number.NaN], FLOAT32, 'x');
  });

  it('fails on a finite element off by more than the tolerance next to an infinite one', () => {
    expect(() => expectClose([Infinity, 100, -5], [Infinity, 1, 2], FLOAT32, 'x')).toThrow(/element 1 is 100, expected 1/);
  });

  it('computes the absolute tolerance from finite expected values only', () => {
    // With Infinity left out the scale is 1, so an error of 1e-3 at 0 is far over atol = 1e-5.
    expect(() => expectClose([Infinity, 1e-3], [Infinity, 0], FLOAT32, 'x')).toThrow(/element 1/);
  });

  it('fails on a non-finite value where another is expected', () => {
    expect(() => expectClose([-Infinity], [Infinity], FLOAT32, 'x')).toThrow(/element 0/);
    expect(() => expectClose([Infinity], [3e38], FLOAT32, 'x')).toThrow(/element 0/);
    expect(() => expectClose([Number.NaN], [1], FLOAT32, 'x')).toThrow(/element 0/);
    expect(() => expectClose([1], [Number.NaN], FLOAT32, 'x')).toThrow(/element 0/);
  });
});
