// CPU reference for data movement: permute and expand (broadcast), by explicit coordinates.
import type { CpuIo } from '../ops/spec.js';
import { increment, flatIndex } from './elementwise.js';

/** out[c] = x[c permuted back]: out's dim d is x's dim dims[d]. */
export function permuteReference(x: CpuIo, out: CpuIo, dims: readonly number[]): void {
  const coord = new Array<number>(out.shape.length).fill(0);
  const src = new Array<number>(out.shape.length);
  for (let i = 0; i < out.data.length; i++) {
    dims.forEach((from, d) => (src[from] = coord[d]));
    out.data[i] = x.data[flatIndex(x.shape, src)];
    increment(coord, out.shape);
  }
}

export function expandReference(x: CpuIo, out: CpuIo): void {
  const coord = new Array<number>(out.shape.length).fill(0);
  for (let i = 0; i < out.data.length; i++) {
    out.data[i] = x.data[flatIndex(x.shape, coord)];
    increment(coord, out.shape);
  }
}

export type ReduceKind = 'sum' | 'max' | 'argmax';

/** Reduces x over `dims` (sorted); out holds the kept dims in order (keepdim makes no difference to the data). */
export function reduceReference(x: CpuIo, out: CpuIo, dims: readonly number[], kind: ReduceKind, scale = 1): void {
  const reduced = new Set(dims);
  const acc = new Float64Array(out.data.length).fill(kind === 'sum' ? 0 : -Infinity);
  const best = new Float64Array(out.data.length);
  const count = new Float64Array(out.data.length);
  const coord = new Array<number>(x.shape.length).fill(0);
  for (let i = 0; i < x.data.length; i++) {
    let o = 0;
    x.shape.forEach((size, d) => {
      if (!reduced.has(d)) o = o * size + coord[d];
    });
    const v = x.data[i];
    if (kind === 'sum') acc[o] += v;
    else if (count[o] === 0 || (!Number.isNaN(acc[o]) && (v > acc[o] || Number.isNaN(v)))) {
      // Row-major order visits reduced positions in increasing flat index, so `>` keeps the first
      // on ties; the first NaN is kept, as PyTorch's max and argmax do.
      acc[o] = v;
      best[o] = count[o];
    }
    count[o]++;
    increment(coord, x.shape);
  }
  for (let o = 0; o < out.data.length; o++) out.data[o] = kind === 'argmax' ? best[o] : kind === 'sum' ? acc[o] * scale : acc[o];
}
