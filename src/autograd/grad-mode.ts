// Whether ops record a graph for backward (`torch.no_grad` turns this off).
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` without recording gradients. */
export function noGrad<T>(fn: () => T): T {
  const before = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}
