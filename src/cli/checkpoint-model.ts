// Opens a checkpoint as the model it was trained as (its safetensors metadata names the preset).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '../io/checkpoint.js';
import { decodeSafetensors } from '../io/safetensors.js';
import type { Module } from '../layers/module.js';
import { presets, type PresetName } from '../models/presets.js';
import { UsageError } from './args.js';

export interface LoadedModel {
  model: Module;
  name: PresetName;
  path: string;
  metadata: Record<string, string>;
}

/** `path` is a checkpoint file, or a run folder (its best.safetensors). */
export async function modelFromCheckpoint(command: string, path: string | undefined): Promise<LoadedModel> {
  if (!path) throw new UsageError(`${command}: say which model to use with --checkpoint FILE or --checkpoint RUN_FOLDER`);
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'best.safetensors') : path;
  if (!existsSync(file)) throw new UsageError(`${command}: no checkpoint at ${file}`);
  const { metadata } = decodeSafetensors(readFileSync(file), file);
  const name = metadata.model as PresetName | undefined;
  if (!name || !(name in presets)) throw new UsageError(`${command}: ${file} does not name a known model in its metadata (model: ${JSON.stringify(name)}; known: ${Object.keys(presets).join(', ')})`);
  const model = presets[name]();
  try {
    await loadCheckpoint(file, model, { expectModel: name });
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model: model.eval(), name, path: file, metadata };
}
