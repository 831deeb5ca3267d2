// Gradient of avg_pool2d, gathered: one thread per input element sums g / divisor over the
// windows that contain it. The window and divisor rules are window()'s (avg_pool2d_common.wgsl).
// @binding(0) Params (pool2d_common.wgsl; p.n = planes·in_h·in_w); @binding(1) g
// (planes·out_h·out_w); @binding(2) dx (p.n).
override WG: u32 = 256;

#include "avg_pool2d_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let iw = i32(i % u32(p.in_w));
  let ih = i32((i / u32(p.in_w)) % u32(p.in_h));
  let base = (i / u32(p.in_h * p.in_w)) * u32(p.out_h * p.out_w);
  // Every window in these ranges covers (ih, iw): a ceil-mode cut at the padded border never
  // reaches into the input.
  let oh_end = min(p.out_h - 1, (ih + p.p_h) / p.s_h);
  let ow_end = min(p.out_w - 1, (iw + p.p_w) / p.s_w);
  var acc = 0.0;
  for (var oh = first_window(ih + p.p_h, p.k_h, p.s_h); oh <= oh_end; oh++) {
    for (var ow = first_window(iw + p.p_w, p.k_w, p.s_w); ow <= ow_end; ow++) {
      acc += g[base + u32(oh * p.out_w + ow)] / window(oh, ow).divisor;
    }
  }
  dx[i] = acc;
}
