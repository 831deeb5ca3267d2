// Kernel suite: each op at the tutorials' shapes (and larger ones in --full), this engine's WGSL
// kernels next to its CPU reference kernels and TensorFlow.js's backends. Inputs are random
// normal; TF.js gets NHWC images (its native layout) of the same sizes.
import { Adam, conv2d, crossEntropy, full, matmul, maxPool2d, randn, tensor, type Tensor } from '../src/index.js';
import type { Device } from '../src/tensor/storage.js';
import type { Case, Group, Impl } from './measure.js';
import { disposeAll, oursCase, type OpBody } from './ours.js';
import { tfCase, type TfBody, type TfModule } from './tfjs.js';
import type * as Tf from '@tensorflow/tfjs-core';

/** An op written once for this engine (either device) and once for TF.js (any backend). */
interface OpPair {
  ours(device: Device): OpBody<Tensor | null>;
  tf(tf: TfModule): TfBody<Tf.Tensor | null>;
}

function group(name: string, work: Group['work'], impls: readonly Impl[], op: OpPair): Group {
  const cases = impls.map((impl): Case => {
    if (impl === 'ours-gpu') return oursCase('gpu', op.ours);
    if (impl === 'ours-cpu') return oursCase('cpu', op.ours);
    return tfCase(impl.slice('tfjs-'.length) as 'webgpu' | 'wasm' | 'cpu', op.tf);
  });
  return { suite: 'kernels', name, work, cases };
}

const labels = (n: number, classes: number) => Float32Array.from({ length: n }, (_, i) => (i * 7) % classes);

function matmulOp(m: number, k: number, n: number): OpPair {
  return {
    ours(device) {
      const [a, b] = [randn([m, k], { device }), randn([k, n], { device })];
      return { run: () => void matmul(a, b), dispose: () => disposeAll(a, b) };
    },
    tf(tf) {
      const [a, b] = [tf.randomNormal([m, k]), tf.randomNormal([k, n])];
      return { run: () => void tf.matMul(a, b), dispose: () => tf.dispose([a, b]) };
    },
  };
}

export type ConvPass = 'forward' | 'input grad' | 'weight grad';

// Group names, also looked up by the targets table (bench/targets.ts).
export const matmulGroup = (m: number, k: number, n: number): string => `matmul ${m === k && k === n ? `${m}²` : `${m}×${k}·${k}×${n}`}`;
export const convGroup = (pass: ConvPass, n: number, c: number, o: number, hw: number): string => `conv2d ${pass} ${n}×${c}→${o} ${hw}²`;

/** 3×3 convolution, stride 1, padding 1, no bias. */
function convOp(n: number, c: number, o: number, hw: number, pass: ConvPass): OpPair {
  return {
    ours(device) {
      const x = randn([n, c, hw, hw], { device, requiresGrad: pass === 'input grad' });
      const w = randn([o, c, 3, 3], { device, requiresGrad: pass === 'weight grad' });
      const g = randn([n, o, hw, hw], { device });
      const forward = () => conv2d(x, w, null, { padding: 1 });
      if (pass === 'forward') return { run: () => void forward(), dispose: () => disposeAll(x, w, g) };
      // Backward alone: a fresh forward before each run (untimed), its gradient node timed.
      return { before: forward, run: (y) => void y!.node!.backward(g), after: (y) => y?.dispose(), dispose: () => disposeAll(x, w, g) };
    },
    tf(tf) {
      const x = tf.randomNormal<Tf.Rank.R4>([n, hw, hw, c]);
      const f = tf.randomNormal<Tf.Rank.R4>([3, 3, c, o]);
      const dy = tf.randomNormal<Tf.Rank.R4>([n, hw, hw, o]);
      const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined } as const;
      const run = {
        forward: () => void tf.conv2d(x, f, 1, 'same'),
        'input grad': () => void tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: x.shape } as unknown as Tf.NamedAttrMap),
        'weight grad': () => void tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: f.shape } as unknown as Tf.NamedAttrMap),
      }[pass];
      return { run, dispose: () => tf.dispose([x, f, dy]) };
    },
  };
}

/** 2×2 max pooling, stride 2. */
function maxPoolOp(n: number, c: number, hw: number, backward: boolean): OpPair {
  return {
    ours(device) {
      const x = randn([n, c, hw, hw], { device, requiresGrad: backward });
      const g = randn([n, c, hw / 2, hw / 2], { device });
      const forward = () => maxPool2d(x, { kernelSize: 2 });
      if (!backward) return { run: () => void forward(), dispose: () => disposeAll(x, g) };
      return { before: forward, run: (y) => void y!.node!.backward(g), after: (y) => y?.dispose(), dispose: () => disposeAll(x, g) };
    },
    tf(tf) {
      const x = tf.randomNormal<Tf.Rank.R4>([n, hw, hw, c]);
      const y = tf.maxPool(x, 2, 2, 'valid');
      const dy = tf.randomNormal([n, hw / 2, hw / 2, c]);
      const attrs = { filterSize: 2, strides: 2, pad: 'valid' } as unknown as Tf.NamedAttrMap;
      const run = backward ? () => void tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs) : () => void tf.maxPool(x, 2, 2, 'valid');
      return { run, dispose: () => tf.dispose([x, y, dy]) };
    },
  };
}

/** Mean softmax cross-entropy over class indices; TF.js's loss has no separate backward kernel, so both sides time forward+backward together. */
function crossEntropyOp(n: number, classes: number, backward: boolean): OpPair {
  return {
    ours(device) {
      const logits = randn([n, classes], { device, requiresGrad: backward });
      const target = tensor(labels(n, classes), [n], { device });
      const one = full([], 1, { device });
      const run = () => {
        const loss = crossEntropy(logits, target);
        if (backward) loss.node!.backward(one);
      };
      return { run, dispose: () => disposeAll(logits, target, one) };
    },
    tf(tf) {
      const logits = tf.randomNormal<Tf.Rank.R2>([n, classes]);
      const onehot = tf.oneHot(tf.tensor1d(labels(n, classes), 'int32'), classes);
      const loss = (l: Tf.Tensor) => tf.losses.softmaxCrossEntropy(onehot, l);
      const run = backward ? () => void tf.grad(loss)(logits) : () => void loss(logits);
      return { run, dispose: () => tf.dispose([logits, onehot]) };
    },
  };
}

/** One Adam step (lr 1e-3) over a single parameter of `n` elements with a random gradient. */
function adamOp(n: number): OpPair {
  return {
    ours(device) {
      const p = randn([n], { device, requiresGrad: true });
      p.grad = randn([n], { device });
      const opt = new Adam([p], { lr: 1e-3 });
      return { run: () => opt.step(), dispose: () => disposeAll(p) };
    },
    tf(tf) {
      const v = tf.variable(tf.randomNormal([n]));
      const g = tf.randomNormal([n]);
      const opt = tf.train.adam(1e-3);
      return { run: () => opt.applyGradients([{ name: v.name, tensor: g }]), dispose: () => (tf.dispose([v, g]), opt.dispose()) };
    },
  };
}

const GPU: Impl[] = ['ours-gpu', 'tfjs-webgpu'];
const ALL: Impl[] = ['ours-gpu', 'ours-cpu', 'tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu'];
/** Without TF.js's cpu backend (plain JS, the slowest by far). */
const NO_TFCPU: Impl[] = ['ours-gpu', 'ours-cpu', 'tfjs-webgpu', 'tfjs-wasm'];
/** GPU plus TF.js wasm: sizes the plain-loop CPU kernels would take minutes on. */
const FAST: Impl[] = ['ours-gpu', 'tfjs-webgpu', 'tfjs-wasm'];

export function kernelGroups(fullRun: boolean): Group[] {
  const groups: Group[] = [];
  const mm = (m: number, k: number, n: number, impls: Impl[]) => groups.push(group(matmulGroup(m, k, n), { flop: 2 * m * k * n }, impls, matmulOp(m, k, n)));
  // The CPU implementations run only where a sample takes about a second or less on this VM: a
  // GPU session has minutes for the whole --full run (the plain-loop kernels took 25 s for 1024²,
  // 7 s for a 723 MFLOP conv, and TF.js cpu over a minute for a conv weight gradient).
  mm(256, 256, 256, ALL);
  mm(512, 512, 512, fullRun ? ALL : NO_TFCPU);
  if (fullRun) {
    mm(1024, 1024, 1024, FAST);
    mm(2048, 2048, 2048, FAST);
    mm(4096, 4096, 4096, GPU);
  }
  mm(100, 3136, 10, ALL);
  mm(100, 2048, 625, fullRun ? ALL : NO_TFCPU);

  const convs: [number, number, number, number, Impl[]][] = [
    [100, 1, 32, 28, ALL],
    [100, 32, 64, 14, fullRun ? FAST : NO_TFCPU],
    ...(fullRun ? ([[100, 64, 128, 7, FAST], [64, 64, 64, 56, FAST]] as [number, number, number, number, Impl[]][]) : []),
  ];
  for (const [n, c, o, hw, impls] of convs) {
    for (const pass of ['forward', 'input grad', 'weight grad'] as const) {
      groups.push(group(convGroup(pass, n, c, o, hw), { flop: 2 * n * o * hw * hw * c * 9 }, impls, convOp(n, c, o, hw, pass)));
    }
  }

  for (const [n, c, hw] of [[100, 32, 28], [100, 64, 14]]) {
    const bytes = 4 * (n * c * hw * hw + (n * c * hw * hw) / 4);
    groups.push(group(`max_pool2d forward ${n}×${c} ${hw}²`, { bytes }, ALL, maxPoolOp(n, c, hw, false)));
    groups.push(group(`max_pool2d backward ${n}×${c} ${hw}²`, { bytes }, ALL, maxPoolOp(n, c, hw, true)));
  }

  for (const [n, classes] of fullRun ? [[100, 10], [1024, 1000]] : [[100, 10]]) {
    groups.push(group(`softmax-CE forward ${n}×${classes}`, { bytes: 4 * n * classes }, ALL, crossEntropyOp(n, classes, false)));
    groups.push(group(`softmax-CE fwd+bwd ${n}×${classes}`, { bytes: 4 * 3 * n * classes }, ALL, crossEntropyOp(n, classes, true)));
  }

  // Adam reads parameter, gradient and two moments and writes three: 7 floats per parameter.
  groups.push(group('Adam step 50k params', { bytes: 4 * 7 * 50_000 }, ALL, adamOp(50_000)));
  groups.push(group('Adam step 10M params', { bytes: 4 * 7 * 10_000_000 }, NO_TFCPU, adamOp(10_000_000)));
  return groups;
}
