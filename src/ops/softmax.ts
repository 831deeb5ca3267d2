// softmax and log_softmax along one dim. Kernel: kernels/wgsl/softmax.wgsl (LOG picks which);
// backward rules are composed from elementwise ops and sum.
import { rowsAround, softmaxReference } from '../reference/softmax.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { mul, sub } from './binary.js';
import { fail, normalizeDim } from './errors.js';
import { grid1d, MAX_RANK } from './launch.js';
import { sum } from './reduce.js';
import type { BackwardRule, KernelSpec, Sample } from './spec.js';
import { exp } from './unary.js';

interface Params {
  dim: number;
}

const samples: Sample<Params>[] = [
  { note: 'last dim, odd classes', inputs: [[5, 7]], params: { dim: -1 } },
  { note: 'batch 1, 10 classes', inputs: [[1, 10]], params: { dim: 1 } },
  { note: 'dim 0', inputs: [[6, 3]], params: { dim: 0 } },
  { note: 'middle dim of 3-D', inputs: [[2, 5, 3]], params: { dim: 1 } },
  { note: 'row longer than a workgroup', inputs: [[2, 150]], params: { dim: 1 } },
  { note: 'large logits (±50): stable', inputs: [{ shape: [3, 6], fill: (r) => (r() < 0.5 ? -50 : 50) + r() }], params: { dim: -1 } },
];

function makeSpec(name: 'softmax' | 'log_softmax', backward: BackwardRule<Params>): KernelSpec<Params> {
  const log = name === 'log_softmax';
  return {
    kind: 'kernel',
    name,
    inputs: ['input'],
    shape([x], { dim }) {
      normalizeDim(name, 'dim', dim, x.length);
      // Backward goes through the broadcasting ops, which index at most MAX_RANK dims.
      if (x.length > MAX_RANK) fail(name, `at most ${MAX_RANK} dims are supported, got ${formatShape(x)}`);
      return x;
    },
    gpu(rt, [x], [out], { dim }) {
      const { outer, size, inner } = rowsAround(x.shape, normalizeDim(name, 'dim', dim, x.shape.length));
      const rows = outer * inner;
      if (rows === 0 || size === 0) return;
      rt.dispatch({
        kernel: 'softmax',
        label: name,
        constants: { LOG: log ? 1 : 0 },
        params: (p) => p.u32(size, inner, rows),
        buffers: [x.buffer, out.buffer],
        workgroups: grid1d(rows, 1),
      });
    },
    cpu([x], [out], { dim }) {
      softmaxReference(x, out, rowsAround(x.shape, normalizeDim(name, 'dim', dim, x.shape.length)), log);
    },
    backward,
    samples,
    invalid: [{ inputs: [[2, 3]], params: { dim: 2 }, error: new RegExp(`^${name}: dim 2 is out of range for a tensor of rank 2`) }],
  };
}

/** dx = y·(g − Σ g·y) along dim. */
export const softmaxSpec = makeSpec('softmax', (ctx, g) => [mul(ctx.output, sub(g, sum(mul(g, ctx.output), ctx.params.dim, true)))]);
/** dx = g − exp(y)·Σ g along dim. */
export const logSoftmaxSpec = makeSpec('log_softmax', (ctx, g) => [sub(g, mul(exp(ctx.output), sum(g, ctx.params.dim, true)))]);

/**
 * The dim that PyTorch's softmax takes when none is given (torch.nn.functional._get_softmax_dim):
 * 0 for 0-, 1- and 3-D input, else 1. So the classes of [N, C] logits, the channels of NCHW maps.
 */
export const implicitSoftmaxDim = (x: Tensor): number => (x.shape.length <= 1 || x.shape.length === 3 ? 0 : 1);

export const softmax = (x: Tensor, dim = implicitSoftmaxDim(x)): Tensor => apply(softmaxSpec, [x], { dim });
export const logSoftmax = (x: Tensor, dim = implicitSoftmaxDim(x)): Tensor => apply(logSoftmaxSpec, [x], { dim });
