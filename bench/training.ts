// Training benchmark: the tutorial `cnn` (seed 000) at batch 100 with Adam 1e-3 on MNIST, this
// engine on the GPU next to the same model written with TensorFlow.js ops. Figures are per step
// after warm-up; seconds per epoch are projected from them (MNIST's 60,000 images). On a real GPU
// each sample is GPU_STEPS steps recorded back to back with one wait at the end, as training runs
// them: a sample of one step would add a whole submit-and-wait round trip (about 0.6 ms on the
// H100) to every step, more than target 1 allows a step in all.
import { Adam, DataLoader, loadMnist, manualSeed } from '../src/index.js';
import { CapturedStep } from '../src/train/captured-step.js';
import { supervisedStep } from '../src/train/step.js';
import { presets } from '../src/models/presets.js';
import type * as Tf from '@tensorflow/tfjs-core';
import type { Case, Group, Impl } from './measure.js';
import { oursCase } from './ours.js';
import { tfCase, type TfModule } from './tfjs.js';

const BATCH = 100;
const EPOCH_IMAGES = 60_000;
const GPU_STEPS = 20;
export const TRAINING_GROUP = `cnn batch ${BATCH} Adam`;

/** Cycles through MNIST's training images in file order: host batches of [100, 784] pixels in 0–1 and labels. */
function hostBatches() {
  const { train } = loadMnist();
  const pixels = 28 * 28;
  let next = 0;
  return () => {
    if (next + BATCH > train.count) next = 0;
    const x = new Float32Array(BATCH * pixels);
    for (let i = 0; i < x.length; i++) x[i] = train.images[next * pixels + i] / 255;
    const y = Float32Array.from(train.labels.subarray(next, next + BATCH));
    next += BATCH;
    return { x, y };
  };
}

/**
 * One training step of a tutorial model (default `cnn`) at batch 100 with Adam 1e-3, as the
 * training command runs it: the batch gathered on the GPU from the resident MNIST, forward,
 * cross-entropy, backward and Adam, the first step captured and the later ones replayed
 * (CapturedStep); `eager: true` runs every step's JavaScript instead. The caller scopes each run.
 */
export function cnnStep(preset: keyof typeof presets = 'cnn', options: { eager?: boolean } = {}): { run(): void; dispose(): void } {
  manualSeed(777);
  const model = presets[preset]();
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const { train } = loadMnist();
  const loader = new DataLoader(train, { batchSize: BATCH, shuffle: true, seed: 777, dropLast: true, resident: true, inPlace: true });
  const step = supervisedStep(model, opt);
  const captured = new CapturedStep(step);
  let batches = loader[Symbol.iterator]();
  return {
    run() {
      let b = batches.next();
      if (b.done) b = (batches = loader[Symbol.iterator]()).next();
      const { x, y } = b.value;
      if (options.eager) step(x, y);
      else captured.run(x, y);
      x.dispose();
      y.dispose();
    },
    dispose: () => {
      captured.dispose();
      batches.return?.(); // ends the epoch's generator, which frees its order buffer
      loader.dispose();
      opt.dispose();
      model.parameters().forEach((p) => p.dispose());
    },
  };
}

function oursTraining(steps: number): Case {
  return perStep(steps, oursCase('gpu', () => repeated(steps, cnnStep())));
}

/** A training body whose run() takes `steps` steps. */
function repeated<B extends { run(): void }>(steps: number, body: B): B {
  return { ...body, run: () => { for (let i = 0; i < steps; i++) body.run(); } };
}

/** The case's samples divided by `steps`: per-step times of runs of that many steps. */
function perStep(steps: number, c: Case): Case {
  return {
    impl: c.impl,
    async prepare() {
      const sampler = await c.prepare();
      return {
        async sample() {
          const s = await sampler.sample();
          return { wallMs: s.wallMs / steps, gpuMs: s.gpuMs === null ? null : s.gpuMs / steps, hostMs: s.hostMs === null ? null : s.hostMs / steps };
        },
        dispose: () => sampler.dispose(),
      };
    },
  };
}

function tfTraining(backend: 'webgpu' | 'wasm' | 'cpu', steps: number): Case {
  return perStep(steps, tfCase(backend, (tf) => repeated(steps, tfModel(tf))));
}

/** The same network with tf ops, NHWC: conv 1→32 k3 p1, relu, maxpool 2, conv 32→64, relu, maxpool 2, dense 3136→10. */
function tfModel(tf: TfModule) {
  const glorot = (shape: number[], fanIn: number, fanOut: number) => tf.variable(tf.randomUniform(shape, -Math.sqrt(6 / (fanIn + fanOut)), Math.sqrt(6 / (fanIn + fanOut))));
  const w1 = glorot([3, 3, 1, 32], 9, 288), b1 = tf.variable(tf.zeros([32]));
  const w2 = glorot([3, 3, 32, 64], 288, 576), b2 = tf.variable(tf.zeros([64]));
  const w3 = glorot([3136, 10], 3136, 10), b3 = tf.variable(tf.zeros([10]));
  const vars = [w1, b1, w2, b2, w3, b3];
  const opt = tf.train.adam(1e-3);
  const next = hostBatches();
  const block = (x: Tf.Tensor4D, w: Tf.Tensor4D, b: Tf.Tensor): Tf.Tensor4D => tf.maxPool(tf.relu(tf.add(tf.conv2d(x, w, 1, 'same'), b)) as Tf.Tensor4D, 2, 2, 'valid');
  return {
    run() {
      const { x, y } = next();
      const images = tf.tensor4d(x, [BATCH, 28, 28, 1]);
      const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
      opt.minimize(() => {
        const h = block(block(images, w1 as Tf.Variable<Tf.Rank.R4>, b1), w2 as Tf.Variable<Tf.Rank.R4>, b2);
        const logits = tf.add(tf.matMul(tf.reshape(h, [BATCH, 3136]), w3), b3);
        return tf.losses.softmaxCrossEntropy(onehot, logits) as Tf.Scalar;
      }, false, vars);
    },
    dispose: () => (tf.dispose(vars), opt.dispose()),
  };
}

/** `software`: the adapter is a software one, where a step takes half a second: one step a sample (GPU_STEPS on a real GPU). */
export function trainingGroup(software: boolean): Group {
  // TF.js's cpu backend takes over a minute per step here: never (23 samples would take half an hour).
  const impls: Impl[] = ['ours-gpu', 'tfjs-webgpu', 'tfjs-wasm'];
  const gpuSteps = software ? 1 : GPU_STEPS;
  const cases = impls.map((impl) => {
    if (impl === 'ours-gpu') return oursTraining(gpuSteps);
    const backend = impl.slice('tfjs-'.length) as 'webgpu' | 'wasm' | 'cpu';
    // The CPU backends run synchronously: nothing to overlap, and a step takes long enough.
    return tfTraining(backend, backend === 'webgpu' ? gpuSteps : 1);
  });
  return { suite: 'training', name: TRAINING_GROUP, work: { images: BATCH }, cases };
}

export const epochSeconds = (msPerStep: number): number => (msPerStep / 1e3) * (EPOCH_IMAGES / BATCH);
