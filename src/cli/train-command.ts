// `train`: the tutorials' training runs from the command line.
import { join, resolve } from 'node:path';
import { presets, type PresetName } from '../models/presets.js';
import { recipes, type TrainOptions } from '../train/recipes.js';
import { savedOptions, train, type EpochRecord, type TrainEvents, type TrainResult } from '../train/trainer.js';
import { init } from '../gpu/context.js';
import { helpText, parseOptions, UsageError, type OptionTable } from './args.js';
import { EvaluationProgress, formatDuration, Progress } from './progress.js';
import { formatSignificant } from './python-format.js';

const table = {
  model: { type: 'string', choices: Object.keys(presets), help: 'tutorial model (default cnn); its tutorial\'s data set and hyperparameters are the defaults (table below)' },
  dataset: { type: 'string', choices: ['mnist', 'fashion-mnist'], help: 'data set (default: the model tutorial\'s)' },
  dataDir: { type: 'string', help: 'directory of official IDX files (train-images-idx3-ubyte[.gz], …) to use instead of the packaged data' },
  epochs: { type: 'number', integer: true, min: 1, help: 'epochs to train' },
  batchSize: { type: 'number', integer: true, min: 1, help: 'images per step' },
  lr: { type: 'number', min: 0, help: 'learning rate' },
  optimizer: { type: 'string', choices: ['adam', 'adamw', 'sgd'], help: 'optimizer' },
  momentum: { type: 'number', min: 0, help: 'SGD momentum' },
  weightDecay: { type: 'number', min: 0, help: 'weight decay (L2 for adam/sgd, decoupled for adamw; default PyTorch\'s: 0, adamw 0.01)' },
  seed: { type: 'number', integer: true, help: 'random seed (torch.manual_seed)' },
  valFraction: { type: 'number', min: 0, help: 'fraction of the training set held out for validation' },
  patience: { type: 'number', integer: true, min: 0, help: 'early stopping: epochs without a better validation loss (0: off); the run ends on its best epoch (best.safetensors)' },
  flip: { type: 'boolean', help: 'random horizontal flips of training images' },
  limit: { type: 'number', integer: true, min: 1, help: 'use at most this many images of each split (a quick check)' },
  out: { type: 'string', help: 'run folder (default runs/<model>-<dataset>-<time>)' },
  resume: { type: 'string', help: 'continue the run in this folder where it stopped (at the step its progress was saved, else after its last finished epoch) with the options it was started with; only --epochs may differ' },
  saveMinutes: { type: 'number', min: 0, help: 'during an epoch, save its progress every this many minutes (default 10; 0: only on Ctrl-C and at its end), for --resume' },
  json: { type: 'boolean', help: 'print the result as JSON' },
} as const satisfies OptionTable;

/** The options above that are TrainOptions (the rest say where and how to run). */
const trainOptionKeys = ['dataset', 'dataDir', 'epochs', 'batchSize', 'lr', 'optimizer', 'momentum', 'weightDecay', 'seed', 'valFraction', 'patience', 'flip', 'limit'] as const satisfies readonly (keyof TrainOptions & keyof typeof table)[];

/** Each model's defaults, from its recipe. */
function defaultsTable(): string {
  const head = ['model', 'dataset', 'epochs', 'batch-size', 'optimizer', 'lr', 'val-fraction', 'patience'];
  const rows = Object.entries(recipes).map(([model, r]) => [model, r.dataset, r.epochs, r.batchSize, r.optimizer, r.lr, r.valFraction, r.patience].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
  const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i])).join('').trimEnd();
  return `Defaults by model (seed 777, 42 for keras-cnn; weight decay: the optimizer's):\n${[head, ...rows].map(line).join('\n')}\n`;
}

export const trainHelp = helpText('train', 'Trains a tutorial model and writes checkpoints, metrics.jsonl and curves.svg to a run folder.', table, defaultsTable());

export async function trainCommand(argv: string[]): Promise<number> {
  const o = parseOptions('train', argv, table);
  await init();
  if (o.resume && o.out && resolve(o.resume) !== resolve(o.out)) throw new UsageError(`train: --resume ${o.resume} and --out ${o.out} name different folders; a resumed run stays in its own`);
  // A resumed run continues with the options it was started with; any given here must match them.
  const saved = o.resume ? savedOptions(o.resume) : undefined;
  const model = (o.model ?? saved?.model ?? 'cnn') as PresetName;
  const options: TrainOptions = saved && saved.model === model ? { ...saved } : { model, ...recipes[model] };
  for (const key of trainOptionKeys) {
    if (o[key] !== undefined) (options as unknown as Record<string, unknown>)[key] = o[key];
  }
  if (options.valFraction >= 1) throw new UsageError(`train: --val-fraction must be below 1, got ${options.valFraction}`);
  if (o.momentum !== undefined && options.optimizer !== 'sgd') throw new UsageError(`train: --momentum applies to --optimizer sgd, not ${options.optimizer}`);
  const runDir = o.resume ?? o.out ?? join('runs', `${model}-${options.dataset}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);

  const controller = new AbortController();
  // Ctrl-C, or a SIGTERM from a job scheduler or container: stop cleanly, keeping the epoch's progress.
  // The shell's code for a death by that signal: 128 + its number.
  let exitCode = 130;
  const onSignal = (signal: NodeJS.Signals) => {
    exitCode = signal === 'SIGTERM' ? 143 : 130;
    if (controller.signal.aborted) process.exit(exitCode);
    process.stderr.write(`\nstopping after this step (or the epoch's evaluation) and saving the epoch's progress for --resume ${runDir} (${signal === 'SIGINT' ? 'Ctrl-C' : 'a second signal'} again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = new Progress(process.stderr);
  // Evaluation progress only on a terminal, where it is redrawn in place: a log gets the epoch lines.
  let evaluation: EvaluationProgress | null = null;
  const log = (line: string) => (o.json ? process.stderr : process.stdout).write(line + '\n');
  try {
    const result = await train(options, runDir, {
      onStart: (i) => log(startLine(runDir, options, i)),
      onProgress: (p) => progress.update({ ...p, epochs: options.epochs }),
      onEvaluate: process.stderr.isTTY
        ? ({ split, done, total }) => {
            progress.done();
            evaluation ??= new EvaluationProgress(process.stderr, `epoch's ${split}`);
            evaluation.update(done, total);
            if (done === total) {
              evaluation.done();
              evaluation = null;
            }
          }
        : undefined,
      onEpoch: (r, improved) => {
        progress.done();
        log(epochLine(r, improved));
      },
    }, { resume: Boolean(o.resume), signal: controller.signal, saveSeconds: (o.saveMinutes ?? 10) * 60 });
    progress.done();
    log(result.test ? `Test accuracy: ${result.test.accuracy.toFixed(4)}${endNote(result)}` : `Stopped; continue with: npm run train -- --resume ${runDir}`);
    log(`Run folder: ${runDir}`);
    if (o.json) process.stdout.write(JSON.stringify({ runDir, stopReason: result.stopReason, restoredEpoch: result.restoredEpoch, test: result.test, history: result.history }, null, 2) + '\n');
    return result.stopReason === 'interrupted' ? exitCode : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** What the run is about to do; for a resumed run with nothing left, why. */
function startLine(runDir: string, options: TrainOptions, i: Parameters<NonNullable<TrainEvents['onStart']>>[0]): string {
  if (i.stoppedEarly) return `${runDir} stopped early (no better ${options.valFraction > 0 ? 'validation' : 'training'} loss in ${options.patience} epochs): nothing to resume`;
  if (i.startEpoch > options.epochs) return `${runDir} has finished its ${options.epochs} epochs: pass --epochs with more to train it longer`;
  const at = i.startStep === i.stepsPerEpoch ? ', its steps done' : i.startStep > 0 ? `, step ${i.startStep + 1}` : '';
  const what = i.startEpoch > 1 || i.startStep > 0 ? `Resuming ${runDir} at epoch ${i.startEpoch}${at}` : `Training ${options.model} on ${options.dataset}`;
  return `${what}: ${i.trainCount} train / ${i.valCount} validation / ${i.testCount} test images, ${i.stepsPerEpoch} steps of ${options.batchSize} per epoch, ${options.optimizer} lr ${options.lr}`;
}

/** Which weights the test accuracy is for, when not the last epoch's. */
function endNote(result: TrainResult): string {
  const restored = result.restoredEpoch === null ? '' : `the best epoch, ${result.restoredEpoch}: its weights are best.safetensors`;
  if (result.stopReason === 'early-stopped') return ` (early stopping: ${restored})`;
  return restored && ` (${restored})`;
}

/** As the tutorial prints it (`[Epoch:    1] cost = 0.224723116`), then the rest of the epoch's figures. */
function epochLine(r: EpochRecord, improved: boolean): string {
  const acc = r.train_accuracy === null ? '' : ` acc = ${r.train_accuracy.toFixed(4)}`;
  const val = r.val_loss === null ? '' : ` val_loss = ${r.val_loss.toFixed(4)} val_acc = ${r.val_accuracy!.toFixed(4)}`;
  return `[Epoch: ${String(r.epoch).padStart(4)}] cost = ${formatSignificant(r.train_loss, 9)}${acc}${val} test_loss = ${r.test_loss.toFixed(4)} test_acc = ${r.test_accuracy.toFixed(4)} ${formatDuration(r.seconds)} ${Math.round(r.images_per_second)} img/s${improved ? ' *' : ''}`;
}
