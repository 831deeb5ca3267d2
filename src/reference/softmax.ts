// CPU reference for softmax, log_softmax, cross-entropy and the dropout mask: plain loops in the
// input's precision (float64 for gradient checks), written apart from the WGSL.
import type { CpuIo } from '../ops/spec.js';

/** A tensor viewed as [outer, size, inner] around one dim. */
export interface Rows {
  outer: number;
  size: number;
  inner: number;
}

export function rowsAround(shape: readonly number[], dim: number): Rows {
  const prod = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  return { outer: prod(shape.slice(0, dim)), size: shape[dim] ?? 1, inner: prod(shape.slice(dim + 1)) };
}

/** softmax (or log_softmax when `log`) along the middle axis of [outer, size, inner]. */
export function softmaxReference(x: CpuIo, out: CpuIo, { outer, size, inner }: Rows, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * size + k) * inner + i;
      let max = -Infinity;
      for (let k = 0; k < size; k++) max = Math.max(max, x.data[at(k)]);
      let total = 0;
      for (let k = 0; k < size; k++) total += Math.exp(x.data[at(k)] - max);
      for (let k = 0; k < size; k++) {
        const shifted = x.data[at(k)] - max;
        out.data[at(k)] = log ? shifted - Math.log(total) : Math.exp(shifted) / total;
      }
    }
  }
}

/** log(sum(exp(row))) of one row of logits, with the max factored out. */
function logSumExp(logits: CpuIo, n: number, classes: number): number {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, logits.data[n * classes + c]);
  let total = 0;
  for (let c = 0; c < classes; c++) total += Math.exp(logits.data[n * classes + c] - max);
  return max + Math.log(total);
}

/**
 * Per-sample losses lse[n] − logits[n, target[n]] into `losses` ([N] for 'none', else summed times
 * `scale` into one element), and each row's log-sum-exp into `lse` for backward. A label outside
 * [0, C) or not an integer gives NaN (values known on the host are rejected before this runs).
 */
export function crossEntropyReference(logits: CpuIo, target: CpuIo, out: CpuIo, lse: CpuIo, perSample: boolean, scale: number): void {
  const [n, classes] = logits.shape;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const t = target.data[i];
    lse.data[i] = logSumExp(logits, i, classes);
    const loss = Number.isInteger(t) && t >= 0 && t < classes ? lse.data[i] - logits.data[i * classes + t] : NaN;
    if (perSample) out.data[i] = loss;
    else total += loss;
  }
  if (!perSample) out.data[0] = total * scale;
}

/** d/dlogits = (softmax − onehot(target)) · g[n] (perSample) or · g·scale. */
export function crossEntropyBackwardReference(logits: CpuIo, target: CpuIo, lse: CpuIo, grad: CpuIo, out: CpuIo, perSample: boolean, scale: number): void {
  const [n, classes] = logits.shape;
  for (let i = 0; i < n; i++) {
    const g = perSample ? grad.data[i] : grad.data[0] * scale;
    for (let c = 0; c < classes; c++) {
      const k = i * classes + c;
      out.data[k] = (Math.exp(logits.data[k] - lse.data[i]) - (c === target.data[i] ? 1 : 0)) * g;
    }
  }
}

/** The PCG hash of Jarzynski & Olano, "Hash Functions for GPU Rendering" (2020), in 32-bit integer math. */
function pcgHash(v: number): number {
  const state = (Math.imul(v, 747796405) + 2891336453) >>> 0;
  const word = Math.imul((state >>> ((state >>> 28) + 4)) ^ state, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/**
 * Dropout's mask for element `index`: kept when the top 24 bits of hash(index + hash(seed)) are at
 * least `threshold` (= round(p·2^24)), comparing integers so that the GPU makes the same choice.
 */
export function dropoutKeeps(seed: number, index: number, threshold: number): boolean {
  return pcgHash((index + pcgHash(seed)) >>> 0) >>> 8 >= threshold;
}
