// The process-wide GPU runtime. `init()` must be awaited once before GPU tensors are made, since
// WebGPU hands out adapters and devices asynchronously.
import { GpuRuntime, type RuntimeOptions } from './runtime.js';
import type { StepGraph } from './step-graph.js';

let current: GpuRuntime | null = null;
let opening: Promise<GpuRuntime> | null = null;

export async function init(options: RuntimeOptions = {}): Promise<GpuRuntime> {
  if (current) return current;
  opening ??= GpuRuntime.create(options).then((rt) => (current = rt)).finally(() => (opening = null));
  return opening;
}

export function runtime(): GpuRuntime {
  if (!current) throw new Error('the GPU is not initialised: call `await init()` before creating GPU tensors');
  return current;
}

/** Destroys the device and frees all GPU memory; a later `init()` opens a new one. */
export function shutdown(): void {
  current?.destroy();
  current = null;
}

/**
 * Runs `fn` once and records its GPU work for replay: `graph.replay()` repeats it on the same
 * memory without running fn's JavaScript (./step-graph.ts says what a replay does and does not
 * repeat); `graph.dispose()` frees what only the graph holds.
 */
export function capture(fn: () => void): StepGraph {
  return runtime().capture(fn);
}
