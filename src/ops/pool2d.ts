// 2-D max and average pooling on NCHW (or CHW), with PyTorch's parameters and output sizes.
// Kernels: kernels/wgsl/max_pool2d.wgsl, avg_pool2d.wgsl and their _backward gathers; all four
// include pool2d_common.wgsl's Params. Max pooling saves its argmax indices as an aux output for backward.
import type { GpuRuntime } from '../gpu/runtime.js';
import {
  avgPool2dBackwardReference,
  avgPool2dReference,
  maxPool2dBackwardReference,
  maxPool2dReference,
  type AvgDivisor,
  type Pool2dGeometry,
} from '../reference/pool2d.js';
import { formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { checkOptionNames, checkRank, fail, pair } from './errors.js';
import { grid1d } from './launch.js';
import { reshape } from './shape-ops.js';
import type { InvalidSample, KernelSpec } from './spec.js';

type Size = number | readonly [number, number];

/** torch.nn.functional.max_pool2d's arguments; stride defaults to kernelSize. */
export interface MaxPool2dOptions {
  kernelSize: Size;
  stride?: Size;
  padding?: Size;
  dilation?: Size;
  ceilMode?: boolean;
}

/** torch.nn.functional.avg_pool2d's arguments; stride defaults to kernelSize. */
export interface AvgPool2dOptions {
  kernelSize: Size;
  stride?: Size;
  padding?: Size;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number;
}

/** What a backward kernel needs: the forward's options and its input's shape. */
interface BackwardParams<O> {
  options: O;
  input: Shape;
}

/** Largest max-pool window whose size is compiled into the kernel (one pipeline per size). */
const MAX_UNROLLED_TAPS = 9;

/** Indices are stored as f32, exact only below 2^24. */
const MAX_PLANE = 2 ** 24;

/** PyTorch's pooling_output_shape: floor or ceil, and no ceil-mode window starting in the right padding. */
function outputSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const out = Math.floor((size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  return ceil && (out - 1) * s >= size + p ? out - 1 : out;
}

/** Validates an NCHW input against the options, PyTorch's rules, and returns the geometry. */
function geometry(op: string, x: Shape, o: MaxPool2dOptions): Pool2dGeometry {
  checkRank(op, 'input', x, 4, '(N, C, H, W)');
  const [kH, kW] = pair(op, 'kernelSize', o.kernelSize, 1);
  const [sH, sW] = pair(op, 'stride', o.stride ?? o.kernelSize, 1);
  const [pH, pW] = pair(op, 'padding', o.padding ?? 0, 0);
  const [dH, dW] = pair(op, 'dilation', o.dilation ?? 1, 1);
  if (pH > Math.floor(kH / 2) || pW > Math.floor(kW / 2)) {
    fail(op, `padding (${pH}, ${pW}) must be at most half of kernelSize (${kH}, ${kW})`);
  }
  const [, , inH, inW] = x;
  const ceil = o.ceilMode ?? false;
  const outH = outputSize(inH, kH, sH, pH, dH, ceil);
  const outW = outputSize(inW, kW, sW, pW, dW, ceil);
  if (outH < 1 || outW < 1) {
    fail(op, `input ${formatShape(x)} is too small for kernelSize (${kH}, ${kW}) with padding (${pH}, ${pW}) and dilation (${dH}, ${dW}): the output would be ${outH}×${outW}`);
  }
  return { planes: x[0] * x[1], inH, inW, outH, outW, kH, kW, sH, sW, pH, pW, dH, dW };
}

function outputShape(x: Shape, g: Pool2dGeometry): Shape {
  return [x[0], x[1], g.outH, g.outW];
}

/** avg_pool2d has no dilation. */
const avgGeometry = (op: string, x: Shape, o: AvgPool2dOptions): Pool2dGeometry => geometry(op, x, { ...o, dilation: 1 });

function avgDivisor(op: string, o: AvgPool2dOptions): AvgDivisor {
  const { divisorOverride } = o;
  if (divisorOverride !== undefined && (!Number.isInteger(divisorOverride) || divisorOverride === 0)) {
    fail(op, `divisorOverride must be a nonzero integer, got ${divisorOverride}`);
  }
  return { countIncludePad: o.countIncludePad ?? true, divisorOverride };
}

/** One thread per element of `threads`; packs pool2d_common.wgsl's Params, which all four kernels share. */
function dispatchPool(rt: GpuRuntime, kernel: string, label: string, g: Pool2dGeometry, threads: number, buffers: GPUBuffer[], avg?: AvgDivisor, constants: Record<string, number> = {}): void {
  rt.dispatch({
    kernel,
    label,
    constants: avg ? { ...constants, COUNT_PAD: Number(avg.countIncludePad) } : constants,
    params: (p) => {
      p.u32(threads).i32(g.inH, g.inW, g.outH, g.outW, g.kH, g.kW, g.sH, g.sW, g.pH, g.pW, g.dH, g.dW);
      // 0 tells the avg kernels to compute the divisor; the max kernels ignore it.
      p.f32(avg?.divisorOverride ?? 0);
    },
    buffers,
    workgroups: grid1d(threads, 256),
  });
}

function maxGeometry(x: Shape, o: MaxPool2dOptions): Pool2dGeometry {
  const g = geometry('max_pool2d', x, o);
  if (g.inH * g.inW > MAX_PLANE) fail('max_pool2d', `input ${formatShape(x)} has planes of over 2^24 elements, beyond the float32 argmax indices`);
  return g;
}

/** Internal: routes each output gradient to its window's argmax. Tested through max_pool2d's gradient checks. */
const maxPool2dBackwardSpec: KernelSpec<BackwardParams<MaxPool2dOptions>> = {
  kind: 'kernel',
  name: 'max_pool2d_backward',
  inputs: ['grad', 'indices'],
  shape: (_, { input }) => input,
  gpu(rt, [grad, indices], [dx], { options, input }) {
    const g = maxGeometry(input, options);
    // Windows tiling the input exactly: a thread per window (see max_pool2d_backward.wgsl's TILED).
    const tiled = g.sH === g.kH && g.sW === g.kW && g.pH === 0 && g.pW === 0 && g.dH === 1 && g.dW === 1 && g.outH * g.kH === g.inH && g.outW * g.kW === g.inW;
    const threads = tiled ? g.planes * g.outH * g.outW : sizeOf(input);
    dispatchPool(rt, 'max_pool2d_backward', 'max_pool2d backward', g, threads, [grad.buffer, indices.buffer, dx.buffer], undefined, {
      TILED: Number(tiled),
      TILE_2X2: Number(tiled && g.kH === 2 && g.kW === 2),
    });
  },
  cpu([grad, indices], [dx], { options, input }) {
    maxPool2dBackwardReference(grad, indices, dx, maxGeometry(input, options));
  },
  backward: null,
  samples: [],
};

/** Internal: spreads each output gradient over its window. Tested through avg_pool2d's gradient checks. */
const avgPool2dBackwardSpec: KernelSpec<BackwardParams<AvgPool2dOptions>> = {
  kind: 'kernel',
  name: 'avg_pool2d_backward',
  inputs: ['grad'],
  shape: (_, { input }) => input,
  gpu(rt, [grad], [dx], { options, input }) {
    const g = avgGeometry('avg_pool2d', input, options);
    dispatchPool(rt, 'avg_pool2d_backward', 'avg_pool2d backward', g, sizeOf(input), [grad.buffer, dx.buffer], avgDivisor('avg_pool2d', options));
  },
  cpu([grad], [dx], { options, input }) {
    avgPool2dBackwardReference(grad, dx, avgGeometry('avg_pool2d', input, options), avgDivisor('avg_pool2d', options));
  },
  backward: null,
  samples: [],
};

/** Options both ops take alike. */
type CommonOptions = Pick<AvgPool2dOptions & MaxPool2dOptions, 'kernelSize' | 'stride' | 'padding'>;

/** Bad arguments that both ops reject the same way. */
function commonInvalid(op: string): InvalidSample<CommonOptions>[] {
  const bad = (inputs: Shape, params: CommonOptions, error: string): InvalidSample<CommonOptions> => ({
    inputs: [inputs],
    params,
    error: new RegExp(`^${op}: ${error}`),
  });
  return [
    bad([3, 6, 6], { kernelSize: 2 }, 'input must be 4-D \\(N, C, H, W\\), got shape \\[3, 6, 6\\]'),
    bad([1, 1, 6, 6], { kernelSize: 0 }, 'kernelSize\\[0\\] must be an integer ≥ 1, got 0'),
    bad([1, 1, 6, 6], {} as CommonOptions, 'kernelSize must be a number or a pair, got undefined'),
    bad([1, 1, 6, 6], { kernelSize: [2, 2, 2] as unknown as Size }, 'kernelSize must be a number or a pair, got \\[2, 2, 2\\]'),
    bad([1, 1, 6, 6], { kernelSize: [2, 1.5] }, 'kernelSize\\[1\\] must be an integer ≥ 1, got 1.5'),
    bad([1, 1, 6, 6], { kernelSize: 2, stride: 0 }, 'stride\\[0\\] must be an integer ≥ 1, got 0'),
    bad([1, 1, 6, 6], { kernelSize: 2, padding: -1 }, 'padding\\[0\\] must be an integer ≥ 0, got -1'),
    bad([1, 1, 6, 6], { kernelSize: 3, padding: [1, 2] }, 'padding \\(1, 2\\) must be at most half of kernelSize \\(3, 3\\)'),
    bad([1, 1, 2, 5], { kernelSize: 3 }, 'input \\[1, 1, 2, 5\\] is too small for kernelSize \\(3, 3\\) .*: the output would be 0×1'),
  ];
}

export const maxPool2dSpec: KernelSpec<MaxPool2dOptions> = {
  kind: 'kernel',
  name: 'max_pool2d',
  inputs: ['input'],
  shape: ([x], o) => outputShape(x, maxGeometry(x, o)),
  aux: (_, out) => [out],
  gpu(rt, [x], [out, indices], o) {
    const g = maxGeometry(x.shape, o);
    // Windows of up to 9 taps are compiled in, so the kernel's tap loops unroll.
    const unrolled: Record<string, number> = g.kH * g.kW <= MAX_UNROLLED_TAPS ? { KH: g.kH, KW: g.kW } : {};
    dispatchPool(rt, 'max_pool2d', 'max_pool2d', g, sizeOf(out.shape), [x.buffer, out.buffer, indices.buffer], undefined, unrolled);
  },
  cpu([x], [out, indices], o) {
    maxPool2dReference(x, out, indices, maxGeometry(x.shape, o));
  },
  backward: (ctx, g) => [apply(maxPool2dBackwardSpec, [g, ctx.aux[0]], { options: ctx.params, input: ctx.inputs[0].shape })],
  // Normal random values: no ties, so the argmax (and the finite differences) are unambiguous.
  samples: [
    { note: 'MaxPool2d(2, 2) on an even size, batch 1', inputs: [[1, 3, 6, 6]], params: { kernelSize: 2, stride: 2 } },
    { note: 'odd 7×5, kernel (3, 2), default stride', inputs: [[2, 2, 7, 5]], params: { kernelSize: [3, 2] } },
    { note: 'overlapping windows, stride (1, 2) ≠ kernel', inputs: [[1, 2, 7, 5]], params: { kernelSize: 3, stride: [1, 2] } },
    { note: 'MaxPool2d(2, 2, padding=1) on odd 7×7', inputs: [[1, 2, 7, 7]], params: { kernelSize: 2, stride: 2, padding: 1 } },
    { note: 'dilation 2 with padding', inputs: [[2, 1, 9, 8]], params: { kernelSize: 3, stride: 2, padding: 1, dilation: 2 } },
    { note: 'ceil_mode adds a window', inputs: [[1, 2, 7, 5]], params: { kernelSize: 2, ceilMode: true } },
    { note: 'ceil_mode drops a window that starts in the padding', inputs: [[1, 1, 5, 6]], params: { kernelSize: 2, padding: 1, ceilMode: true } },
    { note: '4×4 windows, over the 9 taps compiled in (sizes read at run time)', inputs: [[1, 2, 9, 8]], params: { kernelSize: 4, stride: 2, padding: 1 } },
  ],
  invalid: [
    ...commonInvalid('max_pool2d'),
    { inputs: [[1, 1, 6, 6]], params: { kernelSize: 2, dilation: 0 }, error: /^max_pool2d: dilation\[0\] must be an integer ≥ 1, got 0/ },
  ],
};

export const avgPool2dSpec: KernelSpec<AvgPool2dOptions> = {
  kind: 'kernel',
  name: 'avg_pool2d',
  inputs: ['input'],
  shape([x], o) {
    avgDivisor('avg_pool2d', o); // validates divisorOverride
    return outputShape(x, avgGeometry('avg_pool2d', x, o));
  },
  gpu(rt, [x], [out], o) {
    const g = avgGeometry('avg_pool2d', x.shape, o);
    dispatchPool(rt, 'avg_pool2d', 'avg_pool2d', g, sizeOf(out.shape), [x.buffer, out.buffer], avgDivisor('avg_pool2d', o));
  },
  cpu([x], [out], o) {
    avgPool2dReference(x, out, avgGeometry('avg_pool2d', x.shape, o), avgDivisor('avg_pool2d', o));
  },
  backward: (ctx, g) => [apply(avgPool2dBackwardSpec, [g], { options: ctx.params, input: ctx.inputs[0].shape })],
  samples: [
    { note: 'AvgPool2d(2) on an even size, batch 1', inputs: [[1, 3, 6, 6]], params: { kernelSize: 2 } },
    { note: 'odd 7×5, kernel (3, 2), stride (2, 1)', inputs: [[2, 2, 7, 5]], params: { kernelSize: [3, 2], stride: [2, 1] } },
    { note: 'padding 1, count_include_pad', inputs: [[1, 2, 5, 7]], params: { kernelSize: 3, stride: 2, padding: 1 } },
    { note: 'padding 1, count_include_pad false', inputs: [[1, 2, 5, 7]], params: { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false } },
    { note: 'ceil_mode window cut at the padded border', inputs: [[1, 2, 6, 5]], params: { kernelSize: 3, stride: 2, padding: 1, ceilMode: true } },
    {
      note: 'ceil_mode, count_include_pad false',
      inputs: [[1, 2, 6, 5]],
      params: { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false },
    },
    { note: 'divisor_override', inputs: [[1, 2, 5, 5]], params: { kernelSize: 2, stride: 1, padding: 1, divisorOverride: 3 } },
  ],
  invalid: [
    ...commonInvalid('avg_pool2d'),
    { inputs: [[1, 1, 6, 6]], params: { kernelSize: 2, divisorOverride: 0 }, error: /^avg_pool2d: divisorOverride must be a nonzero integer, got 0/ },
  ],
};

/** Runs a 4-D pooling spec on NCHW input, or on CHW input as a batch of one, as PyTorch does. */
function pool(op: string, x: Tensor, run: (x: Tensor) => Tensor): Tensor {
  if (x.ndim === 4) return run(x);
  if (x.ndim !== 3) fail(op, `input must be 3-D (C, H, W) or 4-D (N, C, H, W), got shape ${formatShape(x.shape)}`);
  const out = run(reshape(x, [1, ...x.shape]));
  return reshape(out, out.shape.slice(1));
}

/** Options, or the kernel size alone as in F.max_pool2d(x, 2). */
export const MAX_POOL2D_OPTIONS = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode'] as const satisfies readonly (keyof MaxPool2dOptions)[];
export const AVG_POOL2D_OPTIONS = ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const satisfies readonly (keyof AvgPool2dOptions)[];

function withKernelSize<O extends { kernelSize: Size }>(op: string, options: O | Size, names: readonly string[]): O {
  if (typeof options === 'number' || Array.isArray(options)) return { kernelSize: options } as O;
  checkOptionNames(op, options, names);
  return options as O;
}

/** PyTorch's max_pool2d: padding is -inf; gradients go to the first maximum of each window. */
export function maxPool2d(x: Tensor, options: MaxPool2dOptions | Size): Tensor {
  return pool('max_pool2d', x, (x4) => apply(maxPool2dSpec, [x4], withKernelSize('max_pool2d', options, MAX_POOL2D_OPTIONS)));
}

/** PyTorch's avg_pool2d: padding is zeros; see AvgPool2dOptions for the divisor. */
export function avgPool2d(x: Tensor, options: AvgPool2dOptions | Size): Tensor {
  return pool('avg_pool2d', x, (x4) => apply(avgPool2dSpec, [x4], withKernelSize('avg_pool2d', options, AVG_POOL2D_OPTIONS)));
}
