// What happens after WebGPU rejects work. A rejected command buffer drops every op recorded with
// it, so the runtime cannot tell which results are valid: from the first error on, every use of
// it throws that error, until shutdown() and init() open a new device. Each test that breaks the
// runtime restarts it when it ends, passed or failed.
import { describe, expect, it, onTestFinished } from 'vitest';
import { add, GpuError, init, OpError, runtime, scope, shutdown, tensor } from '../../src/index.js';
import type { GpuRuntime } from '../../src/gpu/runtime.js';
import { useGpu } from '../support/gpu.js';

// Small batches, so that the automatic submit of a full batch is quick to reach.
const OPTIONS = { maxDispatchesPerSubmit: 4 };
useGpu(OPTIONS);

async function restart(): Promise<void> {
  shutdown();
  await init(OPTIONS);
}

/** Records a dispatch that WebGPU rejects: the unary kernel binds three buffers, this gives one. */
function brokenDispatch(rt: GpuRuntime): void {
  const buffer = rt.acquire(16, 'test');
  rt.dispatch({ kernel: 'unary', label: 'broken_op', constants: { OP: 0 }, params: (p) => p.u32(4).f32(0), buffers: [buffer], workgroups: [1] });
  rt.release(buffer);
}

describe('after a WebGPU error', () => {
  it('every later read throws that error, until shutdown() and init()', async () => {
    onTestFinished(restart);
    const rt = runtime();
    const earlier = tensor([1, 2]);
    expect(Array.from(await earlier.toArray())).toEqual([1, 2]);
    brokenDispatch(rt);
    const error = await rt.sync().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GpuError);
    expect((error as Error).message).toMatch(/^WebGPU rejected the work: [\s\S]*broken_op[\s\S]*\(the GPU runtime cannot continue: shutdown\(\) and init\(\) start a new one\)$/);
    // Even a tensor that was read fine before the error.
    await expect(earlier.toArray()).rejects.toBe(error);
    await expect(rt.sync()).rejects.toBe(error);
    expect(() => tensor([3])).toThrow(error as Error);
    await restart();
    expect(Array.from(await add(tensor([1]), 1).toArray())).toEqual([2]);
  });

  it('is reported even when its error scope was folded with many later ones', async () => {
    onTestFinished(restart);
    const rt = runtime();
    brokenDispatch(rt);
    const x = tensor([1]);
    for (let i = 0; i < 40; i++) {
      scope(() => add(x, 1));
      rt.flush();
    }
    await expect(rt.sync()).rejects.toThrow(/broken_op/);
  });

  it('in the first dispatch of an automatically submitted batch, is caught by the error scopes of that batch', async () => {
    // The dispatch that finds the batch full submits it, then creates its pipeline and bind group:
    // that must happen inside the new batch's error scopes, or the cause escapes them (as an
    // uncaptured error) and the read reports only a consequence ("invalid due to a previous error").
    onTestFinished(restart);
    const rt = runtime();
    const escaped: string[] = [];
    rt.device.addEventListener('uncapturederror', (e) => escaped.push((e as GPUUncapturedErrorEvent).error.message));
    let y = tensor([1]);
    for (let i = 0; i < OPTIONS.maxDispatchesPerSubmit; i++) y = add(y, 1);
    brokenDispatch(rt);
    await expect(rt.sync()).rejects.toThrow(/^WebGPU rejected the work: [\s\S]*CreateBindGroup\(\[BindGroupDescriptor "+broken_op \(unary\)/);
    expect(escaped).toEqual([]);
  });
});

describe('tensors from a shut-down runtime', () => {
  // Their buffers belong to a destroyed device: passed to an op on the new one they would make
  // WebGPU reject the batch, so ops refuse them up front, naming the op and the argument.
  it('are rejected with an OpError', async () => {
    const x = tensor([1]);
    await restart();
    expect(() => add(x, 1)).toThrow(OpError);
    expect(() => add(x, 1)).toThrow(/^add: input of shape \[1\] lives on a GPU runtime that was shut down/);
    x.dispose();
  });
});
