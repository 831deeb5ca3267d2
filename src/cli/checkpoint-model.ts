// Opens a checkpoint as the model it was trained as: its safetensors metadata names the preset, or
// --model does for a checkpoint without that metadata (one saved by PyTorch).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '../io/checkpoint.js';
import { decodeSafetensors } from '../io/safetensors.js';
import type { Module } from '../layers/module.js';
import { presets, type PresetName } from '../models/presets.js';
import { progressPairs, progressFiles } from '../train/trainer.js';
import { UsageError, type OptionTable } from './args.js';

/** The options of the commands that open a checkpoint. */
export const checkpointOptions = {
  checkpoint: { type: 'string', help: 'checkpoint file, or a run folder (uses its best.safetensors)' },
  model: { type: 'string', choices: Object.keys(presets), help: 'the model the checkpoint holds, when its metadata does not say (e.g. saved by PyTorch)' },
} as const satisfies OptionTable;

export interface LoadedModel {
  model: Module;
  name: PresetName;
  path: string;
  metadata: Record<string, string>;
}

/** `path` is a checkpoint file, or a run folder (its best.safetensors); `model` is --model. */
export async function modelFromCheckpoint(command: string, path: string | undefined, model?: string): Promise<LoadedModel> {
  if (!path) throw new UsageError(`${command}: say which model to use with --checkpoint FILE or --checkpoint RUN_FOLDER`);
  const isRunDir = existsSync(path) && statSync(path).isDirectory();
  const file = isRunDir ? join(path, 'best.safetensors') : path;
  if (!existsSync(file)) {
    const progress = isRunDir ? latestProgress(path) : undefined;
    if (progress) throw new UsageError(`${command}: ${path} has no finished epoch yet (no best.safetensors); its latest progress is ${join(path, progress)}: pass that as --checkpoint`);
    throw new UsageError(`${command}: no checkpoint at ${file}`);
  }
  const { metadata } = decodeSafetensors(readFileSync(file), file);
  const known = Object.keys(presets).join(', ');
  if (model !== undefined && metadata.model !== undefined && metadata.model !== model) {
    throw new UsageError(`${command}: --model ${model}: ${file} holds model '${metadata.model}', its metadata says`);
  }
  if (model === undefined && metadata.model === undefined) throw new UsageError(`${command}: ${file} does not say which model it holds (no 'model' in its metadata): pass --model, one of ${known}`);
  const name = (model ?? metadata.model) as PresetName;
  if (!Object.hasOwn(presets, name)) throw new UsageError(`${command}: ${file} does not name a known model in its metadata (model: ${JSON.stringify(name)}; known: ${known})`);
  const module = presets[name]();
  try {
    await loadCheckpoint(file, module, { expectModel: name });
  } catch (e) {
    module.dispose();
    throw e;
  }
  return { model: module.eval(), name, path: file, metadata };
}

/** The newest progress weights a training run left in `runDir`. */
function latestProgress(runDir: string): string | undefined {
  const weights = progressPairs(runDir)
    .sort((a, b) => b.epoch - a.epoch || b.step - a.step)
    .map(({ epoch, step }) => progressFiles(epoch, step)[0]);
  return weights.find((f) => existsSync(join(runDir, f)));
}
