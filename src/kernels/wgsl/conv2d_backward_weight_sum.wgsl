// Second pass of conv2d_backward_weight.wgsl: dw[i] = Σ over the chunks k of partial[k, i], a
// thread per weight (consecutive threads read consecutive partials).
// @binding(0) Params (conv2d_common.wgsl); @binding(1) partial [chunks, O, C/groups, kh, kw];
// @binding(2) dw [O, C/groups, kh, kw]. Grid: 1-D over the weights, wrapped as grid1d does.
override WG: u32 = 64;

#include "conv2d_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  let size = p.o * (p.c / p.groups) * p.kh * p.kw;
  if (i >= size) { return; }
  let chunks = (p.n * p.oh * p.ow + p.chunk - 1u) / p.chunk;
  var acc = 0.0;
  for (var k = 0u; k < chunks; k++) { acc += partial[k * size + i]; }
  dw[i] = acc;
}
