// Parameter initialisation as PyTorch does it, from the seeded generator (manualSeed).
import { tensor, writeValues } from '../tensor/create.js';
import { random } from '../tensor/random.js';
import { sizeOf, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

function uniformValues(n: number, bound: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (random() * 2 - 1) * bound;
  return v;
}

/** fan_in and fan_out of a weight [out, in, ...kernel], as torch.nn.init computes them. */
export function fans(shape: Shape): { fanIn: number; fanOut: number } {
  const receptive = sizeOf(shape.slice(2));
  return { fanIn: (shape[1] ?? 1) * receptive, fanOut: shape[0] * receptive };
}

/** U(−b, b) with b = 1/√fan_in: PyTorch's default for Linear and Conv2d weights (kaiming_uniform_ with a = √5) and biases. */
export function defaultUniform(shape: Shape, fanIn: number): Tensor {
  return tensor(uniformValues(sizeOf(shape), fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0), shape);
}

/** torch.nn.init.xavier_uniform_: U(−b, b) with b = gain·√(6/(fan_in + fan_out)), in place. */
export function xavierUniform(weight: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fans(weight.shape);
  writeValues(weight, uniformValues(weight.size, gain * Math.sqrt(6 / (fanIn + fanOut))));
  return weight;
}
