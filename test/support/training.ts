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
 * A signal whose `aborted` turns true at its n-th check. The trainer checks it before each epoch,
 * after each step, and once more after the epoch's last step: check 1 is before epoch 1, check
 * s + 1 after its step s.
 */
export const abortAtCheck = (n: number): AbortSignal => {
  let checks = 0;
  return {
    get aborted() {
      return ++checks >= n;
    },
  } as AbortSignal;
};
