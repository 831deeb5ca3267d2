// Compiles each WGSL file once per set of override constants and keeps the pipeline.
import { readFileSync } from 'node:fs';

export type Constants = Readonly<Record<string, number>>;

export interface CachedPipeline {
  pipeline: GPUComputePipeline;
  /** Shared by every constants variant of a kernel, so they share cached bind groups too. */
  layout: GPUBindGroupLayout;
}

export type StorageAccess = 'read' | 'read_write';

const BINDING = /@group\(0\)\s*@binding\((\d+)\)\s*var<\s*(uniform|storage\s*,\s*read_write|storage\s*,\s*read|storage)\s*>/g;

/**
 * The storage bindings of a kernel, in binding order, from its WGSL: the runtime's contract is
 * @binding(0) the uniform Params, then storage buffers at 1, 2, …. An explicit layout (instead
 * of 'auto') lets binding 0 take a dynamic offset into the uniform arena, so bind groups can be
 * cached and reused, and keeps bindings a shader does not read.
 */
export function storageBindings(kernel: string, source: string): StorageAccess[] {
  const code = source.replace(/\/\/.*$/gm, '');
  const found = new Map<number, string>();
  for (const m of code.matchAll(BINDING)) {
    const n = Number(m[1]);
    if (found.has(n)) throw new Error(`kernel ${kernel}: @binding(${n}) is declared twice`);
    found.set(n, m[2].replace(/\s+/g, ''));
  }
  if (found.get(0) !== 'uniform') throw new Error(`kernel ${kernel}: @binding(0) must be the var<uniform> Params`);
  const access: StorageAccess[] = [];
  for (let n = 1; n < found.size; n++) {
    const kind = found.get(n);
    if (kind === undefined) throw new Error(`kernel ${kernel}: bindings must be numbered 0 to ${found.size - 1} without gaps; @binding(${n}) is missing`);
    if (kind === 'uniform') throw new Error(`kernel ${kernel}: only @binding(0) may be a uniform, @binding(${n}) is one too`);
    access.push(kind === 'storage,read_write' ? 'read_write' : 'read');
  }
  return access;
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

interface Kernel {
  module: GPUShaderModule;
  layout: GPUBindGroupLayout;
  pipelineLayout: GPUPipelineLayout;
}

export class PipelineCache {
  private readonly kernels = new Map<string, Kernel>();
  /** By the key as callers order the constants; several keys may share one pipeline. */
  private readonly pipelines = new Map<string, CachedPipeline>();
  private readonly byCanonicalKey = new Map<string, CachedPipeline>();

  constructor(private readonly device: GPUDevice) {}

  get(kernel: string, constants: Constants = {}): CachedPipeline {
    // The hot path (every dispatch) builds its key in the caller's key order, with no sorting or
    // arrays; a miss there looks the canonical (sorted) key up, so no pipeline compiles twice.
    let key = kernel;
    for (const name in constants) key += `|${name}=${constants[name]}`;
    let cached = this.pipelines.get(key);
    if (!cached) {
      const names = Object.keys(constants).sort();
      const canonical = `${kernel}|${names.map((n) => `${n}=${constants[n]}`).join(',')}`;
      cached = this.byCanonicalKey.get(canonical);
      if (!cached) {
        const { module, layout, pipelineLayout } = this.kernel(kernel);
        const pipeline = this.device.createComputePipeline({
          label: canonical,
          layout: pipelineLayout,
          compute: { module, entryPoint: 'main', constants: constants as Record<string, number> },
        });
        cached = { pipeline, layout };
        this.byCanonicalKey.set(canonical, cached);
      }
      this.pipelines.set(key, cached);
    }
    return cached;
  }

  get size(): number {
    return this.byCanonicalKey.size;
  }

  private kernel(name: string): Kernel {
    let k = this.kernels.get(name);
    if (!k) {
      const code = resolveIncludes(name, readWgsl);
      const entries: GPUBindGroupLayoutEntry[] = [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: 0 } },
        ...storageBindings(name, code).map((access, i): GPUBindGroupLayoutEntry => ({
          binding: i + 1,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: access === 'read' ? 'read-only-storage' : 'storage' },
        })),
      ];
      const layout = this.device.createBindGroupLayout({ label: name, entries });
      k = {
        module: this.device.createShaderModule({ label: name, code }),
        layout,
        pipelineLayout: this.device.createPipelineLayout({ label: name, bindGroupLayouts: [layout] }),
      };
      this.kernels.set(name, k);
    }
    return k;
  }
}
