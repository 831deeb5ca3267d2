// out[i] = x[offset(i)]: a contiguous copy that reads x through arbitrary strides.
// Serves permute/transpose (permuted strides) and expand (stride 0 along broadcast dims).
// @binding(0) Params; @binding(1) x; @binding(2) out (p.n elements).
override WG: u32 = 256;

struct Params {
  out_shape: array<vec4<u32>, 2>,
  x_strides: array<vec4<u32>, 2>,
  n: u32,
  rank: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  var rem = i;
  var src = 0u;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let size = p.out_shape[d / 4][d % 4];
    src += (rem % size) * p.x_strides[d / 4][d % 4];
    rem = rem / size;
  }
  out[i] = x[src];
}
