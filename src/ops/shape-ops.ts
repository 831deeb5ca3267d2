// Shape ops. reshape/view/flatten/squeeze/unsqueeze share memory (tensors are always
// contiguous); permute/transpose/expand copy through kernels/wgsl/strided_copy.wgsl.
import { expandReference, permuteReference } from '../reference/strided.js';
import { scope } from '../tensor/scope.js';
import { broadcastShapes, broadcastStrides, formatShape, sameShape, sizeOf, stridesOf, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { apply, checkUsable } from './apply.js';
import { fail, formatArg, normalizeDim } from './errors.js';
import { grid1d, MAX_RANK } from './launch.js';
import { sumToShape } from './reduce.js';
import type { GpuIo, KernelSpec, ViewSpec } from './spec.js';
import type { GpuRuntime } from '../gpu/runtime.js';

/** `as` names the function the user called (view or reshape) in errors. */
export const reshapeSpec: ViewSpec<{ shape: readonly number[]; as?: 'view' }> = {
  kind: 'view',
  name: 'reshape',
  inputs: ['input'],
  shape([x], { shape, as = 'reshape' }) {
    const inferred = shape.filter((d) => d === -1).length;
    if (inferred > 1) fail(as, `only one dimension can be -1, got ${formatShape(shape)}`);
    checkSizes(as, shape);
    const known = shape.reduce((a, d) => (d === -1 ? a : a * d), 1);
    const n = sizeOf(x);
    if (inferred === 1 && (known === 0 || n % known !== 0)) fail(as, `shape ${formatShape(shape)} is invalid for input of shape ${formatShape(x)}`);
    const out = shape.map((d) => (d === -1 ? n / known : d));
    if (sizeOf(out) !== n) fail(as, `shape ${formatShape(shape)} is invalid for input of shape ${formatShape(x)} (${n} elements)`);
    return out;
  },
  backward: (ctx, g) => [reshape(g, ctx.inputs[0].shape)],
  samples: [
    { note: 'merge dims', inputs: [[2, 3, 4]], params: { shape: [6, 4] } },
    { note: 'infer -1', inputs: [[1, 5, 3]], params: { shape: [-1] } },
  ],
  invalid: [
    { inputs: [[2, 3]], params: { shape: [4, 2] }, error: /^reshape: shape \[4, 2\] is invalid for input of shape \[2, 3\]/ },
    { inputs: [[2, 3]], params: { shape: [-1, -1] }, error: /^reshape: only one dimension can be -1/ },
    { inputs: [[2, 3]], params: { shape: [5], as: 'view' }, error: /^view: shape \[5\] is invalid for input of shape \[2, 3\]/ },
  ],
};

function stridedCopy(rt: GpuRuntime, label: string, x: GpuIo, out: GpuIo, xStrides: readonly number[]): void {
  const n = sizeOf(out.shape);
  rt.dispatch({
    kernel: 'strided_copy',
    label,
    params: (p) => p.u32s(out.shape, MAX_RANK).u32s(xStrides, MAX_RANK).u32(n, out.shape.length),
    buffers: [x.buffer, out.buffer],
    workgroups: grid1d(n, 256),
  });
}

export const permuteSpec: KernelSpec<{ dims: readonly number[] }> = {
  kind: 'kernel',
  name: 'permute',
  inputs: ['input'],
  shape([x], { dims }) {
    if (dims.length !== x.length) fail('permute', `dims [${dims.join(', ')}] must name each of the ${x.length} dims of input ${formatShape(x)} once`);
    const seen = new Set(dims.map((d) => normalizeDim('permute', 'dim', d, x.length)));
    if (seen.size !== x.length) fail('permute', `dims [${dims.join(', ')}] repeat a dim of input ${formatShape(x)}`);
    if (x.length > MAX_RANK) fail('permute', `at most ${MAX_RANK} dims are supported, got ${formatShape(x)}`);
    return dims.map((d) => x[normalizeDim('permute', 'dim', d, x.length)]);
  },
  gpu(rt, [x], [out], { dims }) {
    const own = stridesOf(x.shape);
    stridedCopy(rt, 'permute', x, out, dims.map((d) => own[normalizeDim('permute', 'dim', d, x.shape.length)]));
  },
  cpu([x], [out], { dims }) {
    permuteReference(x, out, dims.map((d) => (d < 0 ? d + x.shape.length : d)));
  },
  backward(ctx, g) {
    const rank = ctx.params.dims.length;
    const inverse = new Array<number>(rank);
    ctx.params.dims.forEach((d, i) => (inverse[d < 0 ? d + rank : d] = i));
    return [permute(g, inverse)];
  },
  samples: [
    { note: 'transpose 2-D', inputs: [[5, 7]], params: { dims: [1, 0] } },
    { note: 'NCHW to NHWC, batch 1', inputs: [[1, 3, 4, 5]], params: { dims: [0, 2, 3, 1] } },
  ],
  invalid: [{ inputs: [[2, 3]], params: { dims: [0, 0] }, error: /^permute: dims \[0, 0\] repeat a dim of input \[2, 3\]/ }],
};

export const expandSpec: KernelSpec<{ shape: readonly number[] }> = {
  kind: 'kernel',
  name: 'expand',
  inputs: ['input'],
  shape([x], { shape }) {
    const out = broadcastShapes(x, shape);
    if (!out || !sameShape(out, shape)) fail('expand', `input of shape ${formatShape(x)} cannot be expanded to ${formatShape(shape)}`);
    if (out.length > MAX_RANK) fail('expand', `at most ${MAX_RANK} dims are supported, got ${formatShape(out)}`);
    return out;
  },
  gpu(rt, [x], [out]) {
    stridedCopy(rt, 'expand', x, out, broadcastStrides(x.shape, out.shape));
  },
  cpu([x], [out]) {
    expandReference(x, out);
  },
  backward: (ctx, g) => [sumToShape(g, ctx.inputs[0].shape)],
  samples: [
    { note: 'rows', inputs: [[1, 6]], params: { shape: [4, 6] } },
    { note: 'new leading dims', inputs: [[3, 1]], params: { shape: [2, 3, 5] } },
  ],
  invalid: [{ inputs: [[2, 3]], params: { shape: [4, 3] }, error: /^expand: input of shape \[2, 3\] cannot be expanded to \[4, 3\]/ }],
};

/**
 * Sizes or dims as PyTorch's view, reshape, expand and permute take them: as arguments,
 * `view(2, -1)`, or one array, `view([2, -1])`.
 */
export type ShapeArgs = [shape: readonly number[]] | [number, ...number[]];

function listArg(op: string, what: string, args: ShapeArgs): readonly unknown[] {
  if (args.length === 0) fail(op, `${what} is missing; ${shapeUsage(op)}`);
  return args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
}

function shapeArg(op: string, args: ShapeArgs): readonly number[] {
  const shape = listArg(op, 'shape', args);
  checkSizes(op, shape);
  return shape;
}

const shapeUsage = (op: string) => (op === 'permute' ? 'give dims, as permute(1, 0), or one array, as permute([1, 0])' : `give sizes, as ${op}(2, -1), or one array, as ${op}([2, -1])`);

/** Sizes are integers ≥ 0, or -1 for one inferred from the others (callers from JavaScript may pass anything). */
function checkSizes(op: string, shape: readonly unknown[]): asserts shape is readonly number[] {
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < -1) {
      fail(op, `shape[${i}] must be an integer ≥ 0 (or -1 to ${op === 'expand' ? 'keep its size' : 'infer it'}), got ${formatArg(d)}; ${shapeUsage(op)}`);
    }
  });
}

export const reshape = (x: Tensor, ...shape: ShapeArgs): Tensor => apply(reshapeSpec, [x], { shape: shapeArg('reshape', shape) });
/** Tensors are always contiguous, so view is reshape; its errors name view. */
export function view(x: Tensor, ...shape: ShapeArgs): Tensor {
  checkUsable('view', 'input', x);
  return apply(reshapeSpec, [x], { shape: shapeArg('view', shape), as: 'view' });
}
export const permute = (x: Tensor, ...dims: ShapeArgs): Tensor => apply(permuteSpec, [x], { dims: listArg('permute', 'dims', dims) as readonly number[] });

/** PyTorch's expand: -1 keeps a dim's size (not for new leading dims). */
export function expand(x: Tensor, ...sizes: ShapeArgs): Tensor {
  const given = shapeArg('expand', sizes);
  const lead = given.length - x.ndim;
  const shape = given.map((d, i) => {
    if (d !== -1) return d;
    if (i < lead) fail('expand', `-1 is not allowed for the new leading dim ${i} of ${formatShape(given)} (input of shape ${formatShape(x.shape)})`);
    return x.shape[i - lead];
  });
  return apply(expandSpec, [x], { shape });
}
/** A copy with its own memory: a 1-D expand of a flat view, so any rank works. */
export const clone = (x: Tensor): Tensor => scope(() => reshape(expand(reshape(x, [x.size]), [x.size]), x.shape));

/** Swaps two dims (a copy: tensors stay contiguous). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const dims = x.shape.map((_, i) => i);
  const a = normalizeDim('transpose', 'dim0', dim0, x.ndim);
  const b = normalizeDim('transpose', 'dim1', dim1, x.ndim);
  [dims[a], dims[b]] = [dims[b], dims[a]];
  return permute(x, dims);
}

/** PyTorch's flatten(input, start_dim=0, end_dim=-1). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  const s = normalizeDim('flatten', 'startDim', startDim, x.ndim);
  const e = normalizeDim('flatten', 'endDim', endDim, x.ndim);
  if (s > e) fail('flatten', `startDim ${startDim} comes after endDim ${endDim} for input of shape ${formatShape(x.shape)}`);
  if (x.ndim === 0) return reshape(x, [1]);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', 'dim', dim, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/** Drops size-1 dims (all of them, or the one given). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normalizeDim('squeeze', 'dim', dim, x.ndim);
  return x.shape[d] === 1 ? reshape(x, [...x.shape.slice(0, d), ...x.shape.slice(d + 1)]) : reshape(x, x.shape);
}

export type { Shape };
