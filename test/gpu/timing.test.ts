import { describe, expect, it } from 'vitest';
import { matmul, randn, relu, runtime, scope } from '../../src/index.js';
import { profileGpu, timeGpu } from '../../src/gpu/timing.js';
import { useGpu } from '../support/gpu.js';

useGpu();

describe('GPU timing', () => {
  it('measures positive GPU time inside the passes of the timed work', async () => {
    const rt = runtime();
    const a = randn([128, 128]);
    const timing = await timeGpu(rt, () => scope(() => void matmul(a, a)));
    expect(timing.wallMs).toBeGreaterThan(0);
    expect(timing.hostMs).toBeLessThanOrEqual(timing.wallMs);
    if (rt.device.features.has('timestamp-query')) {
      expect(timing.passes).toBe(1);
      expect(timing.gpuMs).toBeGreaterThan(0);
    } else {
      expect(timing.gpuMs).toBeNull();
    }
    expect(rt.passTimer).toBeNull();
    a.dispose();
  });

  it('profiles each dispatch in a pass of its own, labelled by op and kernel', async () => {
    const rt = runtime();
    const a = randn([16, 16]);
    const before = rt.dispatchCount;
    const passes = await profileGpu(rt, () => scope(() => void relu(matmul(a, a))));
    a.dispose();
    expect(rt.passTimer).toBeNull();
    if (!rt.device.features.has('timestamp-query')) return expect(passes).toBeNull();
    expect(rt.dispatchCount - before).toBe(2);
    expect(passes!.map((p) => p.label)).toEqual([`matmul (${rt.softwareKernels ? 'matmul_simd' : 'matmul'})`, 'relu (unary)']);
    for (const p of passes!) expect(p.ns).toBeGreaterThanOrEqual(0);
  });

  it('leaves the normal path without timestamp writes, and its results unchanged', async () => {
    const rt = runtime();
    const encoder = GPUCommandEncoder.prototype;
    const begin = encoder.beginComputePass;
    const descriptors: (GPUComputePassDescriptor | undefined)[] = [];
    encoder.beginComputePass = function (this: GPUCommandEncoder, d?: GPUComputePassDescriptor) {
      descriptors.push(d);
      return begin.call(this, d);
    };
    try {
      const a = randn([4, 4]);
      const timed = await timeGpu(rt, () => scope(() => void matmul(a, a)));
      const plain = await scope(async () => matmul(a, a).toArray());
      const again = await scope(async () => matmul(a, a).toArray());
      expect(Array.from(again)).toEqual(Array.from(plain));
      expect(descriptors.length).toBe(timed.passes + 2);
      // The timed pass carries timestamp writes (where supported); the untimed ones none.
      expect(descriptors.slice(timed.passes).every((d) => d?.timestampWrites === undefined)).toBe(true);
      a.dispose();
    } finally {
      encoder.beginComputePass = begin;
    }
  });
});
