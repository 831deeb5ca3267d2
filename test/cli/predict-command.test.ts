import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { predictCommand } from '../../src/cli/predict-command.js';
import { saveCheckpoint } from '../../src/io/checkpoint.js';
import { mlp } from '../../src/models/presets.js';
import { useGpu } from '../support/gpu.js';

useGpu();

const dir = mkdtempSync(join(tmpdir(), 'predict-command-'));
const checkpoint = join(dir, 'best.safetensors');

beforeAll(async () => {
  const model = mlp();
  await saveCheckpoint(checkpoint, model, { model: 'mlp', dataset: 'mnist' });
  model.dispose();
});

afterEach(() => vi.restoreAllMocks());

/** What the command prints to stdout, joined. */
function stdout(): () => string {
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return () => spy.mock.calls.map(([text]) => String(text)).join('');
}

describe('predict command', () => {
  it('names a missing --image as a usage error', async () => {
    await expect(predictCommand(['--checkpoint', checkpoint, '--image', 'missing.png'])).rejects.toMatchObject({ name: 'UsageError', message: 'predict: --image missing.png: no such file' });
  });

  it('prints the prediction before the plot, and names a --plot in a missing directory', async () => {
    const out = stdout();
    await expect(predictCommand(['--checkpoint', checkpoint, '--index', '0', '--plot', '/no/such/dir/x.svg'])).rejects.toMatchObject({
      name: 'UsageError',
      message: 'predict: --plot /no/such/dir/x.svg: directory /no/such/dir does not exist',
    });
    expect(out()).toMatch(/^predicted: \d, true: 7\n/);
  });

  it('writes the plot and says where', async () => {
    const out = stdout();
    const plot = join(dir, 'seven.svg');
    expect(await predictCommand(['--checkpoint', checkpoint, '--index', '0', '--plot', plot])).toBe(0);
    expect(out()).toMatch(new RegExp(`^predicted: \\d, true: 7\\n[^]*\\nplot: ${plot}\\n$`));
    expect(readFileSync(plot, 'utf8')).toMatch(/^<svg/);
  });
});
