// Gradient of conv2d with respect to its input for any stride and dilation (convolutions with
// horizontal stride and dilation 1 take the faster conv2d_backward_input.wgsl), as a gather (no
// atomics): one thread per input element dx[n, c, iy, ix] sums grad[n, o, oy, ox]·weight[o,
// c mod C/groups, ky, kx] over the taps that read it, i.e. where iy = oy·stride − pad + ky·dil
// has an integer solution oy in [0, OH) (likewise for x), for the O/groups output channels of c's
// group.
// @binding(0) Params (conv2d_common.wgsl); @binding(1) grad [N,O,OH,OW]; @binding(2) weight
// [O,C/groups,kh,kw]; @binding(3) dx [N,C,H,W].
override WG: u32 = 64;

#include "conv2d_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n * p.c * p.h * p.w) { return; }
  let ix = i % p.w;
  let iy = (i / p.w) % p.h;
  let c = (i / (p.w * p.h)) % p.c;
  let n = i / (p.w * p.h * p.c);
  let cg = p.c / p.groups;
  let og = p.o / p.groups;
  let ci = c % cg;
  let o0 = (c / cg) * og;
  var acc = 0.0;
  for (var ky = 0u; ky < p.kh; ky++) {
    // oy·stride = iy + pad − ky·dil, which only falls as ky grows: once negative, stop.
    let ty = i32(iy + p.pad_y) - i32(ky * p.dil_y);
    if (ty < 0) { break; }
    let oy = u32(ty) / p.stride_y;
    if (u32(ty) % p.stride_y != 0u || oy >= p.oh) { continue; }
    for (var kx = 0u; kx < p.kw; kx++) {
      let tx = i32(ix + p.pad_x) - i32(kx * p.dil_x);
      if (tx < 0) { break; }
      let ox = u32(tx) / p.stride_x;
      if (u32(tx) % p.stride_x != 0u || ox >= p.ow) { continue; }
      for (var oo = 0u; oo < og; oo++) {
        let o = o0 + oo;
        acc += grad[((n * p.o + o) * p.oh + oy) * p.ow + ox] * weight[((o * cg + ci) * p.kh + ky) * p.kw + kx];
      }
    }
  }
  dx[i] = acc;
}
