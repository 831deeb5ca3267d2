// 2-D average pooling on NCHW, one thread per output element. Padding counts as zeros; window()
// (avg_pool2d_common.wgsl) gives each output's taps and PyTorch's divisor.
// @binding(0) Params (pool2d_common.wgsl; d_h, d_w unused: no dilation); @binding(1) x
// (planes·in_h·in_w); @binding(2) out (p.n = planes·out_h·out_w).
override WG: u32 = 256;

#include "avg_pool2d_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let ow = i32(i % u32(p.out_w));
  let oh = i32((i / u32(p.out_w)) % u32(p.out_h));
  let base = (i / u32(p.out_w * p.out_h)) * u32(p.in_h * p.in_w);
  let w = window(oh, ow);
  var acc = 0.0;
  for (var ih = w.lo.x; ih < w.hi.x; ih++) {
    for (var iw = w.lo.y; iw < w.hi.y; iw++) {
      acc += x[base + u32(ih * p.in_w + iw)];
    }
  }
  out[i] = acc / w.divisor;
}
