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


fn store(index: vec4<u32>, live: vec4<bool>, v: vec4<f32>) {
  if (live.x) { out[index.x] = v.x; }
  if (live.y) { out[index.y] = v.y; }
  if (live.z) { out[index.z] = v.z; }
  if (live.w) { out[index.w] = v.w; }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  let plane = p.oh * p.ow;
  // Tail threads compute clamped pixels and skip their writes (no early return).
  let total = p.n * plane;
  let tile = (wid.x + wid.y * nwg.x) * (8u * WG) + lid;
  let pix_raw = tile + vec4<u32>(0u, 1u, 2u, 3u) * WG;
  let pix_raw_b = tile + vec4<u32>(4u, 5u, 6u, 7u) * WG;
  let live = pix_raw < vec4<u32>(total);
  let live_b = pix_raw_b < vec4<u32>(total);
  let pix = min(pix_raw, vec4<u32>(total - 1u));
  let pix_b = min(pix_raw_b, vec4<u32>(total - 1u));
  let n = pix / plane;
  let n_b = pix_b / plane;
  let r = pix - n * plane;
  let r_b = pix_b - n_b * plane;
  let oy = r / p.ow;
  let oy_b = r_b / p.ow;
  let ox = r - oy * p.ow;
  let ox_b = r_b - oy_b * p.ow;

  // This workgroup's channel block (uniform): group grp, channels o0 + j for j ≤ last.
  let og = p.o / p.groups;
  let blocks = (og + OB - 1u) / OB;
  let grp = wid.z / blocks;
  let first = (wid.z - grp * blocks) * OB;
  let o0 = grp * og + first;
  let last = min(OB, og - first) - 1u;
  let cg = p.c / p.groups;
  let taps = cg * KH * KW; // weights per output channel
  // Weight offset of channel j (channels past the block's last repeat it; their sums are dropped).
  let w0 = min(0u, last) * taps;
  let w1 = min(1u, last) * taps;
  let w2 = min(2u, last) * taps;
  let w3 = min(3u, last) * taps;
  let w4 = min(4u, last) * taps;
  let w5 = min(5u, last) * taps;
  let w6 = min(6u, last) * taps;
  let w7 = min(7u, last) * taps;
  var a0 = vec4<f32>(0.0);
  var b0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var b1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var b2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  var b3 = vec4<f32>(0.0);
  var a4 = vec4<f32>(0.0);
  var b4 = vec4<f32>(0.0);
  var a5 = vec4<f32>(0.0);
  var b5 = vec4<f32>(0.0);
  var a6 = vec4<f32>(0.0);
  var b6 = vec4<f32>(0.0);
  var a7 = vec4<f32>(0.0);
  var b7 = vec4<f32>(0.0);
  if (HAS_BIAS) {
    a0 = vec4<f32>(bias[o0 + min(0u, last)]);
    b0 = vec4<f32>(bias[o0 + min(0u, last)]);
    a1 = vec4<f32>(bias[o0 + min(1u, last)]);
    b1 = vec4<f32>(bias[o0 + min(1u, last)]);
    a2 = vec4<f32>(bias[o0 + min(2u, last)]);
    b2 = vec4<f32>(bias[o0 + min(2u, last)]);
    a3 = vec4<f32>(bias[o0 + min(3u, last)]);
    b3 = vec4<f32>(bias[o0 + min(3u, last)]);
    a4 = vec4<f32>(bias[o0 + min(4u, last)]);
    b4 = vec4<f32>(bias[o0 + min(4u, last)]);
    a5 = vec4<f32>(bias[o0 + min(5u, last)]);
    b5 = vec4<f32>(bias[o0 + min(5u, last)]);
    a6 = vec4<f32>(bias[o0 + min(6u, last)]);
    b6 = vec4<f32>(bias[o0 + min(6u, last)]);
    a7 = vec4<f32>(bias[o0 + min(7u, last)]);
    b7 = vec4<f32>(bias[o0 + min(7u, last)]);
  }

  let hw = p.h * p.w;
  // Input coordinates of the kernel's top-left taps; negative inside the padding.
  let y0 = vec4<i32>(oy * p.stride_y) - i32(p.pad_y);
  let y0_b = vec4<i32>(oy_b * p.stride_y) - i32(p.pad_y);
  let x0 = vec4<i32>(ox * p.stride_x) - i32(p.pad_x);
  let x0_b = vec4<i32>(ox_b * p.stride_x) - i32(p.pad_x);
  var x_plane = (n * p.c + grp * cg) * hw;
  var x_plane_b = (n_b * p.c + grp * cg) * hw;
  var w_ci = o0 * taps;
  for (var ci = 0u; ci < cg; ci++) {
    for (var ky = 0u; ky < KH; ky++) {
      let iy = y0 + i32(ky * p.dil_y);
      let iy_b = y0_b + i32(ky * p.dil_y);
      let row_ok = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(p.h)));
      let row_ok_b = (iy_b >= vec4<i32>(0)) & (iy_b < vec4<i32>(i32(p.h)));
      let row = x_plane + vec4<u32>(iy) * p.w;
      let row_b = x_plane_b + vec4<u32>(iy_b) * p.w;
      for (var kx = 0u; kx < KW; kx++) {
        let ix = x0 + i32(kx * p.dil_x);
        let ix_b = x0_b + i32(kx * p.dil_x);
        let ok = row_ok & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(p.w)));
        let ok_b = row_ok_b & (ix_b >= vec4<i32>(0)) & (ix_b < vec4<i32>(i32(p.w)));
        let xi = select(vec4<u32>(0u), row + vec4<u32>(ix), ok);
        let xi_b = select(vec4<u32>(0u), row_b + vec4<u32>(ix_b), ok_b);
        let xv = select(vec4<f32>(0.0), vec4<f32>(x[xi.x], x[xi.y], x[xi.z], x[xi.w]), ok);
        let xv_b = select(vec4<f32>(0.0), vec4<f32>(x[xi_b.x], x[xi_b.y], x[xi_b.z], x[xi_b.w]), ok_b);
        let tap = w_ci + ky * KW + kx;
        a0 += xv * weight[tap + w0];
        b0 += xv_b * weight[tap + w0];
        a1 += xv * weight[tap + w1];
        b1 += xv_b * weight[tap + w1];
        a2 += xv * weight[tap + w2];
        b2 += xv_b * weight[tap + w2];
        a3 += xv * weight[tap + w3];
        b3 += xv_b * weight[tap + w3];
        if (OB > 4u) {
          a4 += xv * weight[tap + w4];
          b4 += xv_b * weight[tap + w4];
          a5 += xv * weight[tap + w5];
          b5 += xv_b * weight[tap + w5];
          a6 += xv * weight[tap + w6];
          b6 += xv_b * weight[tap + w6];
          a7 += xv * weight[tap + w7];
          b7 += xv_b * weight[tap + w7];
        }
      }
    }
    x_plane += vec4<u32>(hw);
    x_plane_b += vec4<u32>(hw);
    w_ci += KH * KW;
  }

  // out[n, o0 + j, oy, ox] for each live pixel and valid channel.
  let o_base = (n * p.o + o0) * plane + r;
  let o_base_b = (n_b * p.o + o0) * plane + r_b;
  if (0u <= last) { store(o_base + 0u * plane, live, a0); }
  if (0u <= last) { store(o_base_b + 0u * plane, live_b, b0); }
  if (1u <= last) { store(o_base + 1u * plane, live, a1); }
  if (1u <= last) { store(o_base_b + 1u * plane, live_b, b1); }
  if (2u <= last) { store(o_base + 2u * plane, live, a2); }
  if (2u <= last) { store(o_base_b + 2u * plane, live_b, b2); }
  if (3u <= last) { store(o_base + 3u * plane, live, a3); }
  if (3u <= last) { store(o_base_b + 3u * plane, live_b, b3); }
  if (4u <= last) { store(o_base + 4u * plane, live, a4); }
  if (4u <= last) { store(o_base_b + 4u * plane, live_b, b4); }
  if (5u <= last) { store(o_base + 5u * plane, live, a5); }
  if (5u <= last) { store(o_base_b + 5u * plane, live_b, b5); }
  if (6u <= last) { store(o_base + 6u * plane, live, a6); }
  if (6u <= last) { store(o_base_b + 6u * plane, live_b, b6); }
  if (7u <= last) { store(o_base + 7u * plane, live, a7); }
  if (7u <= last) { store(o_base_b + 7u * plane, live_b, b7); }
}
