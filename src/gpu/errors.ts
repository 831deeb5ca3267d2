/** A failure reported by WebGPU itself (validation, out-of-memory, device loss, missing adapter). */
export class GpuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuError';
  }
}
