// Matrix product as torch.matmul: 2-D, batched with broadcast batch dims, and 1-D operands promoted
// (vector @ matrix, matrix @ vector, dot). Kernels: kernels/wgsl/matmul.wgsl on GPUs,
// kernels/wgsl/matmul_simd.wgsl on software rasterisers.
import { scope } from '../tensor/scope.js';
import type { Constants } from '../gpu/pipelines.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import { matmulReference } from '../reference/matmul.js';
import { broadcastShapes, broadcastStrides, formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { fail } from './errors.js';
import { chunked, MAX_GROUPS, MAX_RANK, sumPartials } from './launch.js';
import { sumToShape } from './reduce.js';
import { reshape } from './shape-ops.js';
import type { GpuIo, KernelSpec, Sample } from './spec.js';

export interface MatmulParams {
  /** Use input with its last two dims swapped (it is stored [..., K, M]). Internal: backward's Aᵀ without a copy. */
  transA: boolean;
  /** Use other with its last two dims swapped (it is stored [..., N, K]). */
  transB: boolean;
}

/** matmul.wgsl's k step; its workgroup tile is 64Q × 64Q, Q = 1 or 2. */
const GPU_BK = 8;
/**
 * Workgroups that fill a large GPU (an H100 has 132 SMs, each running two or more): with fewer
 * 128×128 tiles than this the kernel takes 64×64 ones, and with fewer of those it splits k.
 */
const GPU_FILL = 256;
/** Least k per split: shorter ranges cost more in partial sums than their parallelism gains. */
const MIN_K_SPLIT = 256;
/** Output tile of matmul_simd.wgsl's workgroup: RM rows, and 4·CQ·WG columns across its lanes. */
const SIMD_ROWS = 4;
const SIMD_COLS = 64;

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

/** One batched product as a kernel computes it: c = op(a)·op(b), m×k times k×n per batch. */
interface Product {
  a: GPUBuffer;
  b: GPUBuffer;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  /** Batch dims the kernel walks (workgroup z) and each operand's element strides along them. */
  dims: Shape;
  aStrides: number[];
  bStrides: number[];
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
  const dims = fold ? [] : batchShape;
  const product: Product = {
    a: a.buffer,
    b: b.buffer,
    transA,
    transB,
    m: fold ? batch * m : m,
    n,
    k,
    dims,
    aStrides: broadcastStrides(aBatch, dims).map((s) => s * m * k),
    bStrides: broadcastStrides(bBatch, dims).map((s) => s * k * n),
  };
  if (rt.softwareKernels) launchSimd(rt, product, out.buffer);
  else launchTiled(rt, product, out.buffer);
}

/** The kernels' layout constants: each operand's contiguous axis loads as vec4s where its length is a multiple of 4. */
const operandConstants = (p: Product): Constants => ({
  TRANS_A: p.transA ? 1 : 0,
  TRANS_B: p.transB ? 1 : 0,
  VEC_A: (p.transA ? p.m : p.k) % 4 === 0 ? 1 : 0,
  VEC_B: (p.transB ? p.k : p.n) % 4 === 0 ? 1 : 0,
});

function launchTiled(rt: GpuRuntime, p: Product, out: GPUBuffer): void {
  const batches = sizeOf(p.dims);
  const tiles = (side: number) => Math.ceil(p.m / side) * Math.ceil(p.n / side) * batches;
  const q = tiles(128) >= GPU_FILL ? 2 : 1;
  const side = 64 * q;
  // Too few tiles for the GPU and a long k (a classifier's 100×10 output over k = 3136): each
  // workgroup takes one range of k into its own partial product, and sum_partials.wgsl adds them up.
  const wanted = tiles(side) >= GPU_FILL ? 1 : Math.min(Math.ceil(GPU_FILL / tiles(side)), Math.floor(p.k / MIN_K_SPLIT));
  const { chunk: kSplit, chunks: splits } = chunked(p.k, wanted, GPU_BK);
  const total = p.m * p.n * batches;
  const parts = splits > 1 ? rt.acquire(4 * splits * total, 'matmul split-K') : out;
  dispatchGrid(rt, 'matmul', p, { ...operandConstants(p), Q: q }, [p.a, p.a, p.b, p.b, parts], [Math.ceil(p.n / side), Math.ceil(p.m / side), splits * batches], kSplit);
  if (parts === out) return;
  sumPartials(rt, 'matmul', parts, out, total, splits);
}

/** Fraction of matmul_simd.wgsl's workgroup tiles that is output, `cols` going across the lanes. */
const simdFill = (rows: number, cols: number): number => (rows * cols) / (Math.ceil(rows / SIMD_ROWS) * SIMD_ROWS * Math.ceil(cols / SIMD_COLS) * SIMD_COLS);

function launchSimd(rt: GpuRuntime, product: Product, out: GPUBuffer): void {
  // Lanes run along the columns: where the rows are the longer side (c is 100×10 in a small
  // classifier's forward), compute cᵀ = op(b)ᵀ·op(a)ᵀ and store it transposed.
  const swap = simdFill(product.n, product.m) > simdFill(product.m, product.n);
  const p: Product = swap
    ? { ...product, a: product.b, b: product.a, transA: !product.transB, transB: !product.transA, m: product.n, n: product.m, aStrides: product.bStrides, bStrides: product.aStrides }
    : product;
  const constants = { ...operandConstants(p), TRANS_C: swap ? 1 : 0 };
  dispatchGrid(rt, 'matmul_simd', p, constants, [p.a, p.a, p.b, p.b, out], [Math.ceil(p.n / SIMD_COLS), Math.ceil(p.m / SIMD_ROWS), sizeOf(p.dims)], p.k);
}

/**
 * Dispatches `kernel` over a grid of x × y tiles by z batches (times k splits of `kSplit`), in
 * grids of at most 65,535 groups per dim.
 */
function dispatchGrid(rt: GpuRuntime, kernel: string, p: Product, constants: Constants, buffers: GPUBuffer[], [gx, gy, gz]: [number, number, number], kSplit: number): void {
  for (let z = 0; z < gz; z += MAX_GROUPS) {
    for (let y = 0; y < gy; y += MAX_GROUPS) {
      for (let x = 0; x < gx; x += MAX_GROUPS) {
        rt.dispatch({
          kernel,
          label: 'matmul',
          constants,
          params: (w) =>
            w
              .u32s(p.dims, MAX_RANK)
              .u32s(p.aStrides, MAX_RANK)
              .u32s(p.bStrides, MAX_RANK)
              .u32(p.m, p.n, p.k, p.dims.length, x, y, z, kSplit, sizeOf(p.dims)),
          buffers,
          workgroups: [Math.min(MAX_GROUPS, gx - x), Math.min(MAX_GROUPS, gy - y), Math.min(MAX_GROUPS, gz - z)],
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
  // matmul_simd.wgsl: vec4 loads where a contiguous axis is a multiple of 4 (here with k = 9 in
  // the gradient of other), several column tiles, and tall outputs computed transposed.
  { note: 'dims multiples of 4, two column tiles', inputs: [[9, 12], [12, 72]], params: NO_TRANSPOSE },
  { note: 'dims multiples of 4, both transposed', inputs: [[2, 8, 4], [2, 12, 8]], params: { transA: true, transB: true } },
  { note: 'dims multiples of 4, as Linear x·Wᵀ', inputs: [[5, 16], [8, 16]], params: { transA: false, transB: true } },
  { note: 'tall output, broadcast batch', inputs: [[2, 1, 70, 6], [3, 6, 5]], params: NO_TRANSPOSE },
  { note: 'tall output, folded batch', inputs: [[4, 20, 8], [8, 3]], params: NO_TRANSPOSE },
  { note: 'k = 1', inputs: [[6, 1], [1, 5]], params: NO_TRANSPOSE },
  { note: '1×1 by 1×1', inputs: [[1, 1], [1, 1]], params: NO_TRANSPOSE },
  // matmul.wgsl splits k = 530 in two (272 + 258) here: too few tiles for a GPU; and takes
  // 128×128 tiles for 256 batches.
  { note: 'long k, small output, broadcast batch', inputs: [[2, 1, 3, 530], [2, 530, 5]], params: NO_TRANSPOSE },
  { note: 'many small batches', inputs: [[256, 2, 3], [256, 3, 2]], params: NO_TRANSPOSE },
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
