// Reductions over dims with keepdim: sum, mean, max (values, as torch.amax), argmax.
// Kernel: kernels/wgsl/reduce.wgsl. Also `sumToShape`, the one place where broadcast gradients
// are summed back to their operand's shape.
import { reduceReference, type ReduceKind } from '../reference/strided.js';
import { scope } from '../tensor/scope.js';
import { formatShape, sameShape, sizeOf, stridesOf, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { div, eq, mul } from './binary.js';
import { fail, formatArg, normalizeDim } from './errors.js';
import { chunked, grid1d, MAX_RANK, sumPartials } from './launch.js';
import { expand, reshape } from './shape-ops.js';
import type { KernelSpec, Sample } from './spec.js';

interface Params {
  /** Reduced dims, normalised and sorted. */
  dims: readonly number[];
  keepdim: boolean;
}

const CODES: Record<ReduceKind, number> = { sum: 0, max: 1, argmax: 2 };
/** Workgroups that fill a large GPU, and the fewest elements (16 per thread) worth a chunk of their own. */
const SPLIT_FILL = 256;
const MIN_CHUNK = 1024;

function reduceSpec(name: string, kind: ReduceKind, mean: boolean, backward: KernelSpec<Params>['backward']): KernelSpec<Params> {
  return {
    kind: 'kernel',
    name,
    inputs: ['input'],
    shape(x, { dims, keepdim }) {
      return reducedShape(name, x[0], dims, keepdim, kind !== 'sum');
    },
    gpu(rt, [x], [out], { dims }) {
      const { kept, reduced } = mergeDims(x.shape, dims);
      // The innermost reduced run is walked by the threads; the runs outside it are "outer".
      const inner = reduced.pop() ?? { size: 1, stride: 0 };
      const nRed = dims.reduce((a, d) => a * x.shape[d], 1);
      const nOut = sizeOf(out.shape);
      // Few outputs over many elements (a bias gradient: 64 sums of 19,600) leave most of a real
      // GPU idle: there each output's elements are split into chunks, one workgroup each, and
      // sum_partials.wgsl adds the chunks up. CPU rasterisers have cores enough already.
      const wanted = kind === 'sum' && !rt.softwareKernels ? Math.min(Math.ceil(SPLIT_FILL / Math.max(1, nOut)), Math.floor(nRed / MIN_CHUNK)) : 1;
      const { chunk, chunks } = chunked(nRed, wanted);
      const parts = chunks > 1 ? rt.acquire(4 * chunks * nOut, `${name} partial sums`) : out.buffer;
      rt.dispatch({
        kernel: 'reduce',
        label: name,
        constants: { OP: CODES[kind] },
        params: (p) =>
          p
            .u32s(kept.map((r) => r.size), MAX_RANK)
            .u32s(kept.map((r) => r.stride), MAX_RANK)
            .u32s(reduced.map((r) => r.size), MAX_RANK)
            .u32s(reduced.map((r) => r.stride), MAX_RANK)
            .u32(kept.length, reduced.length, nOut, nRed, Math.max(1, inner.size), inner.stride, chunk, chunks)
            .f32(mean ? 1 / nRed : 1),
        buffers: [x.buffer, parts],
        workgroups: grid1d(nOut * chunks, 1),
      });
      if (parts !== out.buffer) sumPartials(rt, name, parts, out.buffer, nOut, chunks);
    },
    cpu([x], [out], { dims }) {
      const nRed = dims.reduce((a, d) => a * x.shape[d], 1);
      reduceReference(x, out, dims, kind, mean ? 1 / nRed : 1);
    },
    backward,
    samples: reduceSamples,
    invalid: [
      { inputs: [[2, 3]], params: { dims: [2], keepdim: false }, error: new RegExp(`^${name}: dim 2 is out of range for a tensor of rank 2`) },
    ],
  };
}

const reduceSamples: Sample<Params>[] = [
  { note: 'last dim', inputs: [[3, 7]], params: { dims: [1], keepdim: false } },
  { note: 'first dim, keepdim', inputs: [[5, 4]], params: { dims: [0], keepdim: true } },
  { note: 'N, H, W of NCHW (bias gradient)', inputs: [[2, 3, 5, 5]], params: { dims: [0, 2, 3], keepdim: false } },
  { note: 'everything, long row (many threads per output)', inputs: [[300]], params: { dims: [0], keepdim: false } },
  { note: 'batch 1, middle dim', inputs: [[1, 9, 2]], params: { dims: [1], keepdim: true } },
  { note: 'reduced dims split by kept ones (two outer runs, inner run of 5)', inputs: [[3, 2, 4, 3, 5]], params: { dims: [0, 2, 4], keepdim: false } },
  // GPU kernels: 2 × 48² = 4,608 elements per output split into chunks of 1,024 (the last ragged).
  { note: 'bias gradient of 3 channels over 2 × 48 × 48 (split into chunks on GPUs)', inputs: [[2, 3, 48, 48]], params: { dims: [0, 2, 3], keepdim: false } },
];

/** A run of adjacent dims of a contiguous tensor, as one: its size and its innermost dim's stride. */
interface Run {
  size: number;
  stride: number;
}

/**
 * The kept and the reduced dims of a contiguous `shape` as runs: adjacent dims of one kind merge
 * (their elements are evenly spaced) and size-1 dims drop out, so the kernel walks as few dims as
 * possible. A bias gradient's [N, C, H, W] over (0, 2, 3) becomes kept [C] and reduced [N], [H·W].
 */
export function mergeDims(shape: Shape, dims: readonly number[]): { kept: Run[]; reduced: Run[] } {
  const strides = stridesOf(shape);
  const kept: Run[] = [];
  const reduced: Run[] = [];
  let last: Run[] | null = null;
  shape.forEach((size, d) => {
    if (size === 1) return;
    const runs = dims.includes(d) ? reduced : kept;
    if (runs === last) {
      const run = runs[runs.length - 1];
      run.size *= size;
      run.stride = strides[d];
    } else {
      runs.push({ size, stride: strides[d] });
    }
    last = runs;
  });
  return { kept, reduced };
}

function reducedShape(op: string, x: Shape, dims: readonly number[], keepdim: boolean, nonEmpty: boolean): Shape {
  if (x.length > MAX_RANK) fail(op, `at most ${MAX_RANK} dims are supported, got ${formatShape(x)}`);
  for (const d of dims) normalizeDim(op, 'dim', d, x.length);
  if (new Set(dims).size !== dims.length) fail(op, `dims [${dims.join(', ')}] repeat a dim`);
  if (nonEmpty && dims.some((d) => x[d] === 0)) fail(op, `cannot reduce an empty dim of input ${formatShape(x)}`);
  return keepdim ? x.map((s, d) => (dims.includes(d) ? 1 : s)) : x.filter((_, d) => !dims.includes(d));
}

/** The gradient g of a reduction, reshaped with kept dims and broadcast back to the input's shape. */
function spread(g: Tensor, input: Shape, dims: readonly number[]): Tensor {
  return expand(reshape(g, input.map((s, d) => (dims.includes(d) ? 1 : s))), input);
}

export const sumSpec = reduceSpec('sum', 'sum', false, (ctx, g) => [spread(g, ctx.inputs[0].shape, ctx.params.dims)]);
export const meanSpec = reduceSpec('mean', 'sum', true, (ctx, g) => {
  const [x] = ctx.inputs;
  const n = ctx.params.dims.reduce((a, d) => a * x.shape[d], 1);
  return [mul(spread(g, x.shape, ctx.params.dims), 1 / n)];
});
/** Like torch.amax: the gradient is shared equally among tied maxima. */
export const maxSpec = reduceSpec('max', 'max', false, (ctx, g) => {
  const [x] = ctx.inputs;
  const { dims } = ctx.params;
  const isMax = eq(x, spread(ctx.output, x.shape, dims));
  const ties = sum(isMax, dims, true);
  return [div(mul(spread(g, x.shape, dims), isMax), expand(ties, x.shape))];
});
export const argmaxSpec = reduceSpec('argmax', 'argmax', false, null);

type Dims = number | readonly number[] | undefined;

function reduce(spec: KernelSpec<Params>, x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  if (dim !== undefined && typeof dim !== 'number' && !Array.isArray(dim)) {
    fail(spec.name, `dim must be a number or an array of numbers, got ${formatArg(dim)}`);
  }
  const list = dim === undefined ? x.shape.map((_, d) => d) : typeof dim === 'number' ? [dim] : dim;
  const dims = list.map((d) => normalizeDim(spec.name, 'dim', d, x.ndim)).sort((a, b) => a - b);
  if (x.ndim === 0) return scope(() => apply(spec, [reshape(x, [1])], { dims: [0], keepdim: false }));
  return apply(spec, [x], { dims, keepdim });
}

export const sum = (x: Tensor, dim?: Dims, keepdim = false): Tensor => reduce(sumSpec, x, dim, keepdim);
export const mean = (x: Tensor, dim?: Dims, keepdim = false): Tensor => reduce(meanSpec, x, dim, keepdim);
export const max = (x: Tensor, dim?: Dims, keepdim = false): Tensor => reduce(maxSpec, x, dim, keepdim);
/** Index of the maximum along `dim` (over the flattened tensor when omitted); the first on ties. */
export const argmax = (x: Tensor, dim?: number, keepdim = false): Tensor => reduce(argmaxSpec, x, dim, keepdim);

/** Sums a broadcast gradient back to an operand's shape. Returns g itself when nothing was broadcast. */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims = g.shape.map((_, d) => d).filter((d) => d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1));
  return reshape(sum(g, dims, true), shape);
}
