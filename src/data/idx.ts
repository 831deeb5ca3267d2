// The IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number
// [0, 0, dtype code, rank], `rank` big-endian uint32 dims, then the values, big-endian, row-major.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const DTYPES = {
  0x08: { name: 'uint8', size: 1, Array: Uint8Array, get: 'getUint8', set: 'setUint8' },
  0x09: { name: 'int8', size: 1, Array: Int8Array, get: 'getInt8', set: 'setInt8' },
  0x0b: { name: 'int16', size: 2, Array: Int16Array, get: 'getInt16', set: 'setInt16' },
  0x0c: { name: 'int32', size: 4, Array: Int32Array, get: 'getInt32', set: 'setInt32' },
  0x0d: { name: 'float32', size: 4, Array: Float32Array, get: 'getFloat32', set: 'setFloat32' },
  0x0e: { name: 'float64', size: 8, Array: Float64Array, get: 'getFloat64', set: 'setFloat64' },
} as const;

type DtypeCode = keyof typeof DTYPES;
export type IdxDtype = (typeof DTYPES)[DtypeCode]['name'];
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDtype;
  dims: number[];
  data: IdxData;
}

/** Malformed IDX input; the message names the file and what is wrong with it. */
export class IdxError extends Error {
  override name = 'IdxError';
}

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Reads an IDX file, raw or gzipped (recognised by its gzip header, whatever the file is called). */
export function readIdx(path: string): IdxArray {
  return parseIdx(readFileSync(path), path);
}

/** Parses IDX bytes (raw or gzipped); `source` names them in error messages. */
export function parseIdx(input: Uint8Array, source = 'IDX data'): IdxArray {
  let bytes = input;
  if (isGzip(input)) {
    try {
      bytes = gunzipSync(input);
    } catch (e) {
      throw new IdxError(`${source}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  const fail = (what: string): never => {
    throw new IdxError(`${source}: ${what}`);
  };
  if (bytes.length < 4) fail(`truncated: ${bytes.length} bytes, too short for the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const code = bytes[2]!;
  const rank = bytes[3]!;
  const dtype = DTYPES[code as DtypeCode];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !dtype || rank === 0) {
    fail(`bad magic number 0x${magic.toString(16).padStart(8, '0')}: expected 0x0000TTNN with type TT in {08, 09, 0B, 0C, 0D, 0E} and NN ≥ 1 dims (e.g. 0x00000803 for uint8 images)`);
  }
  const header = 4 + 4 * rank;
  if (bytes.length < header) fail(`truncated header: ${rank} dims need ${header} bytes, the data has ${bytes.length}`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = header + count * dtype.size;
  const shape = `[${dims.join(', ')}]`;
  if (bytes.length < expected) fail(`truncated: dims ${shape} of ${dtype.name} need ${expected} bytes, the data has ${bytes.length}`);
  if (bytes.length > expected) fail(`trailing garbage: ${bytes.length - expected} bytes after the ${expected} that dims ${shape} of ${dtype.name} account for`);
  // DataView reads big-endian by default, whatever the host's byte order.
  const data = new dtype.Array(count);
  for (let i = 0; i < count; i++) data[i] = view[dtype.get](header + i * dtype.size);
  return { dtype: dtype.name, dims, data };
}

/** Encodes an array as raw IDX bytes (the inverse of parseIdx). */
export function encodeIdx({ dtype, dims, data }: IdxArray): Uint8Array {
  const entry = Object.entries(DTYPES).find(([, d]) => d.name === dtype);
  if (!entry) throw new IdxError(`encodeIdx: unknown dtype ${dtype}`);
  const [code, d] = [Number(entry[0]), entry[1]];
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new IdxError(`encodeIdx: dims [${dims.join(', ')}] hold ${count} values, the data has ${data.length}`);
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + count * d.size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, (code << 8) | dims.length);
  dims.forEach((n, i) => view.setUint32(4 + 4 * i, n));
  for (let i = 0; i < count; i++) view[d.set](header + i * d.size, data[i]!);
  return bytes;
}
