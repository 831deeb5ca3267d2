// Crash-safe file replacement: readers (and a rerun after a crash) see either the old file or the
// new one, never a half-written one. The data goes to a temp file in the same directory (rename is
// atomic only within a file system), is fsynced before the rename (otherwise the rename can reach
// the disk before the data), and the directory is fsynced after it so the rename itself survives.
import { randomBytes } from 'node:crypto';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What `writeFileAtomic` accepts: bytes, text, or chunks (a generator may throw mid-way). */
export type FileData = string | Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

const UNCHANGED = 'the file there before, if any, is unchanged';

/** Errors name `path` (not the temp file) and carry the system error's `code`. */
export async function writeFileAtomic(path: string, data: FileData): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': never follow or clobber something already at the temp name (so a failure here leaves it be).
  const file = await open(temp, 'wx').catch((e: unknown) => {
    throw writeError(path, e, UNCHANGED);
  });
  try {
    try {
      await writeFile(file, data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw writeError(path, e, UNCHANGED);
  }
  try {
    await syncDirectory(dir);
  } catch (e) {
    throw writeError(path, e, 'it was written, but its directory could not be synced, so a crash now could lose it');
  }
}

function writeError(path: string, e: unknown, consequence: string): Error {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  // A system error's code (its message names the temp file); anything else's own message.
  const why = code && /^E[A-Z]+$/.test(code) ? code : e instanceof Error ? e.message : String(e);
  const error: NodeJS.ErrnoException = new Error(`cannot write ${path}: ${why}; ${consequence}`, { cause: e });
  error.code = code;
  return error;
}

async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory to fsync it; there the rename alone has to do.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
