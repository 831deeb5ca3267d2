// The training loop behind `train`: epochs over a seeded loader, the loss summed on the GPU and
// read only for progress (about once a second) and at the end of each epoch, then validation and
// test evaluation, checkpoints, metrics and curves in the run folder. It reports through events
// and prints nothing itself.
//
// Run folder: config.json (the options), metrics.jsonl (one object per epoch), best.safetensors
// (lowest validation loss; training loss without a validation set), last.safetensors and
// last.optim.safetensors (optimizer and loop state, for --resume), curves.svg; and while an epoch
// is under way, partial-e<epoch>-s<step>.safetensors and .optim.safetensors: its progress, saved
// every few minutes, on an interrupt and once its steps are done, so that --resume loses none of a
// long epoch. Every file is written atomically, and in an order that leaves a consistent state to
// resume from wherever a crash falls: a new progress pair before the old one is removed; at an
// epoch's end, the pair of its last step, then best, last.optim and last, then the pair's removal.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runtime } from '../gpu/context.js';
import { DataLoader } from '../data/loader.js';
import { fitsOnGpu } from '../data/resident.js';
import type { Dataset } from '../data/dataset.js';
import { randomHorizontalFlip } from '../data/augment.js';
import { evenSample, splitIndices } from '../data/split.js';
import { loadCheckpoint, loadOptimizerState, saveCheckpoint, saveOptimizerState } from '../io/checkpoint.js';
import { decodeSafetensors } from '../io/safetensors.js';
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
  /** Fraction of the epoch's training images classified right as they were trained on (Keras's `accuracy`); null for an epoch resumed from progress saved before it was counted. */
  train_accuracy: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
  test_loss: number;
  test_accuracy: number;
  seconds: number;
  images_per_second: number;
  lr: number;
}

export interface TrainEvents {
  /**
   * startStep: steps of startEpoch done before (a run resumed in the middle of an epoch);
   * startEpoch past the run's epochs, or stoppedEarly: a resumed run with nothing left to train.
   */
  onStart?(info: { runDir: string; trainCount: number; valCount: number; testCount: number; stepsPerEpoch: number; startEpoch: number; startStep: number; stoppedEarly: boolean }): void;
  onProgress?(p: { epoch: number; step: number; steps: number; loss: number; imagesPerSecond: number; etaSeconds: number }): void;
  /** Images of the validation or test set evaluated at an epoch's end (see evaluate). */
  onEvaluate?(p: { split: 'validation' | 'test'; done: number; total: number }): void;
  onEpoch?(record: EpochRecord, improved: boolean): void;
}

export type StopReason = 'completed' | 'early-stopped' | 'interrupted';

export interface TrainResult {
  runDir: string;
  history: EpochRecord[];
  stopReason: StopReason;
  /** The epoch whose weights the run ends with when they are not its last epoch's (see train), else null. */
  restoredEpoch: number | null;
  /**
   * Test metrics of the epoch the run ends with (the restored one, else the last); null when it was
   * interrupted, which leaves weights from the middle of an epoch, or finished no epoch.
   */
  test: Pick<Evaluation, 'loss' | 'accuracy'> | null;
}

/** What last.optim.safetensors keeps besides the optimizer state. */
interface LoopState {
  epoch: number;
  history: EpochRecord[];
  bestLoss: number;
  sinceBest: number;
  rngState: number;
}

/** Where an epoch stands after `step` of its steps (a fresh one: all 0). */
interface EpochStart {
  step: number;
  /** The running sum of its batch losses (a float32 read from the GPU). */
  lossSum: number;
  /** Images classified right so far (NaN: progress saved before they were counted). */
  correct: number;
  /** Seconds spent training those steps, for the epoch's images/s. */
  seconds: number;
}

/** What partial.optim.safetensors keeps: the loop as of the last finished epoch, and the next one's progress. */
interface PartialState extends EpochStart {
  loop: LoopState;
  /** The generator after the saved step (dropout draws from it). */
  rngState: number;
}

export interface TrainControl {
  /** Continue the run in the run folder: from its saved progress in an epoch, else after its last finished epoch. */
  resume?: boolean;
  /** Aborting stops the run after the current step and saves the epoch's progress. */
  signal?: AbortSignal;
  /** During an epoch, save its progress this often (default 600; 0: only when interrupted). */
  saveSeconds?: number;
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
const SAVE_SECONDS = 600;
const FRESH_EPOCH: EpochStart = { step: 0, lossSum: 0, correct: 0, seconds: 0 };

export async function train(options: TrainOptions, runDir: string, events: TrainEvents = {}, control: TrainControl = {}): Promise<TrainResult> {
  manualSeed(options.seed);
  const data = loadDataset(options.dataset, options.dataDir);
  const { trainIdx, valIdx, testIdx } = splits(data.train, data.test, options);
  // Bad options fail before the run folder is made or touched.
  const dropLast = options.dropLast ?? true;
  if (trainIdx.length === 0 || (dropLast && trainIdx.length < options.batchSize)) {
    throw new TrainingError(`${trainIdx.length} training images make no full batch of ${options.batchSize}: lower --batch-size${options.limit === undefined ? '' : ' or raise --limit'}`);
  }
  const model = presets[options.model]();
  const optimizer = makeOptimizer(options, model);
  let loop: LoopState = { epoch: 0, history: [], bestLoss: Infinity, sinceBest: 0, rngState: randomState() };
  let start = FRESH_EPOCH;
  let loader: DataLoader | null = null;

  try {
    if (control.resume) {
      const resumed = await resume(runDir, model, optimizer, options);
      loop = resumed.loop;
      start = resumed.start;
      setRandomState(resumed.rngState);
      // A run given more (or fewer) epochs keeps them: a later --resume continues to that count.
      if (resumed.savedEpochs !== options.epochs) await writeConfig(runDir, options);
    } else {
      refuseOccupied(runDir);
      makeRunDir(runDir);
      await writeConfig(runDir, options);
    }

    loader = new DataLoader(data.train, {
      batchSize: options.batchSize,
      shuffle: true,
      seed: options.seed,
      dropLast,
      indices: trainIdx,
      transform: options.flip ? randomHorizontalFlip() : undefined,
      resident: fitsOnGpu(data.train),
      inPlace: true, // the captured step's inputs (trainEpoch)
    });
    // A resumed run that had stopped early stays stopped.
    const stoppedEarly = options.patience > 0 && loop.sinceBest >= options.patience && start.step === 0;
    events.onStart?.({ runDir, trainCount: trainIdx.length, valCount: valIdx.length, testCount: testIdx.length, stepsPerEpoch: loader.length, startEpoch: loop.epoch + 1, startStep: start.step, stoppedEarly });

    let stopReason: StopReason = stoppedEarly ? 'early-stopped' : 'completed';
    for (let epoch = loop.epoch + 1; stopReason === 'completed' && epoch <= options.epochs; epoch++) {
      const finished = loop;
      const savePartial = (at: EpochStart) => saveProgress(runDir, model, optimizer, options, { ...at, loop: finished, rngState: randomState() });
      const trained = await trainEpoch(model, optimizer, loader, epoch, start, { events, signal: control.signal, saveSeconds: control.saveSeconds ?? SAVE_SECONDS, savePartial });
      start = FRESH_EPOCH;
      // Interrupted in the epoch, or as its last steps ran: their progress is saved, and the
      // resumed run evaluates the epoch.
      if (trained === null || control.signal?.aborted) {
        stopReason = 'interrupted';
        break;
      }
      const evalStarted = performance.now();
      const report = (split: 'validation' | 'test') => events.onEvaluate && ((done: number, total: number) => events.onEvaluate!({ split, done, total }));
      const val = valIdx.length > 0 ? await evaluate(model, data.train, valIdx, options.batchSize, report('validation')) : null;
      const test = await evaluate(model, data.test, testIdx, options.batchSize, report('test'));
      const record: EpochRecord = {
        epoch,
        train_loss: trained.loss,
        train_accuracy: Number.isNaN(trained.accuracy) ? null : trained.accuracy,
        val_loss: val?.loss ?? null,
        val_accuracy: val?.accuracy ?? null,
        test_loss: test.loss,
        test_accuracy: test.accuracy,
        seconds: trained.seconds + (performance.now() - evalStarted) / 1000,
        images_per_second: loader.imageCount / trained.seconds,
        lr: optimizer.lr,
      };
      const monitored = val?.loss ?? trained.loss;
      const improved = monitored < loop.bestLoss;
      loop = { epoch, history: [...loop.history, record], bestLoss: improved ? monitored : loop.bestLoss, sinceBest: improved ? 0 : loop.sinceBest + 1, rngState: randomState() };
      await saveRun(runDir, model, optimizer, options, loop, improved);
      events.onEpoch?.(record, improved);
      if (options.patience > 0 && loop.sinceBest >= options.patience) {
        stopReason = 'early-stopped';
        break;
      }
      // An interrupt during the evaluation: the epoch's checkpoints are saved; no next epoch.
      if (control.signal?.aborted && epoch < options.epochs) {
        stopReason = 'interrupted';
        break;
      }
    }

    // Early stopping is Keras's EarlyStopping(restore_best_weights=True), which ends a run that
    // stopped or finished after its best epoch on that epoch's weights (best.safetensors). Their
    // test metrics are that epoch's, measured when it ended (evaluation is deterministic).
    const restoredEpoch = options.patience > 0 && stopReason !== 'interrupted' && loop.sinceBest > 0 ? loop.epoch - loop.sinceBest : null;
    const ending = stopReason === 'interrupted' ? undefined : loop.history.find((r) => r.epoch === (restoredEpoch ?? loop.epoch));
    return { runDir, history: loop.history, stopReason, restoredEpoch, test: ending ? { loss: ending.test_loss, accuracy: ending.test_accuracy } : null };
  } finally {
    loader?.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

interface EpochControl {
  events: TrainEvents;
  signal?: AbortSignal;
  saveSeconds: number;
  /** Saves the epoch's progress (partial.*). */
  savePartial(at: EpochStart): Promise<void>;
}

/**
 * One epoch from `start` on; returns the mean batch loss and the seconds its steps took, or null
 * when interrupted, after saving its progress. Its first step runs as usual and is captured; each
 * later step finds its batch where the captured one was (the loader is inPlace) and replays it,
 * which skips the ops' JavaScript (./captured-step.ts). The capture lives for the epoch only:
 * evaluation, checkpoints and the next epoch's order come between.
 */
async function trainEpoch(model: Module, optimizer: Optimizer<BaseOptions>, loader: DataLoader, epoch: number, start: EpochStart, control: EpochControl): Promise<{ loss: number; accuracy: number; seconds: number } | null> {
  model.train();
  const steps = loader.length;
  let started = performance.now();
  const lossSum = new RunningSum(start.lossSum);
  const correct = new RunningSum(start.correct);
  const trainStep = new CapturedStep(supervisedStep(model, optimizer, { loss: lossSum, correct }));
  const fences: Promise<unknown>[] = [];
  let lastReport = started;
  let lastSave = started;
  let step = start.step;
  // The progress of the steps taken so far (waits for the GPU); a NaN loss stops the run here,
  // before its weights could be saved.
  const progress = async (): Promise<EpochStart> => {
    const [sum, right] = await Promise.all([lossSum.read(), correct.read()]);
    if (!Number.isFinite(sum)) throw new TrainingError(`the training loss became ${sum / step} at epoch ${epoch}, step ${step}: lower the learning rate (the last good checkpoints are kept)`);
    return { step, lossSum: sum, correct: right, seconds: start.seconds + (performance.now() - started) / 1000 };
  };
  try {
    for (const { x, y } of loader.batches(epoch - 1, start.step)) {
      trainStep.run(x, y);
      x.dispose();
      y.dispose();
      step++;
      if (step % FENCE_STEPS === 0) {
        fences.push(runtime().fence());
        if (fences.length > FENCES) await fences.shift();
      }
      if (control.signal?.aborted) {
        await control.savePartial(await progress());
        return null;
      }
      if (performance.now() - lastReport > PROGRESS_SECONDS * 1000 || step === steps) {
        // Steps are recorded ahead of the GPU; the read waits for it, so time is taken after.
        const now = await progress();
        lastReport = performance.now();
        const mean = now.lossSum / step;
        const perImage = (lastReport - started) / 1000 / (Math.min(step * loader.batchSize, loader.imageCount) - start.step * loader.batchSize);
        control.events.onProgress?.({ epoch, step, steps, loss: mean, imagesPerSecond: 1 / perImage, etaSeconds: perImage * (steps - step) * loader.batchSize });
      }
      if (control.saveSeconds > 0 && step < steps && performance.now() - lastSave > control.saveSeconds * 1000) {
        const at = await progress();
        const saving = performance.now();
        await control.savePartial(at);
        lastSave = performance.now();
        // The save's time is not training time.
        started += lastSave - saving;
      }
    }
    const end = await progress();
    // Saved before evaluation and the epoch's checkpoints, which a crash may then cut short.
    if (end.step > start.step) await control.savePartial(end);
    return { loss: end.lossSum / steps, accuracy: end.correct / loader.imageCount, seconds: end.seconds };
  } finally {
    trainStep.dispose();
    lossSum.dispose();
    correct.dispose();
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
  if (improved) await saveCheckpoint(join(runDir, 'best.safetensors'), model, metadata);
  // The state before the weights: resume() takes the pair only when both name the same epoch.
  await saveOptimizerState(join(runDir, LAST_OPTIM), await optimizer.stateDict(), loop);
  await saveCheckpoint(join(runDir, LAST), model, metadata);
  await writeFileAtomic(join(runDir, 'metrics.jsonl'), loop.history.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await writeFileAtomic(join(runDir, 'curves.svg'), curvesSvg(loop.history));
  removeProgress(runDir);
}

const LAST = 'last.safetensors';
const LAST_OPTIM = 'last.optim.safetensors';
const PROGRESS = /^partial-e(\d+)-s(\d+)\.optim\.safetensors$/;
/** A progress pair's files: weights, then optimizer state. */
export const progressFiles = (epoch: number, step: number) => [`partial-e${epoch}-s${step}.safetensors`, `partial-e${epoch}-s${step}.optim.safetensors`];

/** The saved progress pairs in a run folder (complete or not): epoch, step. */
export function progressPairs(runDir: string): { epoch: number; step: number }[] {
  return readdirSync(runDir).flatMap((f) => {
    const m = PROGRESS.exec(f);
    return m ? [{ epoch: Number(m[1]), step: Number(m[2]) }] : [];
  });
}

/** Saves an epoch's progress as a new pair of files, then removes the older pairs. */
async function saveProgress(runDir: string, model: Module, optimizer: Optimizer<BaseOptions>, options: TrainOptions, state: PartialState): Promise<void> {
  const epoch = state.loop.epoch + 1;
  const [weights, optim] = progressFiles(epoch, state.step);
  // The state first: a pair counts once its weights exist.
  await saveOptimizerState(join(runDir, optim), await optimizer.stateDict(), state);
  await saveCheckpoint(join(runDir, weights), model, { model: options.model, dataset: options.dataset, epoch, step: state.step });
  removeProgress(runDir, { epoch, step: state.step });
}

/** Removes the progress files, but for the pair `keep`. */
function removeProgress(runDir: string, keep?: { epoch: number; step: number }): void {
  for (const { epoch, step } of progressPairs(runDir)) {
    if (epoch === keep?.epoch && step === keep.step) continue;
    for (const f of progressFiles(epoch, step)) rmSync(join(runDir, f), { force: true });
  }
}

/** Creates the run folder; a failure says why (Node's recursive mkdir reports a read-only parent as ENOENT). */
function makeRunDir(runDir: string): void {
  try {
    mkdirSync(runDir, { recursive: true });
  } catch (e) {
    let code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && existsSync(dirname(runDir))) {
      try {
        mkdirSync(runDir);
        return;
      } catch (inner) {
        code = (inner as NodeJS.ErrnoException).code ?? code;
      }
    }
    throw new TrainingError(`cannot create the run folder ${runDir}: ${code ?? (e as Error).message}`);
  }
}

const writeConfig = (runDir: string, options: TrainOptions) => writeFileAtomic(join(runDir, 'config.json'), JSON.stringify(options, null, 2) + '\n');

/** A fresh run never overwrites another run's checkpoints: they might be all that is left of it. */
function refuseOccupied(runDir: string): void {
  if (!existsSync(runDir)) return;
  if (existsSync(join(runDir, LAST)) || existsSync(join(runDir, LAST_OPTIM)) || progressPairs(runDir).length > 0) {
    throw new TrainingError(`${runDir} already holds a run: continue it with --resume ${runDir}, or train into another --out folder`);
  }
}

/** The options a run in this folder was started with (its config.json), which `--resume` continues with. */
export function savedOptions(runDir: string): TrainOptions {
  const configPath = join(runDir, 'config.json');
  if (!existsSync(configPath)) throw new TrainingError(`cannot resume from ${runDir}: it holds no run (config.json)`);
  try {
    return JSON.parse(readFileSync(configPath, 'utf8')) as TrainOptions;
  } catch (e) {
    throw new TrainingError(`cannot resume from ${runDir}: ${configPath} is not valid JSON (${(e as Error).message})`);
  }
}

const epochOf = (path: string): number => Number(decodeSafetensors(readFileSync(path), path).metadata.epoch);

/**
 * Loads the state a resumed run continues from: the progress saved in an epoch where it follows the
 * last finished one, else that epoch's end.
 */
async function resume(runDir: string, model: Module, optimizer: Optimizer<BaseOptions>, options: TrainOptions): Promise<{ loop: LoopState; start: EpochStart; rngState: number; savedEpochs: number }> {
  const lastPath = join(runDir, LAST);
  const lastOptim = join(runDir, LAST_OPTIM);
  const saved = savedOptions(runDir);
  const keys = new Set([...Object.keys(saved), ...Object.keys(options)] as (keyof TrainOptions)[]);
  const changed = [...keys].filter((k) => k !== 'epochs' && JSON.stringify(saved[k]) !== JSON.stringify(options[k]));
  if (changed.length) throw new TrainingError(`cannot resume ${runDir} with different options (${changed.map((k) => `${k}: ${JSON.stringify(saved[k]) ?? 'unset'} → ${JSON.stringify(options[k]) ?? 'unset'}`).join(', ')}); only --epochs may change`);

  // The last finished epoch as its weights say (0: none); the newest complete progress pair in the
  // epoch after it, if that epoch is still to train.
  const finishedEpoch = existsSync(lastPath) ? epochOf(lastPath) : 0;
  const progress = progressPairs(runDir)
    .filter(({ epoch, step }) => epoch === finishedEpoch + 1 && epoch <= options.epochs && existsSync(join(runDir, progressFiles(epoch, step)[0])))
    .sort((a, b) => b.step - a.step)[0];
  if (progress) {
    const [weights, optim] = progressFiles(progress.epoch, progress.step).map((f) => join(runDir, f));
    const { state, extra } = await loadOptimizerState<BaseOptions, PartialState>(optim);
    await loadCheckpoint(weights, model, { expectModel: options.model });
    optimizer.loadStateDict(state);
    return { loop: extra.loop, start: { step: extra.step, lossSum: extra.lossSum, correct: extra.correct ?? NaN, seconds: extra.seconds }, rngState: extra.rngState, savedEpochs: saved.epochs };
  }
  if (finishedEpoch === 0) throw new TrainingError(`cannot resume from ${runDir}: it holds no finished epoch (${LAST}) and no saved progress`);
  const finished = existsSync(lastOptim) ? await loadOptimizerState<BaseOptions, LoopState>(lastOptim) : null;
  if (finished?.extra.epoch !== finishedEpoch) {
    throw new TrainingError(`cannot resume from ${runDir}: ${LAST} (epoch ${finishedEpoch}) and ${LAST_OPTIM} (${finished ? `epoch ${finished.extra.epoch}` : 'missing'}) do not belong together, and no saved progress covers the gap`);
  }
  await loadCheckpoint(lastPath, model, { expectModel: options.model });
  optimizer.loadStateDict(finished.state);
  return { loop: finished.extra, start: FRESH_EPOCH, rngState: finished.extra.rngState, savedEpochs: saved.epochs };
}
