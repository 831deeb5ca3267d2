// Kernel parameters live in one uniform arena per submission: each dispatch writes its params
// into the next 256-byte slot of a host-side staging copy, and the whole arena is uploaded with a
// single writeBuffer just before submit. Queue order makes reuse after submit safe.

export const SLOT_BYTES = 256;

/** Writes a WGSL uniform struct field by field (4-byte scalars; `vec4` arrays 16-byte aligned). */
export class ParamWriter {
  private u32v!: Uint32Array;
  private i32v!: Int32Array;
  private f32v!: Float32Array;
  private word = 0;
  private base = 0;

  attach(buffer: ArrayBuffer): void {
    this.u32v = new Uint32Array(buffer);
    this.i32v = new Int32Array(buffer);
    this.f32v = new Float32Array(buffer);
  }

  start(byteOffset: number): this {
    this.base = byteOffset / 4;
    this.word = 0;
    return this;
  }

  u32(...values: number[]): this {
    for (const v of values) this.u32v[this.base + this.word++] = v;
    return this;
  }

  i32(...values: number[]): this {
    for (const v of values) this.i32v[this.base + this.word++] = v;
    return this;
  }

  f32(...values: number[]): this {
    for (const v of values) this.f32v[this.base + this.word++] = v;
    return this;
  }

  /** An `array<vec4<u32>, slots/4>` field: the values, zero padded to `slots`. */
  u32s(values: readonly number[], slots: number): this {
    this.align16();
    if (values.length > slots) throw new Error(`ParamWriter: ${values.length} values do not fit ${slots} slots`);
    for (let i = 0; i < slots; i++) this.u32v[this.base + this.word++] = values[i] ?? 0;
    return this;
  }

  align16(): this {
    this.word = Math.ceil(this.word / 4) * 4;
    return this;
  }

  get bytesWritten(): number {
    return this.word * 4;
  }
}

export class UniformArena {
  readonly buffer: GPUBuffer;
  private readonly staging: ArrayBuffer;
  private readonly writer = new ParamWriter();
  private used = 0;

  constructor(
    device: GPUDevice,
    readonly slots: number,
  ) {
    this.buffer = device.createBuffer({
      label: 'uniform arena',
      size: slots * SLOT_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.staging = new ArrayBuffer(slots * SLOT_BYTES);
    this.writer.attach(this.staging);
  }

  get full(): boolean {
    return this.used === this.slots;
  }

  /** Writes one dispatch's params; returns the byte offset of its slot (bound as a dynamic offset). */
  write(fill: (p: ParamWriter) => void): number {
    const offset = this.used * SLOT_BYTES;
    new Uint32Array(this.staging, offset, SLOT_BYTES / 4).fill(0);
    const w = this.writer.start(offset);
    fill(w);
    if (w.bytesWritten > SLOT_BYTES) throw new Error(`uniform params of ${w.bytesWritten} bytes exceed a ${SLOT_BYTES}-byte slot`);
    this.used++;
    return offset;
  }

  /** Uploads the slots written since the last flush and starts over. */
  flush(queue: GPUQueue): void {
    if (this.used === 0) return;
    queue.writeBuffer(this.buffer, 0, this.staging, 0, this.used * SLOT_BYTES);
    this.used = 0;
  }
}
