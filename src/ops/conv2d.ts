// 2-D convolution on NCHW tensors, PyTorch's F.conv2d(input, weight, bias, stride, padding,
// dilation, groups). Two registered specs, with and without bias (the forward kernel adds the bias
// in place, so a bias-less conv reads no zeros). Kernels: kernels/wgsl/conv2d.wgsl,
// conv2d_backward_input.wgsl (conv2d_backward_input_general.wgsl where it does not apply) and
// conv2d_backward_weight.wgsl with sum_partials.wgsl; reference: reference/conv2d.ts.
import type { GpuRuntime } from '../gpu/runtime.js';
import type { ParamWriter } from '../gpu/uniforms.js';
import {
  conv2dBackwardInputReference,
  conv2dBackwardWeightReference,
  conv2dReference,
  type ConvArgs,
} from '../reference/conv2d.js';
import { formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { checkInt, checkOptionNames, checkRank, fail, pair } from './errors.js';
import { chunked, grid1d, MAX_GROUPS, sumPartials } from './launch.js';
import { sum } from './reduce.js';
import type { CpuIo, InvalidSample, KernelSpec, Sample } from './spec.js';

const OP = 'conv2d';
/** Threads per workgroup in conv2d.wgsl and conv2d_backward_input*.wgsl (their WG default). */
const WG = 64;

export type IntOrPair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: IntOrPair;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  groups?: number;
}

/** A validated convolution: every size its kernels and reference need. */
interface Geometry extends ConvArgs {
  input: Shape; // [N, C, H, W]
  weight: Shape; // [O, C/groups, kh, kw]
  output: Shape; // [N, O, OH, OW]
}

function geometry(input: Shape, weight: Shape, bias: Shape | null, options: Conv2dOptions): Geometry {
  checkRank(OP, 'input', input, 4, '(N, C, H, W)');
  checkRank(OP, 'weight', weight, 4, '(out_channels, in_channels / groups, kh, kw)');
  const stride = pair(OP, 'stride', options.stride ?? 1, 1);
  const padding = pair(OP, 'padding', options.padding ?? 0, 0);
  const dilation = pair(OP, 'dilation', options.dilation ?? 1, 1);
  const groups = options.groups ?? 1;
  checkInt(OP, 'groups', groups, 1);

  const [N, C] = input;
  const [O, Cg, KH, KW] = weight;
  // Only messages need it: built on failure, not on every call.
  const shapes = () => `input ${formatShape(input)}, weight ${formatShape(weight)}`;
  if (C % groups !== 0) fail(OP, `input channels ${C} must be divisible by groups ${groups} (${shapes()})`);
  if (O % groups !== 0) fail(OP, `output channels (weight[0]) ${O} must be divisible by groups ${groups} (${shapes()})`);
  if (Cg * groups !== C) fail(OP, `weight[1] × groups must equal the input channels: ${Cg} × ${groups} ≠ ${C} (${shapes()})`);
  if (KH < 1 || KW < 1) fail(OP, `kernel size must be at least 1×1, got ${KH}×${KW} (${shapes()})`);
  if (bias && (bias.length !== 1 || bias[0] !== O)) fail(OP, `bias must have shape [${O}] (one per output channel), got ${formatShape(bias)}`);

  const span = [0, 1].map((d) => dilation[d] * (weight[d + 2] - 1) + 1);
  const padded = [0, 1].map((d) => input[d + 2] + 2 * padding[d]);
  if (span[0] > padded[0] || span[1] > padded[1]) {
    fail(OP, `kernel ${KH}×${KW} (spanning ${span.join('×')} with dilation ${dilation.join('×')}) is larger than the padded input ${padded.join('×')} (${shapes()}, padding ${padding.join('×')})`);
  }
  const out = [0, 1].map((d) => Math.floor((padded[d] - span[d]) / stride[d]) + 1);
  return { input, weight, output: [N, O, out[0], out[1]], stride, padding, dilation, groups };
}

/** The Params struct shared by conv2d*.wgsl; `chunk` only matters to conv2d_backward_weight*.wgsl. */
function packParams(p: ParamWriter, g: Geometry, chunk = 0): void {
  const [, , OH, OW] = g.output;
  const [O, , KH, KW] = g.weight;
  p.u32(...g.input, O, OH, OW, g.groups, KH, KW, ...g.stride, ...g.padding, ...g.dilation, chunk);
}

/**
 * conv2d.wgsl: a thread per strip of Q output pixels and block of up to 4 output channels of one
 * group (stripBlock); grid x (wrapping into y) over the N·OH·⌈OW/Q⌉ strips, z over groups ×
 * channel blocks.
 */
function launchForward(rt: GpuRuntime, g: Geometry, buffers: GPUBuffer[], withBias: boolean): void {
  const [N, O, OH, OW] = g.output;
  const [, , , KW] = g.weight;
  if (N * O * OH * OW === 0) return; // nothing to write (and no channel block to size)
  // Output channels (OB), tap columns per chunk (KC) and pixels (Q) per thread.
  const strip = stripBlock(O / g.groups, OW, KW, g.stride[1], g.dilation[1]);
  const blocks = g.groups * Math.ceil(O / g.groups / strip.ch);
  if (blocks > MAX_GROUPS) fail(OP, `${blocks} blocks of output channels (groups × ⌈channels per group / ${strip.ch}⌉) exceed the ${MAX_GROUPS} workgroups a dispatch dimension allows`);
  const [gx, gy] = grid1d(N * OH * Math.ceil(OW / strip.q), WG);
  rt.dispatch({
    kernel: 'conv2d',
    label: 'conv2d',
    constants: { HAS_BIAS: withBias ? 1 : 0, WG, KW, SX: g.stride[1], DX: g.dilation[1], KC: strip.kc, OB: strip.ch, Q: strip.q },
    params: (p) => packParams(p, g),
    buffers,
    workgroups: [gx, gy, blocks],
  });
}

/** Threads (pixels) per workgroup and most sums per thread in conv2d_backward_weight.wgsl. */
const WEIGHT_WG = 32;
const WEIGHT_SUMS = 72;
/**
 * Split-K: the workgroups wanted in all (enough to fill a large GPU), and the fewest steps (one
 * pixel each) per thread in a chunk (each chunk ends with a workgroup reduction and adds a partial
 * sum per weight).
 */
const WEIGHT_GROUPS = 512;
const WEIGHT_MIN_STEPS = 64;

/**
 * dw: conv2d_backward_weight.wgsl sums chunks of the N·OH·OW pixels (grid x) per block of weights
 * (grid y, z) into a temporary buffer of partial sums, which sum_partials.wgsl adds
 * up (a single chunk is written to dw directly). Each thread holds OB output channels × TB taps ×
 * CB input channels, up to 72 sums: 8 × 9 × 1 for a 3×3 kernel, more input channels where there
 * are fewer output channels or taps. At most 9 taps: with more, lavapipe's NIR stops unrolling the
 * tap loop and indexes the sums per lane, many times slower.
 */
function launchBackwardWeight(rt: GpuRuntime, g: Geometry, x: GPUBuffer, grad: GPUBuffer, dw: GPUBuffer): void {
  const [N, O, OH, OW] = g.output;
  const [, Cg, KH, KW] = g.weight;
  const size = sizeOf(g.weight);
  if (size === 0) return;
  const og = O / g.groups;
  const ob = Math.min(8, og);
  const tb = Math.min(KH * KW, 9, Math.floor(WEIGHT_SUMS / ob));
  const cb = Math.min(Cg, 8, Math.floor(WEIGHT_SUMS / (ob * tb)));
  const blocks = Math.ceil(og / ob) * Math.ceil((KH * KW) / tb) * Math.ceil(Cg / cb);
  if (blocks > MAX_GROUPS) fail(OP, `${blocks} blocks of weights per group exceed the ${MAX_GROUPS} workgroups a dispatch dimension allows`);
  if (g.groups > MAX_GROUPS) fail(OP, `${g.groups} groups exceed the ${MAX_GROUPS} workgroups a dispatch dimension allows`);
  const pixels = N * OH * OW;
  const wanted = Math.min(Math.ceil(WEIGHT_GROUPS / (blocks * g.groups)), Math.floor(pixels / (WEIGHT_WG * WEIGHT_MIN_STEPS)), MAX_GROUPS);
  // A whole number of steps per chunk; the kernels recount the chunks as ⌈pixels / chunk⌉.
  const { chunk, chunks } = chunked(pixels, wanted, WEIGHT_WG);
  const partial = chunks > 1 ? rt.acquire(chunks * size * 4, 'conv2d_backward_weight partial sums') : dw;
  const params = (p: ParamWriter) => packParams(p, g, chunk);
  rt.dispatch({
    kernel: 'conv2d_backward_weight',
    label: 'conv2d_backward_weight',
    constants: { WG: WEIGHT_WG, OB: ob, TB: tb, CB: cb },
    params,
    buffers: [x, grad, partial],
    workgroups: [chunks, blocks, g.groups],
  });
  if (partial !== dw) sumPartials(rt, 'conv2d_backward_weight', partial, dw, size, chunks);
}

/**
 * The register block of the strip kernels (conv2d.wgsl, conv2d_backward_input.wgsl): each thread
 * computes `ch` of `channels` channels (up to 4) × q consecutive pixels of a row `width` wide (rows
 * cut into equal strips), from a window of (q − 1)·stride + (kc − 1)·dilation + 1 input values per
 * chunk of kc tap columns (the largest divisor of kw whose window fits). The bounds keep every
 * loop the kernels unroll within what compilers unroll (lavapipe's NIR does not unroll loops over
 * 32 iterations or nests much past 200 FMAs, and then indexes the register arrays per lane, many
 * times slower): at most 64 sums, a kc·ch·q FMA body of at most 192 and a window of at most 32.
 */
function stripBlock(channels: number, width: number, kw: number, stride: number, dilation: number): { ch: number; kc: number; q: number } {
  const ch = Math.min(channels, 4);
  let kc = kw;
  while (kw % kc !== 0 || (kc - 1) * dilation + 1 > 32) kc--;
  const qMax = Math.min(Math.floor((32 - (kc - 1) * dilation - 1) / stride) + 1, Math.floor(64 / ch), Math.floor(192 / (kc * ch)));
  return { ch, kc, q: Math.ceil(width / Math.ceil(width / qMax)) };
}

/**
 * conv2d_backward_input.wgsl's block: input channels (CB) and pixels (Q) per thread. Null where
 * the kernel does not apply: a horizontal stride or dilation above 1, or a kernel wider than one
 * window (it has no chunks).
 */
function inputStrip(g: Geometry): { cb: number; q: number } | null {
  const [, Cg, , KW] = g.weight;
  if (g.stride[1] !== 1 || g.dilation[1] !== 1) return null;
  const { ch, kc, q } = stripBlock(Cg, g.input[3], KW, 1, 1);
  return kc === KW ? { cb: ch, q } : null;
}

/**
 * dx: conv2d_backward_input.wgsl (register-blocked strips; grid x, y over the N·H·⌈W/Q⌉ strips,
 * z over groups × channel blocks) where it applies, else conv2d_backward_input_general.wgsl (a
 * thread per element).
 */
function launchBackwardInput(rt: GpuRuntime, g: Geometry, grad: GPUBuffer, w: GPUBuffer, dx: GPUBuffer): void {
  const [N, C, H, W] = g.input;
  const [, Cg, , KW] = g.weight;
  if (N * C * H * W === 0) return;
  const params = (p: ParamWriter) => packParams(p, g);
  const strip = inputStrip(g);
  if (!strip) {
    const kernel = 'conv2d_backward_input_general';
    rt.dispatch({ kernel, label: 'conv2d_backward_input', params, buffers: [grad, w, dx], workgroups: grid1d(N * C * H * W, WG) });
    return;
  }
  const blocks = g.groups * Math.ceil(Cg / strip.cb);
  if (blocks > MAX_GROUPS) fail(OP, `${blocks} blocks of input channels (groups × ⌈channels per group / ${strip.cb}⌉) exceed the ${MAX_GROUPS} workgroups a dispatch dimension allows`);
  const [gx, gy] = grid1d(N * H * Math.ceil(W / strip.q), WG);
  rt.dispatch({
    kernel: 'conv2d_backward_input',
    label: 'conv2d_backward_input',
    constants: { WG, KW, CB: strip.cb, Q: strip.q },
    params,
    buffers: [grad, w, dx],
    workgroups: [gx, gy, blocks],
  });
}

/**
 * A backward kernel writing the gradient `result` of the geometry. Internal, exercised through
 * conv2d's gradient checks.
 */
function backwardSpec(
  name: string,
  inputs: readonly [string, string],
  result: (g: Geometry) => Shape,
  reference: (a: CpuIo, b: CpuIo, out: CpuIo, g: Geometry) => void,
  gpu: (rt: GpuRuntime, g: Geometry, a: GPUBuffer, b: GPUBuffer, out: GPUBuffer) => void,
): KernelSpec<Geometry> {
  return {
    kind: 'kernel',
    name,
    inputs,
    shape: (_inputs, g) => result(g),
    gpu(rt, [a, b], [out], g) {
      gpu(rt, g, a.buffer, b.buffer, out.buffer);
    },
    cpu([a, b], [out], g) {
      reference(a, b, out, g);
    },
    backward: null,
    samples: [],
  };
}

/** dx from (grad, weight). */
const backwardInputSpec = backwardSpec('conv2d_backward_input', ['grad', 'weight'], (g) => g.input, conv2dBackwardInputReference, launchBackwardInput);
/** dw from (input, grad). */
const backwardWeightSpec = backwardSpec('conv2d_backward_weight', ['input', 'grad'], (g) => g.weight, conv2dBackwardWeightReference, launchBackwardWeight);

function conv2dSpecFor(withBias: boolean, samples: Sample<Conv2dOptions>[], invalid: InvalidSample<Conv2dOptions>[]): KernelSpec<Conv2dOptions> {
  return {
    kind: 'kernel',
    name: OP,
    inputs: withBias ? ['input', 'weight', 'bias'] : ['input', 'weight'],
    shape: ([x, w, b], options) => geometry(x, w, b ?? null, options).output,
    gpu(rt, [x, w, b], [out], options) {
      const g = geometry(x.shape, w.shape, b?.shape ?? null, options);
      // Without a bias, HAS_BIAS = 0 and the weight buffer fills the unread bias binding.
      launchForward(rt, g, [x.buffer, w.buffer, (b ?? w).buffer, out.buffer], withBias);
    },
    cpu([x, w, b], [out], options) {
      conv2dReference(x, w, b ?? null, out, geometry(x.shape, w.shape, b?.shape ?? null, options));
    },
    backward(ctx, grad) {
      const [x, w] = ctx.inputs;
      const g = geometry(x.shape, w.shape, null, ctx.params);
      const grads = [
        ctx.needsGrad[0] ? apply(backwardInputSpec, [grad, w], g) : null,
        ctx.needsGrad[1] ? apply(backwardWeightSpec, [x, grad], g) : null,
      ];
      return withBias ? [...grads, ctx.needsGrad[2] ? sum(grad, [0, 2, 3]) : null] : grads;
    },
    samples,
    invalid,
  };
}

export const conv2dSpec = conv2dSpecFor(
  false,
  [
    { note: 'batch 1, padding 1, first layer (no input gradient)', inputs: [{ shape: [1, 2, 5, 5], grad: false }, [3, 2, 3, 3]], params: { padding: 1 } },
    { note: 'dilation 2, padding 2', inputs: [[2, 2, 7, 8], [3, 2, 3, 3]], params: { dilation: 2, padding: 2 } },
    {
      note: 'non-square 2×3 kernel, asymmetric stride, padding and dilation',
      inputs: [[1, 3, 6, 7], [2, 3, 2, 3]],
      params: { stride: [2, 1], padding: [0, 2], dilation: [1, 2] },
    },
    { note: 'stride 3 over a 2×2 kernel (some inputs unread)', inputs: [[1, 1, 7, 7], [2, 1, 2, 2]], params: { stride: 3 } },
    { note: 'depthwise (groups = C), stride 2, dilation 2', inputs: [[2, 3, 7, 7], [3, 1, 3, 3]], params: { groups: 3, stride: 2, dilation: 2, padding: 1 } },
    {
      note: 'weight gradient split into two chunks, the second ragged, 10 output channels (blocks of 8); input gradient rows in two strips',
      inputs: [[5, 3, 29, 29], [10, 3, 3, 3]],
      params: { padding: 1 },
    },
    { note: '1×1 kernel over 11 channels (blocks of 8 input channels per weight-gradient thread, of 4 per input-gradient thread)', inputs: [[2, 11, 5, 4], [3, 11, 1, 1]], params: {} },
    {
      note: 'kernel wider than one forward window: 6 tap columns at dilation 7, in two chunks of 3',
      inputs: [[1, 2, 3, 40], [3, 2, 2, 6]],
      params: { dilation: [1, 7], padding: [0, 3] },
    },
    {
      note: 'stride and dilation 2 down the rows only, 3×2 kernel (the strip input gradient)',
      inputs: [[2, 5, 11, 9], [6, 5, 3, 2]],
      params: { stride: [2, 1], dilation: [2, 1], padding: [2, 0] },
    },
  ],
  [
    { inputs: [[3, 5, 5], [2, 3, 3, 3]], params: {}, error: /^conv2d: input must be 4-D \(N, C, H, W\), got shape \[3, 5, 5\]/ },
    { inputs: [[1, 3, 5, 5], [2, 3, 3]], params: {}, error: /^conv2d: weight must be 4-D .*got shape \[2, 3, 3\]/ },
    { inputs: [[1, 3, 5, 5], [2, 2, 3, 3]], params: {}, error: /^conv2d: weight\[1\] × groups must equal the input channels: 2 × 1 ≠ 3 \(input \[1, 3, 5, 5\], weight \[2, 2, 3, 3\]\)/ },
    { inputs: [[1, 3, 5, 5], [2, 1, 3, 3]], params: { groups: 2 }, error: /^conv2d: input channels 3 must be divisible by groups 2/ },
    { inputs: [[1, 4, 5, 5], [3, 2, 3, 3]], params: { groups: 2 }, error: /^conv2d: output channels \(weight\[0\]\) 3 must be divisible by groups 2/ },
    { inputs: [[1, 1, 5, 5], [1, 1, 3, 3]], params: { stride: 0 }, error: /^conv2d: stride\[0\] must be an integer ≥ 1, got 0/ },
    { inputs: [[1, 1, 5, 5], [1, 1, 3, 3]], params: { padding: [1, -1] }, error: /^conv2d: padding\[1\] must be an integer ≥ 0, got -1/ },
    { inputs: [[1, 1, 5, 5], [1, 1, 3, 3]], params: { dilation: 1.5 }, error: /^conv2d: dilation\[0\] must be an integer ≥ 1, got 1.5/ },
    { inputs: [[1, 1, 5, 5], [1, 1, 3, 3]], params: { groups: 0 }, error: /^conv2d: groups must be an integer ≥ 1, got 0/ },
    { inputs: [[1, 1, 4, 4], [1, 1, 0, 3]], params: {}, error: /^conv2d: kernel size must be at least 1×1, got 0×3/ },
    {
      inputs: [[1, 1, 4, 6], [1, 1, 3, 3]],
      params: { dilation: 2 },
      error: /^conv2d: kernel 3×3 \(spanning 5×5 with dilation 2×2\) is larger than the padded input 4×6 \(input \[1, 1, 4, 6\], weight \[1, 1, 3, 3\], padding 0×0\)/,
    },
  ],
);

export const conv2dBiasSpec = conv2dSpecFor(
  true,
  [
    { note: 'odd sizes, bias', inputs: [[2, 3, 7, 6], [4, 3, 3, 3], [4]], params: {} },
    { note: 'stride 2, padding 1, bias', inputs: [[2, 2, 7, 9], [3, 2, 3, 3], [3]], params: { stride: 2, padding: 1 } },
    { note: 'groups 2, bias', inputs: [[2, 4, 5, 6], [6, 2, 3, 3], [6]], params: { groups: 2, padding: 1 } },
    { note: 'kernel equal to the padded input (1×1 output)', inputs: [[2, 2, 3, 4], [3, 2, 5, 6], [3]], params: { padding: 1 } },
  ],
  [
    { inputs: [[1, 3, 5, 5], [2, 3, 3, 3], [3]], params: {}, error: /^conv2d: bias must have shape \[2\] \(one per output channel\), got \[3\]/ },
    { inputs: [[1, 3, 5, 5], [2, 3, 3, 3], [1, 2]], params: {}, error: /^conv2d: bias must have shape \[2\] \(one per output channel\), got \[1, 2\]/ },
  ],
);

/**
 * PyTorch's F.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
 * input [N, C, H, W], weight [O, C/groups, kh, kw], bias [O]; stride, padding and dilation are an
 * int or a (height, width) pair. Output [N, O, OH, OW] with OH = ⌊(H + 2p − d(kh − 1) − 1)/s⌋ + 1.
 */
export const CONV2D_OPTIONS = ['stride', 'padding', 'dilation', 'groups'] as const satisfies readonly (keyof Conv2dOptions)[];

export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  checkOptionNames('conv2d', options, CONV2D_OPTIONS);
  return bias ? apply(conv2dBiasSpec, [input, weight, bias], options) : apply(conv2dSpec, [input, weight], options);
}
