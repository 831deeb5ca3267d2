// The generic checks every registered op gets: see test/ops/generic.test.ts.
import { backward, noGrad, runtime, scope, tensor, type Tensor } from '../../src/index.js';
import { apply } from '../../src/ops/apply.js';
import type { AnyOpSpec, Sample, SampleInput } from '../../src/ops/spec.js';
import { mulberry32, randomNormal } from '../../src/tensor/random.js';
import { sizeOf } from '../../src/tensor/shape.js';
import { expectClose, FLOAT32 } from './close.js';

export interface SampleValues {
  inputs: SampleInput[];
  values: Float32Array[];
  /** Random weights R of the scalar loss sum(out · R) that the gradient checks differentiate. */
  projection: Float32Array;
}

export function normalize(input: SampleInput | readonly number[]): SampleInput {
  return Array.isArray(input) ? { shape: input as number[] } : (input as SampleInput);
}

/** Deterministic float32 values for a sample: normal(0, 1) unless the sample says otherwise. */
export function sampleValues(spec: AnyOpSpec, sample: Sample<unknown>, seed: number): SampleValues {
  const rng = mulberry32(seed);
  const inputs = sample.inputs.map(normalize);
  const values = inputs.map((inp) => {
    const v = new Float32Array(sizeOf(inp.shape));
    for (let i = 0; i < v.length; i++) v[i] = inp.fill ? inp.fill(rng, i) : randomNormal(rng);
    return v;
  });
  const outShape = spec.shape(inputs.map((i) => i.shape), sample.params);
  const projection = new Float32Array(sizeOf(outShape));
  for (let i = 0; i < projection.length; i++) projection[i] = randomNormal(rng);
  return { inputs, values, projection };
}

function differentiates(spec: AnyOpSpec, input: SampleInput): boolean {
  return spec.backward !== null && input.grad !== false;
}

function makeTensors(s: SampleValues, spec: AnyOpSpec, device: 'gpu' | 'cpu', withGrad: boolean): Tensor[] {
  return s.inputs.map((inp, i) =>
    tensor(s.values[i], inp.shape, { device, float64: device === 'cpu', requiresGrad: withGrad && differentiates(spec, inp) }),
  );
}

export async function checkForward(spec: AnyOpSpec, sample: Sample<unknown>, s: SampleValues): Promise<void> {
  await scope(async () => {
    const gpu = apply(spec, makeTensors(s, spec, 'gpu', false), sample.params);
    const cpu = apply(spec, makeTensors(s, spec, 'cpu', false), sample.params);
    expectClose(await gpu.toArray(), cpuValues(cpu), FLOAT32, `${spec.name} forward`);
  });
}

/** Gradients of sum(out · R) with respect to each differentiable input (null for the others). */
export async function gradients(spec: AnyOpSpec, sample: Sample<unknown>, s: SampleValues, device: 'gpu' | 'cpu'): Promise<(Float64Array | null)[]> {
  return scope(async () => {
    const inputs = makeTensors(s, spec, device, true);
    const out = apply(spec, inputs, sample.params);
    backward(out, tensor(s.projection, out.shape, { device, float64: true }));
    return Promise.all(
      inputs.map(async (t) => {
        if (!t.requiresGrad) return null;
        if (!t.grad) throw new Error(`${spec.name}: no gradient reached ${t.toString()}`);
        return Float64Array.from(t.device === 'cpu' ? cpuValues(t.grad) : await t.grad.toArray());
      }),
    );
  });
}

/** Central differences of sum(out · R) in float64 on the CPU reference, at up to `maxPoints` elements per input. */
export function finiteDifferences(spec: AnyOpSpec, sample: Sample<unknown>, s: SampleValues, input: number, points: number[]): Float64Array {
  const loss = (values: Float64Array[]): number =>
    noGrad(() =>
      scope(() => {
        const inputs = s.inputs.map((inp, i) => tensor(values[i], inp.shape, { device: 'cpu', float64: true }));
        const out = cpuValues(apply(spec, inputs, sample.params));
        let total = 0;
        for (let i = 0; i < out.length; i++) total += out[i] * s.projection[i];
        return total;
      }),
    );
  const values = s.values.map((v) => Float64Array.from(v));
  const fd = new Float64Array(points.length);
  points.forEach((p, k) => {
    const x = values[input][p];
    const h = 1e-6 * Math.max(1, Math.abs(x));
    values[input][p] = x + h;
    const up = loss(values);
    values[input][p] = x - h;
    const down = loss(values);
    values[input][p] = x;
    fd[k] = (up - down) / (2 * h);
  });
  return fd;
}

export function cpuValues(t: Tensor): Float64Array {
  const s = t.storage;
  if (s.device !== 'cpu') throw new Error('expected a CPU tensor');
  return Float64Array.from(s.data.subarray(0, t.size));
}

export function liveBuffers(): number {
  return runtime().memory().liveBuffers;
}
