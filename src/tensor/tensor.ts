// A float32 tensor: a shape over reference-counted storage on the GPU (or, for the CPU reference
// backend, in host memory), plus what autograd needs. Ops live in src/ops and are attached as
// methods in ./methods.ts.
import type { GradNode } from '../autograd/node.js';
import { track } from './scope.js';
import { formatShape, sizeOf, type Shape } from './shape.js';
import type { Device, HostArray, Storage } from './storage.js';

export interface TensorInit {
  requiresGrad?: boolean;
  node?: GradNode | null;
  /** Internal handles (what autograd saves) are owned by their node, not by a scope. */
  untracked?: boolean;
}

export class Tensor {
  readonly shape: Shape;
  readonly size: number;
  requiresGrad: boolean;
  /** Accumulated gradient of a leaf after `backward()`. */
  grad: Tensor | null = null;
  /** The op that made this tensor, when it was recorded for backward. */
  readonly node: GradNode | null;
  private storageRef: Storage | null;

  constructor(storage: Storage, shape: Shape, init: TensorInit = {}) {
    this.storageRef = storage;
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    this.node = init.node ?? null;
    this.requiresGrad = init.requiresGrad ?? false;
    if (storage.length < this.size) throw new Error(`internal: storage of ${storage.length} elements for shape ${formatShape(shape)}`);
    if (!init.untracked) track(this);
  }

  get device(): Device {
    return this.storage.device;
  }

  get storage(): Storage {
    if (!this.storageRef) throw new Error(`a tensor of shape ${formatShape(this.shape)} was used after dispose()`);
    return this.storageRef;
  }

  get isDisposed(): boolean {
    return this.storageRef === null;
  }

  /** Host copy of the values, kept for small tensors made from host data so checks (class labels) need no GPU read. */
  get hostValues(): HostArray | null {
    return this.storageRef?.hostValues ?? null;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** True for tensors that autograd accumulates `.grad` into. */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** Frees this tensor's memory (and what its op saved for backward). Safe to call twice. */
  dispose(): void {
    if (!this.storageRef) return;
    this.storageRef.release();
    this.storageRef = null;
    this.node?.release();
    this.grad?.dispose();
    this.grad = null;
  }

  /** Another handle on the same memory, with its own lifetime and no graph. */
  share(init: TensorInit = {}): Tensor {
    return new Tensor(this.storage.retain(), this.shape, init);
  }

  /** Copies the values to the host. The only way to wait for the GPU. */
  async toArray(): Promise<Float32Array> {
    const s = this.storage;
    if (s.device === 'cpu') return Float32Array.from(s.data.subarray(0, this.size));
    return new Float32Array(await s.runtime.read(s.buffer, this.size * 4));
  }

  /** The value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item: only a one-element tensor has an item, got shape ${formatShape(this.shape)}`);
    return (await this.toArray())[0];
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.isDisposed ? 'disposed' : this.device}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}
