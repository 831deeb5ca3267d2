import { describe, expect, it } from 'vitest';
import { crossEntropy, noGrad, randn, scope, tensor } from '../../src/index.js';
import { traceShapes } from '../../src/layers/module.js';
import { presets, type PresetName } from '../../src/models/presets.js';
import { useGpu } from '../support/gpu.js';

useGpu();

const perLayer = (name: PresetName) => {
  const model = presets[name]();
  const counts = model.namedParameters().filter(([n]) => n.endsWith('weight')).map(([n, t]) => {
    const bias = model.namedParameters().find(([b]) => b === n.replace(/weight$/, 'bias'));
    return t.size + (bias ? bias[1].size : 0);
  });
  const total = model.parameterCount();
  model.dispose();
  return { counts, total };
};

describe('tutorial presets', () => {
  it('small-cnn has seed 002\'s 55,338 parameters: 160, 4,640, 50,208, 330', () => {
    expect(perLayer('small-cnn')).toEqual({ counts: [160, 4640, 50208, 330], total: 55338 });
  });

  it('keras-cnn has seed 004\'s 320 / 18,496 / 313,700 / 1,010 by layer', () => {
    expect(perLayer('keras-cnn')).toEqual({ counts: [320, 18496, 313700, 1010], total: 333526 });
  });

  it('cnn goes through seed 000\'s shapes and names its weights as the tutorial', () => {
    const model = presets.cnn();
    expect(model.namedParameters().map(([n]) => n)).toEqual(['layer1.0.weight', 'layer1.0.bias', 'layer2.0.weight', 'layer2.0.bias', 'fc.weight', 'fc.bias']);
    const shapes: string[] = [];
    scope(() => noGrad(() => traceShapes(() => model.forward(randn([1, 1, 28, 28])), (m, y) => shapes.push(`${m.constructor.name} [${y.shape}]`))));
    expect(shapes).toEqual([
      'Conv2d [1,32,28,28]', 'ReLU [1,32,28,28]', 'MaxPool2d [1,32,14,14]', 'Sequential [1,32,14,14]',
      'Conv2d [1,64,14,14]', 'ReLU [1,64,14,14]', 'MaxPool2d [1,64,7,7]', 'Sequential [1,64,7,7]',
      'Flatten [1,3136]', 'Linear [1,10]',
    ]);
    model.dispose();
  });

  it('deep-cnn lists fc1 under both of its names but trains it once', () => {
    const model = presets['deep-cnn']();
    const names = model.namedParameters().map(([n]) => n);
    expect(names).toContain('fc1.weight');
    expect(names).toContain('layer4.0.weight');
    expect(model.parameters().length).toBe(names.length - 2);
    scope(() => noGrad(() => expect(model.forward(randn([2, 1, 28, 28])).shape).toEqual([2, 10])));
    model.dispose();
  });

  it('deep-cnn loads a state dict that names fc1 once, under either name, as safetensors\' save_model writes it', async () => {
    const source = presets['deep-cnn']();
    const full = await source.stateDict();
    for (const drop of ['layer4.0.', 'fc1.']) {
      const dict = new Map([...full].filter(([name]) => !name.startsWith(drop)));
      const model = presets['deep-cnn']();
      model.loadStateDict(dict);
      const fc1 = model.namedParameters().find(([n]) => n === 'fc1.weight')![1];
      expect(Array.from(await fc1.toArray())).toEqual(Array.from(full.get('fc1.weight')!.data));
      model.dispose();
    }
    // A tensor that is not shared still has to be there.
    const model = presets['deep-cnn']();
    expect(() => model.loadStateDict(new Map([...full].filter(([name]) => name !== 'fc2.bias')))).toThrow(/^loadStateDict: missing fc2\.bias$/);
    model.dispose();
    source.dispose();
  });

  it('mlp and small-cnn map a batch of images to 10 logits', () => {
    for (const name of ['mlp', 'small-cnn'] as const) {
      const model = presets[name]();
      scope(() => noGrad(() => expect(model.forward(randn([3, 1, 28, 28])).shape).toEqual([3, 10])));
      model.dispose();
    }
  });

  it('every parameter of every preset gets a non-zero gradient from one backward', async () => {
    for (const name of Object.keys(presets) as PresetName[]) {
      const model = presets[name]();
      await scope(async () => {
        const loss = crossEntropy(model.forward(randn([2, 1, 28, 28])), tensor([3, 7]));
        loss.backward();
        for (const [param, t] of model.namedParameters()) {
          expect(t.grad, `${name} ${param}`).not.toBeNull();
          const g = await t.grad!.toArray();
          expect(g.some((v) => v !== 0), `${name} ${param} has an all-zero gradient`).toBe(true);
        }
      });
      model.dispose();
    }
  });
});
