// Reuses GPU buffers by size class, so steady-state training allocates nothing. Free buffers are
// capped in total bytes (the unbounded pool is a long-standing TensorFlow.js complaint).

const MIN_BYTES = 256;
const VEC4 = 16;

/** Rounds up to 2^k or 1.5·2^k, so a pooled buffer wastes at most a third of its size. */
export function sizeClass(bytes: number): number {
  const b = Math.max(MIN_BYTES, bytes);
  const pow = 2 ** Math.ceil(Math.log2(b));
  return b <= pow * 0.75 ? pow * 0.75 : pow;
}

export interface PoolStats {
  liveBuffers: number;
  liveBytes: number;
  freeBuffers: number;
  freeBytes: number;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private liveBuffers = 0;
  private liveBytes = 0;
  private freeBuffers = 0;
  private freeBytes = 0;

  /**
   * @param maxSize the largest buffer to create (the binding limit): size classes are clamped to it.
   * @param retire frees a buffer the pool lets go of; the runtime defers it past work that may use it.
   */
  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    private readonly maxFreeBytes: number,
    private readonly maxSize: number,
    private readonly retire: (buffer: GPUBuffer) => void,
  ) {}

  acquire(bytes: number, label: string): GPUBuffer {
    // The size class within the binding limit, in whole vec4s (16 bytes): vec4 kernels
    // (unary.wgsl) read and write a buffer's last vec4 whole. Only a request within 16 bytes of
    // the limit gets its exact size (vec4Grid refuses it).
    const whole = Math.max(Math.min(sizeClass(bytes), Math.floor(this.maxSize / VEC4) * VEC4), Math.ceil(bytes / VEC4) * VEC4);
    const size = whole <= this.maxSize ? whole : bytes;
    const list = this.free.get(size);
    let buffer = list?.pop();
    if (buffer) {
      this.freeBuffers--;
      this.freeBytes -= size;
    } else {
      buffer = this.device.createBuffer({ label, size, usage: this.usage });
    }
    this.liveBuffers++;
    this.liveBytes += size;
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.liveBuffers--;
    this.liveBytes -= size;
    if (this.freeBytes + size > this.maxFreeBytes) {
      this.retire(buffer);
      return;
    }
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(buffer);
    this.freeBuffers++;
    this.freeBytes += size;
  }

  /** Destroys every free buffer. */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) this.retire(b);
    this.free.clear();
    this.freeBuffers = 0;
    this.freeBytes = 0;
  }

  stats(): PoolStats {
    return { liveBuffers: this.liveBuffers, liveBytes: this.liveBytes, freeBuffers: this.freeBuffers, freeBytes: this.freeBytes };
  }
}
