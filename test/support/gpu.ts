import { afterAll, beforeAll } from 'vitest';
import { init, shutdown } from '../../src/index.js';

/** Opens the GPU for a test file and closes it after. */
export function useGpu(): void {
  beforeAll(async () => {
    await init();
  });
  afterAll(() => shutdown());
}
