// dropout: eval-mode identity, the kept fraction, the kept values' scale, seeding, and the GPU
// kernel drawing exactly the CPU reference's mask.
import { describe, expect, it } from 'vitest';
import { manualSeed, rand, scope, tensor, type Tensor } from '../../src/index.js';
import { dropout } from '../../src/ops/dropout.js';
import { useGpu } from '../support/gpu.js';

useGpu();

/** Values in [1, 2): never zero, so a zero output marks a dropped element. */
const nonZero = (shape: number[], device: 'gpu' | 'cpu' = 'gpu'): Tensor => rand(shape, { low: 1, high: 2, device });

describe('dropout', () => {
  it('is the identity when not training or when p = 0', async () => {
    await scope(async () => {
      const x = nonZero([3, 7]);
      const values = await x.toArray();
      expect(await dropout(x, 0.5, false).toArray()).toEqual(values);
      expect(await dropout(x, 0).toArray()).toEqual(values);
    });
  });

  it('keeps a fraction ≈ 1 − p, elements independent of their neighbours', async () => {
    await scope(async () => {
      // n Bernoulli(q) trials: the kept count has standard deviation sqrt(n·q·(1 − q)) ≈ 145 for
      // q = 0.7; 6σ bounds fail by chance with probability < 2e-9. Adjacent pairs both kept:
      // Bernoulli(q²) over n/2 disjoint pairs, σ ≈ 112.
      const n = 100_000;
      for (const p of [0.3, 0.5]) {
        manualSeed(2024);
        const out = await dropout(nonZero([n]), p).toArray();
        const q = 1 - p;
        const kept = out.filter((v) => v !== 0).length;
        expect(Math.abs(kept - n * q)).toBeLessThan(6 * Math.sqrt(n * q * (1 - q)));
        let pairs = 0;
        for (let i = 0; i < n; i += 2) if (out[i] !== 0 && out[i + 1] !== 0) pairs++;
        const m = n / 2;
        expect(Math.abs(pairs - m * q * q)).toBeLessThan(6 * Math.sqrt(m * q * q * (1 - q * q)));
      }
    });
  });

  it('scales kept values by exactly 1/(1 − p)', async () => {
    await scope(async () => {
      const x = nonZero([2000]);
      const xs = await x.toArray();
      for (const p of [0.5, 0.3]) {
        const out = await dropout(x, p).toArray();
        // float32 x times the float32 scale, rounded once: what x/(1 − p) is in float32 up to the scale's rounding.
        const scale = Math.fround(1 / (1 - p));
        out.forEach((v, i) => {
          if (v !== 0) expect(v).toBe(Math.fround(xs[i] * scale));
        });
        if (p === 0.5) out.forEach((v, i) => expect(v === 0 || v === xs[i] / 0.5).toBe(true));
      }
    });
  });

  it('draws the same mask after the same manualSeed, and a fresh one otherwise', async () => {
    await scope(async () => {
      const x = nonZero([500]);
      manualSeed(7);
      const a = await dropout(x).toArray();
      const b = await dropout(x).toArray();
      manualSeed(7);
      const c = await dropout(x).toArray();
      expect(c).toEqual(a);
      expect(b).not.toEqual(a);
    });
  });

  it('draws the same mask on the GPU and in the CPU reference', async () => {
    await scope(async () => {
      const values = await nonZero([4099]).toArray();
      for (const p of [0.3, 0.5]) {
        manualSeed(99);
        const gpu = await dropout(tensor(values), p).toArray();
        manualSeed(99);
        const cpu = await dropout(tensor(values, undefined, { device: 'cpu' }), p).toArray();
        expect(gpu).toEqual(cpu);
      }
    });
  });

  it('passes the gradient through the kept elements, scaled: g·mask', async () => {
    await scope(async () => {
      const x = tensor(await nonZero([300]).toArray(), undefined, { requiresGrad: true });
      const y = dropout(x, 0.3);
      y.backward(tensor(new Float32Array(300).fill(2)));
      const out = await y.toArray();
      const grad = await x.grad!.toArray();
      const scale = Math.fround(1 / 0.7);
      grad.forEach((g, i) => expect(g).toBe(out[i] === 0 ? 0 : Math.fround(2 * scale)));
    });
  });

  it('drops everything at p = 1 and rejects p outside [0, 1]', async () => {
    await scope(async () => {
      expect([...(await dropout(nonZero([50]), 1).toArray())].every((v) => v === 0)).toBe(true);
      expect(() => dropout(nonZero([2]), 1.5)).toThrow(/^dropout: p must be a finite number ≥ 0 and ≤ 1, got 1.5/);
      expect(() => dropout(nonZero([2]), -0.1)).toThrow(/^dropout: p must be a finite number ≥ 0 and ≤ 1, got -0.1/);
      expect(() => dropout(nonZero([2]), Number.NaN)).toThrow(/^dropout: p must be a finite number/);
    });
  });

  it('rejects more than 8 dims up front, naming the op', () => {
    // Backward multiplies by the mask through mul, which indexes at most 8 dims: accepting rank 9
    // here would fail only later, inside backward.
    scope(() => {
      const x = tensor(new Float32Array(6), [1, 1, 1, 1, 1, 1, 1, 2, 3], { requiresGrad: true });
      expect(() => dropout(x, 0.5)).toThrow(/^dropout: at most 8 dims are supported, got \[1, 1, 1, 1, 1, 1, 1, 2, 3\]/);
    });
  });
});
