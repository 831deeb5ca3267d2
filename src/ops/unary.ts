// Elementwise unary ops and activations: neg, exp, log, sqrt, relu, leaky_relu, elu, sigmoid,
// tanh. Kernels: kernels/wgsl/unary.wgsl and unary_backward.wgsl (one OP code table for both).
import { unaryDerivatives, unaryFunctions } from '../reference/elementwise.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { apply } from './apply.js';
import { checkNumber } from './errors.js';
import { vec4Grid } from './launch.js';
import type { KernelSpec, Sample, SampleInput } from './spec.js';

type Name = keyof typeof unaryFunctions;
interface Params {
  alpha: number;
}

const CODES: Record<Name, number> = { neg: 0, exp: 1, log: 2, sqrt: 3, relu: 4, leaky_relu: 5, elu: 6, sigmoid: 7, tanh: 8 };

/** Domains the samples draw from: log and sqrt need positive inputs. */
const positive = (shape: number[]): SampleInput => ({ shape, fill: (r) => 0.1 + 3 * r() });

function samplesFor(name: Name, alpha: number): Sample<Params>[] {
  const input = (shape: number[]) => (name === 'log' || name === 'sqrt' ? positive(shape) : shape);
  return [
    { note: 'odd 2-D', inputs: [input([7, 13])], params: { alpha } },
    { note: 'batch 1, rank 4', inputs: [input([1, 3, 5, 5])], params: { alpha } },
    { note: 'scalar', inputs: [input([])], params: { alpha } },
  ];
}

/** dx = g·f'(x): internal, exercised through its forward op's gradient checks. */
function backwardSpec(name: Name): KernelSpec<Params> {
  return {
    kind: 'kernel',
    name: `${name}_backward`,
    inputs: ['input', 'output', 'grad'],
    shape: ([x]) => x,
    gpu(rt, [x, y, g], [dx], { alpha }) {
      const n = sizeOf(x.shape);
      const buffers = [x.buffer, y.buffer, g.buffer, dx.buffer];
      rt.dispatch({
        kernel: 'unary_backward',
        label: `${name} backward`,
        constants: { OP: CODES[name] },
        params: (p) => p.u32(n).f32(alpha),
        buffers,
        workgroups: vec4Grid(`${name}_backward`, n, buffers),
      });
    },
    cpu([x, , g], [dx], { alpha }) {
      const d = unaryDerivatives[name];
      for (let i = 0; i < dx.data.length; i++) dx.data[i] = g.data[i] * d(x.data[i], alpha);
    },
    backward: null,
    samples: [],
  };
}

function unarySpec(name: Name, alpha = 0): KernelSpec<Params> {
  const grad = backwardSpec(name);
  return {
    kind: 'kernel',
    name,
    inputs: ['input'],
    shape: ([x]) => x,
    gpu(rt, [x], [out], { alpha }) {
      const n = sizeOf(x.shape);
      const buffers = [x.buffer, out.buffer];
      rt.dispatch({
        kernel: 'unary',
        label: name,
        constants: { OP: CODES[name] },
        params: (p) => p.u32(n).f32(alpha),
        buffers,
        workgroups: vec4Grid(name, n, buffers),
      });
    },
    cpu([x], [out], { alpha }) {
      const f = unaryFunctions[name];
      for (let i = 0; i < out.data.length; i++) out.data[i] = f(x.data[i], alpha);
    },
    backward: (ctx, g) => [apply(grad, [ctx.inputs[0], ctx.output, g], ctx.params)],
    samples: samplesFor(name, alpha),
  };
}

export const negSpec = unarySpec('neg');
export const expSpec = unarySpec('exp');
export const logSpec = unarySpec('log');
export const sqrtSpec = unarySpec('sqrt');
export const reluSpec = unarySpec('relu');
export const leakyReluSpec = unarySpec('leaky_relu', 0.01);
export const eluSpec = unarySpec('elu', 1);
export const sigmoidSpec = unarySpec('sigmoid');
export const tanhSpec = unarySpec('tanh');

export const neg = (x: Tensor): Tensor => apply(negSpec, [x], { alpha: 0 });
export const exp = (x: Tensor): Tensor => apply(expSpec, [x], { alpha: 0 });
export const log = (x: Tensor): Tensor => apply(logSpec, [x], { alpha: 0 });
export const sqrt = (x: Tensor): Tensor => apply(sqrtSpec, [x], { alpha: 0 });
export const relu = (x: Tensor): Tensor => apply(reluSpec, [x], { alpha: 0 });
export const sigmoid = (x: Tensor): Tensor => apply(sigmoidSpec, [x], { alpha: 0 });
export const tanh = (x: Tensor): Tensor => apply(tanhSpec, [x], { alpha: 0 });

/** PyTorch's leaky_relu(input, negative_slope=0.01). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkNumber('leaky_relu', 'negativeSlope', negativeSlope);
  return apply(leakyReluSpec, [x], { alpha: negativeSlope });
}

/** PyTorch's elu(input, alpha=1.0). */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkNumber('elu', 'alpha', alpha);
  return apply(eluSpec, [x], { alpha });
}
