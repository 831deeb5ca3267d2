// Adam (L2 weight decay added to the gradient, as torch.optim.Adam) and AdamW (decoupled weight
// decay, as torch.optim.AdamW): one kernel, kernels/wgsl/adam.wgsl; CPU reference: ./reference.ts.
import type { GpuRuntime } from '../gpu/runtime.js';
import { grid1d } from '../ops/launch.js';
import { checkNumber, fail } from '../ops/errors.js';
import type { HostArray } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, withDefaults, type ParamUpdate } from './optimizer.js';
import { adamReference } from './reference.js';

export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
}

abstract class AdamFamily extends Optimizer<AdamOptions> {
  protected constructor(
    name: string,
    private readonly decoupled: boolean,
    params: readonly Tensor[],
    given: Partial<AdamOptions>,
    defaultWeightDecay: number,
  ) {
    super(name, params, checked(name, given, defaultWeightDecay), ['expAvg', 'expAvgSq']);
  }

  protected gpuUpdate(rt: GpuRuntime, u: ParamUpdate<GPUBuffer>): void {
    const o = this.options;
    rt.dispatch({
      kernel: 'adam',
      label: u.label,
      // Read at each (re)play: lr may change, and the step-dependent terms follow u.step. They and
      // 1 − β are computed in float64 on the host; the kernel sees them as uniforms.
      params: (p) => {
        const { lr, betas, eps, weightDecay } = o;
        const stepSize = lr / (1 - betas[0] ** u.step);
        const bc2Sqrt = Math.sqrt(1 - betas[1] ** u.step);
        const [l2, decay] = this.decoupled ? [0, 1 - lr * weightDecay] : [weightDecay, 1];
        p.u32(u.n).f32(betas[0], betas[1], 1 - betas[0], 1 - betas[1], eps, l2, decay, stepSize, bc2Sqrt);
      },
      buffers: [u.param, u.grad, u.state[0], u.state[1]],
      workgroups: grid1d(u.n, 256),
    });
  }

  protected cpuUpdate(u: ParamUpdate<HostArray>): void {
    adamReference(u.param, u.grad, u.state[0], u.state[1], { ...this.options, decoupled: this.decoupled }, u.step);
  }
}

function checked(name: string, given: Partial<AdamOptions>, weightDecay: number): AdamOptions {
  const o = withDefaults<AdamOptions>(name, given, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay });
  checkNumber(name, 'lr', o.lr, { min: 0 });
  if (!Array.isArray(o.betas) || o.betas.length !== 2) fail(name, `betas must be a pair [beta1, beta2], got ${JSON.stringify(o.betas)}`);
  checkNumber(name, 'betas[0]', o.betas[0], { min: 0, max: 1, maxExclusive: true });
  checkNumber(name, 'betas[1]', o.betas[1], { min: 0, max: 1, maxExclusive: true });
  checkNumber(name, 'eps', o.eps, { min: 0 });
  checkNumber(name, 'weightDecay', o.weightDecay, { min: 0 });
  // A private copy: the caller's array must not change this optimizer's betas later.
  return { ...o, betas: [o.betas[0], o.betas[1]] };
}

/** torch.optim.Adam: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0 (L2, added to the gradient). */
export class Adam extends AdamFamily {
  constructor(params: readonly Tensor[], options: Partial<AdamOptions> = {}) {
    super('Adam', false, params, options, 0);
  }
}

/** torch.optim.AdamW: as Adam, but weightDecay (default 0.01) shrinks the weights directly by lr·weightDecay. */
export class AdamW extends AdamFamily {
  constructor(params: readonly Tensor[], options: Partial<AdamOptions> = {}) {
    super('AdamW', true, params, options, 0.01);
  }
}
