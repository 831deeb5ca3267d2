// Whether ops record a graph for backward (`torch.no_grad` turns this off).
import { fail } from '../ops/errors.js';

let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording gradients. It must not be an async function: grad mode is global, so
 * it comes back on when `fn` returns, and ops after an await would record. A plain function may
 * return a promise of a read: `await noGrad(() => model.forward(x).toArray())`.
 */
export function noGrad<T>(fn: () => T): T {
  if (fn.constructor.name === 'AsyncFunction') fail('noGrad', 'the function must not be async (its ops after an await would record gradients); await outside noGrad');
  const before = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}
