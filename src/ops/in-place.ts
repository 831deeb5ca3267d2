// Writes into an existing tensor: copyInto (PyTorch's dst.copy_(src)) and addInto (dst.add_(src)).
// They keep a tensor's memory, which is what a captured step (gpu/step-graph.ts) replays on: new
// batches are copied into its input tensors, running sums accumulate in place. Outside autograd:
// a tensor that requires grad is refused unless grad mode is off. Kernel: kernels/wgsl/assign.wgsl; on the CPU, the loops below.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import type { GpuStorage } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkUsable } from './apply.js';
import { fail } from './errors.js';
import { grid1d } from './launch.js';

/** dst ← src, elementwise; both the same shape and device. Recorded like any op; never waits. */
export function copyInto(dst: Tensor, src: Tensor): void {
  write('copyInto', dst, src, false);
  // Class labels copied in keep their host copy, so ops can still check them unread; a replay
  // copies src's host copy of then (kept up to date the same way where src was written in the step).
  const d = dst.storage;
  const s = src.storage;
  const carry = () => (d.hostValues = s.hostValues && Float32Array.from(s.hostValues));
  carry();
  if (d.device === 'gpu') d.runtime.onReplay(carry);
}

/** dst ← dst + src, elementwise; both the same shape and device. */
export function addInto(dst: Tensor, src: Tensor): void {
  write('addInto', dst, src, true);
}

function write(op: string, dst: Tensor, src: Tensor, accumulate: boolean): void {
  checkUsable(op, 'dst', dst);
  checkUsable(op, 'src', src);
  if (!sameShape(dst.shape, src.shape)) fail(op, `dst has shape ${formatShape(dst.shape)} but src has shape ${formatShape(src.shape)}`);
  if (dst.device !== src.device) fail(op, `dst is on the ${dst.device} but src is on the ${src.device}`);
  // As in PyTorch, under noGrad a weight may be updated in place (`p -= lr * p.grad`); version
  // counts (d.modified below) still stop a backward through values saved before the write.
  if (dst.requiresGrad && isGradEnabled()) {
    fail(op, `dst (shape ${formatShape(dst.shape)}) requires grad; autograd cannot follow an in-place write into it (write inside noGrad, as under torch.no_grad)`);
  }
  const d = dst.storage;
  const s = src.storage;
  if (d === s) fail(op, `dst and src are the same memory (shape ${formatShape(dst.shape)})`);
  if (d.device === 'cpu' && s.device === 'cpu') {
    for (let i = 0; i < dst.size; i++) d.data[i] = accumulate ? d.data[i] + s.data[i] : s.data[i];
  } else if (d.device === 'gpu' && dst.size > 0) {
    d.runtime.dispatch({
      kernel: 'assign',
      label: op,
      constants: { ACCUMULATE: accumulate ? 1 : 0 },
      params: (p) => p.u32(dst.size),
      buffers: [(s as GpuStorage).buffer, d.buffer],
      workgroups: grid1d(dst.size, 256),
    });
  }
  d.modified();
  // A replay writes dst again: what autograd saved of it goes stale then too.
  if (d.device === 'gpu') d.runtime.onReplay(() => d.modified());
}
