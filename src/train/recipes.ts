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
  /** Unset: the optimizer's own default, as in PyTorch (0; AdamW 0.01). */
  weightDecay?: number;
  /** Adam's eps (Keras uses 1e-7, PyTorch 1e-8). */
  eps: number;
  seed: number;
  /** Fraction of the training set held out for validation (0: none). */
  valFraction: number;
  /** Early stopping: epochs without a better validation loss before stopping (restoring the best weights); 0: off. */
  patience: number;
  /** Random horizontal flips of training images. */
  flip: boolean;
  /**
   * Whether an epoch skips its last batch when it is short (DataLoader's drop_last). Runs saved
   * before this option existed dropped it.
   */
  dropLast?: boolean;
  /** Train and evaluate on at most this many images per split (a quick check). */
  limit?: number;
}

const pytorchCnn = { dataset: 'mnist', epochs: 15, batchSize: 100, lr: 1e-3, optimizer: 'adam', eps: 1e-8, seed: 777 } as const;

export const recipes: Record<PresetName, Omit<TrainOptions, 'model'>> = {
  // Seeds 000/001: Adam 0.001, 15 epochs, batch 100, torch.manual_seed(777), drop_last=True. They
  // hold out no validation set; we hold out 10% (54,000 images train) so "best" checkpoints mean
  // something. --val-fraction 0 trains on all 60,000, as they do.
  cnn: { ...pytorchCnn, momentum: 0, valFraction: 0.1, patience: 0, flip: false, dropLast: true },
  'deep-cnn': { ...pytorchCnn, momentum: 0, valFraction: 0.1, patience: 0, flip: false, dropLast: true },
  // Seed 002 trains its small CNN like the others.
  'small-cnn': { ...pytorchCnn, momentum: 0, valFraction: 0.1, patience: 0, flip: false, dropLast: true },
  // Seed 003: SGD 0.01, 30 epochs, batch 64 on Fashion-MNIST, DataLoader's default drop_last=False
  // (the 10% held out for validation as above).
  mlp: { dataset: 'fashion-mnist', epochs: 30, batchSize: 64, lr: 0.01, optimizer: 'sgd', momentum: 0, eps: 1e-8, seed: 777, valFraction: 0.1, patience: 0, flip: false, dropLast: false },
  // Seed 004 (Keras): Adam (lr 0.001, epsilon 1e-7), batch 32 (fit keeps a short last batch), up to
  // 20 epochs, validation 20% (random_state 42), EarlyStopping(patience=2, restore_best_weights=True).
  // Keras adds its epsilon to the uncorrected √v ("epsilon hat"), PyTorch's Adam used here to the
  // corrected one: the same update but for gradients near eps in the first few hundred steps.
  'keras-cnn': { dataset: 'fashion-mnist', epochs: 20, batchSize: 32, lr: 1e-3, optimizer: 'adam', momentum: 0, eps: 1e-7, seed: 42, valFraction: 0.2, patience: 2, flip: false, dropLast: false },
};
