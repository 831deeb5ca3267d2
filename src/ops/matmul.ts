// Matrix product as torch.matmul: 2-D, batched with broadcast batch dims, and 1-D operands promoted
// (vector @ matrix, matrix @ vector, dot). Kernel: kernels/wgsl/matmul.wgsl.
import { scope } from '../tensor/scope.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import { matmulReference } from '../reference/matmul.js';
import { broadcastShapes, broadcastStrides, formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { fail } from './errors.js';
import { MAX_GROUPS, MAX_RANK } from './launch.js';
import { sumToShape } from './reduce.js';
import { reshape } from './shape-ops.js';
import type { GpuIo, KernelSpec, Sample } from './spec.js';

export interface MatmulParams {
  /** Use input with its last two dims swapped (it is stored [..., K, M]). Internal: backward's Aᵀ without a copy. */
  transA: boolean;
  /** Use other with its last two dims swapped (it is stored [..., N, K]). */
  transB: boolean;
}

/** Output tile side of matmul.wgsl (its TILE). */
const TILE = 32;

const NO_TRANSPOSE: MatmulParams = { transA: false, transB: false };

/** [rows, cols] of a rank ≥ 2 operand as the product uses it, i.e. after its optional transpose. */
function matrixDims(shape: Shape, trans: boolean): [number, number] {
  const [r, c] = shape.slice(-2);
  return trans ? [c, r] : [r, c];
}

function mismatch(a: Shape, b: Shape, ka: number, kb: number, params: MatmulParams): never {
  const t = (flag: boolean) => (flag ? ' (transposed)' : '');
  fail('matmul', `input ${formatShape(a)}${t(params.transA)} and other ${formatShape(b)}${t(params.transB)} have mismatched inner dims (${ka} vs ${kb})`);
}

function noScalar(arg: string, shape: Shape): void {
  if (shape.length === 0) fail('matmul', `${arg} must have at least 1 dim, got a 0-D tensor (shape [])`);
}

function launch(rt: GpuRuntime, [a, b]: readonly GpuIo[], out: GpuIo, { transA, transB }: MatmulParams): void {
  if (sizeOf(out.shape) === 0) return;
  const [m, k] = matrixDims(a.shape, transA);
  const n = out.shape[out.shape.length - 1];
  const batchShape = out.shape.slice(0, -2);
  const batch = sizeOf(batchShape);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  // One shared right operand and a full, untransposed batch on the left (a Linear layer on
  // [batch, tokens, features]): the batch is just more rows of one product, which fills tiles better.
  const fold = !transA && sizeOf(bBatch) === 1 && sizeOf(aBatch) === batch;
  const rows = fold ? batch * m : m;
  const dims = fold ? [] : batchShape;
  const aStrides = broadcastStrides(aBatch, dims).map((s) => s * m * k);
  const bStrides = broadcastStrides(bBatch, dims).map((s) => s * k * n);
  const groups = [Math.ceil(n / TILE), Math.ceil(rows / TILE), fold ? 1 : batch];
  for (let z = 0; z < groups[2]; z += MAX_GROUPS) {
    for (let y = 0; y < groups[1]; y += MAX_GROUPS) {
      for (let x = 0; x < groups[0]; x += MAX_GROUPS) {
        rt.dispatch({
          kernel: 'matmul',
          label: 'matmul',
          constants: { TRANS_A: transA ? 1 : 0, TRANS_B: transB ? 1 : 0 },
          params: (p) =>
            p
              .u32s(dims, MAX_RANK)
              .u32s(aStrides, MAX_RANK)
              .u32s(bStrides, MAX_RANK)
              .u32(rows, n, k, dims.length, x, y, z),
          buffers: [a.buffer, b.buffer, out.buffer],
          workgroups: [Math.min(MAX_GROUPS, groups[0] - x), Math.min(MAX_GROUPS, groups[1] - y), Math.min(MAX_GROUPS, groups[2] - z)],
        });
      }
    }
  }
}

/** The product with transpose flags, for backward rules. */
const product = (a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor => apply(matmulSpec, [a, b], { transA, transB });

/**
 * dB = op(A)ᵀ·g, summed over B's broadcast batch dims. When B is one matrix and A a full batch
 * used untransposed, the batch folds into the contraction: one [K, batch·M]·[batch·M, N] product
 * instead of a product per batch and a sum.
 */
function otherGrad(a: Tensor, b: Tensor, g: Tensor, { transA, transB }: MatmulParams): Tensor {
  const batch = sizeOf(g.shape.slice(0, -2));
  if (!transA && a.ndim > 2 && sizeOf(b.shape.slice(0, -2)) === 1 && sizeOf(a.shape.slice(0, -2)) === batch) {
    const [m, k] = a.shape.slice(-2);
    const a2 = reshape(a, [batch * m, k]);
    const g2 = reshape(g, [batch * m, g.shape[g.ndim - 1]]);
    return reshape(transB ? product(g2, a2, true, false) : product(a2, g2, true, false), b.shape);
  }
  return sumToShape(transB ? product(g, a, true, transA) : product(a, g, !transA, false), b.shape);
}

const samples: Sample<MatmulParams>[] = [
  { note: 'odd sizes, below one tile', inputs: [[7, 13], [13, 5]], params: NO_TRANSPOSE },
  { note: 'row times column', inputs: [[1, 3], [3, 1]], params: NO_TRANSPOSE },
  { note: 'over one tile in M, N and K', inputs: [[37, 70], [70, 33]], params: NO_TRANSPOSE },
  { note: 'broadcast batch dims', inputs: [[2, 1, 3, 4], [5, 4, 6]], params: NO_TRANSPOSE },
  { note: 'batch 1 against a batch', inputs: [[1, 6, 9], [3, 9, 2]], params: NO_TRANSPOSE },
  { note: 'batched input, shared weight (folded batch)', inputs: [[3, 12, 7], [7, 4]], params: NO_TRANSPOSE },
  { note: 'shared input, batched other', inputs: [[5, 8], [2, 8, 3]], params: NO_TRANSPOSE },
  { note: 'transposed input', inputs: [[3, 40, 35], [40, 9]], params: { transA: true, transB: false } },
  { note: 'transposed other, as Linear x·Wᵀ', inputs: [[2, 5, 11], [17, 11]], params: { transA: false, transB: true } },
  { note: 'transposed other, broadcast batch', inputs: [[6, 11], [2, 1, 17, 11]], params: { transA: false, transB: true } },
  { note: 'both transposed, over one tile', inputs: [[2, 20, 33], [2, 34, 20]], params: { transA: true, transB: true } },
];

export const matmulSpec: KernelSpec<MatmulParams> = {
  kind: 'kernel',
  name: 'matmul',
  inputs: ['input', 'other'],
  shape([a, b], params) {
    noScalar('input', a);
    noScalar('other', b);
    for (const [arg, s] of [['input', a], ['other', b]] as const) {
      if (s.length === 1) fail('matmul', `${arg} of shape ${formatShape(s)} must be promoted to 2-D first (matmul() does this for 1-D operands)`);
    }
    const [m, ka] = matrixDims(a, params.transA);
    const [kb, n] = matrixDims(b, params.transB);
    if (ka !== kb) mismatch(a, b, ka, kb, params);
    const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
    if (!batch) {
      fail('matmul', `batch dims ${formatShape(a.slice(0, -2))} of input ${formatShape(a)} and ${formatShape(b.slice(0, -2))} of other ${formatShape(b)} cannot be broadcast together`);
    }
    const out = [...batch, m, n];
    if (out.length > MAX_RANK) fail('matmul', `at most ${MAX_RANK} dims are supported, got output shape ${formatShape(out)}`);
    return out;
  },
  gpu(rt, inputs, [out], params) {
    launch(rt, inputs, out, params);
  },
  cpu([a, b], [out], { transA, transB }) {
    matmulReference(a, b, out, transA, transB);
  },
  // C = op(A)·op(B): d op(A) = g·op(B)ᵀ and d op(B) = op(A)ᵀ·g, transposed back where an operand
  // is stored transposed; the flags pick each layout, so nothing is copied.
  backward(ctx, g) {
    const [a, b] = ctx.inputs;
    const { transA, transB } = ctx.params;
    return [
      ctx.needsGrad[0] ? sumToShape(transA ? product(b, g, transB, true) : product(g, b, false, !transB), a.shape) : null,
      ctx.needsGrad[1] ? otherGrad(a, b, g, ctx.params) : null,
    ];
  },
  samples,
  invalid: [
    { inputs: [[2, 3], [4, 5]], params: NO_TRANSPOSE, error: /^matmul: input \[2, 3\] and other \[4, 5\] have mismatched inner dims \(3 vs 4\)/ },
    { inputs: [[3, 2], [4, 5]], params: { transA: true, transB: false }, error: /^matmul: input \[3, 2\] \(transposed\) and other \[4, 5\] have mismatched inner dims \(3 vs 4\)/ },
    { inputs: [[], [3, 2]], params: NO_TRANSPOSE, error: /^matmul: input must have at least 1 dim, got a 0-D tensor/ },
    { inputs: [[2, 3, 4], [5, 4, 6]], params: NO_TRANSPOSE, error: /^matmul: batch dims \[2\] of input \[2, 3, 4\] and \[5\] of other \[5, 4, 6\] cannot be broadcast together/ },
    { inputs: [[1, 1, 1, 1, 1, 1, 1, 2, 3], [3, 2]], params: NO_TRANSPOSE, error: /^matmul: at most 8 dims are supported/ },
  ],
};

/**
 * torch.matmul. 2-D: [M, K]·[K, N] → [M, N]. Batched: [..., M, K]·[..., K, N] with the batch dims
 * broadcast. A 1-D input is a row vector and a 1-D other a column vector, the added dim dropped
 * from the result (so vector·vector is a 0-D dot product).
 */
export function matmul(input: Tensor, other: Tensor): Tensor {
  for (const [arg, t] of [['input', input], ['other', other]] as const) {
    if (!(t instanceof Tensor)) fail('matmul', `${arg} must be a Tensor, got ${typeof t}`);
    noScalar(arg, t.shape);
  }
  const [a, b] = [input.shape, other.shape];
  // Checked here too so that messages show the shapes as given, not as promoted.
  const ka = a[a.length - 1];
  const kb = b.length === 1 ? b[0] : b[b.length - 2];
  if (ka !== kb) mismatch(a, b, ka, kb, NO_TRANSPOSE);
  if (a.length > 1 && b.length > 1) return apply(matmulSpec, [input, other], NO_TRANSPOSE);

  // The promoting reshapes are temporaries the caller never sees: the scope frees them.
  return scope(() => {
    const out = apply(matmulSpec, [a.length === 1 ? reshape(input, [1, ka]) : input, b.length === 1 ? reshape(other, [kb, 1]) : other], NO_TRANSPOSE);
    const s = out.shape;
    if (a.length === 1 && b.length === 1) return reshape(out, []);
    return reshape(out, a.length === 1 ? [...s.slice(0, -2), s[s.length - 1]] : s.slice(0, -1));
  });
}
