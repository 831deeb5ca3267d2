// Runs benchmark cases through benny, one benny suite per group (e.g. "matmul 512"), its cases the
// implementations side by side. Each benny call takes one sample with our own clocks (wall-clock
// through GPU completion, GPU time from timestamp queries, host time), since the table needs
// medians and GPU time rather than benny's ops/s; benny's ops/s is kept in the JSON.
import { add, complete, cycle, suite } from 'benny';

export type Impl = 'ours-gpu' | 'ours-cpu' | 'tfjs-webgpu' | 'tfjs-wasm' | 'tfjs-cpu';

export interface Sample {
  wallMs: number;
  gpuMs: number | null;
  hostMs: number | null;
}

/** Work per call, for the rate column: FLOPs for compute-bound ops, bytes moved for memory-bound ones, images for training steps. */
export interface Work {
  flop?: number;
  bytes?: number;
  images?: number;
}

export interface Case {
  impl: Impl;
  /** Makes the inputs; the returned sampler runs the op once and measures it. */
  prepare(): Promise<Sampler>;
}

export interface Sampler {
  sample(): Promise<Sample>;
  dispose(): void;
}

export interface Group {
  suite: string;
  name: string;
  work: Work;
  cases: Case[];
}

export interface Row {
  suite: string;
  group: string;
  impl: Impl;
  work: Work;
  samples: number;
  wallMs: number;
  gpuMs: number | null;
  hostMs: number | null;
  /** The work's rate from the median wall-clock time, and from the median GPU time. */
  rateWall: number;
  rateGpu: number | null;
  unit: 'GFLOP/s' | 'GB/s' | 'images/s';
  /** Median wall time of ours-gpu ÷ this row's (below 1: ours is faster). */
  oursGpuRatio: number | null;
  bennyOpsPerSecond: number;
  /** Why this implementation has no figures (it failed to prepare or run). */
  error?: string;
}

export interface RunOptions {
  warmup: number;
  minSamples: number;
  /** Seconds benny keeps sampling once it has minSamples. */
  maxTime: number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A benny entry that runs `fn` when benchmark.js starts the suite (after benny's set-up calls). */
function onStart(fn: () => void) {
  // benchmark.js's Suite (untyped here): `on` registers a listener and returns the suite.
  return async () => (s: { on(event: string, listener: () => void): unknown }) => s.on('start', fn);
}

export async function runGroup(group: Group, options: RunOptions): Promise<Row[]> {
  const live: { impl: Impl; sampler: Sampler; samples: Sample[]; error?: string }[] = [];
  const failed: Row[] = [];
  try {
    for (const c of group.cases) {
      let sampler: Sampler | null = null;
      try {
        sampler = await c.prepare();
        for (let i = 0; i < options.warmup; i++) await sampler.sample(); // compiles pipelines, fills pools
        live.push({ impl: c.impl, sampler, samples: [] });
      } catch (e) {
        sampler?.dispose();
        console.error(`${group.name} on ${c.impl} failed: ${(e as Error).message}`);
        failed.push({ ...emptyRow(group, c.impl), error: (e as Error).message });
      }
    }
    // benny calls each case once while detecting its type, before the suite runs and without
    // awaiting it; those calls must not overlap real samples, so sampling starts with the suite.
    let started = false;
    if (live.length === 0) return failed;
    const summary = await suite(
      `${group.suite}: ${group.name}`,
      ...live.map((c) =>
        add(c.impl, () => async () => {
          // A rejected promise would leave benchmark.js waiting forever: keep the error instead.
          if (started && !c.error) c.samples.push(await c.sampler.sample().catch((e: Error) => ((c.error = e.message), { wallMs: NaN, gpuMs: null, hostMs: null })));
        }, { minSamples: options.minSamples, maxTime: options.maxTime, initCount: 1 }),
      ),
      onStart(() => (started = true)),
      cycle((result) => `  ${result.name}: ${result.samples} samples`),
      complete(() => undefined),
    );
    const { flop, bytes, images } = group.work;
    const amount = flop !== undefined ? flop / 1e9 : bytes !== undefined ? bytes / 1e9 : (images ?? 0);
    const rows = live.map(({ impl, samples: all, error }): Row => {
      const s = all.filter((x) => !Number.isNaN(x.wallMs));
      const wallMs = median(s.map((x) => x.wallMs));
      const gpu = s.flatMap((x) => (x.gpuMs === null ? [] : [x.gpuMs]));
      const host = s.flatMap((x) => (x.hostMs === null ? [] : [x.hostMs]));
      const gpuMs = gpu.length ? median(gpu) : null;
      return {
        ...emptyRow(group, impl),
        samples: s.length, wallMs, gpuMs, hostMs: host.length ? median(host) : null,
        rateWall: amount / (wallMs / 1e3), rateGpu: gpuMs ? amount / (gpuMs / 1e3) : null,
        bennyOpsPerSecond: summary.results.find((r) => r.name === impl)?.ops ?? 0,
        ...(error ? { error } : {}),
      };
    });
    const ours = rows.find((r) => r.impl === 'ours-gpu');
    for (const r of rows) r.oursGpuRatio = ours ? ours.wallMs / r.wallMs : null;
    return [...rows, ...failed];
  } finally {
    for (const c of live) c.sampler.dispose();
  }
}

function emptyRow(group: Group, impl: Impl): Row {
  const { flop, bytes } = group.work;
  const unit = flop !== undefined ? 'GFLOP/s' : bytes !== undefined ? 'GB/s' : 'images/s';
  return {
    suite: group.suite, group: group.name, impl, work: group.work, samples: 0, wallMs: NaN, gpuMs: null, hostMs: null,
    rateWall: NaN, rateGpu: null, unit, oursGpuRatio: null, bennyOpsPerSecond: 0,
  };
}
