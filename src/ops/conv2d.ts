// 2-D convolution on NCHW tensors, PyTorch's F.conv2d(input, weight, bias, stride, padding,
// dilation, groups). Two registered specs, with and without bias (the forward kernel adds the bias
// in place, so a bias-less conv reads no zeros). Kernels: kernels/wgsl/conv2d.wgsl,
// conv2d_backward_input.wgsl and conv2d_backward_weight.wgsl; reference: reference/conv2d.ts.
import type { GpuRuntime } from '../gpu/runtime.js';
import type { Constants } from '../gpu/pipelines.js';
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
import { checkInt, checkRank, fail, pair } from './errors.js';
import { grid1d, MAX_GROUPS } from './launch.js';
import { sum } from './reduce.js';
import type { CpuIo, InvalidSample, KernelSpec, Sample } from './spec.js';

const OP = 'conv2d';
/** Threads per workgroup in conv2d_backward_*.wgsl (their WG default). */
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
  const shapes = `input ${formatShape(input)}, weight ${formatShape(weight)}`;
  if (C % groups !== 0) fail(OP, `input channels ${C} must be divisible by groups ${groups} (${shapes})`);
  if (O % groups !== 0) fail(OP, `output channels (weight[0]) ${O} must be divisible by groups ${groups} (${shapes})`);
  if (Cg * groups !== C) fail(OP, `weight[1] × groups must equal the input channels: ${Cg} × ${groups} ≠ ${C} (${shapes})`);
  if (KH < 1 || KW < 1) fail(OP, `kernel size must be at least 1×1, got ${KH}×${KW} (${shapes})`);
  if (bias && (bias.length !== 1 || bias[0] !== O)) fail(OP, `bias must have shape [${O}] (one per output channel), got ${formatShape(bias)}`);

  const span = [0, 1].map((d) => dilation[d] * (weight[d + 2] - 1) + 1);
  const padded = [0, 1].map((d) => input[d + 2] + 2 * padding[d]);
  if (span[0] > padded[0] || span[1] > padded[1]) {
    fail(OP, `kernel ${KH}×${KW} (spanning ${span.join('×')} with dilation ${dilation.join('×')}) is larger than the padded input ${padded.join('×')} (${shapes}, padding ${padding.join('×')})`);
  }
  const out = [0, 1].map((d) => Math.floor((padded[d] - span[d]) / stride[d]) + 1);
  return { input, weight, output: [N, O, out[0], out[1]], stride, padding, dilation, groups };
}

/** The Params struct shared by conv2d*.wgsl. */
function packParams(p: ParamWriter, g: Geometry): void {
  const [, , OH, OW] = g.output;
  const [O, , KH, KW] = g.weight;
  p.u32(...g.input, O, OH, OW, g.groups, KH, KW, ...g.stride, ...g.padding, ...g.dilation);
}

/** Runs one of the conv2d_backward_*.wgsl kernels with a thread per element of its output. */
function launch(rt: GpuRuntime, kernel: string, g: Geometry, threads: number, buffers: GPUBuffer[], constants?: Constants): void {
  rt.dispatch({ kernel, label: kernel, constants, params: (p) => packParams(p, g), buffers, workgroups: grid1d(threads, WG) });
}

/** Threads per workgroup (each computing 8 pixels) and most output channels per thread in conv2d.wgsl. */
const FORWARD_WG = 64;
const FORWARD_OB = 8;

/**
 * conv2d.wgsl: a thread per 8 output pixels and block of up to FORWARD_OB output channels of one
 * group; grid x (wrapping into y) over the N·OH·OW pixels in tiles of 8·FORWARD_WG, z over
 * groups × channel blocks.
 */
function launchForward(rt: GpuRuntime, g: Geometry, buffers: GPUBuffer[], withBias: boolean): void {
  const [N, O, OH, OW] = g.output;
  const [, , KH, KW] = g.weight;
  if (N * O * OH * OW === 0) return; // nothing to write (and no channel block to size)
  const perGroup = O / g.groups;
  const ob = Math.min(FORWARD_OB, perGroup);
  const blocks = g.groups * Math.ceil(perGroup / ob);
  if (blocks > MAX_GROUPS) fail(OP, `${blocks} blocks of output channels (groups × ⌈channels per group / ${ob}⌉) exceed the ${MAX_GROUPS} workgroups a dispatch dimension allows`);
  const [gx, gy] = grid1d(Math.ceil((N * OH * OW) / 8), FORWARD_WG);
  rt.dispatch({
    kernel: 'conv2d',
    label: 'conv2d',
    constants: { HAS_BIAS: withBias ? 1 : 0, WG: FORWARD_WG, KH, KW, OB: ob },
    params: (p) => packParams(p, g),
    buffers,
    workgroups: [gx, gy, blocks],
  });
}

/**
 * A backward kernel: one thread per element of the gradient it writes (`result` of the geometry).
 * Internal, exercised through conv2d's gradient checks.
 */
function backwardSpec(
  name: string,
  inputs: readonly [string, string],
  result: (g: Geometry) => Shape,
  reference: (a: CpuIo, b: CpuIo, out: CpuIo, g: Geometry) => void,
): KernelSpec<Geometry> {
  return {
    kind: 'kernel',
    name,
    inputs,
    shape: (_inputs, g) => result(g),
    gpu(rt, [a, b], [out], g) {
      launch(rt, name, g, sizeOf(result(g)), [a.buffer, b.buffer, out.buffer]);
    },
    cpu([a, b], [out], g) {
      reference(a, b, out, g);
    },
    backward: null,
    samples: [],
  };
}

/** dx from (grad, weight). */
const backwardInputSpec = backwardSpec('conv2d_backward_input', ['grad', 'weight'], (g) => g.input, conv2dBackwardInputReference);
/** dw from (input, grad). */
const backwardWeightSpec = backwardSpec('conv2d_backward_weight', ['input', 'grad'], (g) => g.weight, conv2dBackwardWeightReference);

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
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  return bias ? apply(conv2dBiasSpec, [input, weight, bias], options) : apply(conv2dSpec, [input, weight], options);
}
