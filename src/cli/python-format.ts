// Numbers printed as the tutorials' Python prints them.

/**
 * Python's `format(x, '.9')` (the tutorials' `'{:>.9}'.format(avg_cost)`) for `digits` = 9: that
 * many significant digits, trailing zeros dropped but one digit kept after the point, and
 * exponent notation below 1e-4 or from 10^(digits − 1) up: 0.224723116, 0.00582572352, 1.5e-05.
 * One difference: a value exactly halfway in binary (0.5009765625) rounds up here, to even in Python.
 */
export function formatSignificant(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponent] = x.toExponential(digits - 1).split('e');
  const exp = Number(exponent);
  if (exp < -4 || exp >= digits - 1) {
    return `${dropTrailingZeros(mantissa).replace(/\.$/, '')}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  // At least one decimal here (exp < digits - 1).
  return dropTrailingZeros(x.toFixed(digits - 1 - exp)).replace(/\.$/, '.0');
}

const dropTrailingZeros = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '') : s);
