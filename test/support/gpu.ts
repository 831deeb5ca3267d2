import { afterAll, beforeAll } from 'vitest';
import { init, shutdown } from '../../src/index.js';
import type { RuntimeOptions } from '../../src/gpu/runtime.js';

/** Opens the GPU for a test file and closes it after. */
export function useGpu(options: RuntimeOptions = {}): void {
  beforeAll(async () => {
    await init(options);
  });
  afterAll(() => shutdown());
}
