// The process-wide GPU runtime. `init()` must be awaited once before GPU tensors are made, since
// WebGPU hands out adapters and devices asynchronously.
import { GpuError } from './errors.js';
import { GpuRuntime, type RuntimeOptions } from './runtime.js';
import type { StepGraph } from './step-graph.js';

let current: GpuRuntime | null = null;
let currentOptions = '';
let opening: Promise<GpuRuntime> | null = null;

/**
 * Opens the GPU runtime once; later calls return it. Options differing from those it was opened
 * with are refused (shutdown() first), rather than silently ignored.
 */
export async function init(options: RuntimeOptions = {}): Promise<GpuRuntime> {
  // Same options in any key order, and an undefined one as absent, compare equal.
  const key = JSON.stringify(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))));
  if ((current || opening) && key !== '{}' && key !== currentOptions) {
    throw new GpuError(`init: the GPU runtime is already ${current ? 'open' : 'opening'} with options ${currentOptions}; call shutdown() before init(${key})`);
  }
  if (current) return current;
  if (!opening) {
    currentOptions = key;
    const p: Promise<GpuRuntime> = GpuRuntime.create(options)
      .then((rt) => {
        // shutdown() while the device was opening: close it instead of leaving it open unseen.
        if (opening !== p) {
          rt.destroy();
          throw new GpuError('init: shutdown() was called while the GPU runtime was opening');
        }
        return (current = rt);
      })
      .finally(() => {
        if (opening === p) opening = null;
      });
    opening = p;
  }
  return opening;
}

export function runtime(): GpuRuntime {
  if (!current) throw new Error('the GPU is not initialised: call `await init()` before creating GPU tensors');
  return current;
}

/** Destroys the device and frees all GPU memory (or closes one still opening); a later `init()` opens a new one. */
export function shutdown(): void {
  current?.destroy();
  current = null;
  opening = null;
  currentOptions = '';
}

/**
 * Runs `fn` once and records its GPU work for replay: `graph.replay()` repeats it on the same
 * memory without running fn's JavaScript (./step-graph.ts says what a replay does and does not
 * repeat); `graph.dispose()` frees what only the graph holds.
 */
export function capture(fn: () => void): StepGraph {
  return runtime().capture(fn);
}
