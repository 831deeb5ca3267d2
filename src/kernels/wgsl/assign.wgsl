// In-place writes into an existing tensor (ops/in-place.ts): dst = src, or dst += src when
// ACCUMULATE. Separate bindings for dst and src: WebGPU forbids one buffer as both.
// @binding(1) src [n]; @binding(2) dst [n] (updated).
override WG: u32 = 256;
override ACCUMULATE: bool = false;

struct Params {
  n: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  if (ACCUMULATE) {
    dst[i] = dst[i] + src[i];
  } else {
    dst[i] = src[i];
  }
}
