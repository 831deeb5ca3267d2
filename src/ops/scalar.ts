// Numbers used as operands (`mul(x, 0.5)`) become one-element constant tensors that broadcast.
// GPU constants are cached per value, so a training loop uploads each constant once.
import { runtime } from '../gpu/context.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import { CpuStorage, GpuStorage } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';

const MAX_CACHED = 1024;
const cache = new WeakMap<GpuRuntime, Map<number | '-0', Tensor>>();

export function scalarLike(value: number, like: Tensor): Tensor {
  const s = like.storage;
  if (s.device === 'cpu') {
    const Array = s.data instanceof Float64Array ? Float64Array : Float32Array;
    return new Tensor(new CpuStorage(Array.of(value)), [], { untracked: true });
  }
  const rt = runtime();
  let values = cache.get(rt);
  if (!values) cache.set(rt, (values = new Map()));
  // Map keys treat -0 as +0, but 1 / -0 is -Infinity.
  const key = Object.is(value, -0) ? '-0' : Math.fround(value);
  let t = values.get(key);
  if (!t) {
    if (values.size >= MAX_CACHED) {
      for (const old of values.values()) old.dispose();
      values.clear();
    }
    const buffer = rt.acquire(4, 'constant');
    rt.write(buffer, Float32Array.of(value));
    t = new Tensor(new GpuStorage(rt, buffer, 1), [], { untracked: true });
    values.set(key, t);
  }
  return t;
}
