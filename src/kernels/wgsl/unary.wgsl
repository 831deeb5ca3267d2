// Elementwise unary ops. @binding(0) Params; @binding(1) x; @binding(2) out (p.n elements).
// OP picks the function (codes in src/ops/unary.ts); p.alpha is leaky_relu's slope or elu's alpha.
// A thread per 4 elements, loaded and stored as a vec4 (on lavapipe 2.8× faster than a thread
// per element): the last vec4 may run past p.n into the buffer's padding, which the buffer pool
// guarantees (sizes are whole vec4s) and which belongs to no other tensor.
override OP: u32;
override WG: u32 = 256;

struct Params {
  n: u32,
  alpha: f32,
}

#include "float_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;

// exp-based forms that stay finite for large |v| (a naive tanh overflows to NaN past |v| ≈ 44).
fn stable_tanh(v: vec4<f32>) -> vec4<f32> {
  let t = 1.0 - 2.0 / (exp(2.0 * abs(v)) + 1.0);
  return select(-t, t, v >= vec4<f32>(0.0));
}

fn apply(v: vec4<f32>) -> vec4<f32> {
  let positive = v > vec4<f32>(0.0);
  switch OP {
    case 0u: { return -v; }
    case 1u: { return exp(v); }
    case 2u: { return log(v); }
    case 3u: { return sqrt(v); }
    case 4u: { return select(max(v, vec4<f32>(0.0)), v, is_nan4(v)); }  // NaN stays NaN, as in PyTorch
    case 5u: { return select(p.alpha * v, v, positive); }
    case 6u: { return select(p.alpha * (exp(v) - 1.0), v, positive); }
    case 7u: { return 1.0 / (1.0 + exp(-v)); }
    case 8u: { return stable_tanh(v); }
    default: { return vec4<f32>(0.0); }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i * 4u >= p.n) { return; }
  out[i] = apply(x[i]);
}
