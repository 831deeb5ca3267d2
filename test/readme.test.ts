// The README's TypeScript examples, run as written: each ```ts block becomes a module importing
// 'webgpu-tensor' from src/. Two changes: training loops stop after three steps, to stay quick on
// the software GPU, and files are saved in a scratch folder.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shutdown } from '../src/index.js';

const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'test/.readme');
const blocks = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  shutdown();
});

describe('README examples', () => {
  it('has TypeScript examples', () => expect(blocks.length).toBeGreaterThanOrEqual(2));

  blocks.forEach((code, i) => {
    it(`block ${i + 1} runs`, async () => {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `block${i}.ts`);
      const source = code
        .replace(/from 'webgpu-tensor'/g, `from ${JSON.stringify(join(root, 'src/index.js'))}`)
        .replace(/for \(const \{ x, y \} of loader\) \{/, 'let steps = 0;\nfor (const { x, y } of loader) {\n  if (steps++ === 3) { x.dispose(); y.dispose(); break; }')
        .replace(/saveCheckpoint\('([^']+)'/g, (_, file: string) => `saveCheckpoint(${JSON.stringify(join(dir, file))}`);
      writeFileSync(file, `${source}\nexport {};\n`);
      await import(file);
    });
  });
});
