// tsc does not copy non-TS files: put the WGSL kernels beside the compiled code that loads them.
import { cpSync } from 'node:fs';
cpSync('src/kernels/wgsl', 'dist/src/kernels/wgsl', { recursive: true });
