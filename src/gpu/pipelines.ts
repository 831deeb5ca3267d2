// Compiles each WGSL file once per set of override constants and keeps the pipeline.
import { readFileSync } from 'node:fs';

export type Constants = Readonly<Record<string, number>>;

export interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

export class PipelineCache {
  private readonly sources = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, CachedPipeline>();

  constructor(private readonly device: GPUDevice) {}

  get(kernel: string, constants: Constants = {}): CachedPipeline {
    const names = Object.keys(constants).sort();
    const key = `${kernel}|${names.map((n) => `${n}=${constants[n]}`).join(',')}`;
    let cached = this.pipelines.get(key);
    if (!cached) {
      const pipeline = this.device.createComputePipeline({
        label: key,
        layout: 'auto',
        compute: { module: this.module(kernel), entryPoint: 'main', constants: constants as Record<string, number> },
      });
      cached = { pipeline, layout: pipeline.getBindGroupLayout(0) };
      this.pipelines.set(key, cached);
    }
    return cached;
  }

  get size(): number {
    return this.pipelines.size;
  }

  private module(kernel: string): GPUShaderModule {
    let module = this.sources.get(kernel);
    if (!module) {
      const code = readFileSync(new URL(`../kernels/wgsl/${kernel}.wgsl`, import.meta.url), 'utf8');
      module = this.device.createShaderModule({ label: kernel, code });
      this.sources.set(kernel, module);
    }
    return module;
  }
}
