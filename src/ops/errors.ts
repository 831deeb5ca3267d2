// Argument checks that every op uses, so that bad input fails early with a message naming the op,
// the argument and the shapes, never as a wrong result or a late WebGPU validation error.
import { formatShape, type Shape } from '../tensor/shape.js';

export class OpError extends Error {
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'OpError';
  }
}

export function fail(op: string, message: string): never {
  throw new OpError(op, message);
}

export function checkRank(op: string, arg: string, shape: Shape, rank: number, layout?: string): void {
  if (shape.length !== rank) {
    fail(op, `${arg} must be ${rank}-D${layout ? ` ${layout}` : ''}, got shape ${formatShape(shape)}`);
  }
}

/** A finite integer ≥ min (sizes, strides, kernel sizes…). */
export function checkInt(op: string, arg: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    fail(op, `${arg} must be an integer ≥ ${min}, got ${value}`);
  }
}

/** A finite number, optionally within [min, max] (or [min, max) when maxExclusive). */
export function checkNumber(
  op: string,
  arg: string,
  value: number,
  range: { min?: number; max?: number; maxExclusive?: boolean } = {},
): void {
  const { min = -Infinity, max = Infinity, maxExclusive = false } = range;
  const above = maxExclusive ? value >= max : value > max;
  if (!Number.isFinite(value) || value < min || above) {
    const bounds = `${Number.isFinite(min) ? `≥ ${min}` : ''}${Number.isFinite(min) && Number.isFinite(max) ? ' and ' : ''}${Number.isFinite(max) ? `${maxExclusive ? '<' : '≤'} ${max}` : ''}`;
    fail(op, `${arg} must be a finite number${bounds ? ` ${bounds}` : ''}, got ${value}`);
  }
}

/**
 * Rejects option names the op does not know, as Python rejects an unknown keyword argument: a
 * typo or another framework's name (`padd`, `label_smoothing`) would otherwise be ignored.
 */
export function checkOptionNames(op: string, options: object, names: readonly string[]): void {
  if (typeof options !== 'object' || options === null) fail(op, `options must be an object, got ${String(options)}`);
  const unknown = Object.keys(options).filter((k) => !names.includes(k));
  if (unknown.length > 0) fail(op, `unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (the options are ${names.join(', ')})`);
}

/** A bad argument as messages show it (callers from JavaScript may pass anything): '1', [2, 3], NaN. */
export function formatArg(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}

/** Normalises a possibly negative dimension index against a rank, PyTorch style. */
export function normalizeDim(op: string, arg: string, dim: number, rank: number): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim)) fail(op, `${arg} must be an integer, got ${formatArg(dim)}`);
  if (dim < -r || dim >= r) {
    fail(op, `${arg} ${dim} is out of range for a tensor of rank ${rank} (expected in [${-r}, ${r - 1}])`);
  }
  return dim < 0 ? dim + r : dim;
}

/** Expands an int-or-pair argument (PyTorch's `_pair`). */
export function pair(op: string, arg: string, value: number | readonly [number, number], min: number): [number, number] {
  if (typeof value !== 'number' && !(Array.isArray(value) && value.length === 2)) {
    fail(op, `${arg} must be a number or a pair, got ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`);
  }
  const p: [number, number] = typeof value === 'number' ? [value, value] : [value[0], value[1]];
  checkInt(op, `${arg}[0]`, p[0], min);
  checkInt(op, `${arg}[1]`, p[1], min);
  return p;
}
