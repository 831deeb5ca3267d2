// The update rules as PyTorch documents them (torch.optim.SGD / Adam / AdamW pseudocode), in
// float64 on plain arrays: the expected values the optimizers are tested against. Written in
// PyTorch's own form (lerp for the first moment, step_size = lr / bc1, denom = √v / √bc2 + ε) rather
// than the reference's textbook form, so that a slip shared by both is unlikely.

export type Hyper =
  | { kind: 'sgd'; lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean }
  | { kind: 'adam' | 'adamw'; lr: number; betas: readonly [number, number]; eps: number; weightDecay: number };

/** Runs steps over several parameters; `grads[s][j]` null means parameter j has no grad at step s. */
export function simulate(h: Hyper, init: readonly number[][], grads: readonly (readonly (number[] | null)[])[]): number[][] {
  const params = init.map((p) => [...p]);
  const steps = params.map(() => 0);
  const s1 = params.map((p) => p.map(() => 0)); // momentum buffer, or Adam's m
  const s2 = params.map((p) => p.map(() => 0)); // Adam's v
  for (const stepGrads of grads) {
    stepGrads.forEach((grad, j) => {
      if (!grad) return;
      const t = ++steps[j];
      const p = params[j];
      for (let i = 0; i < p.length; i++) {
        let g = grad[i];
        if (h.kind === 'sgd') {
          if (h.weightDecay !== 0) g = g + h.weightDecay * p[i];
          if (h.momentum !== 0) {
            s1[j][i] = t > 1 ? h.momentum * s1[j][i] + (1 - h.dampening) * g : g;
            g = h.nesterov ? g + h.momentum * s1[j][i] : s1[j][i];
          }
          p[i] = p[i] - h.lr * g;
        } else {
          const [b1, b2] = h.betas;
          if (h.kind === 'adamw') p[i] = p[i] * (1 - h.lr * h.weightDecay);
          else if (h.weightDecay !== 0) g = g + h.weightDecay * p[i];
          s1[j][i] = s1[j][i] + (1 - b1) * (g - s1[j][i]);
          s2[j][i] = b2 * s2[j][i] + (1 - b2) * g * g;
          const stepSize = h.lr / (1 - b1 ** t);
          const denom = Math.sqrt(s2[j][i]) / Math.sqrt(1 - b2 ** t) + h.eps;
          p[i] = p[i] - (stepSize * s1[j][i]) / denom;
        }
      }
    });
  }
  return params;
}
