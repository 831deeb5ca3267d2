// A sum of one-element tensors kept on the GPU, so a loop adds each step's loss without waiting
// for the GPU and reads the total only when it wants a number. The total is one tensor updated in
// place, which is what a captured step (gpu/step-graph.ts) can replay.
import { addInto } from '../ops/in-place.js';
import { full } from '../tensor/create.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

export class RunningSum {
  private readonly total: Tensor;

  /** `start`: a sum read earlier (a float32, so it continues exactly), for an epoch resumed midway. */
  constructor(start = 0) {
    this.total = keep(full([], start));
  }

  /** Adds a scalar (shape []), such as a loss. */
  add(value: Tensor): void {
    addInto(this.total, value);
  }

  /** The sum so far (the start before anything was added). Waits for the GPU. */
  async read(): Promise<number> {
    return this.total.item();
  }

  dispose(): void {
    this.total.dispose();
  }
}
