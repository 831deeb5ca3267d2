import { describe, expect, it } from 'vitest';
import { add, full, manualSeed, ones, rand, randn, runtime, scope, sum, tensor, zeros } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';

useGpu();

describe('creating tensors', () => {
  it('takes its shape from nested arrays', async () => {
    await scope(async () => {
      const t = tensor([[1, 2, 3], [4, 5, 6]]);
      expect(t.shape).toEqual([2, 3]);
      expect(Array.from(await t.toArray())).toEqual([1, 2, 3, 4, 5, 6]);
      expect(tensor(7).shape).toEqual([]);
    });
  });

  it('fills on the GPU with any value, at any size, without submitting', async () => {
    await scope(async () => {
      const queue = runtime().device.queue;
      const submit = queue.submit.bind(queue);
      let submits = 0;
      queue.submit = (buffers: Iterable<GPUCommandBuffer>) => (submits++, submit(buffers));
      try {
        await tensor([0]).toArray();
        submits = 0;
        // A pooled buffer written and read by recorded work, then filled: the fill must come after both.
        const used = add(tensor(new Float32Array(1000).fill(2)), 1);
        const copy = add(used, 0);
        used.dispose();
        const filled = full([10, 100], -Infinity);
        expect(submits).toBe(0);
        expect((await copy.toArray()).every((v) => v === 3)).toBe(true);
        expect((await filled.toArray()).every((v) => v === -Infinity)).toBe(true);
      } finally {
        queue.submit = submit;
      }
      expect(Number.isNaN((await full([3], NaN).toArray())[2])).toBe(true);
      expect(Array.from(await ones([2, 2]).toArray())).toEqual([1, 1, 1, 1]);
      expect(Array.from(full([2], 0.5).hostValues!)).toEqual([0.5, 0.5]);
      expect(zeros([0, 3]).size).toBe(0);
      // Past 65,535 workgroups of 256 the grid wraps into y: the last element must be written too.
      const big = full([65_536 * 256 + 5], 7);
      const values = await big.toArray();
      expect([values[0], values[values.length - 1]]).toEqual([7, 7]);
    });
  });

  it('rejects ragged arrays and values that do not fill the shape', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => tensor(new Float32Array(5), [2, 3])).toThrow(/tensor: 5 values do not fill shape \[2, 3\] \(6 elements\)/);
    expect(() => zeros([2, -1])).toThrow(/zeros: shape must be an array of non-negative integers/);
    expect(() => tensor('abc' as never)).toThrow(/^tensor: values must be a number, \(nested\) arrays of numbers or a typed array of numbers, got 'abc'$/);
    expect(() => tensor(BigInt64Array.of(1n) as never)).toThrow(/^tensor: values must be .*, got BigInt64Array$/);
    expect(() => tensor(Object.create(null) as never)).toThrow(/^tensor: values must be .*, got Object$/);
    expect(() => tensor([[1, '2']] as never)).toThrow(/^tensor: values must be numbers, got '2'$/);
  });

  it('refuses option names they do not know, as tensor() does', () => {
    expect(() => randn([2], { requires_grad: true } as never)).toThrow(/^randn: unknown option requires_grad \(the options are device, requiresGrad, float64\)$/);
    expect(() => zeros([2], { dtype: 'float32' } as never)).toThrow(/^zeros: unknown option dtype/);
    expect(() => ones([2], { grad: true } as never)).toThrow(/^ones: unknown option grad/);
    expect(() => full([2], 1, { requiresgrad: true } as never)).toThrow(/^full: unknown option requiresgrad/);
    expect(() => rand([3], { lo: 5 } as never)).toThrow(/^rand: unknown option lo \(the options are device, requiresGrad, float64, low, high\)$/);
  });

  it('converts integer typed arrays (a dataset\'s Uint8Array labels)', async () => {
    await scope(async () => {
      for (const device of ['gpu', 'cpu'] as const) {
        const t = tensor(Uint8Array.of(7, 0, 255), { device });
        expect([t.shape, Array.from(await t.toArray())]).toEqual([[3], [7, 0, 255]]);
        expect(Array.from(await tensor(Int32Array.of(-2, 5), [2, 1], { device }).toArray())).toEqual([-2, 5]);
      }
    });
  });

  it('takes options as its second argument, or after a shape', async () => {
    await scope(async () => {
      const w = tensor([1, 2], { requiresGrad: true });
      expect([w.shape, w.requiresGrad, w.device]).toEqual([[2], true, 'gpu']);
      const c = tensor([[1, 2], [3, 4]], { device: 'cpu' });
      expect([c.shape, c.device]).toEqual([[2, 2], 'cpu']);
      expect(Array.from(await c.toArray())).toEqual([1, 2, 3, 4]);
      const s = tensor(Float32Array.of(1, 2, 3, 4), [2, 2], { device: 'cpu', requiresGrad: true });
      expect([s.shape, s.device, s.requiresGrad]).toEqual([[2, 2], 'cpu', true]);
      expect(tensor([1, 2, 3], undefined, { device: 'cpu' }).device).toBe('cpu');
    });
  });

  it('names tensor and what it expected when the second argument is neither a shape nor options', () => {
    const expected = /^tensor: the second argument must be a shape \(an array of sizes\) or an options object \(\{ device, requiresGrad, float64 \}\), got /;
    expect(() => tensor([1, 2], 2 as never)).toThrow(new RegExp(`${expected.source}number 2$`));
    expect(() => tensor([1, 2], Int32Array.of(2) as never)).toThrow(new RegExp(`${expected.source}Int32Array$`));
    expect(() => tensor([1, 2], { requires_grad: true } as never)).toThrow(/^tensor: unknown option requires_grad \(the options are device, requiresGrad, float64\)$/);
    expect(() => tensor([1, 2], [2], { shape: [2] } as never)).toThrow(/^tensor: unknown option shape/);
    expect(() => tensor([1, 2], { device: 'cpu' } as never, { requiresGrad: true })).toThrow(/^tensor: options given twice/);
  });

  it('makes the same random numbers after the same manualSeed', async () => {
    await scope(async () => {
      manualSeed(777);
      const a = await rand([5]).toArray();
      const n1 = await randn([5]).toArray();
      manualSeed(777);
      expect(await rand([5]).toArray()).toEqual(a);
      expect(await randn([5]).toArray()).toEqual(n1);
      expect(await full([2], 3).toArray()).toEqual(Float32Array.of(3, 3));
    });
  });

  it('moves between devices', async () => {
    await scope(async () => {
      const g = tensor([1.5, 2.5]);
      const c = await g.to('cpu', { float64: true });
      expect(c.device).toBe('cpu');
      const back = await c.to('gpu');
      expect(Array.from(await back.toArray())).toEqual([1.5, 2.5]);
    });
  });

  it('makes and reads back empty tensors', async () => {
    // Zero elements still get a (one-element) buffer: WebGPU has no zero-size bindings.
    await scope(async () => {
      expect(Array.from(await zeros([0, 3]).toArray())).toEqual([]);
      expect(Array.from(await tensor([]).toArray())).toEqual([]);
      expect(Array.from(await sum(zeros([0, 3]), 0).toArray())).toEqual([0, 0, 0]);
    });
  });
});
