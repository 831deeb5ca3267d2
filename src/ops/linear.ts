// linear(x, W, b) = x·Wᵀ + b, composed from matmul (reading W transposed, no copy) and add.
import { scope } from '../tensor/scope.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { apply, checkUsable } from './apply.js';
import { add } from './binary.js';
import { fail } from './errors.js';
import { matmulSpec } from './matmul.js';
import { reshape } from './shape-ops.js';

/** PyTorch's F.linear: input [..., in], weight [out, in], bias [out] → [..., out]. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  checkUsable('linear', 'input', input);
  checkUsable('linear', 'weight', weight);
  if (weight.ndim !== 2) fail('linear', `weight must be 2-D [out, in], got shape ${formatShape(weight.shape)}`);
  if (input.ndim < 1 || input.shape[input.ndim - 1] !== weight.shape[1]) {
    fail('linear', `input ${formatShape(input.shape)} must end in in_features = ${weight.shape[1]} of weight ${formatShape(weight.shape)}`);
  }
  if (bias) {
    checkUsable('linear', 'bias', bias);
    if (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]) fail('linear', `bias must have shape [${weight.shape[0]}], got ${formatShape(bias.shape)}`);
  }
  // Intermediates are the caller's to never see: the scope frees them (autograd keeps what it saved).
  return scope(() => {
    const x = input.ndim === 1 ? reshape(input, [1, input.shape[0]]) : input;
    const y = apply(matmulSpec, [x, weight], { transA: false, transB: true });
    const out = bias ? add(y, bias) : y;
    return input.ndim === 1 ? reshape(out, [weight.shape[0]]) : out;
  });
}
