// The tutorials' models (../shared/SEEDS.md), with their layer names, so a checkpoint's state dict
// loads into the tutorial's PyTorch model as it is.
import { xavierUniform } from '../layers/init.js';
import { Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU } from '../layers/layers.js';
import { Module } from '../layers/module.js';
import { Sequential } from '../layers/sequential.js';
import { writeValues } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';

const convBlock = (inC: number, outC: number, pool: { padding?: number } = {}) =>
  new Sequential(new Conv2d(inC, outC, 3, { stride: 1, padding: 1 }), new ReLU(), new MaxPool2d(2, { stride: 2, ...pool }));

function xavierLinear(inF: number, outF: number): Linear {
  const fc = new Linear(inF, outF);
  xavierUniform(fc.weight);
  return fc;
}

/** Seed 000/001: two conv blocks and one fully connected layer (xavier). 28×28 → 7×7×64 → 10. */
export function cnn(): Module {
  return new Sequential({ layer1: convBlock(1, 32), layer2: convBlock(32, 64), flatten: new Flatten(), fc: xavierLinear(7 * 7 * 64, 10) });
}

/** Seed 001: three conv blocks (the third pools with padding 1: 7×7 → 4×4), FC 625 + ReLU + dropout 0.5, FC 10. */
export class DeepCnn extends Module {
  private readonly layer1 = this.registerModule('layer1', convBlock(1, 32));
  private readonly layer2 = this.registerModule('layer2', convBlock(32, 64));
  private readonly layer3 = this.registerModule('layer3', convBlock(64, 128, { padding: 1 }));
  // The tutorial registers fc1 on its own and inside layer4: its state dict has both names.
  private readonly fc1 = this.registerModule('fc1', xavierLinear(4 * 4 * 128, 625));
  private readonly layer4 = this.registerModule('layer4', new Sequential(this.fc1, new ReLU(), new Dropout(0.5)));
  private readonly fc2 = this.registerModule('fc2', xavierLinear(625, 10));
  private readonly flatten = new Flatten();

  forward(x: Tensor): Tensor {
    const features = this.layer3.call(this.layer2.call(this.layer1.call(x)));
    return this.fc2.call(this.layer4.call(this.flatten.call(features)));
  }
}

/** Seed 002: unpadded convs, pools with padding 1, FC 32 + dropout 0.3. 55,338 parameters. */
export function smallCnn(): Module {
  const block = (inC: number, outC: number) => new Sequential(new Conv2d(inC, outC, 3), new ReLU(), new MaxPool2d(2, { stride: 2, padding: 1 }));
  return new Sequential({
    conv1: block(1, 16),
    conv2: block(16, 32),
    classifier: new Sequential(new Flatten(1, -1), new Linear(7 * 7 * 32, 32), new ReLU(), new Dropout(0.3), new Linear(32, 10)),
  });
}

/** Seed 003: 784-256-128-10 with ReLU. */
export function mlp(): Module {
  return new Sequential({ flatten: new Flatten(), fc1: new Linear(784, 256), relu1: new ReLU(), fc2: new Linear(256, 128), relu2: new ReLU(), fc3: new Linear(128, 10) });
}

/**
 * Seed 004 (Keras), written as the torch.nn.Sequential a PyTorch user would translate it to.
 * Keras initialises kernels with glorot_uniform and biases with zeros; so do we. The final
 * softmax lives in the loss. Parameters by layer: 320, 18,496, 313,700, 1,010.
 */
export function kerasCnn(): Module {
  const model = new Sequential(
    new Conv2d(1, 32, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(7 * 7 * 64, 100), new ReLU(), new Dropout(0.4), new Linear(100, 10),
  );
  for (const [name, p] of model.namedParameters()) {
    if (name.endsWith('weight')) xavierUniform(p);
    else writeValues(p, new Float32Array(p.size));
  }
  return model;
}

export const presets = {
  cnn,
  'deep-cnn': () => new DeepCnn(),
  'small-cnn': smallCnn,
  mlp,
  'keras-cnn': kerasCnn,
} as const satisfies Record<string, () => Module>;

export type PresetName = keyof typeof presets;
