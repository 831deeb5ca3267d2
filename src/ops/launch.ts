// Helpers for launching kernels: grid sizes within WebGPU's 65,535-workgroups-per-dimension limit,
// and the second pass of split-K reductions.
import type { GpuRuntime } from '../gpu/runtime.js';
import { fail } from './errors.js';

export const MAX_GROUPS = 65535;

/**
 * Workgroups covering `n` invocations of a 1-D kernel with `wg` threads per group. Beyond 65,535
 * groups the grid wraps into y; shaders recover the index as `gid.x + gid.y * nwg.x * WG`.
 */
export function grid1d(n: number, wg: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / wg));
  return groups <= MAX_GROUPS ? [groups, 1] : [MAX_GROUPS, Math.ceil(groups / MAX_GROUPS)];
}

/**
 * The grid of a kernel taking a vec4 per thread over `n` elements (unary.wgsl): its last vec4 may
 * run into the buffers' padding. The pool makes every buffer whole vec4s except within 16 bytes
 * of the binding limit; such a buffer is refused rather than have its last elements clamped.
 */
export function vec4Grid(op: string, n: number, buffers: readonly GPUBuffer[]): [number, number] {
  const quads = Math.ceil(n / 4);
  if (buffers.some((b) => b.size < 16 * quads)) {
    fail(op, `${n} elements are too many for its vec4 kernel: it needs buffers of ${16 * quads} bytes, over this device's storage-buffer binding limit`);
  }
  return grid1d(quads, 256);
}

/**
 * Split-K ranges: `total` items cut into about `wanted` chunks (at least one) of a whole number of
 * `multiple` items each; the last chunk may be short. Shared by the kernels that sum partial
 * results with sumPartials.
 */
export function chunked(total: number, wanted: number, multiple = 1): { chunk: number; chunks: number } {
  const chunk = multiple * Math.max(1, Math.ceil(total / Math.max(1, wanted) / multiple));
  return { chunk, chunks: Math.max(1, Math.ceil(total / chunk)) };
}

/** Largest rank the strided kernels (broadcast, permute, reduce) index; their uniforms hold this many dims. */
export const MAX_RANK = 8;

/**
 * out[i] = Σ_s parts[s·total + i] for i < total (kernels/wgsl/sum_partials.wgsl), then gives the
 * temporary `parts` back to the pool: the second pass of a split-K kernel.
 */
export function sumPartials(rt: GpuRuntime, label: string, parts: GPUBuffer, out: GPUBuffer, total: number, splits: number): void {
  rt.dispatch({ kernel: 'sum_partials', label, params: (p) => p.u32(total, splits), buffers: [parts, out], workgroups: grid1d(total, 256) });
  rt.release(parts);
}
