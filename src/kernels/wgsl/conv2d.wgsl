// 2-D convolution (NCHW), direct: out[n, o, oy, ox] = bias[o] + Σ x[n, c, oy·sy − py + ky·dy,
// ox·sx − px + kx·dx]·weight[o, c mod C/groups, ky, kx] over the C/groups input channels c of o's
// group and the taps (ky, kx), those in the zero padding reading 0.
// Register-blocked: each thread computes a strip of Q consecutive pixels of one output row for OB
// output channels. Per tap row, input channel and chunk of KC tap columns it loads the SEG input
// values under the strip once and the OB·KC weights once; each input value then feeds up to
// OB·KC FMAs and each weight Q (on CPU rasterisers such as lavapipe a load costs far more than an
// FMA). The horizontal stride and dilation are specialised (SX, DX) so that the window index
// q·SX + kc·DX is a constant once the kc, channel and pixel loops, of constant bounds, unroll;
// the tap-row and channel loops stay loops, which keeps the unrolled body small enough for
// compilers to hold acc and xs in registers. Kernels wider than a window fits (see stripBlock
// in src/ops/conv2d.ts) take their tap columns in chunks. The channel block (workgroup_id.z) is
// the same for the whole workgroup, so weight reads are uniform. Input columns outside the map
// read 0 through a select; tail threads compute clamped strips and skip their writes, as do strip
// pixels past the row's end and channels past the block's last.
// @binding(0) Params (conv2d_common.wgsl); @binding(1) x [N,C,H,W]; @binding(2) weight
// [O,C/groups,kh,kw]; @binding(3) bias [O], read only when HAS_BIAS (callers without a bias bind
// any buffer there, as every declared binding must be bound); @binding(4) out [N,O,OH,OW].
// Grid (src/ops/conv2d.ts): x, y = strips over N × OH × ⌈OW/Q⌉ (wrapped as grid1d does);
// z = groups × ⌈(O/groups)/OB⌉ channel blocks.
override HAS_BIAS: bool;
override WG: u32 = 64;
// Kernel width, horizontal stride and dilation (must equal p.kw, p.stride_x, p.dil_x).
override KW: u32 = 3;
override SX: u32 = 1;
override DX: u32 = 1;
// Tap columns per chunk (dividing KW), output channels and pixels per thread (see stripBlock):
// OB·Q ≤ 64, KC·OB·Q ≤ 192, SEG ≤ 32.
override KC: u32 = 3;
override OB: u32 = 4;
override Q: u32 = 16;

#include "conv2d_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

// Input values under a strip for one chunk: column ix0 + v for v < SEG.
override SEG: u32 = (Q - 1u) * SX + (KC - 1u) * DX + 1u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  // This workgroup's channel block (uniform): group grp, channels o0 + j for j ≤ last.
  let cg = p.c / p.groups;
  let og = p.o / p.groups;
  let block = channel_block(wid.z, og, OB);
  let grp = block.grp;
  let o0 = grp * og + block.first;
  let last = block.last;
  let taps = p.kh * KW;

  // This thread's strip: image strip.n, output row strip.row, pixels strip.x0 + q for q < Q.
  let strip = strip_at((wid.x + wid.y * nwg.x) * WG + lid, p.n, p.oh, p.ow, Q);

  // acc[j·Q + q] is out at channel o0 + j, pixel strip.x0 + q. Channels past the block's last
  // repeat it (min(j, last)); their sums are dropped.
  var acc: array<f32, 128>;
  for (var j = 0u; j < OB; j++) {
    var b = 0.0;
    if (HAS_BIAS) { b = bias[o0 + min(j, last)]; }
    for (var q = 0u; q < Q; q++) { acc[j * Q + q] = b; }
  }

  let hw = p.h * p.w;
  let x_group = (strip.n * p.c + grp * cg) * hw;
  let w_block = o0 * cg * taps;
  for (var kx0 = 0u; kx0 < KW; kx0 += KC) {
    // Column offsets and validity of this chunk's window, the same for every input row read.
    let ix0 = i32(strip.x0 * SX + kx0 * DX) - i32(p.pad_x);
    let win = window(ix0, p.w, SEG);
    for (var ky = 0u; ky < p.kh; ky++) {
      let iy = i32(strip.row * p.stride_y + ky * p.dil_y) - i32(p.pad_y);
      if (iy < 0 || iy >= i32(p.h)) { continue; }
      var x_row = x_group + u32(iy) * p.w;
      var w_at = w_block + ky * KW + kx0;
      for (var ci = 0u; ci < cg; ci++) {
        var xs: array<f32, MAX_SEG>;
        for (var v = 0u; v < SEG; v++) { xs[v] = select(0.0, x[x_row + win.at[v]], win.inside[v]); }
        // Pixel q reads window column q·SX + kc·DX through tap column kx0 + kc.
        for (var kc = 0u; kc < KC; kc++) {
          for (var j = 0u; j < OB; j++) {
            let w = weight[w_at + min(j, last) * cg * taps + kc];
            for (var q = 0u; q < Q; q++) { acc[j * Q + q] += xs[q * SX + kc * DX] * w; }
          }
        }
        x_row += hw;
        w_at += taps;
      }
    }
  }

  if (!strip.live) { return; }
  for (var j = 0u; j < OB; j++) {
    let at = ((strip.n * p.o + o0 + min(j, last)) * p.oh + strip.row) * p.ow + strip.x0;
    for (var q = 0u; q < Q; q++) {
      if (j <= last && strip.x0 + q < p.ow) { out[at + q] = acc[j * Q + q]; }
    }
  }
}
