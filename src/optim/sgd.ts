// Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, as
// torch.optim.SGD. Kernel: kernels/wgsl/sgd.wgsl; CPU reference: ./reference.ts.
import type { GpuRuntime } from '../gpu/runtime.js';
import { grid1d } from '../ops/launch.js';
import { checkNumber, fail } from '../ops/errors.js';
import { zeros } from '../tensor/create.js';
import { keep } from '../tensor/scope.js';
import type { GpuStorage, HostArray } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBoolean, Optimizer, withDefaults, type ParamUpdate } from './optimizer.js';
import { sgdReference, type SgdHyper } from './reference.js';

export type SgdOptions = SgdHyper;

const DEFAULTS: SgdOptions = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false };

function checked(given: Partial<SgdOptions>): SgdOptions {
  const o = withDefaults('SGD', given, DEFAULTS);
  checkNumber('SGD', 'lr', o.lr, { min: 0 });
  checkNumber('SGD', 'momentum', o.momentum, { min: 0 });
  checkNumber('SGD', 'dampening', o.dampening, { min: 0, max: 1 });
  checkNumber('SGD', 'weightDecay', o.weightDecay, { min: 0 });
  checkBoolean('SGD', 'nesterov', o.nesterov);
  if (o.nesterov && (o.momentum === 0 || o.dampening !== 0)) {
    fail('SGD', `nesterov requires momentum > 0 and dampening 0, got momentum ${o.momentum} and dampening ${o.dampening}`);
  }
  return o;
}

export class SGD extends Optimizer<SgdOptions> {
  /** Bound as the momentum buffer when there is none: the kernel never touches it then. */
  private placeholder: Tensor | null = null;

  constructor(params: readonly Tensor[], options: Partial<SgdOptions> = {}) {
    const o = checked(options);
    super('SGD', params, o, o.momentum > 0 ? ['momentumBuffer'] : []);
  }

  override dispose(): void {
    super.dispose();
    this.placeholder?.dispose();
    this.placeholder = null;
  }

  protected gpuUpdate(rt: GpuRuntime, u: ParamUpdate<GPUBuffer>): void {
    const o = this.options;
    const { momentum, nesterov } = o;
    rt.dispatch({
      kernel: 'sgd',
      label: u.label,
      constants: { MOMENTUM: momentum > 0 ? 1 : 0, NESTEROV: nesterov ? 1 : 0 },
      // Read at each (re)play: lr may change, and a replayed step is never a parameter's first.
      params: (p) => p.u32(u.n).f32(o.lr, o.weightDecay, momentum, u.step === 1 ? 1 : 1 - o.dampening),
      buffers: [u.param, u.grad, u.state[0] ?? this.placeholderBuffer(rt)],
      workgroups: grid1d(u.n, 256),
    });
  }

  /** Made once, outside any capture (GpuRuntime.outsideCapture). */
  private placeholderBuffer(rt: GpuRuntime): GPUBuffer {
    this.placeholder ??= rt.outsideCapture(() => keep(zeros([1])));
    return (this.placeholder.storage as GpuStorage).buffer;
  }

  protected cpuUpdate(u: ParamUpdate<HostArray>): void {
    sgdReference(u.param, u.grad, u.state[0] ?? null, this.options, u.step);
  }
}
