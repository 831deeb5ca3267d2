// The layer base, after torch.nn.Module: named parameters and sub-modules with PyTorch's dotted
// names (`layer1.0.weight`, so state dicts load into the tutorials' models), train/eval mode,
// zeroing gradients, parameter counts, state dicts. As in PyTorch, a module assigned to a field
// (`this.head = new Linear(8, 3)`) is registered under the field's name.
import { writeValues } from '../tensor/create.js';
import { keep } from '../tensor/scope.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export type StateDict = Map<string, { shape: number[]; data: Float32Array }>;

/** Records each module's output shape while `traceShapes` runs (for summaries). */
let trace: ((module: Module, output: Tensor) => void) | null = null;

export abstract class Module {
  training = true;
  private readonly ownParams = new Map<string, Tensor>();
  private readonly ownModules = new Map<string, Module>();

  constructor() {
    // Derived constructors and their field initialisers see the proxy as `this`; a field definition
    // and a later assignment both arrive as defineProperty (assignments through the proxy define
    // on it), so registration follows assignment order, as PyTorch's __setattr__ does.
    return new Proxy(this, {
      defineProperty(target, key, descriptor) {
        const done = Reflect.defineProperty(target, key, descriptor);
        if (done && typeof key === 'string' && 'value' in descriptor) {
          if (descriptor.value instanceof Module) target.ownModules.set(key, descriptor.value);
          else target.ownModules.delete(key);
        }
        return done;
      },
      deleteProperty(target, key) {
        const done = Reflect.deleteProperty(target, key);
        if (done && typeof key === 'string') target.ownModules.delete(key);
        return done;
      },
    });
  }

  abstract forward(x: Tensor): Tensor;

  /** Runs forward; containers call children through this so summaries can trace shapes. */
  call(x: Tensor): Tensor {
    const y = this.forward(x);
    trace?.(this, y);
    return y;
  }

  /** Short description of the layer's configuration, for summaries (`Conv2d(1, 32, k=3, p=1)`). */
  describe(): string {
    return this.constructor.name;
  }

  protected registerParameter(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    this.ownParams.set(name, keep(t));
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.ownModules.set(name, m);
    return m;
  }

  children(): [string, Module][] {
    return [...this.ownModules];
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    return this.descendants(prefix).flatMap(([at, m]) => [...m.ownParams].map(([n, t]): [string, Tensor] => [at + n, t]));
  }

  /**
   * This module and every one under it, in registration order, with its dotted prefix; a module
   * that refers back to one of its ancestors (`child.parent = this`) is not descended into again.
   */
  private descendants(prefix: string, path: readonly Module[] = [this]): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [n, m] of this.ownModules) if (!path.includes(m)) out.push(...m.descendants(`${prefix}${n}.`, [...path, m]));
    return out;
  }

  /** Each parameter once, even when a module is registered under two names (PyTorch lists both in state dicts). */
  parameters(): Tensor[] {
    return [...new Set(this.namedParameters().map(([, t]) => t))];
  }

  parameterCount(): number {
    return this.parameters().reduce((n, t) => n + t.size, 0);
  }

  train(mode = true): this {
    for (const [, m] of this.descendants('')) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  async stateDict(): Promise<StateDict> {
    const dict: StateDict = new Map();
    for (const [name, t] of this.namedParameters()) dict.set(name, { shape: [...t.shape], data: await t.toArray() });
    return dict;
  }

  /**
   * Copies values into the existing parameters (optimizers keep their references). Strict: names
   * and shapes must match, except that a parameter registered under several names (deep-cnn's
   * fc1, also layer4.0) needs only one of them, as PyTorch's safetensors `save_model` writes it.
   */
  loadStateDict(dict: StateDict): void {
    if (!(dict instanceof Map)) {
      throw new Error(`loadStateDict: the state dict must be a Map of name → { shape, data }, as stateDict() returns, got ${dict === null ? 'null' : typeof dict === 'object' ? (dict as object).constructor.name : typeof dict}`);
    }
    const own = new Map(this.namedParameters());
    const given = new Set([...own].filter(([name]) => dict.has(name)).map(([, t]) => t));
    const missing = [...own].filter(([name, t]) => !dict.has(name) && !given.has(t)).map(([name]) => name);
    const unexpected = [...dict.keys()].filter((k) => !own.has(k));
    if (missing.length || unexpected.length) {
      throw new Error(`loadStateDict: ${[missing.length ? `missing ${missing.join(', ')}` : '', unexpected.length ? `unexpected ${unexpected.join(', ')}` : ''].filter(Boolean).join('; ')}`);
    }
    const present = [...own].filter(([name]) => dict.has(name));
    for (const [name, t] of present) {
      const { shape, data } = dict.get(name)!;
      if (formatShape(shape) !== formatShape(t.shape) || data.length !== sizeOf(shape)) {
        throw new Error(`loadStateDict: ${name} has shape ${formatShape(shape)} in the state dict but ${formatShape(t.shape)} in the model`);
      }
    }
    for (const [name, t] of present) writeValues(t, dict.get(name)!.data);
  }

  dispose(): void {
    for (const t of this.parameters()) t.dispose();
  }
}

/** Runs `fn` and reports every module call with its output, in call order. */
export function traceShapes<T>(fn: () => T, onCall: (module: Module, output: Tensor) => void): T {
  const before = trace;
  trace = onCall;
  try {
    return fn();
  } finally {
    trace = before;
  }
}
