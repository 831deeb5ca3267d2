// Cases for this engine: the same op body on the GPU (WGSL kernels) and on the CPU reference
// backend (plain-loop kernels), chosen by the device its inputs are made on.
import { runtime, scope, type Tensor } from '../src/index.js';
import { timeGpu } from '../src/gpu/timing.js';
import type { Device } from '../src/tensor/storage.js';
import type { Case, Sample } from './measure.js';

export interface OpBody<S> {
  /** Untimed work before each run (e.g. the forward whose backward is timed). */
  before?(): S;
  /** The timed work. Tensors it makes are disposed after the run. */
  run(state: S): void;
  /** Frees what `before` made. */
  after?(state: S): void;
  /** Frees the inputs. */
  dispose(): void;
}

export function oursCase<S>(device: Device, make: (device: Device) => OpBody<S>): Case {
  return {
    impl: device === 'gpu' ? 'ours-gpu' : 'ours-cpu',
    async prepare() {
      const body = make(device);
      return {
        async sample(): Promise<Sample> {
          const state = body.before?.() as S;
          try {
            if (device === 'gpu') return await timeGpu(runtime(), () => scope(() => body.run(state)));
            const start = performance.now();
            scope(() => body.run(state));
            const wallMs = performance.now() - start;
            return { wallMs, gpuMs: null, hostMs: null };
          } finally {
            body.after?.(state);
          }
        },
        dispose: () => body.dispose(),
      };
    },
  };
}

export const disposeAll = (...tensors: (Tensor | null | undefined)[]): void => tensors.forEach((t) => t?.dispose());
