// What every optimizer shares: the checked parameter list, per-parameter state tensors (made at a
// parameter's first step, as PyTorch does, and owned by the optimizer), per-parameter step counts,
// lr, zeroGrad and state dicts. Subclasses supply only the update, once as a WGSL dispatch and once
// as a CPU loop; both see one parameter at a time through `ParamUpdate`, so a later fused kernel
// can replace the per-parameter loop in `step()` without touching the bookkeeping.
import type { GpuRuntime } from '../gpu/runtime.js';
import { checkUsable } from '../ops/apply.js';
import { checkInt, checkNumber, checkOptionNames, fail } from '../ops/errors.js';
import { placementOf, tensor, zerosLike } from '../tensor/create.js';
import { keep } from '../tensor/scope.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import type { CpuStorage, GpuStorage, HostArray, Storage } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';

export interface BaseOptions {
  lr: number;
}

/** One parameter's saved state: its step count and its state tensors' values by name. */
export interface ParamStateDict {
  step: number;
  buffers: Record<string, Float32Array>;
}

/** A checkpoint of an optimizer: plain data, so it can be serialised. */
export interface OptimizerStateDict<O extends BaseOptions = BaseOptions> {
  optimizer: string;
  options: O;
  /** Per parameter, in constructor order; null for one that has not taken a step yet. */
  state: (ParamStateDict | null)[];
}

/** One parameter's update: `n` elements of the parameter, its gradient and its state tensors. */
export interface ParamUpdate<B> {
  label: string;
  n: number;
  param: B;
  grad: B;
  state: B[];
  /**
   * This parameter's step count, this step included (1 on its first step). GPU updates read it
   * inside their params, where a replayed step finds it advanced.
   */
  readonly step: number;
}

interface Slot {
  step: number;
  state: Tensor[];
}

export abstract class Optimizer<O extends BaseOptions> {
  readonly params: readonly Tensor[];
  private readonly slots: (Slot | null)[];
  private disposed = false;

  /** `stateNames`: the state tensors each parameter gets, in the order updates receive them. */
  protected constructor(
    readonly name: string,
    params: readonly Tensor[],
    protected readonly options: O,
    private readonly stateNames: readonly string[],
  ) {
    this.params = checkParams(name, params);
    this.slots = this.params.map(() => null);
  }

  get lr(): number {
    return this.options.lr;
  }

  /** For schedulers: takes effect at the next step, through the kernel's uniforms. */
  set lr(value: number) {
    checkNumber(this.name, 'lr', value, { min: 0 });
    this.options.lr = value;
  }

  /**
   * Updates every parameter that has a gradient, in place. Records GPU work; never waits for it.
   * In a captured step (GpuRuntime.capture) each replay advances the step counts again, and the
   * updates' params read them (and lr) afresh.
   */
  step(): void {
    this.checkAlive();
    // Check every gradient first so that a bad one leaves no parameter half-updated.
    const ready = this.params.flatMap((param, i) => (param.grad ? [{ i, param, grad: this.checkedGrad(i, param, param.grad) }] : []));
    const replayed: { i: number; param: Tensor; slot: Slot }[] = [];
    for (const { i, param, grad } of ready) {
      const slot = (this.slots[i] ??= this.newSlot(param));
      slot.step++;
      // In place: a host copy goes stale, and graphs that saved this parameter must not backward.
      param.storage.modified();
      // A replay advances what this step advanced, empty parameters included.
      if (param.storage.device === 'gpu') replayed.push({ i, param, slot });
      if (param.size === 0) continue;
      const ps = param.storage;
      const label = `${this.name} step (params[${i}])`;
      if (ps.device === 'gpu') {
        const buffer = (t: Tensor) => (t.storage as GpuStorage).buffer;
        this.gpuUpdate(ps.runtime, { label, n: param.size, param: ps.buffer, grad: buffer(grad), state: slot.state.map(buffer), get step() { return slot.step; } });
      } else {
        const data = (t: Tensor) => (t.storage as CpuStorage).data.subarray(0, param.size);
        this.cpuUpdate({ label, n: param.size, param: data(param), grad: data(grad), state: slot.state.map(data), step: slot.step });
      }
    }
    const first = replayed[0]?.param.storage;
    if (first?.device === 'gpu') {
      first.runtime.onReplay(() => {
        this.checkAlive();
        // The graph updates the state it captured: after loadStateDict it would train on stale state.
        const stale = replayed.find(({ i, slot }) => this.slots[i] !== slot);
        if (stale) fail(this.name, `params[${stale.i}]'s state was replaced (loadStateDict) after the step was captured; capture it again`);
        for (const { param, slot } of replayed) {
          slot.step++;
          param.storage.modified();
        }
      });
    }
  }

  /** Disposes every parameter's gradient and sets it to null (PyTorch's set_to_none). */
  zeroGrad(): void {
    for (const param of this.params) {
      param.grad?.dispose();
      param.grad = null;
    }
  }

  /** Reads the state back from the GPU. All reads are recorded before the first await: a snapshot. */
  async stateDict(): Promise<OptimizerStateDict<O>> {
    this.checkAlive();
    const options = structuredClone(this.options);
    const pending = this.slots.map((slot) => slot && { step: slot.step, values: Promise.all(slot.state.map((t) => t.toArray())) });
    const state = await Promise.all(
      pending.map(async (s) => s && { step: s.step, buffers: Object.fromEntries((await s.values).map((v, k) => [this.stateNames[k], v])) }),
    );
    return { optimizer: this.name, options, state };
  }

  /**
   * Restores step counts, state and lr (which schedulers change). The other hyperparameters are
   * the constructor's: a state dict with different ones is rejected rather than silently mixed.
   */
  loadStateDict(dict: OptimizerStateDict<O>): void {
    this.checkAlive();
    if (dict.optimizer !== this.name) fail(this.name, `loadStateDict: the state dict is from ${dict.optimizer}, not ${this.name}`);
    if (dict.state.length !== this.params.length) {
      fail(this.name, `loadStateDict: the state dict has state for ${dict.state.length} params, this optimizer has ${this.params.length}`);
    }
    for (const key of Object.keys(this.options) as (keyof O & string)[]) {
      const [saved, own] = [JSON.stringify(dict.options[key]), JSON.stringify(this.options[key])];
      if (key !== 'lr' && saved !== own) fail(this.name, `loadStateDict: ${key} is ${saved} in the state dict but ${own} here`);
    }
    checkNumber(this.name, 'lr', dict.options.lr, { min: 0 });
    dict.state.forEach((s, i) => {
      if (!s) return;
      checkInt(this.name, `loadStateDict: state[${i}].step`, s.step, 1);
      const names = Object.keys(s.buffers).sort().join(', ');
      if (names !== [...this.stateNames].sort().join(', ')) fail(this.name, `loadStateDict: state[${i}] holds buffers {${names}}, expected {${this.stateNames.join(', ')}}`);
      for (const name of this.stateNames) {
        const length = s.buffers[name].length;
        if (length !== this.params[i].size) fail(this.name, `loadStateDict: state[${i}].${name} has ${length} values, params[${i}] has shape ${formatShape(this.params[i].shape)}`);
      }
    });

    this.options.lr = dict.options.lr;
    dict.state.forEach((s, i) => {
      this.slots[i]?.state.forEach((t) => t.dispose());
      const param = this.params[i];
      this.slots[i] = s && { step: s.step, state: this.stateNames.map((name) => keep(tensor(s.buffers[name], param.shape, placementOf(param)))) };
    });
  }

  /** Frees the state tensors. The parameters belong to the caller and are left alone. */
  dispose(): void {
    for (const slot of this.slots) slot?.state.forEach((t) => t.dispose());
    this.slots.fill(null);
    this.disposed = true;
  }

  protected abstract gpuUpdate(rt: GpuRuntime, u: ParamUpdate<GPUBuffer>): void;
  protected abstract cpuUpdate(u: ParamUpdate<HostArray>): void;

  /** A parameter's zeroed state, made once: a captured step (GpuRuntime.capture) must not zero it again on replay. */
  private newSlot(param: Tensor): Slot {
    const make = (): Slot => ({ step: 0, state: this.stateNames.map(() => keep(zerosLike(param))) });
    const s = param.storage;
    return s.device === 'gpu' ? s.runtime.outsideCapture(make) : make();
  }

  private checkedGrad(i: number, param: Tensor, grad: Tensor): Tensor {
    checkUsable(this.name, `params[${i}].grad`, grad);
    if (!sameShape(grad.shape, param.shape)) {
      fail(this.name, `params[${i}] has shape ${formatShape(param.shape)} but its grad has shape ${formatShape(grad.shape)}`);
    }
    if (grad.device !== param.device) fail(this.name, `params[${i}] is on the ${param.device} but its grad is on the ${grad.device}`);
    return grad;
  }

  private checkAlive(): void {
    if (this.disposed) fail(this.name, 'the optimizer was disposed');
  }
}

/** Fills defaults and rejects unknown option names (a typo like `weight_decay` would otherwise be ignored). */
export function withDefaults<O extends object>(name: string, given: Partial<O>, defaults: O): O {
  checkOptionNames(name, given, Object.keys(defaults));
  const out = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

export function checkBoolean(name: string, arg: string, value: unknown): void {
  if (typeof value !== 'boolean') fail(name, `${arg} must be true or false, got ${String(value)}`);
}

function checkParams(name: string, params: readonly Tensor[]): readonly Tensor[] {
  if (!Array.isArray(params)) fail(name, 'params must be an array of tensors');
  if (params.length === 0) fail(name, 'params must not be empty');
  const owners = new Map<Storage, number>();
  params.forEach((p, i) => {
    if (!(p instanceof Tensor)) fail(name, `params[${i}] is not a Tensor`);
    if (p.isDisposed) fail(name, `params[${i}] was disposed`);
    if (!p.requiresGrad) fail(name, `params[${i}] (shape ${formatShape(p.shape)}) does not require grad; create it with { requiresGrad: true }`);
    if (!p.isLeaf) fail(name, `params[${i}] (shape ${formatShape(p.shape)}) is the result of an op, not a leaf; only leaves get a .grad`);
    // Two handles on one memory would be updated twice per step.
    const first = owners.get(p.storage);
    if (first !== undefined) fail(name, `params[${i}] shares its memory with params[${first}]`);
    owners.set(p.storage, i);
  });
  return Object.freeze([...params]);
}

