// Sets every element of a buffer to one value (zeros, ones, full on the GPU): recorded like any
// kernel, where an upload of host-filled values would have to wait for recorded work on a reused
// buffer. The value arrives as a uniform, so NaN and ±Inf work (WGSL cannot spell them as constants).
// @binding(1) out [n].
override WG: u32 = 256;

struct Params {
  n: u32,
  value: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i < p.n) { out[i] = p.value; }
}
