// 2-D convolution (NCHW), direct: one thread per output element out[n, o, oy, ox], summing its
// C/groups × kh × kw taps; taps in the zero padding are skipped.
// @binding(0) Params (conv2d_common.wgsl); @binding(1) x [N,C,H,W]; @binding(2) weight
// [O,C/groups,kh,kw]; @binding(3) bias [O], read only when HAS_BIAS (callers without a bias bind
// any buffer there, as every declared binding must be bound); @binding(4) out [N,O,OH,OW].
override HAS_BIAS: bool;
override WG: u32 = 64;

#include "conv2d_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n * p.o * p.oh * p.ow) { return; }
  let ox = i % p.ow;
  let oy = (i / p.ow) % p.oh;
  let o = (i / (p.ow * p.oh)) % p.o;
  let n = i / (p.ow * p.oh * p.o);
  let cg = p.c / p.groups;
  let c0 = (o / (p.o / p.groups)) * cg;
  // Input coordinates of the kernel's top-left tap; negative inside the padding.
  let y0 = i32(oy * p.stride_y) - i32(p.pad_y);
  let x0 = i32(ox * p.stride_x) - i32(p.pad_x);
  var acc = 0.0;
  if (HAS_BIAS) { acc = bias[o]; }
  for (var ci = 0u; ci < cg; ci++) {
    let x_plane = (n * p.c + c0 + ci) * p.h;
    let w_plane = (o * cg + ci) * p.kh;
    for (var ky = 0u; ky < p.kh; ky++) {
      let iy = y0 + i32(ky * p.dil_y);
      if (iy < 0 || iy >= i32(p.h)) { continue; }
      for (var kx = 0u; kx < p.kw; kx++) {
        let ix = x0 + i32(kx * p.dil_x);
        if (ix < 0 || ix >= i32(p.w)) { continue; }
        acc += x[(x_plane + u32(iy)) * p.w + u32(ix)] * weight[(w_plane + ky) * p.kw + kx];
      }
    }
  }
  out[i] = acc;
}
