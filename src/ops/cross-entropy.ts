// cross_entropy(logits [N, C], target [N]) with PyTorch's reductions. Kernels:
// kernels/wgsl/cross_entropy.wgsl (per-sample loss by a stable log-sum-exp, reduced in the same
// pass; saves each row's log-sum-exp) and cross_entropy_backward.wgsl (softmax − onehot, fused).
import { crossEntropyBackwardReference, crossEntropyReference } from '../reference/softmax.js';
import { tensor } from '../tensor/create.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { checkOptionNames, checkRank, fail } from './errors.js';
import { grid1d } from './launch.js';
import type { KernelSpec, SampleInput } from './spec.js';

export type Reduction = 'mean' | 'sum' | 'none';

interface Params {
  reduction: Reduction;
}

const REDUCTIONS: readonly string[] = ['mean', 'sum', 'none'];
const WG = 64;

/** The per-sample gradient factor for 'mean' (1/N) and 'sum' (1); 'none' uses grad[n] instead. */
const scaleOf = (reduction: Reduction, n: number): number => (reduction === 'mean' ? 1 / n : 1);

/** Class indices in [0, classes), not differentiated. */
const labels = (n: number, classes: number): SampleInput => ({ shape: [n], fill: (r) => Math.floor(r() * classes), grad: false });
/** Target values for invalid samples: 0 except `bad` at index `at`. */
const badLabels = (n: number, at: number, bad: number): SampleInput => ({ shape: [n], fill: (_, i) => (i === at ? bad : 0) });

/** d/dlogits: internal, exercised through cross_entropy's gradient checks. */
const backwardSpec: KernelSpec<Params> = {
  kind: 'kernel',
  name: 'cross_entropy_backward',
  inputs: ['input', 'target', 'lse', 'grad'],
  shape: ([x]) => x,
  gpu(rt, [x, t, lse, g], [dx], { reduction }) {
    const total = sizeOf(x.shape);
    rt.dispatch({
      kernel: 'cross_entropy_backward',
      label: 'cross_entropy backward',
      constants: { PER_SAMPLE: reduction === 'none' ? 1 : 0 },
      params: (p) => p.u32(total, x.shape[1]).f32(scaleOf(reduction, x.shape[0])),
      buffers: [x.buffer, t.buffer, lse.buffer, g.buffer, dx.buffer],
      workgroups: grid1d(total, 256),
    });
  },
  cpu([x, t, lse, g], [dx], { reduction }) {
    crossEntropyBackwardReference(x, t, lse, g, dx, reduction === 'none', scaleOf(reduction, x.shape[0]));
  },
  backward: null,
  samples: [],
};

export const crossEntropySpec: KernelSpec<Params> = {
  kind: 'kernel',
  name: 'cross_entropy',
  inputs: ['input', 'target'],
  shape([x, t], { reduction }) {
    checkRank('cross_entropy', 'input', x, 2, '[N, C]');
    checkRank('cross_entropy', 'target', t, 1, '[N]');
    if (t[0] !== x[0]) fail('cross_entropy', `target of shape ${formatShape(t)} must hold one class index per row of input ${formatShape(x)}`);
    if (x[1] < 1) fail('cross_entropy', `input ${formatShape(x)} must have at least one class`);
    if (!REDUCTIONS.includes(reduction)) fail('cross_entropy', `reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
    return reduction === 'none' ? [x[0]] : [];
  },
  check([x, t]) {
    const classes = x.shape[1];
    // Labels computed on the GPU have no host copy; reading them back here would stall the
    // pipeline, so they go unchecked and the kernel turns a bad label into a NaN loss instead.
    const values = t.hostValues ?? (t.storage.device === 'cpu' ? t.storage.data : null);
    if (!values) return;
    for (let i = 0; i < t.size; i++) {
      const v = values[i];
      if (!Number.isInteger(v)) fail('cross_entropy', `target ${v} at batch index ${i} is not an integer class index`);
      if (v < 0 || v >= classes) fail('cross_entropy', `target ${v} is out of range for ${classes} classes (batch index ${i})`);
    }
  },
  aux: ([x]) => [[x[0]]],
  gpu(rt, [x, t], [out, lse], { reduction }) {
    const [n, classes] = x.shape;
    const perSample = reduction === 'none';
    rt.dispatch({
      kernel: 'cross_entropy',
      label: 'cross_entropy',
      constants: { PER_SAMPLE: perSample ? 1 : 0 },
      params: (p) => p.u32(n, classes).f32(scaleOf(reduction, n)),
      buffers: [x.buffer, t.buffer, out.buffer, lse.buffer],
      workgroups: perSample ? grid1d(n, WG) : [1],
    });
  },
  cpu([x, t], [out, lse], { reduction }) {
    crossEntropyReference(x, t, out, lse, reduction === 'none', scaleOf(reduction, x.shape[0]));
  },
  backward(ctx, g) {
    const [x, t] = ctx.inputs;
    return [ctx.needsGrad[0] ? apply(backwardSpec, [x, t, ctx.aux[0], g], ctx.params) : null, null];
  },
  samples: [
    { note: 'mean, odd classes', inputs: [[5, 7], labels(5, 7)], params: { reduction: 'mean' } },
    { note: 'batch 1, sum', inputs: [[1, 10], labels(1, 10)], params: { reduction: 'sum' } },
    { note: 'none', inputs: [[4, 3], labels(4, 3)], params: { reduction: 'none' } },
    { note: 'more rows than a workgroup, mean', inputs: [[70, 5], labels(70, 5)], params: { reduction: 'mean' } },
    { note: 'large logits (±50): stable', inputs: [{ shape: [3, 6], fill: (r) => (r() < 0.5 ? -50 : 50) + r() }, labels(3, 6)], params: { reduction: 'mean' } },
  ],
  invalid: [
    { inputs: [[6], [6]], params: { reduction: 'mean' }, error: /^cross_entropy: input must be 2-D \[N, C\], got shape \[6\]/ },
    { inputs: [[3, 4], [3, 1]], params: { reduction: 'mean' }, error: /^cross_entropy: target must be 1-D \[N\], got shape \[3, 1\]/ },
    { inputs: [[3, 4], badLabels(2, 0, 0)], params: { reduction: 'mean' }, error: /^cross_entropy: target of shape \[2\] must hold one class index per row of input \[3, 4\]/ },
    { inputs: [[3, 4], badLabels(3, 2, 4)], params: { reduction: 'sum' }, error: /^cross_entropy: target 4 is out of range for 4 classes \(batch index 2\)/ },
    { inputs: [[3, 4], badLabels(3, 1, -1)], params: { reduction: 'mean' }, error: /^cross_entropy: target -1 is out of range for 4 classes \(batch index 1\)/ },
    { inputs: [[3, 4], badLabels(3, 0, 1.5)], params: { reduction: 'none' }, error: /^cross_entropy: target 1.5 at batch index 0 is not an integer class index/ },
    { inputs: [[3, 4], badLabels(3, 0, 0)], params: { reduction: 'avg' as Reduction }, error: /^cross_entropy: reduction must be 'mean', 'sum' or 'none', got 'avg'/ },
  ],
};

/**
 * PyTorch's cross_entropy(input, target, reduction='mean') for class indices: `target` is a tensor
 * of integer-valued floats, or plain numbers (uploaded to the logits' device).
 */
export function crossEntropy(logits: Tensor, target: Tensor | readonly number[] | Int32Array, options: { reduction?: Reduction } = {}): Tensor {
  checkOptionNames('cross_entropy', options, ['reduction']);
  const { reduction = 'mean' } = options;
  if (target instanceof Tensor) return apply(crossEntropySpec, [logits, target], { reduction });
  const made = tensor(Float32Array.from(target), [target.length], { device: logits.device });
  try {
    return apply(crossEntropySpec, [logits, made], { reduction });
  } finally {
    // Autograd keeps its own reference to the labels.
    made.dispose();
  }
}
