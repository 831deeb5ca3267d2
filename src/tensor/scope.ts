// Scopes free a block's temporaries: every tensor created while a scope is open is disposed when
// it closes, except those the block returns or `keep()`s. Scopes nest; they must not interleave
// (two async scopes running at once would claim each other's tensors).

export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

const stack: Set<Disposable>[] = [];

export function track(t: Disposable): void {
  stack[stack.length - 1]?.add(t);
}

/** Takes a tensor out of every open scope, so it outlives them. */
export function keep<T extends Disposable>(t: T): T {
  for (const s of stack) s.delete(t);
  return t;
}

export function scope<T>(fn: () => T): T {
  const own = new Set<Disposable>();
  stack.push(own);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    close(own, undefined);
    throw e;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => (close(own, value), value),
      (e) => {
        close(own, undefined);
        throw e;
      },
    ) as T;
  }
  close(own, result);
  return result;
}

function close(own: Set<Disposable>, result: unknown): void {
  const i = stack.lastIndexOf(own);
  if (i >= 0) stack.splice(i, 1);
  const kept = new Set<unknown>();
  collect(result, kept);
  const parent = stack[stack.length - 1];
  for (const t of own) {
    if (kept.has(t)) parent?.add(t);
    else if (!t.isDisposed) t.dispose();
  }
}

/** Tensors reachable from a returned value (a tensor, an array, or a plain object's fields). */
function collect(value: unknown, into: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || into.has(value)) return;
  into.add(value);
  if (Array.isArray(value)) for (const v of value) collect(v, into);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, into);
}
