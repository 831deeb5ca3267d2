// A captured training step (GpuRuntime.capture), WebGPU's answer to CUDA graphs: the step's
// JavaScript (ops, shape checks, autograd, bind-group lookups) runs once, and each replay only
// re-encodes the recorded dispatches, a few microseconds each. Command buffers cannot be
// resubmitted in WebGPU, so a replay still encodes, but nothing else.
//
// A replay repeats the captured work on the same memory: values that change from step to step must
// live in GPU memory the step reads (copy a new batch into the captured input tensors with
// copyInto), be updated in place (parameters, optimizer state, accumulators), or be refreshed by
// the hooks ops register with onReplay (optimizer step counts and lr, dropout seeds), which run
// before each replay and change what the recorded params write into the uniforms. Host data
// uploaded inside the capture (tensor(), writeValues) goes up once, at capture; one-time work
// such as an optimizer's first-step state runs under outsideCapture and is not replayed.
//
// Buffers released inside the capture are not reused within it, so each holds the one value the
// step gives it, as in the eager run; the graph keeps them (and every buffer its dispatches touch)
// out of the pool until it is disposed.
import type { Dispatch, GpuRuntime } from './runtime.js';

export interface RecordedDispatch {
  name: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  /** Rerun at each replay: params may read state the hooks advance. */
  params: Dispatch['params'];
  workgroups: readonly [number, number, number];
}

export interface Recording {
  dispatches: RecordedDispatch[];
  hooks: (() => void)[];
  /** Every buffer the dispatches use or the capture acquired. */
  buffers: Set<GPUBuffer>;
}

export class StepGraph {
  private disposed = false;

  constructor(
    private readonly runtime: GpuRuntime,
    private readonly recording: Recording,
  ) {}

  /** Dispatches one replay records. */
  get dispatchCount(): number {
    return this.recording.dispatches.length;
  }

  /** Records the captured work again (with fresh uniforms from the hooks); does not wait for the GPU. */
  replay(): void {
    if (this.disposed) throw new Error('StepGraph.replay: the graph was disposed');
    this.runtime.replay(this.recording);
  }

  /** Gives the buffers that only the graph still holds back to the pool. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.runtime.unpin(this.recording.buffers);
  }
}
