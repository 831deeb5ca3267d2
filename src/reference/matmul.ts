// CPU reference for matmul: a plain triple loop per batch, with the batch dims broadcast by explicit
// coordinates, written apart from matmul.wgsl so that a kernel bug shows up as a disagreement.
import type { CpuIo } from '../ops/spec.js';
import { sizeOf } from '../tensor/shape.js';
import { flatIndex, increment } from './elementwise.js';

/** out = op(a) · op(b) per batch, op(x) being x with its last two dims swapped when its flag is set. */
export function matmulReference(a: CpuIo, b: CpuIo, out: CpuIo, transA: boolean, transB: boolean): void {
  const rank = out.shape.length;
  const [m, n] = [out.shape[rank - 2], out.shape[rank - 1]];
  const [aRows, aCols] = a.shape.slice(-2);
  const [bRows, bCols] = b.shape.slice(-2);
  const k = transA ? aRows : aCols;
  const at = (base: number, i: number, p: number) => a.data[base + (transA ? p * aCols + i : i * aCols + p)];
  const bt = (base: number, p: number, j: number) => b.data[base + (transB ? j * bCols + p : p * bCols + j)];

  const batchShape = out.shape.slice(0, -2);
  const coord = new Array<number>(batchShape.length).fill(0);
  for (let batch = 0; batch < sizeOf(batchShape); batch++) {
    const baseA = flatIndex(a.shape.slice(0, -2), coord) * aRows * aCols;
    const baseB = flatIndex(b.shape.slice(0, -2), coord) * bRows * bCols;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let total = 0;
        for (let p = 0; p < k; p++) total += at(baseA, i, p) * bt(baseB, p, j);
        out.data[(batch * m + i) * n + j] = total;
      }
    }
    increment(coord, batchShape);
  }
}
