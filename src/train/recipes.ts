// Each preset's tutorial hyperparameters (../shared/SEEDS.md), the defaults of `train --model X`.
import type { PresetName } from '../models/presets.js';

export type DatasetName = 'mnist' | 'fashion-mnist';
export type OptimizerName = 'adam' | 'adamw' | 'sgd';

export interface TrainOptions {
  model: PresetName;
  dataset: DatasetName;
  /** A directory of official IDX files to use instead of the packaged data set. */
  dataDir?: string;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  momentum: number;
  weightDecay: number;
  /** Adam's eps (Keras uses 1e-7, PyTorch 1e-8). */
  eps: number;
  seed: number;
  /** Fraction of the training set held out for validation (0: none). */
  valFraction: number;
  /** Early stopping: epochs without a better validation loss before stopping (restoring the best weights); 0: off. */
  patience: number;
  /** Random horizontal flips of training images. */
  flip: boolean;
  /** Train and evaluate on at most this many images per split (a quick check). */
  limit?: number;
}

const pytorchCnn = { dataset: 'mnist', epochs: 15, batchSize: 100, lr: 1e-3, optimizer: 'adam', eps: 1e-8, seed: 777 } as const;

export const recipes: Record<PresetName, Omit<TrainOptions, 'model'>> = {
  // Seeds 000/001: Adam 0.001, 15 epochs, batch 100, torch.manual_seed(777). They hold out no
  // validation set; we hold out 10% so "best" checkpoints mean something.
  cnn: { ...pytorchCnn, momentum: 0, weightDecay: 0, valFraction: 0.1, patience: 0, flip: false },
  'deep-cnn': { ...pytorchCnn, momentum: 0, weightDecay: 0, valFraction: 0.1, patience: 0, flip: false },
  // Seed 002 trains its small CNN like the others.
  'small-cnn': { ...pytorchCnn, momentum: 0, weightDecay: 0, valFraction: 0.1, patience: 0, flip: false },
  // Seed 003: SGD 0.01, 30 epochs, batch 64 on Fashion-MNIST.
  mlp: { dataset: 'fashion-mnist', epochs: 30, batchSize: 64, lr: 0.01, optimizer: 'sgd', momentum: 0, weightDecay: 0, eps: 1e-8, seed: 777, valFraction: 0.1, patience: 0, flip: false },
  // Seed 004 (Keras): Adam (lr 0.001, eps 1e-7), batch 32, up to 20 epochs, validation 20%
  // (random_state 42), EarlyStopping(patience=2, restore_best_weights=True).
  'keras-cnn': { dataset: 'fashion-mnist', epochs: 20, batchSize: 32, lr: 1e-3, optimizer: 'adam', momentum: 0, weightDecay: 0, eps: 1e-7, seed: 42, valFraction: 0.2, patience: 2, flip: false },
};
