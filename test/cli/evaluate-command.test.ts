import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { evaluateCommand } from '../../src/cli/evaluate-command.js';
import { EvaluationProgress } from '../../src/cli/progress.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { mlp } from '../../src/models/presets.js';
import { useGpu } from '../support/gpu.js';

useGpu();

afterEach(() => vi.restoreAllMocks());

/** What the writes to a stream would show, joined. */
function capture(stream: NodeJS.WriteStream): () => string {
  const spy = vi.spyOn(stream, 'write').mockImplementation(() => true);
  return () => spy.mock.calls.map(([text]) => String(text)).join('');
}

describe('evaluate command', () => {
  it('redraws its progress in place on a terminal and clears it at the end', () => {
    const writes: string[] = [];
    const progress = new EvaluationProgress({ isTTY: true, write: (t) => writes.push(t) });
    progress.update(100, 400);
    progress.update(400, 400);
    progress.done();
    expect(writes).toHaveLength(3);
    expect(writes[0]).toMatch(/^\revaluating: 100\/400 images, ETA \d+:\d\d\x1b\[K$/);
    expect(writes[1]).toMatch(/^\revaluating: 400\/400 images, ETA 0:00\x1b\[K$/);
    expect(writes[2]).toBe('\r\x1b[K');
  });

  it('writes a line per tenth at most to a file or pipe', () => {
    const writes: string[] = [];
    const progress = new EvaluationProgress({ write: (t) => writes.push(t) });
    for (let done = 5; done <= 100; done += 5) progress.update(done, 100);
    progress.done();
    expect(writes.map((w) => /^evaluating: (\d+)\/100 images, ETA \d+:\d\d\n$/.exec(w)?.[1])).toEqual(['10', '20', '30', '40', '50', '60', '70', '80', '90']);
  });

  it('evaluates a checkpoint without metadata as --model says, with progress on stderr', async () => {
    const source = mlp();
    const file = join(mkdtempSync(join(tmpdir(), 'evaluate-command-')), 'torch.safetensors');
    writeFileSync(file, encodeSafetensors(await source.stateDict()));
    source.dispose();
    await expect(evaluateCommand(['--checkpoint', file, '--limit', '40'])).rejects.toThrow(/pass --model/);
    const out = capture(process.stdout);
    const err = capture(process.stderr);
    expect(await evaluateCommand(['--checkpoint', file, '--model', 'mlp', '--limit', '40', '--batch-size', '2', '--json'])).toBe(0);
    const result = JSON.parse(out());
    // The data set is mlp's recipe's: the checkpoint does not name one.
    expect(result).toMatchObject({ model: 'mlp', dataset: 'fashion-mnist', count: 40 });
    expect(err()).toMatch(/evaluating: \d+\/40 images, ETA \d+:\d\d/);
  });
});
