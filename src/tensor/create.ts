// Making tensors from host data, constants and random numbers.
import { runtime } from '../gpu/context.js';
import { checkOptionNames, fail } from '../ops/errors.js';
import { grid1d } from '../ops/launch.js';
import { random, randomNormal } from './random.js';
import { formatShape, sizeOf, type Shape } from './shape.js';
import { CpuStorage, GpuStorage, isFloat64, type Device, type HostArray, type Storage } from './storage.js';
import { Tensor } from './tensor.js';

export interface CreateOptions {
  device?: Device;
  requiresGrad?: boolean;
  /** CPU reference tensors only: compute in float64 (for gradient checks). */
  float64?: boolean;
}

export type NestedNumbers = number | readonly NestedNumbers[];

/**
 * A tensor from a flat typed array and a shape, or from (nested) arrays whose nesting is the shape:
 * `tensor(values)`, `tensor(values, options)`, `tensor(values, shape)`, `tensor(values, shape, options)`.
 */
export type TensorValues = HostArray | NumericArray | NestedNumbers;
type NumericArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array;

export function tensor(values: TensorValues, options?: CreateOptions): Tensor;
export function tensor(values: TensorValues, shape: Shape | undefined, options?: CreateOptions): Tensor;
export function tensor(values: TensorValues, shapeOrOptions?: Shape | CreateOptions, options?: CreateOptions): Tensor {
  const [shape, opts] = shapeAndOptions(shapeOrOptions, options);
  const typed = ArrayBuffer.isView(values) && !(values instanceof DataView) && !(values instanceof BigInt64Array) && !(values instanceof BigUint64Array);
  if (typeof values !== 'number' && !Array.isArray(values) && !typed) {
    fail('tensor', `values must be a number, (nested) arrays of numbers or a typed array of numbers, got ${describeValue(values)}`);
  }
  const flat = typeof values === 'number' || Array.isArray(values) ? flatten(values as NestedNumbers) : null;
  // Other typed arrays (a dataset's Uint8Array labels, say) are converted; float ones are used as they are.
  const data = flat ? Float64Array.from(flat.values) : values instanceof Float32Array || values instanceof Float64Array ? values : Float32Array.from(values as ArrayLike<number>);
  const finalShape = shape ?? flat?.shape ?? [data.length];
  if (finalShape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`tensor: shape must hold non-negative integers, got ${formatShape(finalShape)}`);
  }
  if (sizeOf(finalShape) !== data.length) {
    throw new Error(`tensor: ${data.length} values do not fill shape ${formatShape(finalShape)} (${sizeOf(finalShape)} elements)`);
  }
  return fromHost(data, finalShape, opts);
}

const OPTION_NAMES = ['device', 'requiresGrad', 'float64'];

/** Tells tensor()'s second argument apart: a shape is an array, options a plain object (a literal). */
function shapeAndOptions(second: Shape | CreateOptions | undefined, third: CreateOptions | undefined): [Shape | undefined, CreateOptions] {
  const proto: unknown = typeof second === 'object' && second !== null ? Object.getPrototypeOf(second) : undefined;
  if (proto === Object.prototype || proto === null) {
    if (third !== undefined) fail('tensor', 'options given twice: pass tensor(values, shape, options) or tensor(values, options)');
    return [undefined, checkedOptions(second as CreateOptions)];
  }
  if (second !== undefined && !Array.isArray(second)) {
    const got = typeof second === 'object' && second !== null ? second.constructor.name : `${typeof second} ${String(second)}`;
    fail('tensor', `the second argument must be a shape (an array of sizes) or an options object ({ ${OPTION_NAMES.join(', ')} }), got ${got}`);
  }
  return [second as Shape | undefined, checkedOptions(third ?? {})];
}

function checkedOptions(options: CreateOptions): CreateOptions {
  checkOptionNames('tensor', options, OPTION_NAMES);
  return options;
}

export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

function filled(op: string, shape: Shape, value: number, options: CreateOptions): Tensor {
  checkOptionNames(op, options, OPTION_NAMES);
  const n = checkedSize(op, shape);
  if ((options.device ?? 'gpu') === 'cpu') return fromHost(new Float32Array(n).fill(value), shape, options);
  // On the GPU a fill kernel, recorded in order: no upload, so no submit to order it after
  // recorded work that used the pooled buffer (backward's initial ones ran into that every step).
  const rt = runtime();
  const storage = new GpuStorage(rt, rt.acquire(Math.max(1, n) * 4, op), n);
  if (n > 0) rt.dispatch({ kernel: 'fill', label: op, params: (p) => p.u32(n).f32(value), buffers: [storage.buffer], workgroups: grid1d(n, 256) });
  storage.hostValues = n <= HOST_COPY_MAX && !options.requiresGrad ? new Float32Array(n).fill(value) : null;
  return new Tensor(storage, shape, { requiresGrad: options.requiresGrad ?? false });
}

/** Options that make a tensor on the same device, and in the same precision, as `t`. */
export function placementOf(t: Tensor): CreateOptions {
  return { device: t.device, float64: isFloat64(t.storage) };
}

export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape, placementOf(t));
}

export function onesLike(t: Tensor): Tensor {
  return ones(t.shape, placementOf(t));
}

/** Uniform in [low, high), from the seeded generator (see manualSeed). */
export function rand(shape: Shape, options: CreateOptions & { low?: number; high?: number } = {}): Tensor {
  checkOptionNames('rand', options, [...OPTION_NAMES, 'low', 'high']);
  const { low = 0, high = 1 } = options;
  const data = new Float32Array(checkedSize('rand', shape));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * random();
  return fromHost(data, shape, options);
}

/** Standard normal, from the seeded generator. */
export function randn(shape: Shape, options: CreateOptions = {}): Tensor {
  checkOptionNames('randn', options, OPTION_NAMES);
  const data = new Float32Array(checkedSize('randn', shape));
  for (let i = 0; i < data.length; i++) data[i] = randomNormal();
  return fromHost(data, shape, options);
}

/** Copies a tensor to another device (reads back from the GPU when leaving it). */
export async function to(t: Tensor, device: Device, options: { float64?: boolean } = {}): Promise<Tensor> {
  const s = t.storage;
  const values = s.device === 'cpu' ? s.data : await t.toArray();
  return fromHost(values, t.shape, { device, float64: options.float64 ?? isFloat64(s) });
}

/** Overwrites a tensor's values in place (loading weights, initialisers). Ordered after recorded GPU work. */
export function writeValues(t: Tensor, values: ArrayLike<number>): void {
  if (values.length !== t.size) throw new Error(`writeValues: ${values.length} values for a tensor of shape ${formatShape(t.shape)}`);
  const s = t.storage;
  if (s.device === 'cpu') s.data.set(values);
  else s.runtime.write(s.buffer, values instanceof Float32Array ? values : Float32Array.from(values));
  s.modified();
  // The new values are at hand: keep value checks (class labels) working on them.
  s.hostValues = hostCopy(values, t.requiresGrad);
}

/**
 * Small tensors (class labels) keep a host copy so ops can check their values without a GPU read.
 * Trainable tensors are updated in place by optimizers, so theirs would go stale: none.
 */
function hostCopy(values: ArrayLike<number>, requiresGrad: boolean): Float32Array | null {
  return values.length <= HOST_COPY_MAX && !requiresGrad ? Float32Array.from(values) : null;
}

const HOST_COPY_MAX = 1 << 16;

function fromHost(values: HostArray, shape: Shape, options: CreateOptions): Tensor {
  const device = options.device ?? 'gpu';
  let storage: Storage;
  if (device === 'cpu') {
    storage = new CpuStorage(options.float64 ? Float64Array.from(values) : Float32Array.from(values));
  } else {
    const rt = runtime();
    const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
    const n = sizeOf(shape);
    const buffer = rt.acquire(Math.max(1, n) * 4, 'tensor');
    if (n > 0) rt.write(buffer, f32.subarray(0, n));
    storage = new GpuStorage(rt, buffer, n);
  }
  storage.hostValues = hostCopy(values, options.requiresGrad ?? false);
  return new Tensor(storage, shape, { requiresGrad: options.requiresGrad ?? false });
}

function checkedSize(op: string, shape: Shape): number {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${op}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return sizeOf(shape);
}

function flatten(values: NestedNumbers): { values: number[]; shape: number[] } {
  const shape: number[] = [];
  for (let v: NestedNumbers = values; Array.isArray(v); v = (v as readonly NestedNumbers[])[0]) shape.push((v as readonly NestedNumbers[]).length);
  const out: number[] = [];
  const walk = (v: NestedNumbers, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw new Error('tensor: nested arrays are ragged');
      if (typeof v !== 'number') fail('tensor', `values must be numbers, got ${describeValue(v)}`);
      out.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) throw new Error(`tensor: nested arrays are ragged at depth ${depth}`);
    for (const x of v as readonly NestedNumbers[]) walk(x, depth + 1);
  };
  walk(values, 0);
  return { values: out, shape };
}

const describeValue = (v: unknown): string =>
  typeof v === 'string' ? `'${v}'` : typeof v === 'object' && v !== null ? (v.constructor?.name ?? 'Object') : `${typeof v} ${String(v)}`;
