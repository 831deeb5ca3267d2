// `evaluate`: loss, accuracy, per-class accuracy and confusion matrix of a checkpoint.
import type { DatasetName } from '../train/recipes.js';
import { recipes } from '../train/recipes.js';
import { loadDataset } from '../train/datasets.js';
import { evenSample } from '../data/split.js';
import { evaluate } from '../train/evaluate.js';
import { init } from '../gpu/context.js';
import { helpText, parseOptions, type OptionTable } from './args.js';
import { checkpointOptions, modelFromCheckpoint } from './checkpoint-model.js';
import { EvaluationProgress } from './progress.js';

const table = {
  ...checkpointOptions,
  dataset: { type: 'string', choices: ['mnist', 'fashion-mnist'], help: 'data set (default: the one the checkpoint was trained on)' },
  dataDir: { type: 'string', help: 'directory of official IDX files' },
  split: { type: 'string', choices: ['test', 'train'], help: 'which split to evaluate (default test)' },
  batchSize: { type: 'number', integer: true, min: 1, help: 'images per batch (default 100)' },
  limit: { type: 'number', integer: true, min: 1, help: 'evaluate N images spread evenly over the split' },
  json: { type: 'boolean', help: 'print the result as JSON' },
} as const satisfies OptionTable;

export const evaluateHelp = helpText('evaluate', 'Evaluates a checkpoint: loss, accuracy, per-class accuracy, confusion matrix.', table);

export async function evaluateCommand(argv: string[]): Promise<number> {
  const o = parseOptions('evaluate', argv, table);
  await init();
  const { model, name, path, metadata } = await modelFromCheckpoint('evaluate', o.checkpoint, o.model);
  try {
    const datasetName = (o.dataset ?? metadata.dataset ?? recipes[name].dataset) as DatasetName;
    const data = loadDataset(datasetName, o.dataDir)[o.split === 'train' ? 'train' : 'test'];
    const indices = evenSample(Array.from({ length: data.count }, (_, i) => i), o.limit);
    const progress = new EvaluationProgress(process.stderr);
    const r = await evaluate(model, data, indices, o.batchSize ?? 100, progress.update).finally(() => progress.done());
    if (o.json) {
      process.stdout.write(JSON.stringify({ checkpoint: path, model: name, dataset: datasetName, split: o.split ?? 'test', classNames: data.classNames, ...r }, null, 2) + '\n');
      return 0;
    }
    const w = Math.max(...data.classNames.map((c) => c.length));
    const lines = [
      `${name} (${path}) on ${datasetName} ${o.split ?? 'test'}, ${r.count} images`,
      `loss ${r.loss.toFixed(4)}  accuracy ${r.accuracy.toFixed(4)}`,
      '',
      'per-class accuracy:',
      ...data.classNames.map((c, i) => `  ${c.padEnd(w)}  ${r.perClassAccuracy[i].toFixed(4)}`),
      '',
      'confusion matrix (rows: true class, columns: predicted):',
      `  ${''.padEnd(w)} ${data.classNames.map((_, j) => String(j).padStart(5)).join('')}`,
      ...r.confusion.map((row, i) => `  ${data.classNames[i].padEnd(w)} ${row.map((n) => String(n).padStart(5)).join('')}`),
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  } finally {
    model.dispose();
  }
}
