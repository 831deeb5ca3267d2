// Run options and run-folder readers shared by the trainer's tests.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { recipes, type TrainOptions } from '../../src/train/recipes.js';

export const runDir = (): string => mkdtempSync(join(tmpdir(), 'train-test-'));

/** A quick MNIST MLP run: small enough for the software GPU, big enough to learn. */
export const quick = (over: Partial<TrainOptions> = {}): TrainOptions => ({
  ...recipes.mlp,
  model: 'mlp',
  dataset: 'mnist',
  optimizer: 'adam',
  lr: 1e-3,
  batchSize: 50,
  epochs: 2,
  limit: 1500,
  ...over,
});

/** 10 steps per epoch of small-cnn, which has dropout: identical weights also prove the RNG state was restored. */
export const dropoutRun = (epochs: number, over: Partial<TrainOptions> = {}): TrainOptions => quick({ epochs, limit: 400, model: 'small-cnn', batchSize: 40, ...over });

/** The progress files (partial-e<epoch>-s<step>.*) in a run folder, sorted. */
export const progressFiles = (out: string): string[] => readdirSync(out).filter((f) => f.startsWith('partial-')).sort();

/** A checkpoint's tensors as plain arrays. */
export const weights = (path: string): number[][] => [...decodeSafetensors(readFileSync(path), path).tensors.values()].map((t) => Array.from(t.data));

/**
 * A signal whose `aborted` turns true at its n-th check. The trainer checks it after each step, once
 * more after an epoch's last step, and once after the epoch's checkpoints (but the last epoch's):
 * check s follows step s of the first epoch.
 */
export const abortAtCheck = (n: number): AbortSignal => {
  let checks = 0;
  return {
    get aborted() {
      return ++checks >= n;
    },
  } as AbortSignal;
};
