// writeFileAtomic: the new contents or the old ones, never a mix, and no temp files left behind.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates and replaces files from bytes, text and chunks', async () => {
    const path = join(dir, 'a.bin');
    await writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    await writeFileAtomic(path, 'text');
    expect(await readFile(path, 'utf8')).toBe('text');
    await writeFileAtomic(path, [Uint8Array.of(4), Uint8Array.of(5, 6)]);
    expect([...(await readFile(path))]).toEqual([4, 5, 6]);
    expect(await readdir(dir)).toEqual(['a.bin']);
  });

  it('keeps the old file when the data source fails mid-write', async () => {
    const path = join(dir, 'best.safetensors');
    await writeFile(path, 'good old weights');
    async function* failing() {
      yield new Uint8Array(1 << 20).fill(7); // a partial write really reaches the temp file
      throw new Error('out of memory while encoding');
    }
    await expect(writeFileAtomic(path, failing())).rejects.toThrow(`cannot write ${path}: out of memory while encoding; the file there before, if any, is unchanged`);
    expect(await readFile(path, 'utf8')).toBe('good old weights');
    expect(await readdir(dir)).toEqual(['best.safetensors']);
  });

  it('keeps the old contents when the rename fails, and removes the temp file', async () => {
    // A non-empty directory cannot be replaced by a file.
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'still here');
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow(new RegExp(`^cannot write ${path}: (EISDIR|ENOTEMPTY|EEXIST|EPERM); the file there before`));
    expect(await readFile(join(path, 'inside'), 'utf8')).toBe('still here');
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('fails cleanly when the temp file cannot be created', async () => {
    const path = join(dir, 'missing-dir', 'x.bin');
    // It names the file asked for, not the temp file, and keeps the system error's code.
    await expect(writeFileAtomic(path, 'data')).rejects.toThrow(`cannot write ${path}: ENOENT`);
    await expect(writeFileAtomic(path, 'data')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });
});
