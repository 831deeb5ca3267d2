// PNG (https://www.w3.org/TR/png/) so a user can try a model on their own digit images, and so we
// can write sample images. Decoding covers what image editors save: every colour type, bit depths
// 1–16 (16-bit samples keep their high byte), all five filters, palette transparency (tRNS).
// Adam7 interlacing is rejected; grey and RGB colour-key transparency is ignored (rare).
import { deflateSync, inflateSync } from 'node:zlib';

export interface PngImage {
  width: number;
  height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA; palette images expand to 3, or 4 with tRNS. */
  channels: 1 | 2 | 3 | 4;
  /** 8 bits per sample, row by row, channels interleaved. */
  data: Uint8Array;
}

/** The IHDR fields we write and read (compression and filter method are always 0). */
export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace?: number;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** Samples per pixel and the bit depths the standard allows, by colour type. */
const COLOR_TYPES: Record<number, { samples: number; depths: number[] }> = {
  0: { samples: 1, depths: [1, 2, 4, 8, 16] },
  2: { samples: 3, depths: [8, 16] },
  3: { samples: 1, depths: [1, 2, 4, 8] },
  4: { samples: 2, depths: [8, 16] },
  6: { samples: 4, depths: [8, 16] },
};

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** CRC-32 as PNG chunks (and zlib's crc32) compute it, unsigned. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Assembles a PNG from its header and scanlines already filtered (each row led by its filter
 * byte), with `extra` chunks (PLTE, tRNS) before the image data. Tests use it to build every kind
 * of PNG; `encodePng` is the common case.
 */
export function buildPng(header: PngHeader, filtered: Uint8Array, extra: [type: string, data: Uint8Array][] = []): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, header.width);
  view.setUint32(4, header.height);
  ihdr.set([header.bitDepth, header.colorType, 0, 0, header.interlace ?? 0], 8);
  const parts = [SIGNATURE, chunk('IHDR', ihdr), ...extra.map(([t, d]) => chunk(t, d)), chunk('IDAT', deflateSync(filtered)), chunk('IEND', new Uint8Array(0))];
  return Buffer.concat(parts);
}

/** An 8-bit grayscale PNG, unfiltered (for sample images and tests). */
export function encodePng(gray: Uint8Array, width: number, height: number): Uint8Array {
  if (gray.length !== width * height) throw new Error(`encodePng: ${gray.length} pixels for a ${width}×${height} image`);
  const filtered = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) filtered.set(gray.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return buildPng({ width, height, bitDepth: 8, colorType: 0 }, filtered);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the per-row filters; `bpp` is the filters' left-neighbour distance in bytes (at least 1). */
function unfilter(raw: Uint8Array, height: number, rowBytes: number, bpp: number, fail: (why: string) => never): Uint8Array {
  const out = new Uint8Array(height * rowBytes);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (rowBytes + 1)];
    if (type > 4) fail(`row ${y} has unknown filter type ${type}`);
    const src = y * (rowBytes + 1) + 1;
    const row = y * rowBytes;
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? out[row + i - bpp] : 0;
      const b = y > 0 ? out[row - rowBytes + i] : 0;
      const c = y > 0 && i >= bpp ? out[row - rowBytes + i - bpp] : 0;
      const predicted = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >> 1 : paeth(a, b, c);
      out[row + i] = raw[src + i] + predicted; // Uint8Array stores it modulo 256, as the filters define
    }
  }
  return out;
}

const MAX_PIXELS = 8192 * 8192;

/** Decodes a PNG into 8-bit samples. Errors name `fileName` and say what is wrong. */
export function decodePng(bytes: Uint8Array, fileName: string): PngImage {
  const fail = (why: string): never => {
    throw new Error(`${fileName}: ${why}`);
  };
  if (bytes.length < SIGNATURE.length || SIGNATURE.some((b, i) => bytes[i] !== b)) fail('not a PNG file (no PNG signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: PngHeader | undefined;
  let palette: Uint8Array | undefined;
  let alphas: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  for (let at = SIGNATURE.length; !ended; ) {
    if (at + 12 > bytes.length) fail('truncated PNG file (no IEND chunk)');
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) fail(`truncated PNG file (${type} chunk cut short)`);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) fail(`bad CRC in ${type} chunk: the file is corrupt`);
    at += 12 + length;
    if (!header && type !== 'IHDR') fail(`corrupt PNG: ${type} chunk before IHDR`);
    if (type === 'IHDR') {
      if (length !== 13) fail('corrupt PNG: IHDR is not 13 bytes');
      const d = new DataView(data.buffer, data.byteOffset, 13);
      header = { width: d.getUint32(0), height: d.getUint32(4), bitDepth: data[8], colorType: data[9], interlace: data[12] };
      if (data[10] !== 0 || data[11] !== 0) fail(`unsupported PNG: compression method ${data[10]}, filter method ${data[11]}`);
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') alphas = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    // A critical chunk (upper-case first letter) we do not know changes how the image reads: refuse it.
    else if (type.charCodeAt(0) < 0x61) fail(`unsupported PNG: unknown critical chunk ${type}`);
  }
  const { width, height, bitDepth, colorType, interlace } = header!;
  const format = COLOR_TYPES[colorType];
  if (!format || !format.depths.includes(bitDepth)) fail(`unsupported PNG: colour type ${colorType} with bit depth ${bitDepth}`);
  if (interlace !== 0) fail('unsupported PNG: interlaced (Adam7); save it without interlacing');
  if (width === 0 || height === 0) fail('corrupt PNG: zero width or height');
  // A digit picture needs few pixels; a huge declared size (a few KB of zeros inflate to GBs) is refused before any is allocated.
  if (width * height > MAX_PIXELS) fail(`image is ${width}×${height}; at most ${MAX_PIXELS.toLocaleString('en-US')} pixels (8192×8192) are supported`);
  if (colorType === 3 && (!palette || palette.length % 3)) fail('corrupt PNG: palette image without a valid PLTE chunk');
  if (!idat.length) fail('corrupt PNG: no IDAT chunk');

  const bitsPerPixel = format.samples * bitDepth;
  const rowBytes = Math.ceil((width * bitsPerPixel) / 8);
  let raw: Uint8Array;
  try {
    // Bounded: the rows and some slack for trailing data, which decoders tolerate.
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: height * (rowBytes + 1) + (1 << 20) });
  } catch (e) {
    return fail(`corrupt PNG image data (${(e as Error).message})`);
  }
  if (raw.length < height * (rowBytes + 1)) fail(`truncated PNG image data (${raw.length} bytes for ${height} rows of ${rowBytes + 1})`);
  const rows = unfilter(raw, height, rowBytes, Math.max(1, bitsPerPixel / 8), fail);

  // The i-th sample of row y: high byte of 16-bit samples, packed ones unpacked from the left.
  const sample = (y: number, i: number) => {
    if (bitDepth >= 8) return rows[y * rowBytes + (i * bitDepth) / 8];
    const bit = i * bitDepth;
    return (rows[y * rowBytes + (bit >> 3)] >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1);
  };
  const channels = colorType === 3 ? (alphas ? 4 : 3) : (format.samples as 1 | 2 | 3 | 4);
  const data = new Uint8Array(width * height * channels);
  const samplesPerRow = width * format.samples;
  // Low-depth grey scales to 0..255 (a 1-bit 1 is white); palette indices do not.
  const scale = colorType === 0 && bitDepth < 8 ? 255 / ((1 << bitDepth) - 1) : 1;
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < samplesPerRow; i++) {
      const v = sample(y, i);
      if (colorType !== 3) {
        data[y * samplesPerRow + i] = v * scale;
        continue;
      }
      if (v * 3 >= palette!.length) fail(`corrupt PNG: palette index ${v} beyond the ${palette!.length / 3} colours of PLTE`);
      const out = (y * width + i) * channels;
      data.set(palette!.subarray(v * 3, v * 3 + 3), out);
      if (alphas) data[out + 3] = v < alphas.length ? alphas[v] : 255;
    }
  }
  return { width, height, channels, data };
}

/**
 * For each of `outSize` output pixels, the input indices it covers and their shares of its width.
 * The outputs span `span` input pixels, the input starting `offset` into them (a centred pad): the
 * shares sum to 1 where an output covers only input, to less where it covers padding.
 */
function areaWeights(inSize: number, outSize: number, span: number, offset: number): [index: number, weight: number][][] {
  return Array.from({ length: outSize }, (_, o) => {
    const lo = (o * span) / outSize - offset;
    const hi = ((o + 1) * span) / outSize - offset;
    const cover: [number, number][] = [];
    for (let i = Math.max(0, Math.floor(lo)); i < Math.min(hi, inSize); i++) cover.push([i, (Math.min(hi, i + 1) - Math.max(lo, i)) / (hi - lo)]);
    return cover;
  });
}

/**
 * Luminance (0.299R + 0.587G + 0.114B) in [0, 1], transparent pixels composited over the background
 * that contrasts with the ink. A drawing saved with a transparent background (a web canvas, an
 * editor) has no background colour, and over the wrong one its strokes vanish (black ink over
 * black). The visible pixels are the strokes, so the ink's luminance is their alpha-weighted mean:
 * dark ink goes over white, as on a page (--invert then makes it MNIST's white on black), light
 * ink over black, as in MNIST. A fully transparent image has no ink; it goes over black.
 */
function compositedLuminance({ width, height, channels, data }: PngImage): Float32Array {
  const gray = new Float32Array(width * height);
  for (let p = 0; p < gray.length; p++) {
    const s = p * channels;
    gray[p] = (channels < 3 ? data[s] : 0.299 * data[s] + 0.587 * data[s + 1] + 0.114 * data[s + 2]) / 255;
  }
  if (channels === 1 || channels === 3) return gray;
  const alpha = (p: number) => data[p * channels + channels - 1] / 255;
  let ink = 0;
  let coverage = 0;
  for (let p = 0; p < gray.length; p++) {
    ink += alpha(p) * gray[p];
    coverage += alpha(p);
  }
  const background = coverage > 0 && ink / coverage < 0.5 ? 1 : 0;
  for (let p = 0; p < gray.length; p++) gray[p] = gray[p] * alpha(p) + background * (1 - alpha(p));
  return gray;
}

/** The median of the outermost pixels: the background, even where strokes touch the edge. */
function borderMedian(gray: Float32Array, width: number, height: number): number {
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(gray[x], gray[(height - 1) * width + x]);
  for (let y = 1; y < height - 1; y++) border.push(gray[y * width], gray[y * width + width - 1]);
  border.sort((a, b) => a - b);
  return border[border.length >> 1];
}

/**
 * A 28×28 grayscale image in [0, 1], as MNIST's (white on black; a dark-on-light image needs
 * inverting by the caller): luminance with transparency composited (see compositedLuminance),
 * padded to a square with the background (the border's median), centred, so a wide or tall
 * image keeps its aspect ratio, and resized by averaging the area each output pixel covers.
 */
export function toGray28(image: PngImage): Float32Array {
  const { width, height } = image;
  const gray = compositedLuminance(image);
  const background = borderMedian(gray, width, height);
  const SIZE = 28;
  const side = Math.max(width, height);
  const wx = areaWeights(width, SIZE, side, (side - width) / 2);
  const wy = areaWeights(height, SIZE, side, (side - height) / 2);
  const out = new Float32Array(SIZE * SIZE);
  for (let oy = 0; oy < SIZE; oy++) {
    for (let ox = 0; ox < SIZE; ox++) {
      let v = 0;
      let covered = 0;
      for (const [y, fy] of wy[oy]) {
        for (const [x, fx] of wx[ox]) {
          v += fy * fx * gray[y * width + x];
          covered += fy * fx;
        }
      }
      out[oy * SIZE + ox] = v + (1 - covered) * background;
    }
  }
  return out;
}
