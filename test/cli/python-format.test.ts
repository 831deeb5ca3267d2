import { describe, expect, it } from 'vitest';
import { formatSignificant } from '../../src/cli/python-format.js';

describe('formatSignificant', () => {
  it("prints as Python's format(x, '.9')", () => {
    // Expected strings from CPython 3: '{:.9}'.format(x).
    const cases: [number, string][] = [
      [0.224723116, '0.224723116'], // seed 000's epoch 1 cost
      [0.00582572352, '0.00582572352'], // its epoch 15 cost, nine digits after the zeros
      [0.5, '0.5'],
      [1, '1.0'],
      [2.30258509299, '2.30258509'],
      [12345678, '12345678.0'],
      [123456789, '1.23456789e+08'],
      [1234567890, '1.23456789e+09'],
      [0.0001, '0.0001'],
      [0.000015, '1.5e-05'],
      [0.00001, '1e-05'],
      [1e9, '1e+09'],
      [0, '0.0'],
      [-0.0123, '-0.0123'],
      [NaN, 'nan'],
      [Infinity, 'inf'],
    ];
    for (const [x, printed] of cases) expect(formatSignificant(x, 9), String(x)).toBe(printed);
  });
});
