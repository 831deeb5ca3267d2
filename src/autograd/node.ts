import type { Tensor } from '../tensor/tensor.js';

/** One recorded op in the graph: how to turn its output's gradient into its inputs' gradients. */
export interface GradNode {
  readonly op: string;
  /** The op's inputs: the graph's edges. Gradients flow to those with requiresGrad. */
  readonly inputs: readonly Tensor[];
  /** Gradients for each input (null where none is needed). Call at most once. */
  backward(grad: Tensor): (Tensor | null)[];
  /** Frees what the node saved for backward. */
  release(): void;
  readonly released: boolean;
}
