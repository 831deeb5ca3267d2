// The generic op checks, shared by generic.test.ts (every check, kernels chosen by the adapter) and
// generic-gpu-kernels.test.ts (the GPU-side checks again with the kernels for real GPUs forced,
// so CI on lavapipe also proves the kernels a real GPU runs).
import { describe, expect, it } from 'vitest';
import { scope, tensor } from '../../src/index.js';
import { apply } from '../../src/ops/apply.js';
import { registry } from '../../src/ops/registry.js';
import { mulberry32 } from '../../src/tensor/random.js';
import { expectClose, FLOAT32 } from './close.js';
import { checkForward, finiteDifferences, gradients, liveBuffers, normalize, sampleValues } from './op-check.js';

/**
 * Central differences in float64 with h = 1e-6·max(1,|x|): truncation error ~h²·f''' ≈ 1e-12,
 * rounding ~2e-16·|f|/h ≈ 2e-10·|f|. A wrong rule is off by O(1); 1e-6 relative catches it with
 * room to spare.
 */
const FD = { rtol: 1e-6, atol: 1e-6 };
const FD_POINTS = 48;

/**
 * Every op in the registry (only those named in OPS=a,b when set), on every sample. `cpuChecks`:
 * also the checks that involve no GPU kernel (finite differences of the CPU reference, bad inputs).
 */
export function opSuite({ cpuChecks }: { cpuChecks: boolean }): void {
  const only = process.env.OPS?.split(',');
  describe.each(registry.filter((s) => !only || only.includes(s.name)).map((s) => [s.name, s] as const))('%s', (_, spec) => {
    it('has samples', () => expect(spec.samples.length).toBeGreaterThan(0));

    spec.samples.forEach((sample, k) => {
      const note = sample.note ?? `sample ${k}`;
      const values = () => sampleValues(spec, sample, 1000 + k);

      it(`GPU matches CPU reference (${note})`, async () => {
        await checkForward(spec, sample, values());
      });

      if (spec.backward && cpuChecks) {
        it(`CPU reference gradients match finite differences (${note})`, async () => {
          const s = values();
          const analytic = await gradients(spec, sample, s, 'cpu');
          const rng = mulberry32(7 + k);
          analytic.forEach((g, i) => {
            if (!g) return;
            const all = [...g.keys()];
            const points = all.length <= FD_POINTS ? all : Array.from({ length: FD_POINTS }, () => all[Math.floor(rng() * all.length)]);
            const fd = finiteDifferences(spec, sample, s, i, points);
            expectClose(points.map((p) => g[p]), fd, FD, `${spec.name} d/d${spec.inputs[i]}`);
          });
          expect(analytic.some((g) => g !== null), 'some input is differentiated').toBe(true);
        });

        it(`GPU gradients match CPU reference gradients (${note})`, async () => {
          const s = values();
          const [gpu, cpu] = [await gradients(spec, sample, s, 'gpu'), await gradients(spec, sample, s, 'cpu')];
          cpu.forEach((g, i) => {
            if (g) expectClose(gpu[i]!, g, FLOAT32, `${spec.name} d/d${spec.inputs[i]}`);
          });
        });
      }
    });

    it('frees every buffer it allocates, forward and backward, on every sample', () => {
      spec.samples.forEach((sample, k) => {
        const s = sampleValues(spec, sample, 1 + k);
        const run = () =>
          scope(() => {
            const inputs = s.inputs.map((inp, i) => tensor(s.values[i], inp.shape, { requiresGrad: spec.backward !== null && inp.grad !== false }));
            const out = apply(spec, inputs, sample.params);
            if (out.requiresGrad) out.backward(tensor(s.projection, out.shape));
          });
        run(); // first run caches constants
        const before = liveBuffers();
        run();
        expect(liveBuffers(), sample.note ?? `sample ${k}`).toBe(before);
      });
    });

    (cpuChecks ? (spec.invalid ?? []) : []).forEach((bad, k) => {
      it(`rejects bad input ${k}: ${bad.error.source}`, () => {
        scope(() => {
          const inputs = bad.inputs.map(normalize).map((inp) => {
            const v = new Float32Array(inp.shape.reduce((a, b) => a * b, 1));
            const rng = mulberry32(k);
            for (let i = 0; i < v.length; i++) v[i] = inp.fill ? inp.fill(rng, i) : rng();
            return tensor(v, inp.shape);
          });
          expect(() => apply(spec, inputs, bad.params)).toThrow(bad.error);
        });
      });
    });
  });
}
