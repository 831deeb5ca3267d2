// The one place that defines an op. Each op file exports a spec holding its shape rule, its GPU
// kernel launch (WGSL in src/kernels/wgsl), its hand-written CPU reference (src/reference), its
// backward rule, and sample inputs; the generic tests run every spec in the registry.
import type { GpuRuntime } from '../gpu/runtime.js';
import type { Shape } from '../tensor/shape.js';
import type { HostArray } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';

export interface GpuIo {
  readonly buffer: GPUBuffer;
  readonly shape: Shape;
}

export interface CpuIo {
  readonly data: HostArray;
  readonly shape: Shape;
}

export interface BackwardContext<P> {
  /** The op's inputs and output as saved at forward time. */
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** Extra outputs the forward wrote for backward (e.g. max-pool argmax indices). */
  readonly aux: readonly Tensor[];
  readonly params: P;
  /** Which inputs want a gradient; the rule may return null for the others. */
  readonly needsGrad: readonly boolean[];
}

/** Input gradients, each of its input's shape, or null where not needed. Runs with grad off. */
export type BackwardRule<P> = (ctx: BackwardContext<P>, grad: Tensor) => (Tensor | null)[];

export interface SampleInput {
  shape: Shape;
  /** Values to use: normal(0, 1) by default. */
  fill?: (rng: () => number, index: number) => number;
  /** Whether the generic gradient checks differentiate this input (default: when the op has a backward). */
  grad?: boolean;
}

export interface Sample<P> {
  note?: string;
  inputs: readonly (Shape | SampleInput)[];
  params: P;
}

export interface InvalidSample<P> {
  inputs: readonly (Shape | SampleInput)[];
  params: P;
  /** What the thrown message must match; it must name the op. */
  error: RegExp;
}

interface SpecBase<P> {
  name: string;
  /** Argument names, for messages; also the op's arity. */
  inputs: readonly string[];
  /** Validates shapes and params (throwing OpError) and returns the output shape. */
  shape(inputs: readonly Shape[], params: P): Shape;
  /** Value checks that must happen before launch (e.g. labels in range), where values are known on the host. */
  check?(inputs: readonly Tensor[], params: P): void;
  /** null marks an op that is not differentiable (outputs never require grad). */
  backward: BackwardRule<P> | null;
  /** Shapes for the generic tests: include batch 1, odd sizes, every parameter. */
  samples: readonly Sample<P>[];
  invalid?: readonly InvalidSample<P>[];
}

/** An op whose output is a new tensor computed by kernels. */
export interface KernelSpec<P> extends SpecBase<P> {
  kind: 'kernel';
  /** Shapes of extra outputs saved for backward. */
  aux?(inputs: readonly Shape[], output: Shape, params: P): Shape[];
  gpu(rt: GpuRuntime, inputs: readonly GpuIo[], outputs: readonly GpuIo[], params: P): void;
  /** Plain-loop reference, independent of the WGSL. Outputs arrive zero-filled. */
  cpu(inputs: readonly CpuIo[], outputs: readonly CpuIo[], params: P): void;
}

/** An op whose output shares its first input's memory (reshape and friends). */
export interface ViewSpec<P> extends SpecBase<P> {
  kind: 'view';
}

export type OpSpec<P> = KernelSpec<P> | ViewSpec<P>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOpSpec = OpSpec<any>;
