// TensorFlow.js as a peer in the same process: its webgpu backend on the same Dawn runtime as the
// engine, and its wasm and cpu backends. Loaded only when a run includes it.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { create } from 'webgpu';
import type * as Tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { Case, Impl, Sample } from './measure.js';

export type TfBackend = 'webgpu' | 'wasm' | 'cpu';
export type TfModule = typeof Tf;

let loading: Promise<TfModule> | null = null;

export function loadTf(): Promise<TfModule> {
  loading ??= (async () => {
    // The webgpu backend looks for navigator.gpu, which Node lacks.
    (globalThis as { navigator?: unknown }).navigator = { gpu: create([]) };
    const tf = await import('@tensorflow/tfjs-core');
    // tfjs-core's Node bundle registers no gradients and its ESM files cannot be imported by
    // Node (extensionless specifiers): the tfjs package's bundle registers them on this core.
    await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-cpu');
    await import('@tensorflow/tfjs-backend-webgpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Its default is to fetch the .wasm next to the script URL; in Node, point it at the package's files.
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
    return tf;
  })();
  return loading;
}

export async function useBackend(backend: TfBackend): Promise<TfModule> {
  const tf = await loadTf();
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend ${backend} failed to initialise`);
  await tf.ready();
  return tf;
}

/** Waits until the backend has finished the work issued so far, without reading results back. */
export async function tfSync(tf: TfModule): Promise<void> {
  if (tf.getBackend() !== 'webgpu') return; // cpu and wasm run ops synchronously
  const backend = tf.backend() as WebGPUBackend;
  // As its own reads do: close the open pass, and make sure there is an encoder to submit.
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
  await backend.device.queue.onSubmittedWorkDone();
}

export interface TfBody<S> {
  before?(tf: TfModule): S;
  /** The timed work; tensors it makes are freed by tf.tidy. */
  run(tf: TfModule, state: S): void;
  after?(state: S): void;
  dispose(): void;
}

export function tfCase<S>(backend: TfBackend, make: (tf: TfModule) => TfBody<S>): Case {
  return {
    impl: `tfjs-${backend}` as Impl,
    async prepare() {
      const body = make(await useBackend(backend));
      return {
        async sample(): Promise<Sample> {
          const tf = await useBackend(backend);
          const state = body.before?.(tf) as S;
          await tfSync(tf);
          const start = performance.now();
          tf.tidy(() => body.run(tf, state));
          const hostMs = performance.now() - start;
          await tfSync(tf);
          const wallMs = performance.now() - start;
          body.after?.(state);
          return { wallMs, gpuMs: null, hostMs: backend === 'webgpu' ? hostMs : null };
        },
        dispose: () => body.dispose(),
      };
    },
  };
}

export async function tfInfo(): Promise<Record<string, unknown>> {
  const tf = await useBackend('wasm');
  return {
    version: tf.version_core,
    wasmSimd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    wasmThreads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  };
}
