// CPU reference updates: plain loops over one parameter, written from PyTorch's documented
// algorithms (torch.optim.SGD, Adam, AdamW) independently of the WGSL kernels, which are checked
// against them. Arrays are updated in place; arithmetic is in float64, stored at the arrays' precision.
import type { HostArray } from '../tensor/storage.js';

export interface SgdHyper {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

export interface AdamHyper {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights directly instead of adding the decay to the gradient. */
  decoupled: boolean;
}

/** `buf` is the momentum buffer (null without momentum); `step` counts from 1. */
export function sgdReference(param: HostArray, grad: HostArray, buf: HostArray | null, h: SgdHyper, step: number): void {
  for (let i = 0; i < param.length; i++) {
    let d = grad[i];
    if (h.weightDecay !== 0) d += h.weightDecay * param[i];
    if (buf) {
      buf[i] = step === 1 ? d : h.momentum * buf[i] + (1 - h.dampening) * d;
      d = h.nesterov ? d + h.momentum * buf[i] : buf[i];
    }
    param[i] -= h.lr * d;
  }
}

/** `m`, `v`: first and second moment estimates; `step` (t) counts from 1. */
export function adamReference(param: HostArray, grad: HostArray, m: HostArray, v: HostArray, h: AdamHyper, step: number): void {
  const [beta1, beta2] = h.betas;
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  for (let i = 0; i < param.length; i++) {
    let g = grad[i];
    if (h.decoupled) param[i] *= 1 - h.lr * h.weightDecay;
    else g += h.weightDecay * param[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    const mHat = m[i] / correction1;
    const vHat = v[i] / correction2;
    param[i] -= (h.lr * mHat) / (Math.sqrt(vHat) + h.eps);
  }
}
