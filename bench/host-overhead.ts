// `npm run bench:host`: the host side of a training step, alone. Dawn's null backend accepts every
// command and executes none, so a step there costs only its recording and submitting: the
// JavaScript of the ops and autograd, the runtime, and Dawn's encoding. That is the part of issue
// 5's target 1 (≤ 0.25 s per MNIST epoch: ≤ 0.42 ms per step of 100) that no faster GPU removes,
// and it can be measured on any machine. The step runs eagerly (all of its JavaScript every step)
// and captured and replayed, as the training command runs it. Below, two floors per dispatch: the
// runtime's dispatch() of a cached kernel, and Dawn's setPipeline + setBindGroup + dispatch alone.
import type { Dispatch } from '../src/gpu/runtime.js';
import { init, scope, shutdown } from '../src/index.js';
import { median } from './measure.js';
import { ms, table } from './report.js';
import { provenance, writeResult } from './results.js';
import { cnnStep, epochSeconds } from './training.js';

const WARMUP_STEPS = 20;
const WINDOWS = 7;
const STEPS_PER_WINDOW = 100;
/** Dispatches per timed window of the floors (about a step's worth, times 100). */
const FLOOR_DISPATCHES = 3000;

const started = new Date();
const rt = await init({ dawnFlags: ['backend=null'] });

/** Median over windows of the host milliseconds per call of `fn`, run `per` times a window. */
async function perCall(fn: () => void, per: number): Promise<number> {
  const times: number[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    const start = performance.now();
    for (let i = 0; i < per; i++) fn();
    times.push((performance.now() - start) / per);
    await rt.sync(); // untimed: nothing is left queued between windows
  }
  return median(times);
}

/** Host ms per step and dispatches per step of the training step, eager or captured and replayed. */
async function stepCost(eager: boolean): Promise<{ stepMs: number; dispatchesPerStep: number }> {
  const step = cnnStep('cnn', { eager });
  const run = () => scope(() => step.run());
  for (let i = 0; i < WARMUP_STEPS; i++) run();
  await rt.sync();
  const before = rt.dispatchCount;
  const stepMs = await perCall(run, STEPS_PER_WINDOW);
  const dispatchesPerStep = (rt.dispatchCount - before) / (WINDOWS * STEPS_PER_WINDOW);
  step.dispose();
  return { stepMs, dispatchesPerStep };
}

const eager = await stepCost(true);
const replayed = await stepCost(false);
const { dispatchesPerStep } = eager;

// Floors: a 16-element fill, its pipeline and bind group cached after the first call.
const buffer = rt.acquire(64, 'host-overhead fill');
const fill: Dispatch = { kernel: 'fill', label: 'fill', params: (p) => p.u32(16).f32(1), buffers: [buffer], workgroups: [1] };
rt.dispatch(fill);
const dispatchMs = await perCall(() => rt.dispatch(fill), FLOOR_DISPATCHES);
const { pipeline, layout } = rt.pipelines.get('fill');
const group = rt.bindGroups.get('fill (fill)', layout, [buffer]);
const perPass = Math.round(dispatchesPerStep) || 1;
const encodeMs = await perCall(() => {
  const encoder = rt.device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  for (let i = 0; i < perPass; i++) {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group, [0]);
    pass.dispatchWorkgroups(1);
  }
  pass.end();
  rt.device.queue.submit([encoder.finish()]);
}, FLOOR_DISPATCHES / perPass) / perPass;
rt.release(buffer);

const us = (v: number) => (v * 1e3).toFixed(1);
const stepRow = (what: string, c: { stepMs: number; dispatchesPerStep: number }) => [what, `${ms(c.stepMs)} ms`, `${us(c.stepMs / c.dispatchesPerStep)} µs × ${c.dispatchesPerStep.toFixed(0)}`, `${epochSeconds(c.stepMs).toFixed(2)} s`];
const rows = [
  stepRow('cnn training step, batch 100, Adam, eager (ops, autograd, runtime, Dawn)', eager),
  stepRow('the same step captured once and replayed (the training command)', replayed),
  ['runtime dispatch() of one cached kernel, repeated (pipeline set once)', '–', `${us(dispatchMs)} µs`, `${epochSeconds(dispatchMs * dispatchesPerStep).toFixed(2)} s`],
  [`Dawn alone: setPipeline, setBindGroup, dispatchWorkgroups (${perPass} a submit)`, '–', `${us(encodeMs)} µs`, `${epochSeconds(encodeMs * dispatchesPerStep).toFixed(2)} s`],
];
const text = table(['host work (Dawn null backend: nothing executes)', 'per step', 'per dispatch', 'per epoch of 600 steps'], rows, 1);
console.log(`\n${text}\n\nTarget 1 allows 0.25 s per epoch in all, host and GPU together.\n`);
const file = writeResult(started, 'host', {
  ...provenance(started),
  mode: 'host',
  adapter: rt.adapter,
  options: { warmupSteps: WARMUP_STEPS, windows: WINDOWS, stepsPerWindow: STEPS_PER_WINDOW, floorDispatches: FLOOR_DISPATCHES },
  eager,
  replayed,
  dispatchMs,
  encodeMs,
  table: text,
});
console.log(`wrote ${file}`);
shutdown();
