// Gradient of the unary ops: dx = g * f'(x), using the forward output y where it is cheaper.
// @binding(0) Params; @binding(1) x; @binding(2) y; @binding(3) g; @binding(4) dx (p.n elements).
// OP codes, p.alpha and the vec4 per thread (which may run into the buffers' padding) as in
// unary.wgsl.
override OP: u32;
override WG: u32 = 256;

struct Params {
  n: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> y: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> g: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> dx: array<vec4<f32>>;

fn derivative(v: vec4<f32>, fv: vec4<f32>) -> vec4<f32> {
  let one = vec4<f32>(1.0);
  let positive = v > vec4<f32>(0.0);
  switch OP {
    case 0u: { return -one; }
    case 1u: { return fv; }
    case 2u: { return 1.0 / v; }
    case 3u: { return 0.5 / fv; }
    case 4u: { return select(vec4<f32>(0.0), one, positive); }
    case 5u: { return select(vec4<f32>(p.alpha), one, positive); }
    case 6u: { return select(fv + p.alpha, one, positive); }
    case 7u: { return fv * (1.0 - fv); }
    case 8u: { return 1.0 - fv * fv; }
    default: { return vec4<f32>(0.0); }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i * 4u >= p.n) { return; }
  dx[i] = g[i] * derivative(x[i], y[i]);
}
