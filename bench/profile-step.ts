// `npm run bench:profile [-- --steps N --model NAME]`: where a training step's GPU time goes. Each
// dispatch of a tutorial model's step (default `cnn`; batch 100, Adam, as the training command runs
// it) goes in a compute pass of its
// own with timestamps around it; the table lists them in recording order with their median over
// the steps and their share. Needs an adapter with timestamp-query (lavapipe and NVIDIA have it).
import { parseArgs } from 'node:util';
import { profileGpu, type PassTime } from '../src/gpu/timing.js';
import { init, scope, shutdown } from '../src/index.js';
import { median } from './measure.js';
import { table } from './report.js';
import { provenance, writeResult } from './results.js';
import { cnnStep } from './training.js';
import { presets } from '../src/models/presets.js';

const { values: args } = parseArgs({ options: { steps: { type: 'string', default: '5' }, model: { type: 'string', default: 'cnn' } } });
const steps = Number(args.steps);
if (!Number.isInteger(steps) || steps < 1) throw new Error(`bench:profile: --steps must be a whole number ≥ 1, got ${args.steps}`);
const model = args.model as keyof typeof presets;
if (!Object.hasOwn(presets, model)) throw new Error(`bench:profile: --model must be one of ${Object.keys(presets).join(', ')}, got ${args.model}`);

const started = new Date();
const rt = await init();
const step = cnnStep(model);
scope(() => step.run()); // compiles the pipelines and fills the pools
const profiles: PassTime[][] = [];
for (let i = 0; i < steps; i++) {
  const passes = await profileGpu(rt, () => scope(() => step.run()));
  if (!passes) throw new Error(`bench:profile: the adapter (${rt.adapter.description || rt.adapter.device}) has no timestamp-query`);
  profiles.push(passes);
}
step.dispose();

const labels = profiles[0].map((p) => p.label);
if (profiles.some((p) => p.length !== labels.length || p.some((d, i) => d.label !== labels[i]))) throw new Error('bench:profile: the steps recorded different dispatches');
const dispatches = labels.map((label, i) => ({ label, ms: median(profiles.map((p) => p[i].ns / 1e6)) }));
const total = dispatches.reduce((sum, d) => sum + d.ms, 0);
const text = table(
  ['#', 'dispatch: op (kernel)', 'GPU ms', 'share'],
  [...dispatches.map((d, i) => [String(i + 1), d.label, d.ms.toFixed(3), `${((100 * d.ms) / total).toFixed(1)} %`]), ['', 'step', total.toFixed(3), '100 %']],
);
console.log(`\n${model} training step, batch 100, Adam: GPU time per dispatch, median of ${steps} steps (${rt.adapter.description || rt.adapter.device})\n\n${text}\n`);
const file = writeResult(started, 'profile', { ...provenance(started), mode: 'profile', model, adapter: rt.adapter, steps, dispatches, totalMs: total, table: text });
console.log(`wrote ${file}`);
shutdown();
