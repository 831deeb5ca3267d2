import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readWgsl, resolveIncludes } from '../../src/gpu/pipelines.js';

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
