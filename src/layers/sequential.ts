import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/**
 * Runs its children in order. Children are named 0, 1, … as in torch.nn.Sequential, or by the
 * keys of an object (for models whose state dict names its blocks: `layer1.0.weight`, `fc.weight`).
 */
export class Sequential extends Module {
  constructor(...children: Module[] | [Record<string, Module>]) {
    super();
    const proto: unknown = children.length === 1 && typeof children[0] === 'object' && children[0] !== null ? Object.getPrototypeOf(children[0]) : undefined;
    const byName = proto === Object.prototype || proto === null;
    const named = byName ? Object.entries(children[0]) : (children as Module[]).map((m, i) => [`${i}`, m] as const);
    for (const [name, m] of named) {
      if (!(m instanceof Module)) {
        const got = typeof m === 'function' ? `function ${(m as { name: string }).name}` : m === null ? 'null' : typeof m;
        throw new Error(`Sequential: child ${name} is not a Module, got ${got} (layers are classes: new ReLU(), not relu)`);
      }
      this.registerModule(name, m);
    }
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const [, m] of this.children()) y = m.call(y);
    return y;
  }
}
