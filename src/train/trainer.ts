// The training loop behind `train`: epochs over a seeded loader, the loss summed on the GPU and
// read only for progress (about once a second) and at the end of each epoch, then validation and
// test evaluation, checkpoints, metrics and curves in the run folder. It reports through events
// and prints nothing itself.
//
// Run folder: config.json (the options), metrics.jsonl (one object per epoch), best.safetensors
// (lowest validation loss; training loss without a validation set), last.safetensors and
// last.optim.safetensors (optimizer and loop state, for --resume), curves.svg.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtime } from '../gpu/context.js';
import { DataLoader } from '../data/loader.js';
import { fitsOnGpu } from '../data/resident.js';
import type { Dataset } from '../data/dataset.js';
import { randomHorizontalFlip } from '../data/augment.js';
import { evenSample, splitIndices } from '../data/split.js';
import { loadCheckpoint, loadOptimizerState, saveCheckpoint, saveOptimizerState } from '../io/checkpoint.js';
import { writeFileAtomic } from '../io/atomic.js';
import { curvesSvg } from '../io/plots.js';
import type { Module } from '../layers/module.js';
import { presets } from '../models/presets.js';
import { Adam, AdamW } from '../optim/adam.js';
import type { BaseOptions, Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { manualSeed, randomState, setRandomState } from '../tensor/random.js';
import { loadDataset } from './datasets.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { CapturedStep } from './captured-step.js';
import { RunningSum } from './running-sum.js';
import { supervisedStep } from './step.js';
import type { TrainOptions } from './recipes.js';

export interface EpochRecord {
  epoch: number;
  /** Mean batch loss over the epoch (the tutorials' "cost"). */
  train_loss: number;
  val_loss: number | null;
  val_accuracy: number | null;
  test_loss: number;
  test_accuracy: number;
  seconds: number;
  images_per_second: number;
  lr: number;
}

export interface TrainEvents {
  onStart?(info: { runDir: string; trainCount: number; valCount: number; testCount: number; stepsPerEpoch: number; startEpoch: number }): void;
  onProgress?(p: { epoch: number; step: number; steps: number; loss: number; imagesPerSecond: number; etaSeconds: number }): void;
  onEpoch?(record: EpochRecord, improved: boolean): void;
}

export type StopReason = 'completed' | 'early-stopped' | 'interrupted';

export interface TrainResult {
  runDir: string;
  history: EpochRecord[];
  stopReason: StopReason;
  /** Test metrics of the weights the run ends with (the best ones after early stopping). */
  test: Evaluation;
}

/** What last.optim.safetensors keeps besides the optimizer state. */
interface LoopState {
  epoch: number;
  history: EpochRecord[];
  bestLoss: number;
  sinceBest: number;
  rngState: number;
}

export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

const PROGRESS_SECONDS = 1;
/**
 * Recording runs ahead of the GPU by at most FENCES fences of FENCE_STEPS steps: enough queued
 * work to keep the GPU busy while JavaScript waits, little enough that progress, ETA and Ctrl-C
 * follow the GPU (unbounded, a slow GPU would get the whole epoch queued in a second).
 */
const FENCE_STEPS = 4;
const FENCES = 2;

export async function train(options: TrainOptions, runDir: string, events: TrainEvents = {}, control: { resume?: boolean; signal?: AbortSignal } = {}): Promise<TrainResult> {
  mkdirSync(runDir, { recursive: true });
  manualSeed(options.seed);
  const data = loadDataset(options.dataset, options.dataDir);
  const { trainIdx, valIdx, testIdx } = splits(data.train, data.test, options);
  const model = presets[options.model]();
  const optimizer = makeOptimizer(options, model);
  let loop: LoopState = { epoch: 0, history: [], bestLoss: Infinity, sinceBest: 0, rngState: randomState() };
  let loader: DataLoader | null = null;

  try {
    if (control.resume) loop = await resume(runDir, model, optimizer, options);
    else await writeFileAtomic(join(runDir, 'config.json'), JSON.stringify(options, null, 2) + '\n');
    setRandomState(loop.rngState);

    loader = new DataLoader(data.train, {
      batchSize: options.batchSize,
      shuffle: true,
      seed: options.seed,
      dropLast: true,
      indices: trainIdx,
      transform: options.flip ? randomHorizontalFlip() : undefined,
      resident: fitsOnGpu(data.train),
      inPlace: true, // the captured step's inputs (trainEpoch)
    });
    if (loader.length === 0) throw new TrainingError(`${trainIdx.length} training images make no full batch of ${options.batchSize}`);
    events.onStart?.({ runDir, trainCount: trainIdx.length, valCount: valIdx.length, testCount: testIdx.length, stepsPerEpoch: loader.length, startEpoch: loop.epoch + 1 });

    let stopReason: StopReason = 'completed';
    for (let epoch = loop.epoch + 1; epoch <= options.epochs; epoch++) {
      const started = performance.now();
      const trainLoss = await trainEpoch(model, optimizer, loader, epoch, events, control.signal);
      if (trainLoss === null) {
        stopReason = 'interrupted';
        break;
      }
      const trainSeconds = (performance.now() - started) / 1000;
      const val = valIdx.length > 0 ? await evaluate(model, data.train, valIdx, options.batchSize) : null;
      const test = await evaluate(model, data.test, testIdx, options.batchSize);
      const record: EpochRecord = {
        epoch,
        train_loss: trainLoss,
        val_loss: val?.loss ?? null,
        val_accuracy: val?.accuracy ?? null,
        test_loss: test.loss,
        test_accuracy: test.accuracy,
        seconds: (performance.now() - started) / 1000,
        images_per_second: (loader.length * options.batchSize) / trainSeconds,
        lr: optimizer.lr,
      };
      const monitored = val?.loss ?? trainLoss;
      const improved = monitored < loop.bestLoss;
      loop = { epoch, history: [...loop.history, record], bestLoss: improved ? monitored : loop.bestLoss, sinceBest: improved ? 0 : loop.sinceBest + 1, rngState: randomState() };
      await saveRun(runDir, model, optimizer, options, loop, improved);
      events.onEpoch?.(record, improved);
      if (options.patience > 0 && loop.sinceBest >= options.patience) {
        stopReason = 'early-stopped';
        break;
      }
    }

    // Keras's restore_best_weights: end with the best weights when early stopping kicked in.
    if (stopReason === 'early-stopped') await loadCheckpoint(join(runDir, 'best.safetensors'), model, { expectModel: options.model });
    const test = await evaluate(model, data.test, testIdx, options.batchSize);
    return { runDir, history: loop.history, stopReason, test };
  } finally {
    loader?.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * One epoch; returns the mean batch loss, or null when interrupted (nothing of the epoch is saved).
 * Its first step runs as usual and is captured; each later step finds its batch where the
 * captured one was (the loader is inPlace) and replays it, which skips the ops' JavaScript
 * (./captured-step.ts). The capture lives for the epoch only: evaluation, checkpoints and the next
 * epoch's order come between.
 */
async function trainEpoch(model: Module, optimizer: Optimizer<BaseOptions>, loader: DataLoader, epoch: number, events: TrainEvents, signal?: AbortSignal): Promise<number | null> {
  model.train();
  const steps = loader.length;
  const started = performance.now();
  const lossSum = new RunningSum();
  const trainStep = new CapturedStep(supervisedStep(model, optimizer, lossSum));
  const fences: Promise<unknown>[] = [];
  let lastReport = started;
  let step = 0;
  try {
    for (const { x, y } of loader.batches(epoch - 1)) {
      trainStep.run(x, y);
      x.dispose();
      y.dispose();
      step++;
      if (step % FENCE_STEPS === 0) {
        fences.push(runtime().fence());
        if (fences.length > FENCES) await fences.shift();
      }
      if (signal?.aborted) return null;
      if (performance.now() - lastReport > PROGRESS_SECONDS * 1000 || step === steps) {
        // Steps are recorded ahead of the GPU; the read waits for it, so time is taken after.
        const mean = (await lossSum.read()) / step;
        const now = performance.now();
        lastReport = now;
        if (!Number.isFinite(mean)) throw new TrainingError(`the training loss became ${mean} at epoch ${epoch}, step ${step}: lower the learning rate (the last good checkpoints are kept)`);
        const perImage = (now - started) / 1000 / (step * loader.batchSize);
        events.onProgress?.({ epoch, step, steps, loss: mean, imagesPerSecond: 1 / perImage, etaSeconds: perImage * (steps - step) * loader.batchSize });
      }
    }
    return (await lossSum.read()) / steps;
  } finally {
    trainStep.dispose();
    lossSum.dispose();
  }
}

function splits(train: Dataset, test: Dataset, options: TrainOptions) {
  const all = (count: number) => Array.from({ length: count }, (_, i) => i);
  // valFraction 0: no validation set (best checkpoints then follow the training loss).
  const { train: trainAll, val: valAll } = options.valFraction > 0 ? splitIndices(train.count, options.valFraction, options.seed) : { train: all(train.count), val: [] };
  const limit = (idx: ArrayLike<number>) => evenSample(Array.from(idx), options.limit);
  const testAll = all(test.count);
  return { trainIdx: limit(trainAll), valIdx: limit(valAll), testIdx: limit(testAll) };
}

function makeOptimizer(o: TrainOptions, model: Module): Optimizer<BaseOptions> {
  const params = model.parameters();
  switch (o.optimizer) {
    case 'adam':
      return new Adam(params, { lr: o.lr, eps: o.eps, weightDecay: o.weightDecay });
    case 'adamw':
      return new AdamW(params, { lr: o.lr, eps: o.eps, weightDecay: o.weightDecay });
    case 'sgd':
      return new SGD(params, { lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay });
  }
}

async function saveRun(runDir: string, model: Module, optimizer: Optimizer<BaseOptions>, options: TrainOptions, loop: LoopState, improved: boolean): Promise<void> {
  const last = loop.history[loop.history.length - 1];
  const metadata = { model: options.model, dataset: options.dataset, epoch: loop.epoch, val_loss: String(last.val_loss), val_accuracy: String(last.val_accuracy) };
  await saveCheckpoint(join(runDir, 'last.safetensors'), model, metadata);
  if (improved) await saveCheckpoint(join(runDir, 'best.safetensors'), model, metadata);
  await saveOptimizerState(join(runDir, 'last.optim.safetensors'), await optimizer.stateDict(), loop);
  await writeFileAtomic(join(runDir, 'metrics.jsonl'), loop.history.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await writeFileAtomic(join(runDir, 'curves.svg'), curvesSvg(loop.history));
}

async function resume(runDir: string, model: Module, optimizer: Optimizer<BaseOptions>, options: TrainOptions): Promise<LoopState> {
  const configPath = join(runDir, 'config.json');
  const lastPath = join(runDir, 'last.safetensors');
  if (!existsSync(configPath) || !existsSync(lastPath)) throw new TrainingError(`cannot resume from ${runDir}: it holds no finished epoch (config.json and last.safetensors)`);
  const saved = JSON.parse(readFileSync(configPath, 'utf8')) as TrainOptions;
  const changed = (Object.keys(saved) as (keyof TrainOptions)[]).filter((k) => k !== 'epochs' && JSON.stringify(saved[k]) !== JSON.stringify(options[k]));
  if (changed.length) throw new TrainingError(`cannot resume ${runDir} with different options (${changed.map((k) => `${k}: ${JSON.stringify(saved[k])} → ${JSON.stringify(options[k])}`).join(', ')}); only --epochs may change`);
  await loadCheckpoint(lastPath, model, { expectModel: options.model });
  const { state, extra } = await loadOptimizerState<BaseOptions, LoopState>(join(runDir, 'last.optim.safetensors'));
  optimizer.loadStateDict(state);
  return extra;
}
