// A training batch gathered from a dataset kept on the GPU (src/data/resident.ts), as the host
// loader builds it (src/data/loader.ts, whose host batches are this kernel's reference):
// x[b, 0, row, col] = scale[byte of image order[offset + b] at (row, col)], mirrored left to
// right where bit 31 of that order entry is set (a random flip), and y[b] = the image's label.
// scale holds v / 255 as the host computes it, so both paths give the same floats bit for bit.
// One thread per pixel of the batch; the pixel's first thread also writes the label.
// @binding(1) images: count·height·width bytes, four per word (little-endian); @binding(2)
// labels: count bytes, likewise; @binding(3) order; @binding(4) scale [256]; @binding(5) x
// [count, 1, height, width]; @binding(6) y [count].
override WG: u32 = 256;

struct Params {
  offset: u32,
  count: u32,
  height: u32,
  width: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> images: array<u32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> order: array<u32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;
@group(0) @binding(5) var<storage, read_write> x: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

const FLIP: u32 = 0x80000000u;

fn byte_at(word: u32, i: u32) -> u32 {
  return (word >> (8u * (i % 4u))) & 255u;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let pixels = p.height * p.width;
  if (i >= p.count * pixels) { return; }
  let b = i / pixels;
  let k = i % pixels;
  let entry = order[p.offset + b];
  let index = entry & ~FLIP;
  var col = k % p.width;
  if ((entry & FLIP) != 0u) { col = p.width - 1u - col; }
  let at = index * pixels + (k / p.width) * p.width + col;
  x[i] = scale[byte_at(images[at / 4u], at)];
  if (k == 0u) { y[b] = f32(byte_at(labels[index / 4u], index)); }
}
