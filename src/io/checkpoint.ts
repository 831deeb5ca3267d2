// Checkpoints: model weights and optimizer state, each a safetensors file written atomically.
//
// Model weights (e.g. `best.safetensors`)
//   tensors       one F32 tensor per entry of the model's PyTorch state_dict, with its name and shape
//                 (`layer1.0.weight` [32, 1, 3, 3], `fc.bias` [10], ...). A parameter registered under
//                 two names (DeepCnn's fc1, also layer4.0) is stored under both, as torch lists it.
//   __metadata__  { format: 'pt', model: '<preset name>', ...the caller's keys (epoch, val_accuracy, ...) },
//                 every value a string (the format allows nothing else).
//   In PyTorch:   model.load_state_dict(safetensors.torch.load_file('best.safetensors'))
//
// Optimizer state (e.g. `last.optim.safetensors`)
//   tensors       `state.<i>.<buffer>`, 1-D F32: parameter i's state tensor (`expAvg`, `expAvgSq` for
//                 Adam and AdamW, `momentumBuffer` for SGD), i counting the optimizer's parameters.
//   __metadata__  { format: 'webgpu-tensor-optimizer', optimizer: 'Adam', options: JSON, steps: JSON
//                 (per parameter its step count, null before its first step), extra: JSON (the
//                 caller's: epoch, bestValLoss, patienceLeft, rngState, history, ...) }.
//   The JSON writes a non-finite number as {"$float": "Infinity"}: plain JSON would turn an initial
//   bestValLoss = Infinity into null.
import { readFile } from 'node:fs/promises';
import type { Module } from '../layers/module.js';
import type { BaseOptions, OptimizerStateDict, ParamStateDict } from '../optim/optimizer.js';
import { writeFileAtomic } from './atomic.js';
import { decodeSafetensors, encodeSafetensors, type TensorData } from './safetensors.js';

/** Saved as strings; `model` names the architecture so a checkpoint is not loaded into another one. */
export type CheckpointMetadata = { model: string } & Record<string, string | number | boolean>;

const OPTIMIZER_FORMAT = 'webgpu-tensor-optimizer';

export async function saveCheckpoint(path: string, model: Module, metadata: CheckpointMetadata): Promise<void> {
  const strings = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, String(v)]));
  await writeFileAtomic(path, encodeSafetensors(await model.stateDict(), { format: 'pt', ...strings }));
}

/**
 * Loads weights into `model` (all or nothing) and returns the file's metadata. With `expectModel`,
 * a checkpoint whose metadata names another model is refused before its tensors are compared.
 */
export async function loadCheckpoint(path: string, model: Module, options: { expectModel?: string } = {}): Promise<Record<string, string>> {
  const { tensors, metadata } = decodeSafetensors(await readFile(path), path);
  const holds = metadata.model === undefined ? 'a model without a name' : `model '${metadata.model}'`;
  if (options.expectModel !== undefined && metadata.model !== undefined && metadata.model !== options.expectModel) {
    throw new Error(`${path} holds a checkpoint of model '${metadata.model}', but model '${options.expectModel}' was asked for`);
  }
  try {
    model.loadStateDict(tensors);
  } catch (e) {
    throw new Error(`${path} (a checkpoint of ${holds}) does not fit this model: ${(e as Error).message}`, { cause: e });
  }
  return metadata;
}

export async function saveOptimizerState(path: string, state: OptimizerStateDict, extra: unknown = null): Promise<void> {
  const tensors = new Map<string, TensorData>();
  state.state.forEach((s, i) => {
    for (const [name, data] of Object.entries(s?.buffers ?? {})) tensors.set(`state.${i}.${name}`, { shape: [data.length], data });
  });
  const metadata = {
    format: OPTIMIZER_FORMAT,
    optimizer: state.optimizer,
    options: toJson(state.options),
    steps: toJson(state.state.map((s) => s?.step ?? null)),
    extra: toJson(extra),
  };
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/**
 * Reads a file written by `saveOptimizerState`: the state for `optimizer.loadStateDict` (which checks
 * it against the optimizer) and the caller's extra JSON. `O` and `E` are the caller's word: not checked here.
 */
export async function loadOptimizerState<O extends BaseOptions = BaseOptions, E = unknown>(path: string): Promise<{ state: OptimizerStateDict<O>; extra: E }> {
  const { tensors, metadata } = decodeSafetensors(await readFile(path), path);
  function fail(why: string): never {
    throw new Error(`${path}: not an optimizer state file: ${why}`);
  }
  if (metadata.format !== OPTIMIZER_FORMAT) fail(`its format is ${metadata.format === undefined ? 'not given' : `'${metadata.format}'`}, expected '${OPTIMIZER_FORMAT}'`);
  const json = (key: string): unknown => {
    if (metadata[key] === undefined) fail(`the metadata has no ${key}`);
    try {
      return fromJson(metadata[key]);
    } catch (e) {
      return fail(`the metadata's ${key} is not JSON (${(e as Error).message})`);
    }
  };
  const steps = json('steps');
  if (!Array.isArray(steps) || !steps.every((s) => s === null || (Number.isInteger(s) && s >= 1))) fail('steps is not an array of step counts and nulls');
  const options = json('options');
  if (typeof options !== 'object' || options === null) fail('options is not an object');

  const state: (ParamStateDict | null)[] = steps.map((step: number | null) => (step === null ? null : { step, buffers: {} }));
  for (const [name, { data }] of tensors) {
    const [, index, buffer] = /^state\.(\d+)\.(\w+)$/.exec(name) ?? fail(`unexpected tensor ${name}`);
    const slot = state[Number(index)] ?? fail(`${name} belongs to parameter ${index}, which has ${Number(index) < state.length ? 'taken no step' : 'no entry in steps'}`);
    slot.buffers[buffer] = data;
  }
  return { state: { optimizer: metadata.optimizer ?? fail('the metadata has no optimizer'), options: options as O, state }, extra: json('extra') as E };
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $float: String(v) } : v));
}

function fromJson(text: string): unknown {
  return JSON.parse(text, (_, v: unknown) => {
    const tagged = typeof v === 'object' && v !== null && Object.keys(v).length === 1 && typeof (v as { $float?: unknown }).$float === 'string';
    return tagged ? Number((v as { $float: string }).$float) : v;
  });
}
