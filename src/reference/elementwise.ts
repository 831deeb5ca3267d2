// CPU reference for elementwise ops: plain loops over explicit coordinates, written apart from the
// WGSL so that a shader bug shows up as a disagreement.
import type { CpuIo } from '../ops/spec.js';
import { sizeOf } from '../tensor/shape.js';

/** out[i] = f(a[i'], b[i'']) where i', i'' are i's coordinates clamped to 0 along broadcast dims. */
export function binaryReference(f: (x: number, y: number) => number, a: CpuIo, b: CpuIo, out: CpuIo): void {
  const rank = out.shape.length;
  const coord = new Array<number>(rank).fill(0);
  const n = sizeOf(out.shape);
  for (let i = 0; i < n; i++) {
    out.data[i] = f(a.data[flatIndex(a.shape, coord)], b.data[flatIndex(b.shape, coord)]);
    increment(coord, out.shape);
  }
}

export function unaryReference(f: (x: number) => number, x: CpuIo, out: CpuIo): void {
  for (let i = 0; i < out.data.length; i++) out.data[i] = f(x.data[i]);
}

/** Row-major index into `shape` of the trailing coordinates of `coord`, with size-1 dims read at 0. */
export function flatIndex(shape: readonly number[], coord: readonly number[]): number {
  const offset = coord.length - shape.length;
  let index = 0;
  for (let d = 0; d < shape.length; d++) index = index * shape[d] + (shape[d] === 1 ? 0 : coord[d + offset]);
  return index;
}

/** Advances a row-major coordinate by one. */
export function increment(coord: number[], shape: readonly number[]): void {
  for (let d = shape.length - 1; d >= 0; d--) {
    if (++coord[d] < shape[d]) return;
    coord[d] = 0;
  }
}

export const binaryFunctions = {
  add: (x: number, y: number) => x + y,
  sub: (x: number, y: number) => x - y,
  mul: (x: number, y: number) => x * y,
  div: (x: number, y: number) => x / y,
  pow: (x: number, y: number) => Math.pow(x, y),
  eq: (x: number, y: number) => (x === y ? 1 : 0),
  gt: (x: number, y: number) => (x > y ? 1 : 0),
  lt: (x: number, y: number) => (x < y ? 1 : 0),
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Forward functions of the unary ops; `alpha` is leaky_relu's slope or elu's alpha. */
export const unaryFunctions = {
  neg: (x: number) => -x,
  exp: (x: number) => Math.exp(x),
  log: (x: number) => Math.log(x),
  sqrt: (x: number) => Math.sqrt(x),
  relu: (x: number) => (x > 0 || Number.isNaN(x) ? x : 0),
  leaky_relu: (x: number, alpha: number) => (x > 0 ? x : alpha * x),
  elu: (x: number, alpha: number) => (x > 0 ? x : alpha * (Math.exp(x) - 1)),
  sigmoid,
  tanh: (x: number) => Math.tanh(x),
};

/** Derivatives d(op)/dx at x, from the textbook formulas (not from the forward's output). */
export const unaryDerivatives: Record<keyof typeof unaryFunctions, (x: number, alpha: number) => number> = {
  neg: () => -1,
  exp: (x) => Math.exp(x),
  log: (x) => 1 / x,
  sqrt: (x) => 0.5 / Math.sqrt(x),
  relu: (x) => (x > 0 ? 1 : 0),
  leaky_relu: (x, alpha) => (x > 0 ? 1 : alpha),
  elu: (x, alpha) => (x > 0 ? 1 : alpha * Math.exp(x)),
  sigmoid: (x) => sigmoid(x) * (1 - sigmoid(x)),
  tanh: (x) => 1 - Math.tanh(x) ** 2,
};
