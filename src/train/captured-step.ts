// A step over same-shaped inputs (a batch's images and labels) that runs its JavaScript once: the
// first run is captured (gpu/step-graph.ts), and each later run copies its inputs into the
// captured ones (nothing to copy from a DataLoader with inPlace: they are the same memory) and
// replays. Inputs of another shape (a short last batch) run the step as usual, and the next
// usual ones are captured again.
import { capture } from '../gpu/context.js';
import type { StepGraph } from '../gpu/step-graph.js';
import { copyInto } from '../ops/in-place.js';
import { sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export class CapturedStep {
  private captured: { graph: StepGraph; inputs: Tensor[] } | null = null;

  /** `step` must keep what it makes in a scope and change state only in place (parameters, optimizer, sums). */
  constructor(private readonly step: (...inputs: Tensor[]) => void) {}

  /** Runs the step on these inputs; they stay the caller's to dispose. */
  run(...inputs: Tensor[]): void {
    const c = this.captured;
    if (!c) {
      const graph = capture(() => this.step(...inputs));
      this.captured = { graph, inputs: inputs.map((t) => t.share({ untracked: true })) };
    } else if (inputs.length === c.inputs.length && inputs.every((t, i) => sameShape(t.shape, c.inputs[i].shape))) {
      inputs.forEach((t, i) => {
        if (t.storage !== c.inputs[i].storage) copyInto(c.inputs[i], t);
      });
      c.graph.replay();
    } else {
      // The eager step gives the parameters new .grad tensors, which the graph would not write:
      // the next run of the usual shape captures anew.
      this.dispose();
      this.step(...inputs);
    }
  }

  dispose(): void {
    this.captured?.graph.dispose();
    this.captured?.inputs.forEach((t) => t.dispose());
    this.captured = null;
  }
}
