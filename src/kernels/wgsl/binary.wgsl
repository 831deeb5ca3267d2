// Elementwise binary ops with NumPy/PyTorch broadcasting.
// @binding(0) Params; @binding(1) a; @binding(2) b; @binding(3) out (p.n elements).
// OP picks the operation (codes in src/ops/binary.ts). With BROADCAST off, a, b and out share
// one shape and are indexed directly; otherwise each output index is split into coordinates and
// a and b are read through their broadcast strides (0 along broadcast dimensions).
override OP: u32;
override BROADCAST: bool = true;
override WG: u32 = 256;

struct Params {
  out_shape: array<vec4<u32>, 2>,
  a_strides: array<vec4<u32>, 2>,
  b_strides: array<vec4<u32>, 2>,
  n: u32,
  rank: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

// NaN and infinity cannot be written as WGSL constants; private vars keep them runtime values.
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;

fn nan() -> f32 {
  return bitcast<f32>(NAN_BITS);
}

// WGSL leaves pow undefined for x <= 0; PyTorch defines integral powers of negatives and 0^y.
fn power(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }  // also for inf and NaN bases, as PyTorch
  if (x > 0.0) { return pow(x, y); }
  if (x == 0.0) {
    if (y > 0.0) { return 0.0; }
    if (y == 0.0) { return 1.0; }
    return bitcast<f32>(INF_BITS);
  }
  if (fract(y) != 0.0) { return nan(); }
  let r = pow(-x, y);
  return select(r, -r, fract(y * 0.5) != 0.0);
}

fn apply(x: f32, y: f32) -> f32 {
  switch OP {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: { return power(x, y); }
    case 5u: { return select(0.0, 1.0, x == y); }
    case 6u: { return select(0.0, 1.0, x > y); }
    case 7u: { return select(0.0, 1.0, x < y); }
    case 8u: { return max(x, y); }
    case 9u: { return min(x, y); }
    default: { return nan(); }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  if (!BROADCAST) {
    out[i] = apply(a[i], b[i]);
    return;
  }
  var rem = i;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let size = p.out_shape[d / 4][d % 4];
    let c = rem % size;
    rem = rem / size;
    ia += c * p.a_strides[d / 4][d % 4];
    ib += c * p.b_strides[d / 4][d % 4];
  }
  out[i] = apply(a[ia], b[ib]);
}
