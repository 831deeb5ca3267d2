// `npm run bench` (quick: small sizes, few samples, a few training steps; minutes on a 2-core
// machine without a GPU) or `npm run bench -- --full` (every size; meant for a real GPU).
// Options: --only TEXT runs the groups whose name contains TEXT; --no-training; --no-kernels.
// Prints the tables (the last: issue 5's targets next to their anchors) and writes every figure
// to bench/results/<date>-<quick|full>.json.
import { parseArgs } from 'node:util';
import { init, shutdown } from '../src/index.js';
import { kernelGroups } from './kernels.js';
import { runGroup, type Row, type RunOptions } from './measure.js';
import { provenance, writeResult } from './results.js';
import { kernelTable, trainingTable } from './report.js';
import { targets, targetsTable } from './targets.js';
import { tfInfo } from './tfjs.js';
import { trainingGroup } from './training.js';
import { isSoftwareAdapter } from '../src/gpu/device.js';

const { values: args } = parseArgs({
  options: { full: { type: 'boolean', default: false }, only: { type: 'string' }, 'no-training': { type: 'boolean', default: false }, 'no-kernels': { type: 'boolean', default: false } },
});
const fullRun = args.full;
const kernelOptions: RunOptions = fullRun ? { warmup: 2, minSamples: 5, maxTime: 2 } : { warmup: 1, minSamples: 3, maxTime: 0.3 };
// Training steps are long: a fixed small count of samples in the quick run.
const trainingOptions: RunOptions = fullRun ? { warmup: 3, minSamples: 20, maxTime: 10 } : { warmup: 1, minSamples: 3, maxTime: 0 };

const rt = await init();
const started = new Date();
const groups = [...(args['no-kernels'] ? [] : kernelGroups(fullRun)), ...(args['no-training'] ? [] : [trainingGroup(fullRun, isSoftwareAdapter(rt.adapter))])].filter((g) => !args.only || g.name.includes(args.only));
const rows: Row[] = [];
for (const g of groups) rows.push(...(await runGroup(g, g.suite === 'training' ? trainingOptions : kernelOptions)));

const kernels = rows.filter((r) => r.suite === 'kernels');
const training = rows.filter((r) => r.suite === 'training');
const goals = targets(rows, rt.adapter);
const tables = [kernels.length ? `Kernels\n\n${kernelTable(kernels)}` : '', training.length ? `Training\n\n${trainingTable(training)}` : '', `Targets (issue 5)\n\n${targetsTable(goals)}`].filter(Boolean).join('\n\n');
console.log(`\n${tables}\n`);

const mode = fullRun ? 'full' : 'quick';
const file = writeResult(started, mode, {
  ...provenance(started),
  mode,
  adapter: rt.adapter,
  timestampQuery: rt.device.features.has('timestamp-query'),
  tfjs: await tfInfo().catch((e: Error) => ({ error: e.message })),
  options: { kernels: kernelOptions, training: trainingOptions },
  rows,
  targets: goals,
  tables,
});
console.log(`wrote ${file}`);
shutdown();
// TF.js's webgpu device and wasm module keep handles open.
process.exit(0);
