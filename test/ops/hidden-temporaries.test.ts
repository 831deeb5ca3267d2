// Functions that build their result from several ops must free the intermediates the caller never
// sees and so cannot dispose: called outside any scope, disposing the result and the inputs must
// give back every buffer (a leaked view keeps its input's buffer alive).
import { describe, expect, it } from 'vitest';
import { linear, matmul, sum, tensor } from '../../src/index.js';
import { apply } from '../../src/ops/apply.js';
import { fail } from '../../src/ops/errors.js';
import type { KernelSpec } from '../../src/ops/spec.js';
import { useGpu } from '../support/gpu.js';
import { liveBuffers } from '../support/op-check.js';

useGpu();

describe('no hidden temporaries outside a scope', () => {
  it('linear with a bias (the product before the bias is added; a 1-D input promoted to a row)', () => {
    const before = liveBuffers();
    const row = tensor([1, 2], [1, 2]);
    const vector = tensor([1, 2]);
    const w = tensor([1, 0, 0, 1], [2, 2]);
    const b = tensor([1, 1]);
    linear(row, w, b).dispose();
    linear(vector, w, b).dispose();
    for (const t of [row, vector, w, b]) t.dispose();
    expect(liveBuffers()).toBe(before);
  });

  it('matmul of 1-D operands (the promoted views and the 2-D product)', () => {
    const before = liveBuffers();
    const v = tensor([1, 2]);
    const m = tensor([1, 0, 0, 1], [2, 2]);
    matmul(v, m).dispose();
    matmul(m, v).dispose();
    matmul(v, v).dispose();
    v.dispose();
    m.dispose();
    expect(liveBuffers()).toBe(before);
  });

  it('sum of a rank-0 tensor (the one-element view it reduces)', () => {
    const before = liveBuffers();
    const x = tensor(5);
    sum(x).dispose();
    x.dispose();
    expect(liveBuffers()).toBe(before);
  });

  it('an op whose GPU launch fails (a limit of the GPU) gives its outputs back', () => {
    const before = liveBuffers();
    const x = tensor([1, 2, 3]);
    const refusing: KernelSpec<null> = {
      kind: 'kernel',
      name: 'refusing',
      inputs: ['input'],
      shape: ([s]) => s,
      aux: () => [[2]],
      gpu: () => fail('refusing', 'input is over a limit of this GPU'),
      cpu: () => {},
      backward: null,
      samples: [],
    };
    expect(() => apply(refusing, [x], null)).toThrow(/refusing: input is over a limit/);
    x.dispose();
    expect(liveBuffers()).toBe(before);
  });
});
