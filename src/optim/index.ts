// Optimizers that update parameters in place on the GPU (with CPU reference paths).
export { Optimizer, type OptimizerStateDict, type ParamStateDict } from './optimizer.js';
export { SGD, type SgdOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
