// The second half of a split-K reduction (sumPartials in src/ops/launch.ts): out[i] =
// Σ_s parts[s · p.total + i] over the p.splits partial results, e.g. matmul.wgsl's products over
// ranges of k or conv2d_backward_weight.wgsl's sums over chunks of pixels.
// @binding(0) Params; @binding(1) parts; @binding(2) out (p.total elements).
const WG: u32 = 256u;

struct Params {
  total: u32,
  splits: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> parts: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.total) { return; }
  var total = 0.0;
  for (var s = 0u; s < p.splits; s++) { total += parts[s * p.total + i]; }
  out[i] = total;
}
