// A sum of one-element tensors kept on the GPU, so a loop adds each step's loss without waiting
// for the GPU and reads the total only when it wants a number.
import { add } from '../ops/binary.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

export class RunningSum {
  private total: Tensor | null = null;

  /** Adds a value; safe inside a scope (the running total is kept out of it). */
  add(value: Tensor): void {
    const next = this.total ? add(this.total, value) : value.share();
    this.total?.dispose();
    this.total = keep(next);
  }

  /** The sum so far (0 before anything was added). Waits for the GPU. */
  async read(): Promise<number> {
    return this.total ? this.total.item() : 0;
  }

  dispose(): void {
    this.total?.dispose();
    this.total = null;
  }
}
