// Reverse-mode differentiation: one topological pass from the output, each node's rule run once,
// gradients summed where a tensor feeds several ops, leaf gradients accumulated into `.grad`,
// and every node's saved tensors freed as soon as its rule has run.
import { checkUsable } from '../ops/apply.js';
import { add } from '../ops/binary.js';
import { clone } from '../ops/shape-ops.js';
import { onesLike } from '../tensor/create.js';
import { keep, scope } from '../tensor/scope.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from './grad-mode.js';
import type { GradNode } from './node.js';

export function backward(root: Tensor, gradient?: Tensor): void {
  if (!root.requiresGrad) throw new Error(`backward: the tensor of shape ${formatShape(root.shape)} does not require grad (no input had requiresGrad, or it was made under noGrad)`);
  if (!gradient && root.size !== 1) throw new Error(`backward: a gradient can be implied only for a one-element output, got shape ${formatShape(root.shape)}; pass one`);
  if (gradient) checkUsable('backward', 'gradient', gradient);
  if (gradient && !sameShape(gradient.shape, root.shape)) throw new Error(`backward: gradient shape ${formatShape(gradient.shape)} does not match output shape ${formatShape(root.shape)}`);

  noGrad(() => {
    // A leaf's .grad must own its memory (PyTorch's AccumulateGrad): the caller's gradient, and a
    // tensor a rule returns for two inputs, are copied rather than shared.
    const seed = gradient ? keep(clone(gradient)) : keep(onesLike(root));
    if (root.isLeaf) return accumulateLeaf(root, seed);
    const grads = new Map<Tensor, Tensor>([[root, seed]]);
    try {
      for (const t of topologicalOrder(root)) {
        const g = grads.get(t);
        grads.delete(t);
        if (!g) continue;
        try {
          propagate(t.node!, g, grads);
        } finally {
          g.dispose();
        }
      }
    } finally {
      for (const pending of grads.values()) pending.dispose();
    }
  });
}

/** Runs one node's rule and hands each input its gradient: leaves accumulate, the rest wait in `grads`. */
function propagate(node: GradNode, g: Tensor, grads: Map<Tensor, Tensor>): void {
  const inputGrads = scope(() => node.backward(g));
  node.freeSaved();
  const adopted = new Set<Tensor>();
  try {
    inputGrads.forEach((gi, i) => {
      const input = node.inputs[i];
      // A disposed leaf has nowhere to keep a gradient (a disposed intermediate still passes it on).
      if (!gi || !input.requiresGrad || (input.isLeaf && input.isDisposed)) return;
      // g is freed after this node, so its first taker may share it; anything taken twice is copied.
      const own = adopted.has(gi) ? keep(clone(gi)) : gi === g ? gi.share({ untracked: true }) : keep(gi);
      adopted.add(gi);
      if (input.isLeaf) accumulateLeaf(input, own);
      else grads.set(input, accumulate(grads.get(input), own));
    });
  } finally {
    for (const gi of inputGrads) if (gi && gi !== g && !adopted.has(gi)) gi.dispose();
  }
}

/** Tensors with a graph node, outputs before inputs, each once. Iterative: graphs can be deep. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: { t: Tensor; expanded: boolean }[] = [{ t: root, expanded: false }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.expanded) {
      order.push(top.t);
      continue;
    }
    if (visited.has(top.t) || !top.t.node) continue;
    visited.add(top.t);
    stack.push({ t: top.t, expanded: true });
    for (const input of top.t.node.inputs) if (input.requiresGrad && !visited.has(input)) stack.push({ t: input, expanded: false });
  }
  return order.reverse();
}

function accumulate(existing: Tensor | undefined, g: Tensor): Tensor {
  if (!existing) return g;
  const sum = keep(add(existing, g));
  existing.dispose();
  g.dispose();
  return sum;
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  leaf.grad = accumulate(leaf.grad ?? undefined, g);
}
