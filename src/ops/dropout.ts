// dropout(x, p, training): zeroes each element with probability p and scales the rest by
// 1/(1 − p). Kernel: kernels/wgsl/dropout.wgsl. The seed travels in params, so a given call is
// deterministic: the GPU kernel and the CPU reference draw the same mask, and the generic gradient
// checks can rerun it.
import { dropoutKeeps } from '../reference/softmax.js';
import { nextSeed } from '../tensor/random.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { mul } from './binary.js';
import { checkNumber, fail } from './errors.js';
import { grid1d, MAX_RANK } from './launch.js';
import { reshape } from './shape-ops.js';
import type { KernelSpec } from './spec.js';

interface Params {
  p: number;
  /** u32 seed of the mask's hash. */
  seed: number;
}

/** Elements whose 24-bit hash falls below this are dropped: P(drop) = threshold / 2^24 ≈ p. */
const thresholdOf = (p: number): number => Math.round(p * 2 ** 24);
/** p = 1 drops everything; 0 avoids an infinite scale multiplying the (all-zero) mask. */
const scaleOf = (p: number): number => (p === 1 ? 0 : 1 / (1 - p));

export const dropoutSpec: KernelSpec<Params> = {
  kind: 'kernel',
  name: 'dropout',
  inputs: ['input'],
  shape([x], { p }) {
    checkNumber('dropout', 'p', p, { min: 0, max: 1 });
    // Backward multiplies by the mask through the broadcasting ops, which index at most MAX_RANK dims.
    if (x.length > MAX_RANK) fail('dropout', `at most ${MAX_RANK} dims are supported, got ${formatShape(x)}`);
    return x;
  },
  aux: ([x]) => [x],
  gpu(rt, [x], [out, mask], params) {
    const n = sizeOf(x.shape);
    const { p } = params;
    rt.dispatch({
      kernel: 'dropout',
      label: 'dropout',
      // Reads the seed at each (re)play: a replayed step draws a fresh mask, as a new call would.
      params: (w) => w.u32(n, params.seed, thresholdOf(p)).f32(scaleOf(p)),
      buffers: [x.buffer, out.buffer, mask.buffer],
      workgroups: grid1d(n, 256),
    });
    rt.onReplay(() => {
      params.seed = nextSeed();
    });
  },
  cpu([x], [out, mask], { p, seed }) {
    const threshold = thresholdOf(p);
    for (let i = 0; i < out.data.length; i++) {
      mask.data[i] = dropoutKeeps(seed, i, threshold) ? scaleOf(p) : 0;
      // Multiplies by the mask as stored (float32 in float32 storage), as the GPU does.
      out.data[i] = x.data[i] * mask.data[i];
    }
  },
  backward: (ctx, g) => [mul(g, ctx.aux[0])],
  samples: [
    { note: 'p = 0.5', inputs: [[6, 9]], params: { p: 0.5, seed: 12345 } },
    { note: 'p = 0.3, batch 1, rank 4', inputs: [[1, 3, 5, 5]], params: { p: 0.3, seed: 0xdeadbeef } },
    { note: 'p = 1 drops everything', inputs: [[4, 5]], params: { p: 1, seed: 7 } },
  ],
  invalid: [
    { inputs: [[2, 3]], params: { p: 1.5, seed: 0 }, error: /^dropout: p must be a finite number ≥ 0 and ≤ 1, got 1.5/ },
    { inputs: [[2, 3]], params: { p: -0.1, seed: 0 }, error: /^dropout: p must be a finite number ≥ 0 and ≤ 1, got -0.1/ },
  ],
};

/**
 * PyTorch's dropout(input, p=0.5, training=True). Identity (a view sharing x's memory) when not
 * training or p = 0; otherwise each call draws a fresh seed from the global generator (manualSeed).
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  checkNumber('dropout', 'p', p, { min: 0, max: 1 });
  if (!training || p === 0) return reshape(x, x.shape);
  return apply(dropoutSpec, [x], { p, seed: nextSeed() });
}
