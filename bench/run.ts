// `npm run bench` (quick: small sizes, few samples, a few training steps; minutes on a 2-core
// machine without a GPU) or `npm run bench -- --full` (every size; meant for a real GPU).
// Options: --only TEXT runs the groups whose name contains TEXT; --no-training; --no-kernels.
// Prints each group's rows as it finishes, then the tables (the last: issue 5's targets next to
// their anchors), and writes every figure to bench/results/<date>-<quick|full>.json, rewritten
// after every group ("complete": false until the end) so that a run cut off keeps what finished.
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
// The training step first: targets 1 and 4 rest on it, and a run cut off keeps what finished.
const groups = [...(args['no-training'] ? [] : [trainingGroup(isSoftwareAdapter(rt.adapter))]), ...(args['no-kernels'] ? [] : kernelGroups(fullRun))].filter((g) => !args.only || g.name.includes(args.only));
const mode = fullRun ? 'full' : 'quick';
const tfjs = await tfInfo().catch((e: Error) => ({ error: e.message }));
const rows: Row[] = [];

/** Writes the JSON of the rows so far (after each group: a run cut off by a GPU session's time limit keeps what finished); returns it and the tables. */
function report(complete: boolean): { file: string; tables: string } {
  const kernels = rows.filter((r) => r.suite === 'kernels');
  const training = rows.filter((r) => r.suite === 'training');
  const goals = targets(rows, rt.adapter);
  const tables = [kernels.length ? `Kernels\n\n${kernelTable(kernels)}` : '', training.length ? `Training\n\n${trainingTable(training)}` : '', `Targets (issue 5)\n\n${targetsTable(goals)}`].filter(Boolean).join('\n\n');
  const file = writeResult(started, mode, {
    ...provenance(started),
    mode,
    complete,
    adapter: rt.adapter,
    timestampQuery: rt.device.features.has('timestamp-query'),
    tfjs,
    options: { kernels: kernelOptions, training: trainingOptions },
    rows,
    targets: goals,
    tables,
  });
  return { file, tables };
}

for (const [i, g] of groups.entries()) {
  const groupRows = await runGroup(g, g.suite === 'training' ? trainingOptions : kernelOptions);
  rows.push(...groupRows);
  console.log(`\n[${i + 1}/${groups.length}] ${g.name}\n${g.suite === 'training' ? trainingTable(groupRows) : kernelTable(groupRows)}\n`);
  if (i < groups.length - 1) report(false);
}
const { file, tables } = report(true);
console.log(`\n${tables}\n`);
console.log(`wrote ${file}`);
shutdown();
// TF.js's webgpu device and wasm module keep handles open.
process.exit(0);
