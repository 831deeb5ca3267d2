// The trainer's save order against crashes: a crash at any checkpoint write leaves a run folder
// that --resume continues bit for bit.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { train } from '../../src/train/trainer.js';
import { useGpu } from '../support/gpu.js';
import { dropoutRun, runDir, weights } from '../support/training.js';

// A crash at a chosen file write: writeFileAtomic throws (as a kill there would leave the folder)
// when `crash.at` says so for the file it is about to write.
const crash = vi.hoisted(() => ({ at: null as null | ((file: string) => boolean) }));
vi.mock('../../src/io/atomic.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/io/atomic.js')>();
  return {
    ...real,
    writeFileAtomic: async (path: string, data: Parameters<typeof real.writeFileAtomic>[1]) => {
      if (crash.at?.(basename(path))) throw new Error(`simulated crash before writing ${basename(path)}`);
      return real.writeFileAtomic(path, data);
    },
  };
});

useGpu();

const dir = runDir;

/** A crash (throw) at the n-th time `file` is about to be written. */
const crashAtWrite = (file: string, n: number) => {
  let seen = 0;
  crash.at = (f) => f === file && ++seen === n;
};

describe('training interrupted by a crash at any write', () => {
  it('a crash while the checkpoints of epoch 1 are written leaves a folder --resume can continue', async () => {
    const out = dir();
    crashAtWrite('last.optim.safetensors', 1);
    try {
      await expect(train(dropoutRun(1), out, {}, { saveSeconds: 1e-9 })).rejects.toThrow('simulated crash');
    } finally {
      crash.at = null;
    }
    expect(existsSync(join(out, 'partial-e1-s10.safetensors'))).toBe(true);
    await expect(train(dropoutRun(1), out, {}, { resume: true })).resolves.toMatchObject({ stopReason: 'completed' });
  });

  it.each(['last.optim.safetensors', 'last.safetensors'])('a crash before %s of epoch 2 is written resumes bit for bit', async (file) => {
    const straight = dir();
    await train(dropoutRun(2), straight, {}, { saveSeconds: 0 });
    const out = dir();
    crashAtWrite(file, 2);
    try {
      await expect(train(dropoutRun(2), out, {}, { saveSeconds: 0 })).rejects.toThrow('simulated crash');
    } finally {
      crash.at = null;
    }
    await train(dropoutRun(2), out, {}, { resume: true });
    expect(weights(join(out, 'last.safetensors'))).toEqual(weights(join(straight, 'last.safetensors')));
  });

  it('a crash in the middle of a progress save keeps the progress saved before', async () => {
    const out = dir();
    // Saves after every step; the 3rd save dies between its state and its weights.
    crashAtWrite('partial-e1-s3.safetensors', 1);
    try {
      await expect(train(dropoutRun(1), out, {}, { saveSeconds: 1e-9 })).rejects.toThrow('simulated crash');
    } finally {
      crash.at = null;
    }
    let startStep = -1;
    // The last complete save.
    await train(dropoutRun(1), out, { onStart: (i) => (startStep = i.startStep) }, { resume: true });
    expect(startStep).toBe(2);
  });
});
