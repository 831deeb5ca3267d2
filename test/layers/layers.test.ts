import { describe, expect, it } from 'vitest';
import { AvgPool2d, Conv2d, Module, CrossEntropyLoss, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential, manualSeed, noGrad, randn, relu, scope, tensor } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';

useGpu();

describe('layers', () => {
  it('name parameters as PyTorch does and count them', () => {
    const model = new Sequential({ block: new Sequential(new Conv2d(1, 4, 3), new ReLU()), fc: new Linear(4, 2) });
    expect(model.namedParameters().map(([n, t]) => `${n} [${t.shape}]`)).toEqual([
      'block.0.weight [4,1,3,3]',
      'block.0.bias [4]',
      'fc.weight [2,4]',
      'fc.bias [2]',
    ]);
    expect(model.parameterCount()).toBe(4 * 9 + 4 + 8 + 2);
    expect(new Linear(3, 5, { bias: false }).parameterCount()).toBe(15);
    model.dispose();
  });

  it('refuse option names they do not know, naming the layer and the options they take', () => {
    const unknown = (make: () => unknown, error: RegExp) => expect(make).toThrow(error);
    unknown(() => new Linear(3, 2, { bais: false } as never), /^Linear: unknown option bais \(the options are bias\)$/);
    unknown(() => new Conv2d(1, 2, 3, { padd: 1 } as never), /^Conv2d: unknown option padd \(the options are stride, padding, dilation, groups, bias\)$/);
    unknown(() => new MaxPool2d(2, { strid: 1 } as never), /^MaxPool2d: unknown option strid /);
    unknown(() => new AvgPool2d(2, { count_include_pad: false } as never), /^AvgPool2d: unknown option count_include_pad /);
    unknown(() => new CrossEntropyLoss({ label_smoothing: 0.1 } as never), /^CrossEntropyLoss: unknown option label_smoothing \(the options are reduction\)$/);
  });

  it('initialise weights and biases in U(±1/√fan_in), as torch.nn', async () => {
    manualSeed(1);
    const conv = new Conv2d(3, 8, 5);
    const bound = 1 / Math.sqrt(3 * 25);
    for (const t of [conv.weight, conv.bias!]) {
      const v = await t.toArray();
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      // 600 draws from U(−b, b): the largest is above 0.9·b unless something shrank the range.
      if (v.length > 100) expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    }
    conv.dispose();
  });

  it('Linear computes x·Wᵀ + b', async () => {
    const fc = new Linear(2, 3);
    fc.loadStateDict(new Map([
      ['weight', { shape: [3, 2], data: Float32Array.of(1, 2, 3, 4, 5, 6) }],
      ['bias', { shape: [3], data: Float32Array.of(0.5, 0, -1) }],
    ]));
    await scope(async () => {
      const y = fc.forward(tensor([[1, 1], [2, 0]]));
      expect(Array.from(await y.toArray())).toEqual([3.5, 7, 10, 2.5, 6, 9]);
    });
    fc.dispose();
  });

  it('train() and eval() reach every child; dropout is the identity in eval', async () => {
    const model = new Sequential(new Flatten(), new Dropout(0.5));
    model.eval();
    expect(model.children().every(([, m]) => !m.training)).toBe(true);
    await scope(async () => {
      const x = randn([2, 3, 4]);
      const y = noGrad(() => model.forward(x));
      expect(y.shape).toEqual([2, 12]);
      expect(Array.from(await y.toArray())).toEqual(Array.from(await x.toArray()));
    });
    expect(model.train().children().every(([, m]) => m.training)).toBe(true);
  });

  it('Sequential refuses a child that is not a Module, naming it', () => {
    expect(() => new Sequential(new Linear(2, 2), relu as never)).toThrow(/^Sequential: child 1 is not a Module, got function relu \(layers are classes: new ReLU\(\), not relu\)$/);
    expect(() => new Sequential(relu as never)).toThrow(/^Sequential: child 0 is not a Module, got function relu/);
    expect(() => new Sequential({ fc: new Linear(2, 2), act: null } as never)).toThrow(/^Sequential: child act is not a Module, got null/);
    const record = new Sequential(Object.assign(Object.create(null) as Record<string, Module>, { fc: new Linear(2, 2) }));
    expect(record.children().map(([name]) => name)).toEqual(['fc']);
    record.dispose();
  });

  it('loadStateDict refuses a state dict that is not a Map', () => {
    const fc = new Linear(2, 2);
    expect(() => fc.loadStateDict({ weight: { shape: [2, 2], data: new Float32Array(4) } } as never)).toThrow(/^loadStateDict: the state dict must be a Map of name → \{ shape, data \}, as stateDict\(\) returns, got Object$/);
    fc.dispose();
  });

  it('loadStateDict refuses missing, unexpected and mis-shaped entries', () => {
    const fc = new Linear(2, 3);
    expect(() => fc.loadStateDict(new Map([['weight', { shape: [3, 2], data: new Float32Array(6) }]]))).toThrow(/loadStateDict: missing bias/);
    expect(() =>
      fc.loadStateDict(new Map([
        ['weight', { shape: [2, 3], data: new Float32Array(6) }],
        ['bias', { shape: [3], data: new Float32Array(3) }],
      ])),
    ).toThrow(/loadStateDict: weight has shape \[2, 3\] in the state dict but \[3, 2\] in the model/);
    fc.dispose();
  });

  it('MaxPool2d defaults its stride to the kernel size', () => {
    scope(() => {
      expect(new MaxPool2d(2).forward(randn([1, 1, 6, 6])).shape).toEqual([1, 1, 3, 3]);
      expect(new MaxPool2d(2, { stride: 1 }).forward(randn([1, 1, 6, 6])).shape).toEqual([1, 1, 5, 5]);
    });
  });
});
