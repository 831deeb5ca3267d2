// The generic GPU checks again with the kernels for real GPUs forced (RuntimeOptions.kernels):
// where an op picks its kernel by adapter (matmul), CI on lavapipe would otherwise never run the
// one a real GPU gets. The checks without a GPU kernel run once, in generic.test.ts.
import { opSuite } from '../support/op-suite.js';
import { useGpu } from '../support/gpu.js';

useGpu({ kernels: 'gpu' });
opSuite({ cpuChecks: false });
