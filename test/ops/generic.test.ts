// Every op in the registry, on every sample: the GPU kernel against the CPU reference, the CPU
// reference's gradients against float64 finite differences, the GPU gradients against the CPU
// reference's, bad input rejected with the op's name, and no GPU memory left behind.
import { opSuite } from '../support/op-suite.js';
import { useGpu } from '../support/gpu.js';

useGpu();
opSuite({ cpuChecks: true });
