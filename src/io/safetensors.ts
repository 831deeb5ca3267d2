// The safetensors format (https://github.com/huggingface/safetensors), so that PyTorch reads our
// weights with `safetensors.torch.load_file` and we read theirs:
//   bytes 0..8      N, the header's length, a little-endian u64
//   bytes 8..8+N    UTF-8 JSON: { "<name>": { "dtype": "F32", "shape": [...], "data_offsets": [begin, end] },
//                   ..., "__metadata__": { string: string } }, padded with spaces to a multiple of 8
//   bytes 8+N..     the tensors' little-endian bytes, back to back; offsets count from here
// We write F32 only. Reading converts F64, F16 and BF16 to float32 (PyTorch users may save those)
// and rejects everything else. Reading checks what the reference implementation checks (offsets
// contiguous and covering the data exactly), so a truncated or spliced file never loads as weights.

export interface TensorData {
  shape: number[];
  data: Float32Array;
}

export interface Safetensors {
  tensors: Map<string, TensorData>;
  metadata: Record<string, string>;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const METADATA_KEY = '__metadata__';
/** The reference implementation's limit: a larger header is a corrupt length, not a real header. */
const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element, and how to convert one (little-endian) at a byte offset; F32 is copied as is. */
const READABLE: Record<string, { size: number; read?: (v: DataView, at: number) => number }> = {
  F32: { size: 4 },
  F64: { size: 8, read: (v, at) => v.getFloat64(at, true) },
  F16: { size: 2, read: (v, at) => halfToFloat(v.getUint16(at, true)) },
  BF16: { size: 2, read: (v, at) => new Float32Array(new Uint32Array([v.getUint16(at, true) << 16]).buffer)[0] },
};

/** Every dtype of the format: a tensor of one of these that is not READABLE makes a valid file this engine cannot use. */
const SAFETENSORS_DTYPES = new Set(['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64']);

// F32 data is copied as raw bytes (keeping NaN payloads, which a DataView round trip may not), so
// the host's byte order must be the file's. Every platform Node ships WebGPU for is little-endian.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('safetensors: big-endian hosts are not supported');

export function encodeSafetensors(tensors: Map<string, TensorData>, metadata?: Record<string, string>): Uint8Array {
  // Entries, not assignments, so that a name like `__proto__` stays an ordinary key.
  const header: [string, unknown][] = [];
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new Error(`safetensors: metadata value ${k} must be a string, got ${typeof v}`);
    }
    header.push([METADATA_KEY, metadata]);
  }
  let offset = 0;
  for (const [name, { shape, data }] of tensors) {
    if (name === METADATA_KEY) throw new Error(`safetensors: a tensor cannot be named ${METADATA_KEY}`);
    if (!isIntArray(shape)) throw new Error(`safetensors: ${name} has shape ${JSON.stringify(shape)}; dims must be non-negative integers`);
    if (sizeOf(shape) !== data.length) throw new Error(`safetensors: ${name} has ${data.length} values but shape [${shape.join(', ')}] holds ${sizeOf(shape)}`);
    header.push([name, { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] }]);
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(Object.fromEntries(header)));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const { data } of tensors.values()) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

/** Parses and checks a whole file; `fileName` is only for error messages. */
export function decodeSafetensors(file: Uint8Array, fileName: string): Safetensors {
  // A plain view: on a Node Buffer (what readFile gives), slice() below would share memory, not copy.
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  function fail(why: string): never {
    throw new Error(`${fileName}: not a valid safetensors file: ${why}`);
  }
  if (bytes.length < 8) fail(`it has ${bytes.length} bytes, fewer than the 8-byte header length`);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    fail(`the header length is ${declared} bytes but the file has ${bytes.length - 8} bytes after it${declared > MAX_HEADER_BYTES ? ` (and the limit is ${MAX_HEADER_BYTES})` : ''}`);
  }
  const headerLength = Number(declared);
  // As the reference implementation: the JSON starts at once (no byte-order mark or spaces first).
  if (headerLength > 0 && bytes[8] !== 0x7b) fail('the header does not start with {');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (e) {
    fail(`the header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isRecord(header)) fail('the header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  let metadata: Record<string, string> = {};
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (!isRecord(info)) fail(`${METADATA_KEY} is not an object`);
      for (const [k, v] of Object.entries(info)) if (typeof v !== 'string') fail(`${METADATA_KEY}.${k} is not a string`);
      metadata = info as Record<string, string>;
      continue;
    }
    if (!isRecord(info)) fail(`the entry for ${name} is not an object`);
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== 'string') fail(`${name} has no dtype`);
    if (!Object.hasOwn(READABLE, dtype)) {
      const why = `${name} has dtype ${dtype}; readable dtypes are ${Object.keys(READABLE).join(', ')}`;
      if (SAFETENSORS_DTYPES.has(dtype)) throw new Error(`${fileName}: cannot read it: ${why}`);
      fail(why);
    }
    const kind = READABLE[dtype];
    if (!isIntArray(shape)) fail(`${name} has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
    if (!isIntArray(offsets) || offsets.length !== 2 || offsets[0] > offsets[1]) fail(`${name} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with begin <= end`);
    const [begin, end] = offsets;
    if (end - begin !== sizeOf(shape) * kind.size) fail(`${name} spans ${end - begin} bytes but shape [${shape.join(', ')}] of ${dtype} needs ${sizeOf(shape) * kind.size}`);
    entries.push({ name, dtype, shape, begin, end });
  }

  // The data must be exactly the tensors, back to back: no overlap, gap or tail.
  let covered = 0;
  for (const e of [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (e.begin < covered) fail(`${e.name} (bytes ${e.begin}..${e.end}) overlaps the tensor before it (ending at ${covered})`);
    if (e.begin > covered) fail(`bytes ${covered}..${e.begin} of the data belong to no tensor`);
    if (e.end > dataLength) fail(`${e.name} ends at byte ${e.end} of the data but the file holds ${dataLength} bytes of data (truncated?)`);
    covered = e.end;
  }
  if (covered !== dataLength) fail(`${dataLength - covered} trailing bytes after the last tensor`);

  const tensors = new Map<string, TensorData>();
  for (const { name, dtype, shape, begin, end } of entries) {
    const raw = bytes.subarray(dataStart + begin, dataStart + end);
    const { size, read } = READABLE[dtype];
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    // slice() copies into a fresh, aligned buffer.
    const data = read ? Float32Array.from({ length: raw.length / size }, (_, i) => read(v, i * size)) : new Float32Array(raw.slice().buffer);
    tensors.set(name, { shape, data });
  }
  return { tensors, metadata };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIntArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/** IEEE 754 binary16 bits to a number (subnormals, infinities and NaN included). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
