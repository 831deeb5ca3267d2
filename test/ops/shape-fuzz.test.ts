// Every op of the registry on edge-case variants of its samples' shapes: each dim size in turn
// made 0, rank 9 (leading 1s: one over what the kernels index), and all inputs rank 0. An op must
// either reject the shapes up front with an OpError naming itself, or match the CPU reference,
// forward and gradients, without a WebGPU error. What must not happen is a late failure: a wrong
// value, a WebGPU validation error, or an error from inside backward naming some other op.
import { describe, expect, it } from 'vitest';
import { OpError } from '../../src/index.js';
import { registry } from '../../src/ops/registry.js';
import type { AnyOpSpec, Sample } from '../../src/ops/spec.js';
import type { Shape } from '../../src/tensor/shape.js';
import { expectClose, FLOAT32 } from '../support/close.js';
import { useGpu } from '../support/gpu.js';
import { checkForward, gradients, normalize, sampleValues, type SampleValues } from '../support/op-check.js';

useGpu();

interface Variant {
  name: string;
  shapes: Shape[];
}

function variants(sample: Sample<unknown>): Variant[] {
  const shapes = sample.inputs.map((i) => normalize(i).shape);
  const out: Variant[] = [...new Set(shapes.flat())].map((size) => ({ name: `size ${size} -> 0`, shapes: shapes.map((s) => s.map((d) => (d === size ? 0 : d))) }));
  out.push({ name: 'rank 9', shapes: shapes.map((s) => (s.length === 0 ? s : [...new Array<number>(9 - s.length).fill(1), ...s])) });
  return out;
}

/** Null when the op handles the shapes (or rejects them up front), else what went wrong. */
async function probe(spec: AnyOpSpec, sample: Sample<unknown>, shapes: Shape[]): Promise<string | null> {
  const variant = { ...sample, inputs: sample.inputs.map((input, i) => ({ ...normalize(input), shape: shapes[i] })) };
  const message = (e: unknown) => `${(e as Error).name}: ${(e as Error).message.split('\n')[0]}`;
  let s: SampleValues;
  try {
    s = sampleValues(spec, variant, 1); // runs the shape rule
    await checkForward(spec, variant, s);
  } catch (e) {
    return e instanceof OpError && e.message.startsWith(`${spec.name}: `) ? null : `forward: ${message(e)}`;
  }
  if (!spec.backward) return null;
  try {
    const [gpu, cpu] = [await gradients(spec, variant, s, 'gpu'), await gradients(spec, variant, s, 'cpu')];
    cpu.forEach((g, i) => {
      if (g) expectClose(gpu[i]!, g, FLOAT32, `${spec.name} d/d${spec.inputs[i]}`);
    });
  } catch (e) {
    return `backward: ${message(e)}`;
  }
  return null;
}

describe('shape fuzz', () => {
  it('empty dims and rank 9', async () => {
    const report: string[] = [];
    for (const spec of registry) {
      for (const sample of spec.samples) {
        for (const v of variants(sample)) {
          const problem = await probe(spec, sample, v.shapes);
          if (problem) report.push(`${spec.name} (${sample.note}) [${v.name}] ${JSON.stringify(v.shapes)}: ${problem}`);
        }
      }
    }
    expect(report).toEqual([]);
  });

  it('rank-0 inputs', async () => {
    const report: string[] = [];
    for (const spec of registry) {
      const sample = spec.samples[0];
      const problem = await probe(spec, sample, sample.inputs.map(() => []));
      if (problem) report.push(`${spec.name}: ${problem}`);
    }
    expect(report).toEqual([]);
  });
});
