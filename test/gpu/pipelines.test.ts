import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PipelineCache, readWgsl, resolveIncludes, storageBindings } from '../../src/gpu/pipelines.js';
import { runtime } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';

/** A read callback over an in-memory folder. */
const files = (entries: Record<string, string>) => (name: string) => entries[name];

describe('resolveIncludes', () => {
  it('replaces include lines by the file text, recursively', () => {
    const read = files({
      'k.wgsl': 'a\n#include "b.wgsl"\nz',
      'b.wgsl': 'b1\n#include "c.wgsl"\nb2',
      'c.wgsl': 'c',
    });
    expect(resolveIncludes('k', read)).toBe('a\nb1\nc\nb2\nz');
  });

  it('puts each file in once, however often or circularly it is included', () => {
    const read = files({
      'k.wgsl': '#include "a.wgsl"\n#include "b.wgsl"\n#include "a.wgsl"\nk',
      'a.wgsl': '#include "b.wgsl"\na',
      'b.wgsl': '#include "a.wgsl"\n#include "k.wgsl"\nb',
    });
    expect(resolveIncludes('k', read).split('\n').filter(Boolean)).toEqual(['b', 'a', 'k']);
  });

  it('leaves a kernel without includes as it is', () => {
    expect(resolveIncludes('k', files({ 'k.wgsl': 'x\n  // #include in a comment\n' }))).toBe('x\n  // #include in a comment\n');
  });

  it('names the kernel and the missing file', () => {
    const read = files({ 'k.wgsl': '#include "a.wgsl"', 'a.wgsl': '#include "gone.wgsl"' });
    expect(() => resolveIncludes('k', read)).toThrow('kernel k: gone.wgsl (included by a.wgsl) not found in kernels/wgsl');
    expect(() => resolveIncludes('nope', read)).toThrow('kernel nope: nope.wgsl not found in kernels/wgsl');
  });

  it('rejects an include it cannot read, rather than passing it to the WGSL compiler', () => {
    expect(() => resolveIncludes('k', files({ 'k.wgsl': '#include "../x.wgsl"' }))).toThrow(/^kernel k: k\.wgsl has a malformed include/);
    expect(() => resolveIncludes('k', files({ 'k.wgsl': '#include a.wgsl' }))).toThrow(/malformed include/);
  });

  it('resolves every kernel on disk, each shared file once', () => {
    const kernels = readdirSync(new URL('../../src/kernels/wgsl/', import.meta.url)).map((f) => f.replace(/\.wgsl$/, ''));
    expect(kernels).toContain('conv2d_common');
    for (const kernel of kernels) {
      const code = resolveIncludes(kernel, readWgsl);
      expect(code, kernel).not.toMatch(/^\s*#include/m);
      expect(code.match(/^struct Params\b/gm)?.length ?? 0, kernel).toBeLessThanOrEqual(1);
    }
  });
});

describe('storageBindings', () => {
  const decl = (n: number, kind: string) => `@group(0) @binding(${n}) var<${kind}> b${n}: array<f32>;`;

  it('lists the storage bindings after the uniform, in binding order, ignoring comments', () => {
    const code = [decl(2, 'storage, read_write'), '// @group(0) @binding(3) var<storage, read> gone: f32;', decl(0, 'uniform'), decl(1, 'storage,read'), decl(3, 'storage')].join('\n');
    expect(storageBindings('k', code)).toEqual(['read', 'read_write', 'read']);
  });

  it('refuses kernels that break the binding contract, naming the kernel', () => {
    expect(() => storageBindings('k', decl(0, 'storage, read'))).toThrow('kernel k: @binding(0) must be the var<uniform> Params');
    expect(() => storageBindings('k', [decl(0, 'uniform'), decl(2, 'storage, read')].join('\n'))).toThrow(/^kernel k: bindings must be numbered 0 to 1 without gaps; @binding\(1\) is missing/);
    expect(() => storageBindings('k', [decl(0, 'uniform'), decl(1, 'uniform')].join('\n'))).toThrow(/only @binding\(0\) may be a uniform/);
    expect(() => storageBindings('k', [decl(0, 'uniform'), decl(0, 'uniform')].join('\n'))).toThrow(/@binding\(0\) is declared twice/);
  });

  it('reads every kernel on disk', () => {
    const kernels = readdirSync(new URL('../../src/kernels/wgsl/', import.meta.url)).map((f) => f.replace(/\.wgsl$/, ''));
    for (const kernel of kernels.filter((k) => !k.endsWith('_common'))) {
      const code = resolveIncludes(kernel, readWgsl);
      const declared = code.replace(/\/\/.*$/gm, '').match(/var<storage/g)?.length ?? 0;
      expect(storageBindings(kernel, code).length, kernel).toBe(declared);
    }
  });
});

describe('PipelineCache', () => {
  useGpu();

  it('compiles a kernel once per set of constants, whatever order the caller lists them in', () => {
    const cache = new PipelineCache(runtime().device);
    const a = cache.get('conv2d_backward_input', { WG: 64, KW: 3, CB: 4, Q: 16 });
    const b = cache.get('conv2d_backward_input', { Q: 16, CB: 4, KW: 3, WG: 64 });
    const c = cache.get('conv2d_backward_input', { WG: 64, KW: 3, CB: 4, Q: 8 });
    expect(b).toBe(a);
    expect(c.pipeline).not.toBe(a.pipeline);
    expect(c.layout).toBe(a.layout);
    expect(cache.size).toBe(2);
  });
});
