import { describe, expect, it } from 'vitest';
import { buildPng, crc32, decodePng, encodePng, toGray28, type PngHeader } from '../../src/io/png.js';

/** Deterministic bytes (a small LCG), so failures reproduce. */
function bytes(n: number, seed = 1): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) % 2 ** 31) >> 16);
}

/** The spec's Paeth predictor, written out here so the decoder is checked against an independent filter. */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Filters each row of `raw` with `types[y % types.length]` and prefixes the filter byte, as an encoder does. */
function filterRows(raw: Uint8Array, height: number, bpp: number, types: number[]): Uint8Array {
  const rowBytes = raw.length / height;
  const out = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    const type = types[y % types.length];
    out[y * (rowBytes + 1)] = type;
    for (let i = 0; i < rowBytes; i++) {
      const at = y * rowBytes + i;
      const a = i >= bpp ? raw[at - bpp] : 0;
      const b = y > 0 ? raw[at - rowBytes] : 0;
      const c = y > 0 && i >= bpp ? raw[at - rowBytes - bpp] : 0;
      const predicted = [0, a, b, Math.floor((a + b) / 2), paeth(a, b, c)][type];
      out[y * (rowBytes + 1) + 1 + i] = (raw[at] - predicted) & 0xff;
    }
  }
  return out;
}

const png = (header: PngHeader, raw: Uint8Array, bpp: number, extra: [string, Uint8Array][] = [], filters = [0]) =>
  buildPng(header, filterRows(raw, header.height, bpp, filters), extra);

describe('crc32', () => {
  it('gives the standard check values', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });
});

describe('decodePng', () => {
  it('reads back what encodePng writes', () => {
    const gray = bytes(7 * 5);
    const file = encodePng(gray, 7, 5);
    expect([...file.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(decodePng(file, 'a.png')).toEqual({ width: 7, height: 5, channels: 1, data: gray });
  });

  // Five rows, one per filter type (None, Sub, Up, Average, Paeth), in every colour type.
  const ALL_FILTERS = [0, 1, 2, 3, 4];
  it.each([
    [0, 1],
    [2, 3],
    [4, 2],
    [6, 4],
  ] as const)('reads colour type %i (%i channels) at 8 bits with every filter', (colorType, channels) => {
    const [width, height] = [6, 5];
    const raw = bytes(width * height * channels, colorType + 2);
    const file = png({ width, height, bitDepth: 8, colorType }, raw, channels, [], ALL_FILTERS);
    expect(decodePng(file, 'x.png')).toEqual({ width, height, channels, data: raw });
  });

  it('expands a palette image (colour type 3) with every filter, and its tRNS alphas', () => {
    const [width, height] = [6, 5];
    const palette = Uint8Array.of(0, 0, 0, 255, 255, 255, 10, 20, 30, 200, 100, 50);
    const indices = bytes(width * height, 9).map((v) => v % 4);
    const rgb = Uint8Array.from([...indices].flatMap((i) => [...palette.subarray(i * 3, i * 3 + 3)]));
    const header = { width, height, bitDepth: 8, colorType: 3 };
    expect(decodePng(png(header, indices, 1, [['PLTE', palette]], ALL_FILTERS), 'p.png')).toEqual({ width, height, channels: 3, data: rgb });

    // Entries past tRNS's end are opaque.
    const alphas = Uint8Array.of(0, 128);
    const rgba = Uint8Array.from([...indices].flatMap((i) => [...palette.subarray(i * 3, i * 3 + 3), i < 2 ? alphas[i] : 255]));
    const withAlpha = png(header, indices, 1, [['PLTE', palette], ['tRNS', alphas]], ALL_FILTERS);
    expect(decodePng(withAlpha, 'p.png')).toEqual({ width, height, channels: 4, data: rgba });
  });

  it('unpacks 1-, 2- and 4-bit grey to 0..255 and 2-bit palette indices', () => {
    // 10 pixels of 1 bit: 1011001110, padded to two bytes.
    const oneBit = decodePng(png({ width: 10, height: 1, bitDepth: 1, colorType: 0 }, Uint8Array.of(0b10110011, 0b10000000), 1), '1.png');
    expect([...oneBit.data]).toEqual([1, 0, 1, 1, 0, 0, 1, 1, 1, 0].map((v) => v * 255));
    // Two rows of 3 pixels of 2 bits (with Sub and Up filters): 0,1,2 / 3,3,0.
    const twoBit = decodePng(png({ width: 3, height: 2, bitDepth: 2, colorType: 0 }, Uint8Array.of(0b00011000, 0b11110000), 1, [], [1, 2]), '2.png');
    expect([...twoBit.data]).toEqual([0, 85, 170, 255, 255, 0]);
    const fourBit = decodePng(png({ width: 3, height: 1, bitDepth: 4, colorType: 0 }, Uint8Array.of(0x0f, 0x70), 1), '4.png');
    expect([...fourBit.data]).toEqual([0, 255, 7 * 17]);
    const palette = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
    const indexed = decodePng(png({ width: 3, height: 1, bitDepth: 2, colorType: 3 }, Uint8Array.of(0b10000100), 1, [['PLTE', palette]]), 'i.png');
    expect([...indexed.data]).toEqual([7, 8, 9, 1, 2, 3, 4, 5, 6]);
  });

  it('keeps the high byte of 16-bit samples, filtering by whole pixels', () => {
    const [width, height] = [3, 4];
    const raw = bytes(width * height * 8, 5); // RGBA at 16 bits: 8 bytes a pixel
    const file = png({ width, height, bitDepth: 16, colorType: 6 }, raw, 8, [], [1, 2, 3, 4]);
    expect(decodePng(file, 'deep.png').data).toEqual(raw.filter((_, i) => i % 2 === 0));
  });

  it('names the file and the problem when it cannot read it', () => {
    const file = encodePng(bytes(16), 4, 4);
    expect(() => decodePng(Buffer.from('GIF89a, not a PNG at all'), 'cat.gif')).toThrow('cat.gif: not a PNG file');
    expect(() => decodePng(file.subarray(0, 4), 'tiny.png')).toThrow('tiny.png: not a PNG file');
    expect(() => decodePng(file.subarray(0, file.length - 20), 'cut.png')).toThrow(/^cut\.png: truncated PNG file/);
    expect(() => decodePng(file.subarray(0, file.length - 12), 'noend.png')).toThrow('noend.png: truncated PNG file (no IEND chunk)');

    const corrupt = Uint8Array.from(file);
    corrupt[8 + 25 + 10] ^= 1; // a byte inside IDAT's data (after the signature and the 25-byte IHDR chunk)
    expect(() => decodePng(corrupt, 'bad.png')).toThrow('bad.png: bad CRC in IDAT chunk');

    const interlaced = png({ width: 2, height: 2, bitDepth: 8, colorType: 0, interlace: 1 }, bytes(4), 1);
    expect(() => decodePng(interlaced, 'adam7.png')).toThrow('adam7.png: unsupported PNG: interlaced');
    const badDepth = png({ width: 2, height: 1, bitDepth: 4, colorType: 2 }, bytes(3), 1);
    expect(() => decodePng(badDepth, 'rgb4.png')).toThrow('rgb4.png: unsupported PNG: colour type 2 with bit depth 4');
    const noPalette = png({ width: 2, height: 1, bitDepth: 8, colorType: 3 }, bytes(2), 1);
    expect(() => decodePng(noPalette, 'p.png')).toThrow('p.png: corrupt PNG: palette image without a valid PLTE chunk');
    const shortData = buildPng({ width: 4, height: 4, bitDepth: 8, colorType: 0 }, new Uint8Array(10));
    expect(() => decodePng(shortData, 'short.png')).toThrow('short.png: truncated PNG image data');
    // Decompression bombs: a huge declared size, and a small image whose data inflates far past its rows.
    const huge = buildPng({ width: 40000, height: 40000, bitDepth: 8, colorType: 0 }, new Uint8Array(10));
    expect(() => decodePng(huge, 'huge.png')).toThrow('huge.png: image is 40000×40000; at most 67,108,864 pixels (8192×8192) are supported');
    const bomb = buildPng({ width: 4, height: 4, bitDepth: 8, colorType: 0 }, new Uint8Array(8 << 20));
    expect(() => decodePng(bomb, 'bomb.png')).toThrow(/^bomb\.png: corrupt PNG image data \(/);
  });
});

describe('toGray28', () => {
  it('averages 2×2 blocks of a 56×56 image', () => {
    const gray = bytes(56 * 56, 3);
    const out = toGray28(decodePng(encodePng(gray, 56, 56), 'big.png'));
    expect(out.length).toBe(784);
    for (const [y, x] of [[0, 0], [5, 17], [27, 27]]) {
      const block = [gray[2 * y * 56 + 2 * x], gray[2 * y * 56 + 2 * x + 1], gray[(2 * y + 1) * 56 + 2 * x], gray[(2 * y + 1) * 56 + 2 * x + 1]];
      expect(out[y * 28 + x]).toBeCloseTo(block.reduce((s, v) => s + v, 0) / 4 / 255, 6);
    }
  });

  it('keeps a uniform image uniform at any size, and reads a 28×28 one as it is', () => {
    for (const size of [13, 42, 100]) {
      const out = toGray28({ width: size, height: size + 3, channels: 1, data: new Uint8Array(size * (size + 3)).fill(51) });
      for (const v of out) expect(v).toBeCloseTo(0.2, 6);
    }
    const gray = bytes(784, 4);
    expect(toGray28({ width: 28, height: 28, channels: 1, data: gray })).toEqual(Float32Array.from(gray, (v) => v / 255));
  });

  it('weighs colours by luminance; light ink on transparency goes over black', () => {
    const pixel = (channels: 1 | 2 | 3 | 4, ...values: number[]) =>
      toGray28({ width: 28, height: 28, channels, data: Uint8Array.from({ length: 784 * channels }, (_, i) => values[i % channels]) })[0];
    expect(pixel(3, 255, 0, 0)).toBeCloseTo(0.299, 6);
    expect(pixel(3, 0, 255, 0)).toBeCloseTo(0.587, 6);
    expect(pixel(4, 0, 0, 255, 255)).toBeCloseTo(0.114, 6);
    expect(pixel(4, 255, 255, 255, 51)).toBeCloseTo(0.2, 6);
    expect(pixel(2, 255, 0)).toBe(0); // transparent white is background
  });

  // A 28×28 drawing as a canvas saves it: ink of one colour, alpha 255 on a stroke, 128 at its
  // anti-aliased edge, 0 (transparent black) elsewhere.
  const STROKE = 5 * 28 + 6;
  const EDGE = 5 * 28 + 7;
  function drawing(channels: 2 | 4, ink: number): Uint8Array {
    const data = new Uint8Array(784 * channels);
    for (const [p, alpha] of [[STROKE, 255], [EDGE, 128]]) {
      data.fill(ink, p * channels, (p + 1) * channels - 1);
      data[(p + 1) * channels - 1] = alpha;
    }
    return data;
  }

  it('composites dark ink on transparency over white, which predict --invert turns MNIST-like', () => {
    for (const [channels, colorType] of [[4, 6], [2, 4]] as const) {
      const file = png({ width: 28, height: 28, bitDepth: 8, colorType }, drawing(channels, 0), channels);
      const out = toGray28(decodePng(file, 'canvas.png'));
      expect([out[STROKE], out[EDGE], out[0], out[783]]).toEqual([0, Math.fround(1 - 128 / 255), 1, 1]);
      const inverted = out.map((v) => 1 - v); // as predict --invert does
      expect(inverted[STROKE]).toBe(1);
      expect(inverted.filter((v) => v > 0).length).toBe(2);
    }
  });

  it('composites light ink on transparency over black, as MNIST', () => {
    for (const [channels, colorType] of [[4, 6], [2, 4]] as const) {
      const out = toGray28(decodePng(png({ width: 28, height: 28, bitDepth: 8, colorType }, drawing(channels, 255), channels), 'white.png'));
      expect([out[STROKE], out[EDGE], out[0]]).toEqual([1, Math.fround(128 / 255), 0]);
      expect(out.filter((v) => v > 0).length).toBe(2);
    }
  });

  // A 56×28 image of background `bg` with an 8×8 blob of `1 - bg` in its middle; transposed, 28×56.
  function blob(bg: number, tall: boolean): Float32Array {
    const gray = new Uint8Array(56 * 28).fill(255 * bg);
    for (let y = 10; y < 18; y++) for (let x = 24; x < 32; x++) gray[tall ? x * 28 + y : y * 56 + x] = 255 * (1 - bg);
    const [width, height] = tall ? [28, 56] : [56, 28];
    return toGray28(decodePng(encodePng(gray, width, height), 'wide.png'));
  }

  it('pads a wide or tall image to a square with its background, keeping the aspect ratio', () => {
    for (const bg of [0, 1]) {
      for (const tall of [false, true]) {
        // Centred in a 56×56 square, the blob's 2×2 blocks become output pixels 12..15 each way.
        const inBlob = (i: number) => i >= 12 && i < 16;
        const expected = Float32Array.from({ length: 784 }, (_, i) => (inBlob(i % 28) && inBlob(Math.floor(i / 28)) ? 1 - bg : bg));
        expect(blob(bg, tall)).toEqual(expected);
      }
    }
  });
});
