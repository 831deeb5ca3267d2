// Gradient of conv2d with respect to its input where the horizontal stride and dilation are 1
// (other convolutions use conv2d_backward_input_general.wgsl): dx[n, c, iy, ix] sums, over the
// output channels o of c's group and the taps (ky, kx) whose output row oy = (iy + pad − ky·dil)
// / stride is whole and in range, grad[n, o, oy, ix + pad − kx]·weight[o, c mod C/groups, ky, kx].
// Register-blocked: each thread computes a strip of Q consecutive pixels of one row for CB
// channels. Per tap row and output channel it loads the Q + KW − 1 grad values under the strip
// and the CB·KW weights once each; each grad value then feeds up to CB·KW FMAs and each weight Q
// (on CPU rasterisers such as lavapipe a load costs far more than an FMA). The tap-row and
// channel loops stay loops (tap rows outermost, so the row test's division runs once per tap
// row); only the kx, channel-block and pixel loops, of constant bounds, unroll, which keeps the
// unrolled body small enough for compilers to hold acc and g in registers. The channel block
// (workgroup_id.z) is the same for the whole workgroup, so weight reads are uniform. Grad columns
// outside the map read 0 through a select; tail threads compute clamped strips and skip their
// writes, as do strip pixels past the row's end and channels past the block's last.
// @binding(0) Params (conv2d_common.wgsl); @binding(1) grad [N,O,OH,OW]; @binding(2) weight
// [O,C/groups,kh,kw]; @binding(3) dx [N,C,H,W].
// Grid (src/ops/conv2d.ts): x, y = strips over N × H × ⌈W/Q⌉ (wrapped as grid1d does);
// z = groups × ⌈(C/groups)/CB⌉ channel blocks.
override WG: u32 = 64;
// Kernel width (must equal p.kw).
override KW: u32 = 3;
// Channels and pixels per thread (see inputStrip in src/ops/conv2d.ts): CB·Q ≤ 64,
// KW·CB·Q ≤ 192, Q + KW − 1 ≤ 32.
override CB: u32 = 4;
override Q: u32 = 16;

#include "conv2d_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

// Grad values under a strip: ox = gx0 + v for v < SEG.
override SEG: u32 = Q + KW - 1u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  // This workgroup's channel block (uniform): group grp, channels c0 + c for c ≤ last.
  let cg = p.c / p.groups;
  let og = p.o / p.groups;
  let block = channel_block(wid.z, cg, CB);
  let grp = block.grp;
  let first = block.first;
  let c0 = grp * cg + first;
  let last = block.last;
  let taps = p.kh * KW;

  // This thread's strip: image n, row iy, pixels ix0 … ix0 + Q − 1.
  let strip = strip_at((wid.x + wid.y * nwg.x) * WG + lid, p.n, p.h, p.w, Q);
  let n = strip.n;
  let iy = strip.row;
  let ix0 = strip.x0;

  // Column offsets and validity, the same for every grad row read.
  let gx0 = i32(ix0 + p.pad_x) - i32(KW - 1u);
  let win = window(gx0, p.ow, SEG);

  // acc[c·Q + q] is dx at channel c0 + c, pixel (iy, ix0 + q). Channels past the block's last
  // repeat it (min(c, last)); their sums are dropped.
  var acc: array<f32, 64>;
  let plane = p.oh * p.ow;
  let w_block = (grp * og * cg + first) * taps;
  for (var ky = 0u; ky < p.kh; ky++) {
    // Tap row ky reads grad row (iy + pad − ky·dil) / stride when that is whole and in range.
    let ty = i32(iy + p.pad_y) - i32(ky * p.dil_y);
    let oy = u32(ty) / p.stride_y;
    if (ty < 0 || oy * p.stride_y != u32(ty) || oy >= p.oh) { continue; }
    var g_row = (n * p.o + grp * og) * plane + oy * p.ow;
    var w_at = w_block + ky * KW;
    for (var o = 0u; o < og; o++) {
      var g: array<f32, MAX_SEG>;
      for (var v = 0u; v < SEG; v++) { g[v] = select(0.0, grad[g_row + win.at[v]], win.inside[v]); }
      // Pixel q reads grad column q + KW − 1 − kx through tap column kx.
      for (var kx = 0u; kx < KW; kx++) {
        for (var c = 0u; c < CB; c++) {
          let w = weight[w_at + min(c, last) * taps + kx];
          for (var q = 0u; q < Q; q++) { acc[c * Q + q] += g[q + KW - 1u - kx] * w; }
        }
      }
      g_row += plane;
      w_at += cg * taps;
    }
  }

  if (!strip.live) { return; }
  for (var c = 0u; c < CB; c++) {
    let at = ((n * p.c + c0 + min(c, last)) * p.h + iy) * p.w + ix0;
    for (var q = 0u; q < Q; q++) {
      if (c <= last && ix0 + q < p.w) { dx[at + q] = acc[c * Q + q]; }
    }
  }
}
