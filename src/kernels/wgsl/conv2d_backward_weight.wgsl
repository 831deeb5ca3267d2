// Gradient of conv2d with respect to its weight: one thread per weight element dw[o, ci, ky, kx]
// sums grad[n, o, oy, ox]·x[n, c, oy·stride − pad + ky·dil, …] over N, OH and OW, where c is
// channel ci of o's group; taps in the zero padding are skipped.
// @binding(0) Params (conv2d_common.wgsl); @binding(1) x [N,C,H,W]; @binding(2) grad [N,O,OH,OW];
// @binding(3) dw [O,C/groups,kh,kw].
override WG: u32 = 64;

#include "conv2d_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let cg = p.c / p.groups;
  if (i >= p.o * cg * p.kh * p.kw) { return; }
  let kx = i % p.kw;
  let ky = (i / p.kw) % p.kh;
  let ci = (i / (p.kw * p.kh)) % cg;
  let o = i / (p.kw * p.kh * cg);
  let c = (o / (p.o / p.groups)) * cg + ci;
  // Input coordinates read by output (0, 0) through this tap; negative inside the padding.
  let y0 = i32(ky * p.dil_y) - i32(p.pad_y);
  let x0 = i32(kx * p.dil_x) - i32(p.pad_x);
  var acc = 0.0;
  for (var n = 0u; n < p.n; n++) {
    let x_plane = (n * p.c + c) * p.h;
    let g_plane = (n * p.o + o) * p.oh;
    for (var oy = 0u; oy < p.oh; oy++) {
      let iy = y0 + i32(oy * p.stride_y);
      if (iy < 0 || iy >= i32(p.h)) { continue; }
      for (var ox = 0u; ox < p.ow; ox++) {
        let ix = x0 + i32(ox * p.stride_x);
        if (ix < 0 || ix >= i32(p.w)) { continue; }
        acc += grad[(g_plane + oy) * p.ow + ox] * x[(x_plane + u32(iy)) * p.w + u32(ix)];
      }
    }
  }
  dw[i] = acc;
}
