// Reference-counted tensor memory. A reshape shares its source's storage, and autograd nodes hold
// references to what they saved, so memory is freed when the last user lets go, never by the GC.
import type { GpuRuntime } from '../gpu/runtime.js';

export type Device = 'gpu' | 'cpu';
export type HostArray = Float32Array | Float64Array;

abstract class Counted {
  private refs = 1;
  /** Bumped by every in-place write, so autograd can tell that a saved tensor changed. */
  version = 0;
  /** Host copy of the values, for small tensors made from host data; dropped by in-place writes. */
  hostValues: HostArray | null = null;

  /** Records an in-place write: the host copy is stale and saved versions no longer match. */
  modified(): void {
    this.version++;
    this.hostValues = null;
  }

  retain(): this {
    if (this.refs <= 0) throw new Error('internal: retaining freed storage');
    this.refs++;
    return this;
  }

  release(): void {
    if (this.refs <= 0) return;
    if (--this.refs === 0) this.free();
  }

  protected abstract free(): void;
}

export class GpuStorage extends Counted {
  readonly device = 'gpu' as const;

  constructor(
    readonly runtime: GpuRuntime,
    readonly buffer: GPUBuffer,
    readonly length: number,
  ) {
    super();
  }

  protected free(): void {
    this.runtime.release(this.buffer);
  }
}

/** Host memory for the CPU reference backend: float32, or float64 for gradient checks. */
export class CpuStorage extends Counted {
  readonly device = 'cpu' as const;

  constructor(readonly data: HostArray) {
    super();
  }

  get length(): number {
    return this.data.length;
  }

  protected free(): void {}
}

export type Storage = GpuStorage | CpuStorage;

/** CPU reference storage computing in float64 (for gradient checks). */
export function isFloat64(s: Storage): boolean {
  return s.device === 'cpu' && s.data instanceof Float64Array;
}
