// The safetensors codec: exact bytes for a tiny file, bit-exact round trips, conversions from the
// other float dtypes, and one error per way a file can be malformed.
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, type TensorData } from '../../src/io/safetensors.js';

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const u64 = (n: number) => [n & 0xff, (n >> 8) & 0xff, 0, 0, 0, 0, 0, 0];

/** A file from a header object (padded as we pad) and raw data bytes, for the malformed cases. */
function file(header: unknown, data: number[] | Uint8Array = [], headerLength?: number): Uint8Array {
  const json = ascii(JSON.stringify(header));
  const padded = [...json, ...Array<number>((8 - (json.length % 8)) % 8).fill(0x20)];
  return Uint8Array.from([...u64(headerLength ?? padded.length), ...padded, ...data]);
}

const f32 = (values: number[]) => [...new Uint8Array(Float32Array.from(values).buffer)];
const decode = (bytes: Uint8Array) => decodeSafetensors(bytes, 'w.safetensors');

describe('encodeSafetensors', () => {
  it('lays out a tiny tensor byte for byte', () => {
    const bytes = encodeSafetensors(new Map([['a', { shape: [2], data: Float32Array.of(1, -2) }]]));
    const json = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'; // 54 bytes, padded to 56
    const expected = [
      ...[0x38, 0, 0, 0, 0, 0, 0, 0],
      ...ascii(json),
      0x20,
      0x20,
      ...[0x00, 0x00, 0x80, 0x3f], // 1.0f
      ...[0x00, 0x00, 0x00, 0xc0], // -2.0f
    ];
    expect([...bytes]).toEqual(expected);
  });

  it('puts the metadata first and lays tensors out back to back in map order', () => {
    const bytes = encodeSafetensors(
      new Map([
        ['w', { shape: [1, 2], data: Float32Array.of(3, 4) }],
        ['b', { shape: [], data: Float32Array.of(5) }],
      ]),
      { format: 'pt' },
    );
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    expect(header.trimEnd()).toBe(
      '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}',
    );
    expect([...bytes.subarray(8 + headerLength)]).toEqual(f32([3, 4, 5]));
  });

  it('round-trips every bit: NaN payloads, -0, infinities, denormals, empty and scalar tensors', () => {
    const bits = Uint32Array.of(0x7fc00000, 0x7f800001, 0xffc12345, 0x80000000, 0x00000001, 0x807fffff, 0x7f800000, 0xff800000, 0x3f800000);
    const tensors = new Map<string, TensorData>([
      ['odd', { shape: [3, 3], data: new Float32Array(bits.buffer) }],
      ['empty', { shape: [0, 4], data: new Float32Array(0) }],
      ['scalar', { shape: [], data: Float32Array.of(Math.PI) }],
      // A view into a larger buffer: only its own bytes are written.
      ['view', { shape: [2], data: new Float32Array(Float32Array.of(9, 7, 8, 9).buffer, 4, 2) }],
      ['__proto__', { shape: [1], data: Float32Array.of(1) }],
    ]);
    const metadata = { epoch: '3', note: 'ünïcode "quoted" \\ </svg>' };
    const out = decode(encodeSafetensors(tensors, metadata));
    expect(out.metadata).toEqual(metadata);
    expect([...out.tensors.keys()]).toEqual([...tensors.keys()]);
    for (const [name, { shape, data }] of tensors) {
      const got = out.tensors.get(name)!;
      expect(got.shape, name).toEqual(shape);
      expect([...new Uint32Array(got.data.buffer, got.data.byteOffset, got.data.length)], name).toEqual([...new Uint32Array(data.buffer, data.byteOffset, data.length)]);
    }
  });

  it('decodes from a Node Buffer in a shared pool, copying the data out', () => {
    const encoded = encodeSafetensors(new Map([['a', { shape: [3], data: Float32Array.of(1, 2, 3) }]]));
    const pooled = Buffer.concat([Buffer.from([9, 9, 9]), encoded]).subarray(3);
    const a = decode(pooled).tensors.get('a')!.data;
    expect([...a]).toEqual([1, 2, 3]);
    expect(a.buffer.byteLength).toBe(12);
  });

  it('writes no metadata entry without metadata and reads it back as {}', () => {
    const bytes = encodeSafetensors(new Map());
    expect(new TextDecoder().decode(bytes.subarray(8)).trim()).toBe('{}');
    expect(decode(bytes)).toEqual({ tensors: new Map(), metadata: {} });
  });

  it('rejects what it cannot write faithfully', () => {
    expect(() => encodeSafetensors(new Map([['a', { shape: [3], data: new Float32Array(2) }]]))).toThrow('a has 2 values but shape [3] holds 3');
    expect(() => encodeSafetensors(new Map([['a', { shape: [-1], data: new Float32Array(0) }]]))).toThrow('dims must be non-negative integers');
    expect(() => encodeSafetensors(new Map([['__metadata__', { shape: [0], data: new Float32Array(0) }]]))).toThrow('cannot be named __metadata__');
    expect(() => encodeSafetensors(new Map(), { epoch: 3 as unknown as string })).toThrow('metadata value epoch must be a string');
  });
});

describe('decodeSafetensors reads', () => {
  const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });

  it('F64, F16 and BF16 as float32', () => {
    const f64 = [...new Uint8Array(Float64Array.of(0.1, -2.5).buffer)];
    // F16: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), +inf, NaN
    const f16 = [0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, 0x00, 0x7c, 0x01, 0x7e];
    // BF16: 1.0, -3.0 (the top halves of their float32 bits)
    const bf16 = [0x80, 0x3f, 0x40, 0xc0];
    const bytes = file(
      { a: entry('F64', [2], 0, 16), h: entry('F16', [2, 3], 16, 28), b: entry('BF16', [2], 28, 32) },
      [...f64, ...f16, ...bf16],
    );
    const { tensors } = decode(bytes);
    expect([...tensors.get('a')!.data]).toEqual([Math.fround(0.1), -2.5]);
    expect([...tensors.get('h')!.data]).toEqual([1, -2, 65504, 2 ** -24, Infinity, NaN]);
    expect(tensors.get('h')!.shape).toEqual([2, 3]);
    expect([...tensors.get('b')!.data]).toEqual([1, -3]);
  });

  it('tensors in any data order, as long as they tile the data', () => {
    const { tensors } = decode(file({ late: entry('F32', [1], 4, 8), early: entry('F32', [1], 0, 4) }, f32([1, 2])));
    expect([...tensors.get('late')!.data, ...tensors.get('early')!.data]).toEqual([2, 1]);
  });
});

describe('decodeSafetensors rejects, naming the file,', () => {
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: [string, Uint8Array, string][] = [
    ['a file shorter than the length field', Uint8Array.of(1, 2, 3), 'it has 3 bytes, fewer than the 8-byte header length'],
    ['a header length beyond the file', file(ok, f32([1, 2]), 1000), 'the header length is 1000 bytes but the file has 64 bytes after it'],
    ['an absurd header length', Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0x80, ...ascii('{}')]), 'the header length is 9223372036854775808 bytes but the file has 2 bytes after it (and the limit is 100000000)'],
    ['a header that is not JSON', Uint8Array.from([...u64(8), ...ascii('{"a":1  ')]), 'the header is not UTF-8 JSON'],
    ['a header that is not UTF-8', Uint8Array.from([...u64(8), ...ascii('{"'), 0xff, ...ascii('":1} ')]), 'the header is not UTF-8 JSON'],
    ['a header that is not an object', file([1, 2]), 'the header does not start with {'],
    ['a header after a byte-order mark', Uint8Array.from([...u64(5), 0xef, 0xbb, 0xbf, ...ascii('{}')]), 'the header does not start with {'],
    ['a header after spaces', Uint8Array.from([...u64(4), ...ascii('  {}')]), 'the header does not start with {'],
    ['a tensor entry that is not an object', file({ a: 3 }), 'the entry for a is not an object'],
    ['a missing dtype', file({ a: { shape: [], data_offsets: [0, 0] } }), 'a has no dtype'],
    ['an unknown dtype', file({ a: { dtype: 'Q7', shape: [1], data_offsets: [0, 1] } }, [0]), 'a has dtype Q7; readable dtypes are F32, F64, F16, BF16'],
    ['a dtype named like an Object member', file({ a: { dtype: 'constructor', shape: [1], data_offsets: [0, 4] } }, f32([1])), 'a has dtype constructor; readable dtypes are F32, F64, F16, BF16'],
    ['a bad shape', file({ a: { dtype: 'F32', shape: [2.5], data_offsets: [0, 8] } }, f32([1, 2])), 'a has shape [2.5]'],
    ['bad offsets', file({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, f32([1, 2])), 'a has data_offsets [8,0]'],
    ['a span that does not match the shape', file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32([1, 2])), 'a spans 8 bytes but shape [3] of F32 needs 12'],
    [
      'overlapping tensors',
      file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32([1, 2])),
      'b (bytes 4..8) overlaps the tensor before it (ending at 8)',
    ],
    ['a gap between tensors', file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32([1, 2])), 'bytes 0..4 of the data belong to no tensor'],
    ['a truncated file', file(ok, f32([1])), 'a ends at byte 8 of the data but the file holds 4 bytes of data (truncated?)'],
    ['trailing bytes', file(ok, [...f32([1, 2]), 0]), '1 trailing bytes after the last tensor'],
    ['metadata that is not an object', file({ __metadata__: 'pt' }), '__metadata__ is not an object'],
    ['a metadata value that is not a string', file({ __metadata__: { epoch: 3 } }), '__metadata__.epoch is not a string'],
  ];
  it.each(cases)('%s', (_, bytes, message) => {
    expect(() => decode(bytes)).toThrow(`w.safetensors: not a valid safetensors file: ${message}`);
  });

  it('a valid file with a dtype of the format this engine cannot read, saying so', () => {
    const bytes = file({ n: { dtype: 'I64', shape: [], data_offsets: [0, 8] } }, new Uint8Array(8));
    expect(() => decode(bytes)).toThrow(/^w\.safetensors: cannot read it: n has dtype I64; readable dtypes are F32, F64, F16, BF16$/);
  });
});
