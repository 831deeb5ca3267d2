// Bind groups cached by (op, kernel layout, buffers). Creating one costs tens of microseconds in
// Dawn, more than recording the dispatch itself; a training step runs the same ops on the same
// pooled buffers every time, so after the first steps every dispatch finds its group here. The
// params uniform is bound at a dynamic offset into the arena, so it is not part of the key.
import { SLOT_BYTES } from './uniforms.js';

export class BindGroupCache {
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;
  /** In least-recently-used order (a Map iterates in insertion order; a hit re-inserts). */
  private readonly groups = new Map<string, GPUBindGroup>();
  hits = 0;
  misses = 0;

  /**
   * @param capacity most groups kept. Groups of destroyed buffers are never hit again (ids are
   * not reused) and age out.
   */
  constructor(
    private readonly device: GPUDevice,
    private readonly uniforms: GPUBuffer,
    private readonly capacity = 4096,
  ) {}

  get(label: string, layout: GPUBindGroupLayout, buffers: readonly GPUBuffer[]): GPUBindGroup {
    let key = `${label}|${this.id(layout)}`;
    for (const b of buffers) key += `,${this.id(b)}`;
    let group = this.groups.get(key);
    if (group) {
      this.hits++;
      this.groups.delete(key);
    } else {
      this.misses++;
      group = this.device.createBindGroup({
        label,
        layout,
        entries: [{ binding: 0, resource: { buffer: this.uniforms, offset: 0, size: SLOT_BYTES } }, ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } }))],
      });
      if (this.groups.size >= this.capacity) this.groups.delete(this.groups.keys().next().value!);
    }
    this.groups.set(key, group);
    return group;
  }

  get size(): number {
    return this.groups.size;
  }

  clear(): void {
    this.groups.clear();
  }

  private id(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return id;
  }
}
