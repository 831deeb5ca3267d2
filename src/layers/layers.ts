// The layers the tutorials use, with torch.nn's names, arguments, parameter names and shapes.
import { conv2d, CONV2D_OPTIONS } from '../ops/conv2d.js';
import { crossEntropy, type Reduction } from '../ops/cross-entropy.js';
import { dropout } from '../ops/dropout.js';
import { checkInt, checkNumber, checkOptionNames } from '../ops/errors.js';
import { linear } from '../ops/linear.js';
import { AVG_POOL2D_OPTIONS, avgPool2d, MAX_POOL2D_OPTIONS, maxPool2d, type AvgPool2dOptions, type MaxPool2dOptions } from '../ops/pool2d.js';
import { flatten } from '../ops/shape-ops.js';
import { softmax } from '../ops/softmax.js';
import { elu, leakyRelu, relu, sigmoid, tanh } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { defaultUniform } from './init.js';
import { Module } from './module.js';

type Pair = number | readonly [number, number];
const show = (v: Pair) => (typeof v === 'number' ? `${v}` : `(${v.join(', ')})`);

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    checkOptionNames('Linear', options, ['bias']);
    checkInt('Linear', 'inFeatures', inFeatures, 1);
    checkInt('Linear', 'outFeatures', outFeatures, 1);
    this.weight = this.registerParameter('weight', defaultUniform([outFeatures, inFeatures], inFeatures));
    this.bias = options.bias === false ? null : this.registerParameter('bias', defaultUniform([outFeatures], inFeatures));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias ?? undefined);
  }

  describe(): string {
    return `Linear(${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias=false'})`;
  }
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: Pair,
    readonly options: Conv2dOptions = {},
  ) {
    super();
    checkOptionNames('Conv2d', options, [...CONV2D_OPTIONS, 'bias']);
    const groups = options.groups ?? 1;
    checkInt('Conv2d', 'inChannels', inChannels, 1);
    checkInt('Conv2d', 'outChannels', outChannels, 1);
    checkInt('Conv2d', 'groups', groups, 1);
    if (inChannels % groups || outChannels % groups) throw new Error(`Conv2d: inChannels ${inChannels} and outChannels ${outChannels} must be divisible by groups ${groups}`);
    const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    checkInt('Conv2d', 'kernelSize', kh, 1);
    checkInt('Conv2d', 'kernelSize', kw, 1);
    const fanIn = (inChannels / groups) * kh * kw;
    this.weight = this.registerParameter('weight', defaultUniform([outChannels, inChannels / groups, kh, kw], fanIn));
    this.bias = options.bias === false ? null : this.registerParameter('bias', defaultUniform([outChannels], fanIn));
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this.options;
    return conv2d(x, this.weight, this.bias ?? undefined, { stride, padding, dilation, groups });
  }

  describe(): string {
    const o = this.options;
    const extra = [o.stride && `stride=${show(o.stride)}`, o.padding && `padding=${show(o.padding)}`, o.dilation && `dilation=${show(o.dilation)}`, o.groups && `groups=${o.groups}`];
    return `Conv2d(${[this.inChannels, this.outChannels, `kernel=${show(this.kernelSize)}`, ...extra].filter(Boolean).join(', ')})`;
  }
}

/** What MaxPool2d and AvgPool2d share: torch.nn's (kernel_size, **options) over the functional op. */
abstract class Pool2dLayer<O> extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: O,
    private readonly pool: (x: Tensor, options: O & { kernelSize: Pair }) => Tensor,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return this.pool(x, { kernelSize: this.kernelSize, ...this.options });
  }

  /** `name(kernel, ...extra)`, leaving out the extras that are unset. */
  protected describeAs(name: string, ...extra: (string | false | undefined)[]): string {
    return `${name}(${[show(this.kernelSize), ...extra].filter(Boolean).join(', ')})`;
  }
}

export class MaxPool2d extends Pool2dLayer<Omit<MaxPool2dOptions, 'kernelSize'>> {
  constructor(kernelSize: Pair, options: Omit<MaxPool2dOptions, 'kernelSize'> = {}) {
    super(kernelSize, options, maxPool2d);
    checkOptionNames('MaxPool2d', options, MAX_POOL2D_OPTIONS.filter((k) => k !== 'kernelSize'));
  }

  describe(): string {
    const { stride, padding } = this.options;
    return this.describeAs('MaxPool2d', stride !== undefined && `stride=${show(stride)}`, !!padding && `padding=${show(padding)}`);
  }
}

export class AvgPool2d extends Pool2dLayer<Omit<AvgPool2dOptions, 'kernelSize'>> {
  constructor(kernelSize: Pair, options: Omit<AvgPool2dOptions, 'kernelSize'> = {}) {
    super(kernelSize, options, avgPool2d);
    checkOptionNames('AvgPool2d', options, AVG_POOL2D_OPTIONS.filter((k) => k !== 'kernelSize'));
  }

  describe(): string {
    return this.describeAs('AvgPool2d');
  }
}

/** A parameter-free layer that applies one function. */
abstract class FunctionLayer extends Module {
  protected abstract apply(x: Tensor): Tensor;

  forward(x: Tensor): Tensor {
    return this.apply(x);
  }
}

export class ReLU extends FunctionLayer {
  protected apply = relu;
}

export class Sigmoid extends FunctionLayer {
  protected apply = sigmoid;
}

export class Tanh extends FunctionLayer {
  protected apply = tanh;
}

export class LeakyReLU extends FunctionLayer {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkNumber('LeakyReLU', 'negativeSlope', negativeSlope);
  }

  protected apply = (x: Tensor) => leakyRelu(x, this.negativeSlope);
}

export class ELU extends FunctionLayer {
  constructor(readonly alpha = 1) {
    super();
    checkNumber('ELU', 'alpha', alpha);
  }

  protected apply = (x: Tensor) => elu(x, this.alpha);
}

/** torch.nn.Softmax; with no dim, PyTorch's implicit one (see softmax). */
export class Softmax extends FunctionLayer {
  constructor(readonly dim?: number) {
    super();
  }

  protected apply = (x: Tensor) => softmax(x, this.dim);
}

export class Flatten extends FunctionLayer {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  protected apply = (x: Tensor) => flatten(x, this.startDim, this.endDim);
}

/** Zeroes each element with probability p in training and scales the rest by 1/(1−p); identity in eval. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkNumber('Dropout', 'p', p, { min: 0, max: 1 });
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }

  describe(): string {
    return `Dropout(p=${this.p})`;
  }
}

/** Softmax + negative log-likelihood on logits and integer class labels (the tutorials' criterion). */
export class CrossEntropyLoss {
  constructor(readonly options: { reduction?: Reduction } = {}) {
    checkOptionNames('CrossEntropyLoss', options, ['reduction']);
  }

  forward(logits: Tensor, target: Tensor): Tensor {
    return crossEntropy(logits, target, this.options);
  }
}
