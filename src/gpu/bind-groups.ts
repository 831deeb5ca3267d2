// Bind groups cached by (op, kernel layout, buffers). Creating one costs tens of microseconds in
// Dawn, more than recording the dispatch itself; a training step runs the same ops on the same
// pooled buffers every time, so after the first steps every dispatch finds its group here. The
// params uniform is bound at a dynamic offset into the arena, so it is not part of the key.
import { SLOT_BYTES } from './uniforms.js';

export class BindGroupCache {
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;
  /**
   * Each group with the tick of its last use. A hit only stamps its entry, cheaper than deleting
   * and re-inserting it to keep the Map in use order (0.55 against 0.63-0.69 µs a hit).
   */
  private readonly groups = new Map<string, { group: GPUBindGroup; used: number }>();
  private tick = 0;
  hits = 0;
  misses = 0;

  /**
   * @param capacity most groups kept; when full, the least recently used quarter goes. Groups of
   * destroyed buffers are never hit again (ids are not reused) and age out.
   */
  constructor(
    private readonly device: GPUDevice,
    private readonly uniforms: GPUBuffer,
    private readonly capacity = 4096,
  ) {}

  get(label: string, layout: GPUBindGroupLayout, buffers: readonly GPUBuffer[]): GPUBindGroup {
    let key = `${label}|${this.id(layout)}`;
    for (const b of buffers) key += `,${this.id(b)}`;
    const cached = this.groups.get(key);
    if (cached) {
      this.hits++;
      cached.used = ++this.tick;
      return cached.group;
    }
    this.misses++;
    const group = this.device.createBindGroup({
      label,
      layout,
      entries: [{ binding: 0, resource: { buffer: this.uniforms, offset: 0, size: SLOT_BYTES } }, ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } }))],
    });
    if (this.groups.size >= this.capacity) this.evict();
    this.groups.set(key, { group, used: ++this.tick });
    return group;
  }

  get size(): number {
    return this.groups.size;
  }

  clear(): void {
    this.groups.clear();
  }

  /** Drops the least recently used quarter of the groups (at least one). */
  private evict(): void {
    const byUse = [...this.groups].sort(([, a], [, b]) => a.used - b.used);
    for (const [key] of byUse.slice(0, Math.max(1, Math.floor(this.capacity / 4)))) this.groups.delete(key);
  }

  private id(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return id;
  }
}
