import { describe, expect, it } from 'vitest';
import { add, addInto, copyInto, GpuError, init, runtime, scope, shutdown, tensor, type Tensor } from '../../src/index.js';
import { sizeClass } from '../../src/gpu/buffer-pool.js';
import { useGpu } from '../support/gpu.js';

useGpu();

describe('GPU runtime', () => {
  it('size classes waste at most a third of each buffer', () => {
    for (const bytes of [1, 255, 256, 257, 1000, 4096, 5000, 123_456_789]) {
      const size = sizeClass(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size).toBeLessThanOrEqual(Math.max(256, bytes * 1.5));
    }
  });

  it('records many ops and submits once, when the result is read', async () => {
    const queue = runtime().device.queue;
    const submit = queue.submit.bind(queue);
    let submits = 0;
    queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
      submits++;
      submit(buffers);
    };
    try {
      await scope(async () => {
        let x: Tensor = tensor([0]);
        for (let i = 0; i < 100; i++) x = add(x, 1);
        expect(submits).toBe(0);
        expect(Array.from(await x.toArray())).toEqual([100]);
        expect(submits).toBe(1);
      });
    } finally {
      queue.submit = submit;
    }
  });

  it('reuses pooled buffers instead of allocating', () => {
    scope(() => tensor(new Float32Array(1000)));
    const { freeBuffers } = runtime().memory();
    scope(() => tensor(new Float32Array(1000)));
    expect(runtime().memory().freeBuffers).toBe(freeBuffers);
  });

  it('turns a WebGPU validation error into a thrown GpuError naming the op, and trusts nothing after it', async () => {
    const rt = runtime();
    const buffer = rt.acquire(16, 'test');
    const x = tensor([1, 2, 3]);
    const y = add(x, 1); // recorded in the same batch as the broken dispatch: never computed
    // A storage binding missing: the kernel needs three buffers.
    rt.dispatch({ kernel: 'unary', label: 'broken_op', constants: { OP: 0 }, params: (p) => p.u32(4).f32(0), buffers: [buffer], workgroups: [1] });
    await expect(rt.read(buffer, 16)).rejects.toThrow(/broken_op/);
    await expect(y.toArray()).rejects.toThrow(/broken_op[\s\S]*cannot continue/);
    shutdown();
    await init();
  });

  it('after shutdown: in-place writes refuse the old runtime\'s tensors, sync refuses, and a read cut short says why', async () => {
    const old = tensor([1, 2, 3, 4]);
    const pending = add(old, 1).toArray();
    shutdown();
    await expect(pending).rejects.toThrow(/^reading a result from the GPU failed: the runtime was shut down during the read$/);
    await init();
    const fresh = tensor([0, 0, 0, 0]);
    expect(() => copyInto(fresh, old)).toThrow(/^copyInto: src of shape \[4\] lives on a GPU runtime that was shut down/);
    expect(() => addInto(old, fresh)).toThrow(/^addInto: dst of shape \[4\] lives on a GPU runtime that was shut down/);
    expect(Array.from(await add(fresh, 1).toArray())).toEqual([1, 1, 1, 1]);
    const rt = runtime();
    shutdown();
    await expect(rt.sync()).rejects.toThrow(/^the GPU runtime was destroyed$/);
    await init();
  });

  it('init: refuses other options while open, and shutdown() while opening closes the device it was opening', async () => {
    await expect(init({ kernels: 'software' })).rejects.toThrow(/^init: the GPU runtime is already open with options \{\}; call shutdown\(\) before init\(\{"kernels":"software"\}\)$/);
    await expect(init()).resolves.toBe(runtime());
    await expect(init({ kernels: undefined })).resolves.toBe(runtime());
    shutdown();
    const opening = init();
    shutdown();
    await expect(opening).rejects.toThrow(/^init: shutdown\(\) was called while the GPU runtime was opening$/);
    expect(() => runtime()).toThrow(/not initialised/);
    await init();
    expect(Array.from(await add(tensor([1]), 1).toArray())).toEqual([2]);
  });

  it('refuses a buffer over the device limit with the op name and sizes', () => {
    const rt = runtime();
    const max = rt.limits.maxStorageBufferBindingSize;
    expect(() => rt.acquire(max + 4, 'conv2d')).toThrow(GpuError);
    expect(() => rt.acquire(max + 4, 'conv2d')).toThrow(/^conv2d: needs a buffer of .* MiB, over this device's storage-buffer limit/);
  });

  it('turns a lost device into a GpuError at the next op, and a new init() recovers', async () => {
    const x = tensor([1]);
    runtime().device.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(() => add(x, 1)).toThrow(/GPU device lost/);
    shutdown();
    await init();
    expect(Array.from(await add(tensor([1]), 1).toArray())).toEqual([2]);
  });
});
