// Tensor methods, PyTorch style (`x.matmul(w).add(b).relu()`): thin forwards to the functional
// ops, attached in this one place so tensor.ts does not depend on every op.
import { backward } from '../autograd/backward.js';
import { add, div, eq, gt, lt, mul, pow, sub } from '../ops/binary.js';
import { matmul } from '../ops/matmul.js';
import { argmax, max, mean, sum } from '../ops/reduce.js';
import { expand, flatten, permute, reshape, squeeze, transpose, unsqueeze, view, type ShapeArgs } from '../ops/shape-ops.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { elu, exp, leakyRelu, log, neg, relu, sigmoid, sqrt, tanh } from '../ops/unary.js';
import { to } from './create.js';
import { Tensor } from './tensor.js';

type Operand = Tensor | number;
type Dims = number | readonly number[];

declare module './tensor.js' {
  interface Tensor {
    add(other: Operand): Tensor;
    sub(other: Operand): Tensor;
    mul(other: Operand): Tensor;
    div(other: Operand): Tensor;
    pow(exponent: Operand): Tensor;
    eq(other: Operand): Tensor;
    gt(other: Operand): Tensor;
    lt(other: Operand): Tensor;
    matmul(other: Tensor): Tensor;
    softmax(dim?: number): Tensor;
    logSoftmax(dim?: number): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    relu(): Tensor;
    leakyRelu(negativeSlope?: number): Tensor;
    elu(alpha?: number): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    sum(dim?: Dims, keepdim?: boolean): Tensor;
    mean(dim?: Dims, keepdim?: boolean): Tensor;
    max(dim?: Dims, keepdim?: boolean): Tensor;
    argmax(dim?: number, keepdim?: boolean): Tensor;
    reshape(...shape: ShapeArgs): Tensor;
    view(...shape: ShapeArgs): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    squeeze(dim?: number): Tensor;
    unsqueeze(dim: number): Tensor;
    permute(...dims: ShapeArgs): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    expand(...shape: ShapeArgs): Tensor;
    /** A handle on the same memory that is not part of the graph. */
    detach(): Tensor;
    backward(gradient?: Tensor): void;
    to(device: 'gpu' | 'cpu', options?: { float64?: boolean }): Promise<Tensor>;
  }
}

const methods: Partial<Tensor> & ThisType<Tensor> = {
  add(o) { return add(this, o); },
  sub(o) { return sub(this, o); },
  mul(o) { return mul(this, o); },
  div(o) { return div(this, o); },
  pow(o) { return pow(this, o); },
  eq(o) { return eq(this, o); },
  gt(o) { return gt(this, o); },
  lt(o) { return lt(this, o); },
  matmul(o) { return matmul(this, o); },
  softmax(d) { return softmax(this, d); },
  logSoftmax(d) { return logSoftmax(this, d); },
  neg() { return neg(this); },
  exp() { return exp(this); },
  log() { return log(this); },
  sqrt() { return sqrt(this); },
  relu() { return relu(this); },
  leakyRelu(s) { return leakyRelu(this, s); },
  elu(a) { return elu(this, a); },
  sigmoid() { return sigmoid(this); },
  tanh() { return tanh(this); },
  sum(d, k) { return sum(this, d, k); },
  mean(d, k) { return mean(this, d, k); },
  max(d, k) { return max(this, d, k); },
  argmax(d, k) { return argmax(this, d, k); },
  reshape(...s) { return reshape(this, ...s); },
  view(...s) { return view(this, ...s); },
  flatten(s, e) { return flatten(this, s, e); },
  squeeze(d) { return squeeze(this, d); },
  unsqueeze(d) { return unsqueeze(this, d); },
  permute(...d) { return permute(this, ...d); },
  transpose(a, b) { return transpose(this, a, b); },
  expand(...s) { return expand(this, ...s); },
  detach() { return this.share(); },
  backward(g) { backward(this, g); },
  to(device, options) { return to(this, device, options); },
};
Object.assign(Tensor.prototype, methods);
