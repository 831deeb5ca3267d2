// `predict`: class probabilities for one test image or an image file, optionally drawn as SVG.
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { predictionSvg } from '../io/plots.js';
import { decodePng, toGray28 } from '../io/png.js';
import { noGrad } from '../autograd/grad-mode.js';
import { softmax } from '../ops/softmax.js';
import { tensor } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import { loadDataset } from '../train/datasets.js';
import { recipes, type DatasetName } from '../train/recipes.js';
import { init } from '../gpu/context.js';
import { helpText, parseOptions, UsageError, type OptionTable } from './args.js';
import { checkpointOptions, modelFromCheckpoint } from './checkpoint-model.js';

const table = {
  ...checkpointOptions,
  index: { type: 'number', integer: true, min: 0, help: 'index of a test-set image' },
  image: { type: 'string', help: 'a PNG file (up to 8192×8192; white on black like MNIST, or use --invert)' },
  invert: { type: 'boolean', help: 'invert the image file (dark ink on a light background)' },
  dataset: { type: 'string', choices: ['mnist', 'fashion-mnist'], help: 'data set for --index and class names (default: the checkpoint\'s)' },
  dataDir: { type: 'string', help: 'directory of official IDX files' },
  plot: { type: 'string', help: 'write the image beside its class-probability bars to this SVG file' },
  json: { type: 'boolean', help: 'print the result as JSON' },
} as const satisfies OptionTable;

export const predictHelp = helpText('predict', 'Predicts the class of one image with a checkpoint.', table);

export async function predictCommand(argv: string[]): Promise<number> {
  const o = parseOptions('predict', argv, table);
  if ((o.index === undefined) === (o.image === undefined)) throw new UsageError('predict: give exactly one of --index N or --image FILE');
  if (o.image !== undefined && !existsSync(o.image)) throw new UsageError(`predict: --image ${o.image}: no such file`);
  await init();
  const { model, name, metadata } = await modelFromCheckpoint('predict', o.checkpoint, o.model);
  try {
    const datasetName = (o.dataset ?? metadata.dataset ?? recipes[name].dataset) as DatasetName;
    const test = loadDataset(datasetName, o.dataDir).test;
    let pixels: Float32Array;
    let trueLabel: number | undefined;
    if (o.index !== undefined) {
      if (o.index >= test.count) throw new UsageError(`predict: --index ${o.index} is past the ${test.count} test images`);
      const size = test.height * test.width;
      pixels = Float32Array.from(test.images.subarray(o.index * size, (o.index + 1) * size), (v) => v / 255);
      trueLabel = test.labels[o.index];
    } else {
      pixels = toGray28(decodePng(readFileSync(o.image!), o.image!));
      if (o.invert) pixels = pixels.map((v) => 1 - v);
    }
    const probabilities = Array.from(await scope(() => noGrad(() => softmax(model.forward(tensor(pixels, [1, 1, 28, 28])), 1))).toArray());
    const predicted = probabilities.indexOf(Math.max(...probabilities));
    const names = test.classNames;
    // The prediction is printed before the plot is written, so that a bad --plot path loses nothing.
    if (o.json) {
      process.stdout.write(JSON.stringify({ model: name, predicted, predictedName: names[predicted], trueLabel: trueLabel ?? null, probabilities: Object.fromEntries(names.map((n, i) => [n, probabilities[i]])) }, null, 2) + '\n');
    } else {
      const w = Math.max(...names.map((n) => n.length));
      const lines = names.map((n, i) => `  ${n.padEnd(w)}  ${(100 * probabilities[i]).toFixed(2).padStart(6)}%  ${'█'.repeat(Math.round(30 * probabilities[i]))}`);
      const truth = trueLabel === undefined ? '' : `, true: ${names[trueLabel]}`;
      process.stdout.write(`predicted: ${names[predicted]}${truth}\n${lines.join('\n')}\n`);
    }
    if (o.plot) {
      await writePlot(o.plot, predictionSvg(pixels, 28, 28, probabilities, names, trueLabel));
      if (!o.json) process.stdout.write(`plot: ${o.plot}\n`);
    }
    return 0;
  } finally {
    model.dispose();
  }
}

/** A failure names --plot and the user's path, not the temp file writeFileAtomic writes first. */
async function writePlot(path: string, svg: string): Promise<void> {
  try {
    await writeFileAtomic(path, svg);
  } catch (e) {
    const dir = dirname(path);
    if (!existsSync(dir)) throw new UsageError(`predict: --plot ${path}: directory ${dir} does not exist`);
    throw new Error(`predict: --plot ${path}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
}
