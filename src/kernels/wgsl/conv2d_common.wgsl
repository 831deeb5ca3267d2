// Shared by conv2d.wgsl and conv2d_backward_*.wgsl through `#include` (src/gpu/pipelines.ts);
// declarations and helpers only, not a kernel. Params is packed by packParams in src/ops/conv2d.ts: x
// [n,c,h,w], weight [o,c/groups,kh,kw], output [n,o,oh,ow]; `chunk` is the split-K chunk of
// conv2d_backward_weight*.wgsl (output pixels per partial sum), unused by the other kernels.

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  o: u32, oh: u32, ow: u32, groups: u32,
  kh: u32, kw: u32, stride_y: u32, stride_x: u32,
  pad_y: u32, pad_x: u32, dil_y: u32, dil_x: u32,
  chunk: u32,
}

// The strip kernels (conv2d.wgsl, conv2d_backward_input.wgsl): which channels a workgroup and
// which pixels a thread computes.

// Channel block z of blocks of `size` over each group's `per_group` channels: group grp, that
// group's channels first … first + last.
struct ChannelBlock { grp: u32, first: u32, last: u32 }

fn channel_block(z: u32, per_group: u32, size: u32) -> ChannelBlock {
  let blocks = (per_group + size - 1u) / size;
  let grp = z / blocks;
  let first = (z - grp * blocks) * size;
  return ChannelBlock(grp, first, min(size, per_group - first) - 1u);
}

// Strip `index` of the strips of q pixels cutting each of the `rows` rows `width` wide of each
// of `images` images: image n, row, first pixel x0. Indices past the last strip (tail threads)
// get the last strip, with live false: they compute it and skip their writes.
struct Strip { n: u32, row: u32, x0: u32, live: bool }

fn strip_at(index: u32, images: u32, rows: u32, width: u32, q: u32) -> Strip {
  let strips = (width + q - 1u) / q;
  let total = images * rows * strips;
  let s = min(index, total - 1u);
  let r = s / strips;
  let n = r / rows;
  return Strip(n, r - n * rows, (s - r * strips) * q, index < total);
}

// A strip's window: columns x0 + v (v < count ≤ MAX_SEG) of a row `width` wide, each with the
// column to read (0 outside the row, where reads are replaced by 0) and whether it is inside.
const MAX_SEG: u32 = 32u;
struct Window { at: array<u32, MAX_SEG>, inside: array<bool, MAX_SEG> }

fn window(x0: i32, width: u32, count: u32) -> Window {
  var w: Window;
  for (var v = 0u; v < count; v++) {
    let x = x0 + i32(v);
    w.inside[v] = x >= 0 && x < i32(width);
    w.at[v] = select(0u, u32(x), w.inside[v]);
  }
  return w;
}
