// When the buffer pool lets go of a buffer, and how big the buffers it makes may be; and the
// runtime's per-batch bookkeeping (error scopes) staying bounded in a loop that never reads.
import { describe, expect, it } from 'vitest';
import { add, runtime, scope, tensor } from '../../src/index.js';
import { BufferPool } from '../../src/gpu/buffer-pool.js';
import type { GpuStorage } from '../../src/tensor/storage.js';
import { useGpu } from '../support/gpu.js';

// A small cap, so that releasing a 16 KiB tensor takes the over-the-cap path (with the default
// 1 GiB a large model's temporaries reach it within one batch).
useGpu({ maxPooledBytes: 4096 });

describe('BufferPool size classes', () => {
  // Dispatches bind whole buffers, so a buffer rounded up past maxStorageBufferBindingSize fails
  // validation even though the request was within it. Discrete GPUs report limits such as
  // 2^31 − 4 and 2^32 − 4, which are not size classes. No GPU memory is used: the device is a stub.
  const device = { createBuffer: ({ size }: GPUBufferDescriptor) => ({ size, destroy() {} }) } as unknown as GPUDevice;

  for (const limit of [2 ** 31 - 4, 2 ** 32 - 4, 1.5 * 2 ** 30 - 4]) {
    it(`never exceed a binding limit of ${limit} bytes`, () => {
      const pool = new BufferPool(device, 0, 0, limit, () => {});
      for (const bytes of [limit, limit - 4, Math.floor(limit / 1.4 / 4) * 4, 1000]) {
        const { size } = pool.acquire(bytes, 'test');
        expect(size).toBeGreaterThanOrEqual(bytes);
        expect(size).toBeLessThanOrEqual(limit);
        // Whole vec4s for the vec4 kernels, except where that would pass the limit.
        if (Math.ceil(bytes / 16) * 16 <= limit) expect(size % 16).toBe(0);
      }
    });
  }
});

describe('buffers the pool lets go of', () => {
  // A buffer destroyed while the unsubmitted batch still uses it makes WebGPU reject the whole
  // submit (every op in it is dropped). WebGPU does allow destroying a buffer once the work that
  // uses it has been submitted, so the runtime defers destroy() to the next submit.

  /** Records calls to `buffer.destroy()`. */
  function watchDestroy(buffer: GPUBuffer): { destroyed: boolean } {
    const seen = { destroyed: false };
    const destroy = buffer.destroy.bind(buffer);
    buffer.destroy = () => {
      seen.destroyed = true;
      destroy();
    };
    return seen;
  }

  it('are destroyed only after the batch that uses them is submitted (over the byte cap)', async () => {
    const x = tensor(new Float32Array(4096).fill(1)); // 16 KiB: over the cap, not pooled on release
    const watch = watchDestroy((x.storage as GpuStorage).buffer);
    const y = add(x, 1); // recorded, not submitted
    x.dispose();
    expect(watch.destroyed).toBe(false);
    expect(Array.from(await y.toArray())).toEqual(new Array(4096).fill(2));
    expect(watch.destroyed).toBe(true);
    y.dispose();
  });

  it('are destroyed only after the batch that uses them is submitted (trim)', async () => {
    await scope(async () => {
      const a = tensor(new Float32Array(16).fill(3));
      const tmp = add(a, 1);
      const b = add(tmp, 1);
      const watch = watchDestroy((tmp.storage as GpuStorage).buffer);
      tmp.dispose(); // 64 bytes: goes to the free list
      runtime().trim(); // lets go of it while the pending batch writes and reads it
      expect(watch.destroyed).toBe(false);
      expect(Array.from(await b.toArray())).toEqual(new Array(16).fill(5));
      expect(watch.destroyed).toBe(true);
    });
  });
});

describe('error scopes', () => {
  // Each submit leaves two error-scope promises that only a read or sync() drains; a long run of
  // steps that never reads must not pile them up.
  it('stay few when batches are submitted and nothing is read', () => {
    const rt = runtime();
    const x = tensor([1]);
    for (let i = 0; i < 40; i++) {
      scope(() => add(x, 1));
      rt.flush();
    }
    const pending = (rt as unknown as { pendingErrors: unknown[] }).pendingErrors.length;
    expect(pending).toBeLessThanOrEqual(64);
    x.dispose();
  });
});
