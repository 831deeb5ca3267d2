// GPU time of a block of recorded work, from timestamp queries written at the start and end of
// each compute pass it opens (WebGPU's `timestamp-query` feature), next to the wall-clock time;
// or, for a profile, of each of its dispatches in a pass of its own. Used by the benchmarks; the
// runtime's normal path has no queries.
import type { GpuRuntime, PassTimer } from './runtime.js';

export interface GpuTiming {
  /** From the call until the GPU finished the work: recording, submission and execution. */
  wallMs: number;
  /** From the call until `fn` returned: the JavaScript side of recording and submitting. */
  hostMs: number;
  /** Sum over the passes of end − start timestamps; null where the adapter lacks timestamp-query. */
  gpuMs: number | null;
  /** Compute passes the work opened (a batch closes its pass at every submit and read). */
  passes: number;
}

/** resolveQuerySet's destination offset must be a multiple of 256 bytes, so each pass gets its own slot. */
const SLOT = 256;

class PassTimestamps implements PassTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolved: GPUBuffer;
  private readonly staging: GPUBuffer;
  private labels: string[] = [];
  perDispatch = false;

  constructor(
    private readonly device: GPUDevice,
    private readonly capacity: number,
  ) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 * capacity, label: 'pass timestamps' });
    this.resolved = device.createBuffer({ size: SLOT * capacity, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.staging = device.createBuffer({ size: SLOT * capacity, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  reset(perDispatch: boolean): void {
    this.labels = [];
    this.perDispatch = perDispatch;
  }

  get passes(): number {
    return this.labels.length;
  }

  begin(label: string): GPUComputePassDescriptor {
    if (this.passes >= this.capacity) throw new Error(`timing: the measured work opened more than ${this.capacity} compute passes`);
    const first = 2 * this.passes;
    this.labels.push(label);
    return { timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: first, endOfPassWriteIndex: first + 1 } };
  }

  end(encoder: GPUCommandEncoder): void {
    const last = this.passes - 1;
    encoder.resolveQuerySet(this.querySet, 2 * last, 2, this.resolved, SLOT * last);
  }

  /** Each pass recorded since reset(): the label of the dispatch that opened it, and its nanoseconds. */
  async read(): Promise<PassTime[]> {
    const bytes = SLOT * this.passes;
    if (bytes === 0) return [];
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(this.resolved, 0, this.staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    await this.staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const stamps = new BigUint64Array(this.staging.getMappedRange(0, bytes));
    const times = this.labels.map((label, i) => ({ label, ns: Number(stamps[(SLOT / 8) * i + 1] - stamps[(SLOT / 8) * i]) }));
    this.staging.unmap();
    return times;
  }
}

export interface PassTime {
  label: string;
  ns: number;
}

/** A training step opens a few passes (one per submit or read); 1,024 leaves room for long blocks. */
const MAX_PASSES = 1024;

const timers = new WeakMap<GpuRuntime, PassTimestamps>();

/**
 * Runs `fn` (which records GPU work) and waits for the GPU. Work recorded earlier is finished
 * first, so the figures cover `fn`'s work only.
 */
export async function timeGpu(rt: GpuRuntime, fn: () => void): Promise<GpuTiming> {
  const { wallMs, hostMs, passes } = await timePasses(rt, fn, false);
  return { wallMs, hostMs, gpuMs: passes && passes.reduce((ms, p) => ms + p.ns / 1e6, 0), passes: passes?.length ?? 0 };
}

/**
 * As timeGpu, but each dispatch in a pass of its own: GPU time per dispatch, in recording order,
 * labelled "op (kernel)". Null where the adapter lacks timestamp-query. Separate passes cost a
 * little on a GPU (no overlap between dispatches), so the sum can exceed timeGpu's figure.
 */
export async function profileGpu(rt: GpuRuntime, fn: () => void): Promise<PassTime[] | null> {
  return (await timePasses(rt, fn, true)).passes;
}

async function timePasses(rt: GpuRuntime, fn: () => void, perDispatch: boolean): Promise<{ wallMs: number; hostMs: number; passes: PassTime[] | null }> {
  await rt.sync();
  let timer: PassTimestamps | null = null;
  if (rt.device.features.has('timestamp-query')) {
    timer = timers.get(rt) ?? new PassTimestamps(rt.device, MAX_PASSES);
    timers.set(rt, timer);
    timer.reset(perDispatch);
  }
  rt.passTimer = timer;
  let hostMs: number;
  const start = performance.now();
  try {
    fn();
    hostMs = performance.now() - start;
    await rt.sync();
  } finally {
    rt.passTimer = null;
  }
  const wallMs = performance.now() - start;
  return { wallMs, hostMs, passes: timer ? await timer.read() : null };
}
