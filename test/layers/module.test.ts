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

  it('does not loop over a field that refers back to a parent, and registers nothing when a define fails', () => {
    class Child extends Module {
      fc = new Linear(2, 2);
      parent: Module | null = null;
      forward(x: Tensor): Tensor {
        return this.fc.call(x);
      }
    }
    class Parent extends Module {
      child = new Child();
      constructor() {
        super();
        this.child.parent = this;
      }
      forward(x: Tensor): Tensor {
        return this.child.call(x);
      }
    }
    const net = new Parent();
    expect(net.namedParameters().map(([name]) => name)).toEqual(['child.fc.weight', 'child.fc.bias']);
    net.eval();
    expect([net.training, net.child.training, (net.child as Child).fc.training]).toEqual([false, false, false]);

    const frozen = new Child();
    Object.preventExtensions(frozen);
    expect(() => ((frozen as unknown as { extra: Module }).extra = new Linear(1, 1))).toThrow(TypeError);
    expect(frozen.children().map(([name]) => name)).toEqual(['fc']);
    net.dispose();
    frozen.dispose();
  });
});
