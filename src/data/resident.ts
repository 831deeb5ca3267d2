// A dataset uploaded to the GPU once, as bytes, so a training step gathers its batch there
// (kernels/wgsl/gather_batch.wgsl) instead of building and uploading it on the host: one dispatch
// and no transfer per step. Each epoch uploads only its visiting order, with flips marked in it.
import { runtime } from '../gpu/context.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import { grid1d } from '../ops/launch.js';
import { GpuStorage } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';
import { PIXEL_SCALE, type Dataset } from './dataset.js';

/** Bit 31 of an order entry asks the gather to mirror that image (dataset indices stay below it). */
export const FLIP_BIT = 0x8000_0000;

/** Bytes as little-endian u32 words, zero padded to a whole word. */
function words(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(Math.max(1, Math.ceil(bytes.length / 4)));
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Whether `dataset` fits in one storage buffer of the current GPU (else loaders stay on the host). */
export function fitsOnGpu(dataset: Dataset): boolean {
  return dataset.images.byteLength <= runtime().limits.maxStorageBufferBindingSize && dataset.count < FLIP_BIT;
}

export class ResidentDataset {
  readonly runtime: GpuRuntime;
  private readonly buffers: { images: GPUBuffer; labels: GPUBuffer; scale: GPUBuffer };
  private disposed = false;

  constructor(readonly dataset: Dataset) {
    if (dataset.count >= FLIP_BIT) throw new Error(`${dataset.name}: ${dataset.count} samples are too many to keep on the GPU`);
    this.runtime = runtime();
    const upload = (data: Float32Array | Uint32Array, label: string) => {
      const buffer = this.runtime.acquire(data.byteLength, label);
      this.runtime.write(buffer, data);
      return buffer;
    };
    this.buffers = {
      images: upload(words(dataset.images), `${dataset.name} images`),
      labels: upload(words(dataset.labels), `${dataset.name} labels`),
      // The host loader's table: both paths give the same floats bit for bit.
      scale: upload(PIXEL_SCALE, 'pixel scale'),
    };
  }

  /** Uploads an epoch's order (dataset indices, FLIP_BIT set on images to mirror); give it back with release(). */
  uploadOrder(order: Uint32Array): GPUBuffer {
    this.checkAlive();
    const buffer = this.runtime.acquire(Math.max(4, order.byteLength), 'batch order');
    if (order.length > 0) this.runtime.write(buffer, order);
    return buffer;
  }

  release(order: GPUBuffer): void {
    this.runtime.release(order);
  }

  /**
   * Images [count, 1, H, W] in [0, 1] and labels [count] for entries offset … offset + count − 1 of
   * an uploaded order; `labels` are those labels on the host, kept so ops can check them unread.
   * With `into` (tensors of those shapes) it writes there and returns new handles on them.
   */
  gather(order: GPUBuffer, offset: number, count: number, labels: Float32Array, into?: { x: Tensor; y: Tensor }): { x: Tensor; y: Tensor } {
    this.checkAlive();
    const { height, width } = this.dataset;
    const n = count * height * width;
    const storage = (t: Tensor | undefined, length: number, label: string) =>
      t ? (t.storage as GpuStorage) : new GpuStorage(this.runtime, this.runtime.acquire(Math.max(1, length) * 4, label), length);
    const x = storage(into?.x, n, 'batch images');
    const y = storage(into?.y, count, 'batch labels');
    // Overwritten in place: a host copy or a saved version of the old batch goes stale.
    if (into) {
      x.modified();
      y.modified();
    }
    this.runtime.dispatch({
      kernel: 'gather_batch',
      label: 'DataLoader',
      params: (p) => p.u32(offset, count, height, width),
      buffers: [this.buffers.images, this.buffers.labels, order, this.buffers.scale, x.buffer, y.buffer],
      workgroups: grid1d(n, 256),
    });
    y.hostValues = labels;
    if (into) return { x: into.x.share(), y: into.y.share() };
    return { x: new Tensor(x, [count, 1, height, width]), y: new Tensor(y, [count]) };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of Object.values(this.buffers)) this.runtime.release(b);
  }

  private checkAlive(): void {
    if (this.disposed || this.runtime !== runtime()) throw new Error(`${this.dataset.name}: the GPU copy of this dataset was disposed, or its GPU runtime shut down`);
  }
}
