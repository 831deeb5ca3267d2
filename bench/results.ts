// Where a benchmark run's JSON goes, and what every run records about itself: commit, whether the
// tree was dirty, and the machine.
import { execSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const git = (cmd: string) => {
  try {
    return execSync(`git ${cmd}`, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
};

export function provenance(started: Date) {
  return {
    date: started.toISOString(),
    commit: git('rev-parse HEAD'),
    dirty: (git('status --porcelain') ?? '') !== '',
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: totalmem() / 2 ** 30, node: process.version, platform: process.platform },
  };
}

/**
 * Writes bench/results/<start time>-<mode>.json and returns its path. A run may rewrite its file
 * as it goes: through a temporary file and a rename, so a kill leaves the last whole version.
 */
export function writeResult(started: Date, mode: string, result: object): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${started.toISOString().replace(/[:.]/g, '-')}-${mode}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}
