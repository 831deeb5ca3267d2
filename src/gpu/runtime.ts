// The one owner of the WebGPU device: pipelines, buffers, uniforms and submission.
//
// Ops call `dispatch`, which records into a single open compute pass and returns at once; the
// batch is submitted when something reads a result, when the batch or its uniform arena is full,
// or on `flush()`. Nothing waits for the GPU except `read`. WebGPU errors raised while a batch was
// recorded are caught by error scopes around it and rethrown from the next read, naming the
// pipelines and bind groups (labelled by kernel and op) that failed.
//
// `capture(fn)` runs fn once as usual while recording its dispatches; the StepGraph it returns
// replays them (./step-graph.ts), skipping every op's JavaScript.
import { BindGroupCache } from './bind-groups.js';
import { BufferPool, type PoolStats } from './buffer-pool.js';
import { isSoftwareAdapter, openDevice, type AdapterDescription, type DeviceOptions } from './device.js';
import { GpuError } from './errors.js';
import { PipelineCache, type Constants } from './pipelines.js';
import { StepGraph, type Recording } from './step-graph.js';
import { UniformArena, type ParamWriter } from './uniforms.js';

export interface Dispatch {
  /** WGSL file name in src/kernels/wgsl, without extension. Entry point `main`. */
  kernel: string;
  /** The op this dispatch belongs to, used in error messages. */
  label: string;
  /** Values for the shader's `override` declarations. */
  constants?: Constants;
  /** Fills the shader's uniform struct at @binding(0). */
  params: (p: ParamWriter) => void;
  /** Storage buffers for @binding(1), @binding(2), … in order. */
  buffers: readonly GPUBuffer[];
  workgroups: readonly [number, number?, number?];
}

export interface RuntimeOptions extends DeviceOptions {
  /** Submit after this many dispatches even without a read, to keep the GPU busy. */
  maxDispatchesPerSubmit?: number;
  /** Free pooled buffers kept beyond this many bytes are destroyed. */
  maxPooledBytes?: number;
  /**
   * Which kernels ops with one per kind of adapter use: 'software' ones suit CPU rasterisers
   * (lavapipe), 'gpu' ones real GPUs. Default: by the adapter. Tests force each on one machine.
   */
  kernels?: 'auto' | 'gpu' | 'software';
}

/** Adds timestamp writes to compute passes (src/gpu/timing.ts). */
export interface PassTimer {
  /** Close the pass after every dispatch, so that each dispatch is timed alone (profiling). */
  readonly perDispatch: boolean;
  /** The descriptor of the pass about to open, for the dispatch (by its label) that opens it. */
  begin(label: string): GPUComputePassDescriptor;
  /** Runs on the encoder right after that pass ends, e.g. to resolve its queries. */
  end(encoder: GPUCommandEncoder): void;
}

export class GpuRuntime {
  readonly pipelines: PipelineCache;
  /** Whether ops pick their kernels for a CPU rasteriser (RuntimeOptions.kernels). */
  readonly softwareKernels: boolean;
  /** Null on the normal path; set only while a timing measurement runs. */
  passTimer: PassTimer | null = null;
  private readonly pool: BufferPool;
  private readonly readback: BufferPool;
  private readonly uniforms: UniformArena;
  readonly bindGroups: BindGroupCache;
  private readonly maxDispatches: number;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** The pipeline the open pass has set last. */
  private passPipeline: GPUComputePipeline | null = null;
  private dispatches = 0;
  private dispatchTotal = 0;
  private batch = 0;
  private readonly lastUse = new WeakMap<GPUBuffer, number>();
  /** The batch the last replay ended in: writes into pinned buffers wait for it (write()). */
  private replayBatch = -1;
  private pendingErrors: Promise<GPUError | null>[] = [];
  /** Buffers let go of while a batch was being recorded: destroyed once that batch is submitted. */
  private retired: GPUBuffer[] = [];
  private fatal: GpuError | null = null;
  private destroyed = false;
  /** The capture being recorded, if any. */
  private recording: Recording | null = null;
  /**
   * Buffers that live step graphs use, by the number of graphs: released ones stay out of the pool
   * (a replay writes them) until the last such graph is disposed.
   */
  private readonly pins = new Map<GPUBuffer, { graphs: number; released: boolean }>();

  private constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterDescription,
    options: RuntimeOptions,
  ) {
    this.pipelines = new PipelineCache(device);
    const kernels = options.kernels ?? 'auto';
    this.softwareKernels = kernels === 'auto' ? isSoftwareAdapter(adapter) : kernels === 'software';
    const maxPooled = options.maxPooledBytes ?? 1 << 30;
    const maxSize = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    const retire = (b: GPUBuffer) => (this.encoder ? this.retired.push(b) : b.destroy());
    this.pool = new BufferPool(device, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, maxPooled, maxSize, retire);
    this.readback = new BufferPool(device, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 64 << 20, device.limits.maxBufferSize, retire);
    this.uniforms = new UniformArena(device, 512);
    this.bindGroups = new BindGroupCache(device, this.uniforms.buffer);
    this.maxDispatches = options.maxDispatchesPerSubmit ?? 256;
    device.addEventListener('uncapturederror', (event) => {
      this.fatal ??= new GpuError(`WebGPU error outside any op: ${(event as GPUUncapturedErrorEvent).error.message}`);
    });
    void device.lost.then((info) => {
      if (!this.destroyed) this.fatal ??= new GpuError(`GPU device lost (${info.reason}): ${info.message}`);
    });
  }

  static async create(options: RuntimeOptions = {}): Promise<GpuRuntime> {
    const { device, adapter } = await openDevice(options);
    return new GpuRuntime(device, adapter, options);
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** A storage buffer of at least `bytes` bytes from the pool. */
  acquire(bytes: number, label: string): GPUBuffer {
    this.checkAlive();
    const max = this.device.limits.maxStorageBufferBindingSize;
    if (bytes > max) {
      throw new GpuError(`${label}: needs a buffer of ${mib(bytes)}, over this device's storage-buffer limit of ${mib(max)}`);
    }
    this.beginBatch();
    const buffer = this.pool.acquire(bytes, label);
    if (this.recording) this.pin(buffer);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (this.destroyed) return;
    const pin = this.pins.get(buffer);
    if (pin) pin.released = true;
    else this.pool.release(buffer);
  }

  /** Copies host data into a buffer, after any recorded work that still uses that buffer. */
  write(buffer: GPUBuffer, data: Float32Array | Uint32Array): void {
    this.checkAlive();
    // A replay in this batch may use any pinned buffer (replay() marks none of them one by one).
    const used = this.lastUse.get(buffer) === this.batch || (this.replayBatch === this.batch && this.pins.has(buffer));
    if (used && this.encoder) this.flush();
    this.beginBatch();
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  }

  dispatch(d: Dispatch): void {
    this.checkAlive();
    if (this.uniforms.full || this.dispatches >= this.maxDispatches) this.flush();
    // Open the batch's error scopes before creating anything, so errors here name the op too.
    this.beginBatch();
    const { pipeline, layout } = this.pipelines.get(d.kernel, d.constants);
    for (const buffer of d.buffers) this.lastUse.set(buffer, this.batch);
    const name = `${d.label} (${d.kernel})`;
    const bindGroup = this.bindGroups.get(name, layout, d.buffers);
    const [x, y = 1, z = 1] = d.workgroups;
    const workgroups = [x, y, z] as const;
    this.encode(name, pipeline, bindGroup, d.params, workgroups);
    // Recorded once encoded: a dispatch whose params failed never ran, so no replay repeats it.
    if (this.recording) {
      this.recording.dispatches.push({ name, pipeline, bindGroup, params: d.params, workgroups });
      for (const buffer of d.buffers) this.pin(buffer);
    }
  }

  /**
   * Runs `fn` once, as usual, and records the GPU work it does into a StepGraph whose replay()
   * repeats that work on the same buffers without running fn's JavaScript again. Until the graph
   * is disposed, every buffer its dispatches use stays out of the pool.
   */
  capture(fn: () => void): StepGraph {
    this.checkAlive();
    if (this.recording) throw new GpuError('capture: another capture is being recorded; captures do not nest');
    const recording: Recording = { dispatches: [], hooks: [], buffers: new Set() };
    this.recording = recording;
    try {
      const result: unknown = fn();
      // Work after an await would run outside the capture, and replays would silently skip it.
      if (result instanceof Promise) throw new GpuError('capture: the step must be synchronous (it returned a Promise); await nothing inside it');
    } catch (e) {
      this.unpin(recording.buffers);
      throw e;
    } finally {
      this.recording = null;
    }
    return new StepGraph(this, recording);
  }

  /**
   * Registers host work that must run before each replay of the capture being recorded, such as
   * advancing an optimizer's step count that its params read; a no-op outside captures.
   */
  onReplay(hook: () => void): void {
    this.recording?.hooks.push(hook);
  }

  /** Whether a capture is being recorded (so callers make replay hooks only then). */
  get capturing(): boolean {
    return this.recording !== null;
  }

  /**
   * Runs `fn` with the capture being recorded, if any, paused: for one-time work inside a step,
   * such as making an optimizer's state on its first step, which a replay must not repeat.
   */
  outsideCapture<T>(fn: () => T): T {
    const recording = this.recording;
    this.recording = null;
    try {
      return fn();
    } finally {
      this.recording = recording;
    }
  }

  /** Re-encodes a graph's dispatches with fresh uniforms (StepGraph.replay). */
  replay(recording: Recording): void {
    this.checkAlive();
    if (this.recording) throw new GpuError('StepGraph.replay: cannot replay while a capture is being recorded');
    for (const hook of recording.hooks) hook();
    try {
      for (const r of recording.dispatches) {
        if (this.uniforms.full || this.dispatches >= this.maxDispatches) this.flush();
        this.beginBatch();
        this.encode(r.name, r.pipeline, r.bindGroup, r.params, r.workgroups);
      }
    } finally {
      // Even a replay cut short by an error left dispatches in this batch that writes must wait for.
      this.replayBatch = this.batch;
    }
  }

  /** Lets go of a graph's buffers: those released meanwhile return to the pool with the last graph using them. */
  unpin(buffers: Iterable<GPUBuffer>): void {
    for (const buffer of buffers) {
      const pin = this.pins.get(buffer);
      if (!pin || --pin.graphs > 0) continue;
      this.pins.delete(buffer);
      // A replay in the open batch may still use it: a write into it must wait for that batch (write()).
      if (this.replayBatch === this.batch) this.lastUse.set(buffer, this.batch);
      if (pin.released && !this.destroyed) this.pool.release(buffer);
    }
  }

  /** Dispatches recorded since the runtime opened (the host-overhead benchmark counts them per step). */
  get dispatchCount(): number {
    return this.dispatchTotal;
  }

  /** Submits everything recorded so far. Does not wait for the GPU. */
  flush(): void {
    if (!this.encoder) return;
    this.closePass();
    this.uniforms.flush(this.device.queue);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    // WebGPU defers freeing a destroyed buffer until submitted work that uses it is done.
    for (const b of this.retired) b.destroy();
    this.retired = [];
    this.dispatches = 0;
    this.batch++;
    const oom = this.device.popErrorScope();
    const validation = this.device.popErrorScope();
    this.pendingErrors.push(oom, validation);
    // Without reads (a long run of steps) keep the list short: fold it into its first error.
    if (this.pendingErrors.length > 64) {
      const all = this.pendingErrors;
      this.pendingErrors = [Promise.all(all).then((errors) => errors.find((e) => e !== null) ?? null)];
    }
  }

  /** Reads `bytes` bytes from the start of a buffer, after all recorded work. */
  async read(buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    this.checkAlive();
    this.beginBatch();
    this.closePass();
    // Copies and mappings go in whole 4-byte words.
    const span = Math.ceil(bytes / 4) * 4;
    const staging = this.readback.acquire(span, 'readback');
    this.encoder!.copyBufferToBuffer(buffer, 0, staging, 0, span);
    this.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, span);
      const copy = staging.getMappedRange(0, span).slice(0, bytes);
      staging.unmap();
      await this.checkErrors();
      return copy;
    } catch (e) {
      await this.checkErrors();
      if (this.destroyed) throw new GpuError('reading a result from the GPU failed: the runtime was shut down during the read');
      throw e instanceof GpuError ? e : new GpuError(`reading a result from the GPU failed: ${(e as Error).message}`);
    } finally {
      this.readback.release(staging);
    }
  }

  /**
   * Submits everything recorded so far and returns a promise of the GPU finishing it, without
   * waiting: loops await an older fence to stay a bounded distance ahead of the GPU.
   */
  fence(): Promise<undefined> {
    this.checkAlive();
    this.flush();
    return this.device.queue.onSubmittedWorkDone();
  }

  /** Waits until the GPU has finished everything submitted, and rethrows any WebGPU error. */
  async sync(): Promise<void> {
    this.checkAlive();
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.checkErrors();
  }

  memory(): PoolStats & { pipelines: number; bindGroups: number } {
    return { ...this.pool.stats(), pipelines: this.pipelines.size, bindGroups: this.bindGroups.size };
  }

  /** Frees pooled (unused) buffers. */
  trim(): void {
    this.pool.trim();
    this.readback.trim();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.pool.trim();
    this.readback.trim();
    this.bindGroups.clear();
    this.device.destroy();
  }

  private encode(name: string, pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, params: Dispatch['params'], [x, y, z]: readonly [number, number, number]): void {
    const offset = this.uniforms.write(params);
    const pass = this.openPass(name);
    // Dawn's calls cost microseconds each: a run of one kernel (Adam over each parameter) sets it once.
    if (pipeline !== this.passPipeline) pass.setPipeline(pipeline);
    this.passPipeline = pipeline;
    pass.setBindGroup(0, bindGroup, [offset]);
    pass.dispatchWorkgroups(x, y, z);
    this.dispatches++;
    this.dispatchTotal++;
    if (this.passTimer?.perDispatch) this.closePass();
  }

  /** Adds a buffer to the capture being recorded (once), keeping it out of the pool while the graph lives. */
  private pin(buffer: GPUBuffer): void {
    const recording = this.recording!;
    if (recording.buffers.has(buffer)) return;
    recording.buffers.add(buffer);
    const pin = this.pins.get(buffer);
    if (pin) pin.graphs++;
    else this.pins.set(buffer, { graphs: 1, released: false });
  }

  private beginBatch(): void {
    if (this.encoder) return;
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    this.encoder = this.device.createCommandEncoder();
  }

  /** The open compute pass, or a new one for the dispatch named `name` ("op (kernel)"). */
  private openPass(name: string): GPUComputePassEncoder {
    this.beginBatch();
    if (!this.pass) {
      this.pass = this.encoder!.beginComputePass(this.passTimer?.begin(name));
      this.passPipeline = null;
    }
    return this.pass;
  }

  private closePass(): void {
    if (!this.pass) return;
    this.pass.end();
    this.pass = null;
    this.passTimer?.end(this.encoder!);
  }

  private async checkErrors(): Promise<void> {
    const pending = this.pendingErrors;
    this.pendingErrors = [];
    const errors = (await Promise.all(pending)).filter((e): e is GPUError => e !== null);
    if (errors.length > 0) {
      const kind = errors[0].constructor.name === 'GPUOutOfMemoryError' ? 'out of GPU memory' : 'WebGPU rejected the work';
      // The rejected batch's other results were never computed: nothing read later may be trusted.
      this.fatal = new GpuError(`${kind}: ${errors.map((e) => e.message).join('\n')}\n(the GPU runtime cannot continue: shutdown() and init() start a new one)`);
      throw this.fatal;
    }
    if (this.fatal) throw this.fatal;
  }

  private checkAlive(): void {
    if (this.destroyed) throw new GpuError('the GPU runtime was destroyed');
    if (this.fatal) throw this.fatal;
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
