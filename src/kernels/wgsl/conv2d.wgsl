// 2-D convolution (NCHW), direct, register-blocked: each thread computes 8 output pixels (the
// lanes of two vec4 accumulators per channel, WG pixels apart so that a workgroup's loads and
// stores stay on consecutive pixels, coalesced) for a block of up to OB (≤ 8) output channels of
// one group. Every input value loaded is reused for OB channels and every weight for 8 pixels (on
// CPU rasterisers such as lavapipe each load is a per-lane gather, so loads per FMA set the
// speed). The block (workgroup_id.z) is the same for the whole workgroup, so its weight reads are
// uniform (a broadcast on GPUs). Taps in the zero padding read 0 through a select. The kernel size
// is specialised (KH, KW) so the tap loops unroll. Tail threads compute clamped pixels and skip
// their writes, so control flow stays uniform.
// @binding(0) Params (conv2d_common.wgsl); @binding(1) x [N,C,H,W]; @binding(2) weight
// [O,C/groups,kh,kw]; @binding(3) bias [O], read only when HAS_BIAS (callers without a bias bind
// any buffer there, as every declared binding must be bound); @binding(4) out [N,O,OH,OW].
// Grid (src/ops/conv2d.ts): x, y = tiles of 8·WG pixels over N·OH·OW (wrapped as grid1d does);
// z = groups × ⌈(O/groups)/OB⌉ channel blocks.
override HAS_BIAS: bool;
override WG: u32 = 64;
// Kernel height and width (must equal p.kh, p.kw).
override KH: u32 = 3;
override KW: u32 = 3;
// Output channels per thread, 1 to 8.
override OB: u32 = 8;

#include "conv2d_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;


// A thread's 8 pixels are two sets of 4 lanes; acc[S * j + s] holds channel o0 + j, set s. The
// loops over j and s have constant bounds (OB is an override), so compilers unroll them and keep
// the arrays in registers.
const S: u32 = 2u;

fn store(index: vec4<u32>, live: vec4<bool>, v: vec4<f32>) {
  if (live.x) { out[index.x] = v.x; }
  if (live.y) { out[index.y] = v.y; }
  if (live.z) { out[index.z] = v.z; }
  if (live.w) { out[index.w] = v.w; }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  let plane = p.oh * p.ow;
  let hw = p.h * p.w;

  // This workgroup's channel block (uniform): group grp, channels o0 + j for j ≤ last.
  let og = p.o / p.groups;
  let blocks = (og + OB - 1u) / OB;
  let grp = wid.z / blocks;
  let first = (wid.z - grp * blocks) * OB;
  let o0 = grp * og + first;
  let last = min(OB, og - first) - 1u;
  let cg = p.c / p.groups;
  let taps = cg * KH * KW; // weights per output channel

  // Per pixel set: which lanes are real pixels (tail threads compute clamped pixels and skip their
  // writes: no early return), output offset, top-left tap (negative inside the padding), input plane.
  let total = p.n * plane;
  let tile = (wid.x + wid.y * nwg.x) * (8u * WG) + lid;
  var live: array<vec4<bool>, S>;
  var out_at: array<vec4<u32>, S>;
  var y0: array<vec4<i32>, S>;
  var x0: array<vec4<i32>, S>;
  var x_plane: array<vec4<u32>, S>;
  for (var s = 0u; s < S; s++) {
    let raw = tile + (vec4<u32>(0u, 1u, 2u, 3u) + 4u * s) * WG;
    live[s] = raw < vec4<u32>(total);
    let pix = min(raw, vec4<u32>(total - 1u));
    let n = pix / plane;
    let r = pix - n * plane;
    let oy = r / p.ow;
    let ox = r - oy * p.ow;
    out_at[s] = (n * p.o + o0) * plane + r;
    y0[s] = vec4<i32>(oy * p.stride_y) - i32(p.pad_y);
    x0[s] = vec4<i32>(ox * p.stride_x) - i32(p.pad_x);
    x_plane[s] = (n * p.c + grp * cg) * hw;
  }

  // Channels past the block's last repeat it (min(j, last)); their sums are dropped.
  var acc: array<vec4<f32>, 16>;
  for (var j = 0u; j < OB; j++) {
    var b = 0.0;
    if (HAS_BIAS) { b = bias[o0 + min(j, last)]; }
    for (var s = 0u; s < S; s++) { acc[S * j + s] = vec4<f32>(b); }
  }

  var w_ci = o0 * taps;
  for (var ci = 0u; ci < cg; ci++) {
    for (var ky = 0u; ky < KH; ky++) {
      for (var kx = 0u; kx < KW; kx++) {
        var xv: array<vec4<f32>, S>;
        for (var s = 0u; s < S; s++) {
          let iy = y0[s] + i32(ky * p.dil_y);
          let ix = x0[s] + i32(kx * p.dil_x);
          let ok = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(p.h))) & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(p.w)));
          let xi = select(vec4<u32>(0u), x_plane[s] + vec4<u32>(iy) * p.w + vec4<u32>(ix), ok);
          xv[s] = select(vec4<f32>(0.0), vec4<f32>(x[xi.x], x[xi.y], x[xi.z], x[xi.w]), ok);
        }
        let tap = w_ci + ky * KW + kx;
        for (var j = 0u; j < OB; j++) {
          let wv = weight[tap + min(j, last) * taps];
          for (var s = 0u; s < S; s++) { acc[S * j + s] += xv[s] * wv; }
        }
      }
    }
    for (var s = 0u; s < S; s++) { x_plane[s] += vec4<u32>(hw); }
    w_ci += KH * KW;
  }

  // out[n, o0 + j, oy, ox] for each live pixel and valid channel.
  for (var j = 0u; j < OB; j++) {
    if (j <= last) {
      for (var s = 0u; s < S; s++) { store(out_at[s] + j * plane, live[s], acc[S * j + s]); }
    }
  }
}
