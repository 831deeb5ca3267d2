import type { Tensor } from '../tensor/tensor.js';

/**
 * One recorded op in the graph: how to turn its output's gradient into its inputs' gradients.
 *
 * Nodes are reference counted, as PyTorch's graph is: a node lives while its output tensor or any
 * node downstream of it holds it, so disposing an intermediate (a composite op's temporary, a
 * scope's tensor) does not cut a graph that a loss still needs. What a node saved for backward is
 * freed when backward has passed through it, or when the last holder lets go.
 */
export interface GradNode {
  readonly op: string;
  /** The op's inputs: the graph's edges. Gradients flow to those with requiresGrad. */
  readonly inputs: readonly Tensor[];
  /** Gradients for each input (null where none is needed). Call at most once. */
  backward(grad: Tensor): (Tensor | null)[];
  /** Frees what the node saved; backward through it is refused from then on. */
  freeSaved(): void;
  /** Whether the saved tensors are gone (backward has run, or nothing holds the node). */
  readonly released: boolean;
  retain(): void;
  /** Drops one holder; the last one frees the saved tensors and lets go of the input nodes. */
  release(): void;
}
