// Compiles each WGSL file once per set of override constants and keeps the pipeline.
import { readFileSync } from 'node:fs';

export type Constants = Readonly<Record<string, number>>;

export interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

/** Reads a file of kernels/wgsl by name; undefined when there is no such file. */
export type ReadWgsl = (file: string) => string | undefined;

const INCLUDE = /^#include "([\w-]+\.wgsl)"$/;

/**
 * The source of `kernel` (kernel.wgsl) with each `#include "name.wgsl"` line replaced by that
 * file's text, recursively. WGSL has no includes; this lets kernel families share their Params
 * struct and helpers. Each file goes in at most once per kernel (as with `#pragma once`), so a
 * second include or a cycle adds nothing instead of redeclaring.
 */
export function resolveIncludes(kernel: string, read: ReadWgsl): string {
  const seen = new Set<string>();
  const expand = (file: string, includer: string | null): string => {
    if (seen.has(file)) return '';
    seen.add(file);
    const text = read(file);
    if (text === undefined) {
      throw new Error(`kernel ${kernel}: ${file}${includer ? ` (included by ${includer})` : ''} not found in kernels/wgsl`);
    }
    return text
      .split('\n')
      .map((line) => {
        const trimmed = line.trim();
        if (!trimmed.startsWith('#include')) return line;
        const m = INCLUDE.exec(trimmed);
        if (!m) throw new Error(`kernel ${kernel}: ${file} has a malformed include, ${trimmed} (want #include "name.wgsl")`);
        return expand(m[1], file);
      })
      .join('\n');
  };
  return expand(`${kernel}.wgsl`, null);
}

const KERNEL_DIR = new URL('../kernels/wgsl/', import.meta.url);

/** Reads kernels/wgsl/`file` from disk (the folder scripts/copy-wgsl.mjs puts beside dist). */
export const readWgsl: ReadWgsl = (file) => {
  try {
    return readFileSync(new URL(file, KERNEL_DIR), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
};

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
      module = this.device.createShaderModule({ label: kernel, code: resolveIncludes(kernel, readWgsl) });
      this.sources.set(kernel, module);
    }
    return module;
  }
}
