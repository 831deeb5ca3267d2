import { expect } from 'vitest';

export interface Tolerance {
  /** Allowed error relative to each expected element. */
  rtol: number;
  /** Allowed absolute error, as a fraction of the largest expected magnitude (at least 1). */
  atol: number;
}

/**
 * Float32 GPU results against a float64 reference. Sums of K float32 terms carry up to about
 * K·2^-24 relative error (K ≤ a few hundred in the samples: ≤ 3e-5), and WGSL's exp/log/pow may be
 * a few ULP off; indexing or rule bugs give errors of order one. 1e-4 leaves a 3× margin over the
 * first and is 10^4 below the second.
 */
export const FLOAT32: Tolerance = { rtol: 1e-4, atol: 1e-5 };

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) if (Number.isFinite(expected[i])) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Object.is(a, e) || (Number.isNaN(e) && Number.isNaN(a))) continue;
    // Non-finite values must match exactly; finite ones within the tolerance.
    const allowed = tol.atol * scale + tol.rtol * Math.abs(e);
    const excess = !Number.isFinite(a) || !Number.isFinite(e) ? Infinity : Math.abs(a - e) - allowed;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    expect.fail(`${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (beyond tolerance by ${worstExcess.toExponential(2)}, scale ${scale.toPrecision(3)})`);
  }
}
