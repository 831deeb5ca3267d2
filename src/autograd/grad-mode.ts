// Whether ops record a graph for backward (`torch.no_grad` turns this off).
import { fail } from '../ops/errors.js';

let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording gradients. It must be synchronous: grad mode is global, so it comes
 * back on when `fn` returns, and an async function's ops after its first await would record.
 * Await outside: `const y = noGrad(() => model.forward(x)); await y.toArray()`.
 */
export function noGrad<T>(fn: () => T): T {
  const before = enabled;
  enabled = false;
  let result: T;
  try {
    result = fn();
  } finally {
    enabled = before;
  }
  if (result instanceof Promise) {
    result.catch(() => undefined);  // the error below replaces its outcome
    fail('noGrad', 'the function must be synchronous (it returned a Promise); await outside noGrad');
  }
  return result;
}
