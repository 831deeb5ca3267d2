// IDX parsing on small hand-written buffers: every dtype, raw and gzipped, and each way a file can be broken.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetFromIdx, loadIdxDataset } from '../../src/data/dataset.js';
import { encodeIdx, IdxError, parseIdx, readIdx, type IdxArray } from '../../src/data/idx.js';

// Magic 0x00000803 (uint8, 3 dims), dims 2×2×3, then 12 pixels.
const IMAGES = Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, ...Array.from({ length: 12 }, (_, i) => i * 20)]);
// Magic 0x00000801 (uint8, 1 dim), dim 2, labels 7 and 1.
const LABELS = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 7, 1]);

const root = mkdtempSync(join(tmpdir(), 'idx-test-'));
afterAll(() => rmSync(root, { recursive: true }));
const tmp = () => mkdtempSync(join(root, 'case-'));

describe('parseIdx', () => {
  it('reads uint8 images and labels', () => {
    const images = parseIdx(IMAGES);
    expect(images.dtype).toBe('uint8');
    expect(images.dims).toEqual([2, 2, 3]);
    expect(Array.from(images.data)).toEqual(Array.from({ length: 12 }, (_, i) => i * 20));
    expect(parseIdx(LABELS)).toEqual({ dtype: 'uint8', dims: [2], data: Uint8Array.from([7, 1]) });
  });

  it('reads multi-byte values big-endian', () => {
    // int16 (0x0B), 1 dim of 2: 0x0102 = 258 and 0xFFFE = -2.
    const bytes = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
    expect(Array.from(parseIdx(bytes).data)).toEqual([258, -2]);
  });

  it.each<IdxArray>([
    { dtype: 'int8', dims: [3], data: Int8Array.from([-128, 0, 127]) },
    { dtype: 'int16', dims: [1, 3], data: Int16Array.from([-32768, 1, 32767]) },
    { dtype: 'int32', dims: [3, 1], data: Int32Array.from([-(2 ** 31), 5, 2 ** 31 - 1]) },
    { dtype: 'float32', dims: [3], data: Float32Array.from([0.5, -1.25, 3e38]) },
    { dtype: 'float64', dims: [1, 1, 3], data: Float64Array.from([Math.PI, -0, 1e-300]) },
  ])('round-trips $dtype through encodeIdx', (a) => {
    expect(parseIdx(encodeIdx(a))).toEqual(a);
  });

  it('encodes exactly the hand-written bytes', () => {
    expect(encodeIdx(parseIdx(IMAGES))).toEqual(IMAGES);
  });

  it('reads raw and gzipped files', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'raw'), IMAGES);
    writeFileSync(join(dir, 'packed.gz'), gzipSync(IMAGES));
    expect(readIdx(join(dir, 'raw'))).toEqual(parseIdx(IMAGES));
    expect(readIdx(join(dir, 'packed.gz'))).toEqual(parseIdx(IMAGES));
  });

  const broken: [string, Uint8Array, RegExp][] = [
    ['bad magic', Uint8Array.from([0x12, 0x34, 8, 1, 0, 0, 0, 1, 0]), /bad magic number 0x12340801/],
    ['an unknown dtype', Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 1, 0]), /bad magic number 0x00000a01/],
    ['zero dims', Uint8Array.from([0, 0, 8, 0]), /bad magic number 0x00000800/],
    ['no magic', Uint8Array.from([0, 0]), /truncated: 2 bytes, too short for the 4-byte magic/],
    ['a truncated header', IMAGES.subarray(0, 10), /truncated header: 3 dims need 16 bytes, the data has 10/],
    ['truncated data', IMAGES.subarray(0, 20), /truncated: dims \[2, 2, 3\] of uint8 need 28 bytes, the data has 20/],
    ['trailing garbage', Uint8Array.from([...LABELS, 9, 9]), /trailing garbage: 2 bytes after the 10 that dims \[2\] of uint8 account for/],
    ['corrupt gzip', gzipSync(IMAGES).subarray(0, 15), /corrupt gzip data/],
  ];
  it.each(broken)('rejects %s, naming the file', (_, bytes, message) => {
    expect(() => parseIdx(bytes, 'some/file')).toThrow(IdxError);
    expect(() => parseIdx(bytes, 'some/file')).toThrow(/^some\/file: /);
    expect(() => parseIdx(bytes, 'some/file')).toThrow(message);
  });

  it('names the path when reading a broken file', () => {
    const path = join(tmp(), 'train-labels-idx1-ubyte');
    writeFileSync(path, LABELS.subarray(0, 9));
    expect(() => readIdx(path)).toThrow(`${path}: truncated: dims [2] of uint8 need 10 bytes, the data has 9`);
  });
});

describe('IDX datasets', () => {
  const images = parseIdx(IMAGES);
  const labels = parseIdx(LABELS);
  const classes = Array.from({ length: 10 }, (_, i) => String(i));

  it('makes a dataset from images [N, H, W] and labels [N]', () => {
    const d = datasetFromIdx('tiny', images, labels, classes);
    expect(d).toMatchObject({ name: 'tiny', count: 2, height: 2, width: 3, classNames: classes });
    expect(Array.from(d.labels)).toEqual([7, 1]);
  });

  it('rejects wrong dims, dtypes, counts and labels', () => {
    const sources = { images: 'imgs', labels: 'lbls' };
    expect(() => datasetFromIdx('t', labels, labels, classes, sources)).toThrow('imgs: expected 3 dims, the file has 1 ([2])');
    expect(() => datasetFromIdx('t', images, images, classes, sources)).toThrow('lbls: expected 1 dims, the file has 3 ([2, 2, 3])');
    const floats: IdxArray = { dtype: 'float32', dims: [2], data: Float32Array.from([1, 2]) };
    expect(() => datasetFromIdx('t', images, floats, classes, sources)).toThrow('lbls: expected uint8 data (type 0x08), the file holds float32');
    const three: IdxArray = { dtype: 'uint8', dims: [3], data: Uint8Array.from([1, 2, 3]) };
    expect(() => datasetFromIdx('t', images, three, classes, sources)).toThrow('lbls: 3 labels for the 2 images of imgs');
    expect(() => datasetFromIdx('t', images, labels, ['a', 'b'], sources)).toThrow('lbls: label 7 at index 0 is not one of the 2 classes');
  });

  it('rejects images of another size than the data set\'s, and an empty split', () => {
    const sources = { images: 'imgs', labels: 'lbls' };
    expect(() => datasetFromIdx('mnist/test', images, labels, classes, sources, { height: 28, width: 28 })).toThrow('imgs: images are 2×3; mnist/test images are 28×28, which the models take');
    expect(datasetFromIdx('t', images, labels, classes, sources, { height: 2, width: 3 }).count).toBe(2);
    const none: IdxArray = { dtype: 'uint8', dims: [0, 28, 28], data: new Uint8Array(0) };
    const noLabels: IdxArray = { dtype: 'uint8', dims: [0], data: new Uint8Array(0) };
    expect(() => datasetFromIdx('t', none, noLabels, classes, sources)).toThrow('imgs: holds no images');
  });

  it('loads a directory of official names, raw or .gz', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(IMAGES));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), LABELS);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), IMAGES);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(LABELS));
    const { train, test } = loadIdxDataset(dir, 'tiny', classes);
    expect(train.name).toBe('tiny/train');
    expect(test.name).toBe('tiny/test');
    expect(train.images).toEqual(test.images);
    expect(Array.from(test.labels)).toEqual([7, 1]);
  });

  it('lists every file it looked for when some are missing', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), IMAGES);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), LABELS);
    const load = () => loadIdxDataset(dir, 'tiny', classes);
    expect(load).toThrow(`tiny: IDX files not found in ${dir}; looked for:`);
    expect(load).toThrow(`${join(dir, 't10k-images-idx3-ubyte')} or ${join(dir, 't10k-images-idx3-ubyte.gz')}`);
    expect(load).toThrow(`${join(dir, 't10k-labels-idx1-ubyte')} or ${join(dir, 't10k-labels-idx1-ubyte.gz')}`);
    expect(load).toThrow(/looked for:\n {2}\S+t10k-images\S+ or \S+\n {2}\S+t10k-labels\S+ or \S+$/); // nothing else
  });
});
