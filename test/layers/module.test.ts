import { describe, expect, it } from 'vitest';
import { Dropout, Linear, Module, ReLU, Sequential, type Tensor } from '../../src/index.js';
import { useGpu } from '../support/gpu.js';

useGpu();

describe('Module', () => {
  it('registers modules assigned to fields under the field names, in assignment order, as PyTorch does', () => {
    class Net extends Module {
      readonly features = new Sequential(new Linear(4, 8), new ReLU());
      drop: Module | null = new Dropout(0.5);
      head: Module;
      constructor() {
        super();
        this.head = new Linear(8, 3);
      }
      forward(x: Tensor): Tensor {
        return this.head.call(this.features.call(x));
      }
    }
    const net = new Net();
    expect(net.children().map(([name]) => name)).toEqual(['features', 'drop', 'head']);
    expect(net.namedParameters().map(([name]) => name)).toEqual(['features.0.weight', 'features.0.bias', 'head.weight', 'head.bias']);
    expect(net.parameterCount()).toBe(4 * 8 + 8 + 8 * 3 + 3);
    net.eval();
    expect(net.drop!.training).toBe(false);

    // Reassigning keeps the name's place; assigning something else or deleting unregisters it.
    net.head = new Linear(8, 2);
    expect(net.namedParameters().map(([name, t]) => `${name} [${t.shape}]`).slice(2)).toEqual(['head.weight [2,8]', 'head.bias [2]']);
    net.drop = null;
    expect(net.children().map(([name]) => name)).toEqual(['features', 'head']);
    delete (net as { features?: Module }).features;
    expect(net.children().map(([name]) => name)).toEqual(['head']);
    net.dispose();
  });
});
