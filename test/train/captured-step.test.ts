import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, Conv2d, DataLoader, Dropout, Flatten, init, Linear, manualSeed, MaxPool2d, ReLU, runtime, Sequential, SGD, shutdown, tensor, type Optimizer, type Tensor } from '../../src/index.js';
import { CapturedStep } from '../../src/train/captured-step.js';
import { RunningSum } from '../../src/train/running-sum.js';
import { supervisedStep } from '../../src/train/step.js';
import { tinyDataset } from '../data/tiny.js';
const BATCH = 6;
const STEPS = 5;

/** Seeded host batches of 24×24 images and labels of 3 classes; one in the middle is short, so replays follow an eager step. */
function batches(): { x: Float32Array; y: Float32Array }[] {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: STEPS }, (_, i) => {
    const n = i === 2 ? BATCH - 2 : BATCH;
    return { x: Float32Array.from({ length: n * 576 }, rnd), y: Float32Array.from({ length: n }, () => Math.floor(rnd() * 3)) };
  });
}

type MakeOptimizer = (params: Tensor[]) => Optimizer<{ lr: number }>;

/**
 * Trains a small CNN with dropout for STEPS steps as the trainer does, eagerly or through a
 * CapturedStep (the first step captured, the others replayed, the short one run as usual and the next captured again). Returns the parameters, the loss sum and the step counts.
 */
async function trainRun(makeOptimizer: MakeOptimizer, replay: boolean) {
  manualSeed(7);
  const model = new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(576, 16), new ReLU(), new Dropout(0.5), new Linear(16, 3));
  const opt = makeOptimizer(model.parameters());
  const lossSum = new RunningSum();
  const run = supervisedStep(model, opt, { loss: lossSum });
  const captured = new CapturedStep(run);
  const grads: Float32Array[] = [];
  for (const b of batches()) {
    const x = tensor(b.x, [b.y.length, 1, 24, 24]);
    const y = tensor(b.y, [b.y.length]);
    if (replay) captured.run(x, y);
    else run(x, y);
    x.dispose();
    y.dispose();
    grads.push(await (model.parameters()[0].grad as Tensor).toArray());
  }
  const params = await Promise.all(model.parameters().map((p) => p.toArray()));
  const state = await opt.stateDict();
  const loss = await lossSum.read();
  captured.dispose();
  lossSum.dispose();
  opt.dispose();
  model.dispose();
  return { params, loss, steps: state.state.map((s) => s?.step), grads };
}

// Both kernel families (RuntimeOptions.kernels): at these sizes the GPU one splits the Linear's
// product (k = 576) and the weight-gradient sums into partial results through temporaries, which
// a replay must find as the capture left them.
describe.each(['software', 'gpu'] as const)('CapturedStep (%s kernels)', (kernels) => {
  beforeAll(async () => {
    shutdown();
    await init({ kernels });
  });
  afterAll(() => shutdown());

  const optimizers: [string, MakeOptimizer][] = [
    ['Adam', (p) => new Adam(p, { lr: 0.01 })],
    ['SGD with momentum', (p) => new SGD(p, { lr: 0.05, momentum: 0.9, dampening: 0.1 })],
  ];
  it.each(optimizers)('replaying a step trains exactly as running it again (%s, dropout, loss sum)', async (_, make) => {
    const eager = await trainRun(make, false);
    const replayed = await trainRun(make, true);
    expect(replayed.steps).toEqual(eager.steps);
    expect(eager.steps.every((s) => s === STEPS)).toBe(true);
    expect(replayed.loss).toBe(eager.loss);
    replayed.params.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(eager.params[i])));
    // .grad as well, step by step: after the short batch's eager step the step is captured anew.
    replayed.grads.forEach((g, i) => expect(Array.from(g), `step ${i + 1}`).toEqual(Array.from(eager.grads[i])));
  });

  it('copies nothing in when the loader puts batches in place', () => {
    /** Dispatches each replay records, the batch gather aside. */
    const perReplay = (inPlace: boolean) => {
      const loader = new DataLoader(tinyDataset(9), { batchSize: 3, resident: true, inPlace });
      const model = new Sequential(new Flatten(), new Linear(6, 3));
      const opt = new SGD(model.parameters(), { lr: 0.1 });
      const step = new CapturedStep(supervisedStep(model, opt));
      const counts: number[] = [];
      for (const { x, y } of loader) {
        const before = runtime().dispatchCount;
        step.run(x, y);
        counts.push(runtime().dispatchCount - before);
        x.dispose();
        y.dispose();
      }
      step.dispose();
      loader.dispose();
      opt.dispose();
      model.dispose();
      return counts.slice(1);
    };
    const [copied, inPlace] = [perReplay(false), perReplay(true)];
    expect(copied[0]).toBe(copied[1]);
    expect(inPlace).toEqual(copied.map((n) => n - 2));
  });
});
