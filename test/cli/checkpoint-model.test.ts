import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFromCheckpoint } from '../../src/cli/checkpoint-model.js';
import { saveCheckpoint } from '../../src/io/checkpoint.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { mlp } from '../../src/models/presets.js';
import { useGpu } from '../support/gpu.js';

useGpu();

const tmp = () => mkdtempSync(join(tmpdir(), 'checkpoint-model-'));

describe('modelFromCheckpoint', () => {
  it('points a run folder without best.safetensors to its newest progress', async () => {
    const dir = tmp();
    await expect(modelFromCheckpoint('evaluate', dir)).rejects.toMatchObject({ name: 'UsageError', message: `evaluate: no checkpoint at ${join(dir, 'best.safetensors')}` });
    // An interrupted first epoch: the newest pair by step (120 > 36, though '120' < '36' as text).
    for (const f of ['partial-e1-s36.safetensors', 'partial-e1-s36.optim.safetensors', 'partial-e1-s120.safetensors', 'partial-e1-s120.optim.safetensors']) writeFileSync(join(dir, f), '');
    await expect(modelFromCheckpoint('predict', dir)).rejects.toMatchObject({
      name: 'UsageError',
      message: `predict: ${dir} has no finished epoch yet (no best.safetensors); its latest progress is ${join(dir, 'partial-e1-s120.safetensors')}: pass that as --checkpoint`,
    });
  });

  it('opens a checkpoint without metadata (as PyTorch saves one) as the --model it is given', async () => {
    const source = mlp();
    const weights = await source.stateDict();
    source.dispose();
    const file = join(tmp(), 'torch.safetensors');
    writeFileSync(file, encodeSafetensors(weights));
    await expect(modelFromCheckpoint('evaluate', file)).rejects.toMatchObject({
      name: 'UsageError',
      message: `evaluate: ${file} does not say which model it holds (no 'model' in its metadata): pass --model, one of cnn, deep-cnn, small-cnn, mlp, keras-cnn`,
    });
    const loaded = await modelFromCheckpoint('evaluate', file, 'mlp');
    try {
      expect(loaded.name).toBe('mlp');
      expect(await loaded.model.stateDict()).toEqual(weights);
    } finally {
      loaded.model.dispose();
    }
  });

  it('refuses a --model that the metadata contradicts, naming both', async () => {
    const file = join(tmp(), 'best.safetensors');
    const source = mlp();
    await saveCheckpoint(file, source, { model: 'mlp' });
    source.dispose();
    await expect(modelFromCheckpoint('predict', file, 'cnn')).rejects.toMatchObject({ name: 'UsageError', message: `predict: --model cnn: ${file} holds model 'mlp', its metadata says` });
    const agreed = await modelFromCheckpoint('predict', file, 'mlp');
    agreed.model.dispose();
    expect(readFileSync(file).length).toBeGreaterThan(0);
  });
});
