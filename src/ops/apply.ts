// Runs an op spec on its inputs' device and records it for backward.
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { GradNode } from '../autograd/node.js';
import { runtime } from '../gpu/context.js';
import { formatShape, sameShape, sizeOf, type Shape } from '../tensor/shape.js';
import { CpuStorage, GpuStorage, type Device, type Storage } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';
import { fail } from './errors.js';
import type { AnyOpSpec, BackwardContext, OpSpec } from './spec.js';

export function apply<P>(spec: OpSpec<P>, inputs: readonly Tensor[], params: P): Tensor {
  const device = checkInputs(spec, inputs);
  const inShapes = inputs.map((t) => t.shape);
  const outShape = spec.shape(inShapes, params);
  spec.check?.(inputs, params);

  let storages: Storage[];
  let auxShapes: Shape[] = [];
  if (spec.kind === 'view') {
    storages = [inputs[0].storage.retain()];
  } else {
    auxShapes = spec.aux?.(inShapes, outShape, params) ?? [];
    const shapes = [outShape, ...auxShapes];
    if (device === 'gpu') {
      const rt = runtime();
      const outs = shapes.map((s) => new GpuStorage(rt, rt.acquire(Math.max(1, sizeOf(s)) * 4, spec.name), sizeOf(s)));
      try {
        spec.gpu(
          rt,
          inputs.map((t) => ({ buffer: (t.storage as GpuStorage).buffer, shape: t.shape })),
          outs.map((o, i) => ({ buffer: o.buffer, shape: shapes[i] })),
          params,
        );
      } catch (e) {
        // A launch that refuses its input (a limit of this GPU) leaves no output behind.
        for (const o of outs) o.release();
        throw e;
      }
      // A replay writes the outputs again: a graph that saved them must see a new version.
      if (rt.capturing) rt.onReplay(() => outs.forEach((o) => o.modified()));
      storages = outs;
    } else {
      const first = (inputs[0].storage as CpuStorage).data;
      const Array = first instanceof Float64Array ? Float64Array : Float32Array;
      const outs = shapes.map((s) => new CpuStorage(new Array(sizeOf(s))));
      spec.cpu(
        inputs.map((t) => ({ data: (t.storage as CpuStorage).data, shape: t.shape })),
        outs.map((o, i) => ({ data: o.data, shape: shapes[i] })),
        params,
      );
      storages = outs;
    }
  }

  const aux = storages.slice(1).map((s, i) => new Tensor(s, auxShapes[i], { untracked: true }));
  const needsGrad = inputs.map((t) => t.requiresGrad);
  if (spec.backward && isGradEnabled() && needsGrad.some(Boolean)) {
    const saved = new Tensor(storages[0].retain(), outShape, { untracked: true });
    const node = new OpNode(spec, inputs, saved, aux, params, needsGrad);
    return new Tensor(storages[0], outShape, { node, requiresGrad: true });
  }
  for (const a of aux) a.dispose();
  return new Tensor(storages[0], outShape);
}

/**
 * The graph node of one op call: what it saved, and how to turn its output's gradient into its
 * inputs'. A class rather than an object literal of closures: one is made per op call on the hot
 * path, and V8 builds class instances much faster than literals with accessors.
 */
class OpNode<P> implements GradNode {
  private readonly ctx: BackwardContext<P>;
  /** The saved tensors' versions at record time: every one is checked, not only those the rule reads (stricter than PyTorch, never wrong). */
  private readonly versions: number[];
  private freed = false;
  private holders = 1; // the output tensor

  constructor(
    private readonly spec: OpSpec<P>,
    readonly inputs: readonly Tensor[],
    output: Tensor,
    aux: readonly Tensor[],
    params: P,
    needsGrad: readonly boolean[],
  ) {
    this.ctx = { inputs: inputs.map((t) => t.share({ untracked: true })), output, aux, params, needsGrad };
    this.versions = this.saved().map((t) => t.storage.version);
    for (const t of inputs) t.node?.retain();
  }

  get op(): string {
    return this.spec.name;
  }

  get released(): boolean {
    return this.freed;
  }

  freeSaved(): void {
    if (this.freed) return;
    this.freed = true;
    for (const t of [...this.saved(), ...this.ctx.aux]) t.dispose();
  }

  retain(): void {
    this.holders++;
  }

  release(): void {
    if (--this.holders > 0) return;
    this.freeSaved();
    for (const t of this.inputs) t.node?.release();
  }

  backward(grad: Tensor): (Tensor | null)[] {
    const { spec, inputs } = this;
    if (this.freed) fail(spec.name, 'cannot backward through this op: its graph was freed (by an earlier backward(), or by disposing every tensor that held it)');
    const saved = this.saved();
    const changed = saved.findIndex((t, i) => t.storage.version !== this.versions[i]);
    if (changed >= 0) {
      const what = changed < inputs.length ? spec.inputs[changed] : 'its output';
      fail(spec.name, `${what} of shape ${formatShape(saved[changed].shape)} was modified in place (an optimizer step or writeValues) after this op used it; compute the loss again before backward`);
    }
    const grads = spec.backward!(this.ctx, grad);
    grads.forEach((g, i) => {
      if (g && !sameShape(g.shape, inputs[i].shape)) {
        throw new Error(`internal: ${spec.name} backward gave ${spec.inputs[i]} a gradient of shape ${formatShape(g.shape)}, expected ${formatShape(inputs[i].shape)}`);
      }
    });
    return grads;
  }

  /** The inputs and output as saved (aux tensors are not checked: ops write them once, with the output). */
  private saved(): Tensor[] {
    return [...this.ctx.inputs, this.ctx.output];
  }
}

/** A live Tensor, or an error naming the op and argument. */
export function checkUsable(op: string, arg: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) fail(op, `${arg} must be a Tensor, got ${typeof t}`);
  if (t.isDisposed) fail(op, `${arg} of shape ${formatShape(t.shape)} was used after dispose()`);
  const s = t.storage;
  if (s.device === 'gpu' && s.runtime !== runtime()) fail(op, `${arg} of shape ${formatShape(t.shape)} lives on a GPU runtime that was shut down`);
}

function checkInputs(spec: AnyOpSpec, inputs: readonly Tensor[]): Device {
  if (inputs.length !== spec.inputs.length) {
    fail(spec.name, `expected ${spec.inputs.length} tensor argument(s) (${spec.inputs.join(', ')}), got ${inputs.length}`);
  }
  let device: Device | null = null;
  inputs.forEach((t, i) => {
    checkUsable(spec.name, spec.inputs[i], t);
    if (device && t.device !== device) fail(spec.name, `all tensors must be on one device, got ${spec.inputs[i]} on ${t.device} and another on ${device}`);
    device = t.device;
  });
  return device ?? 'gpu';
}
