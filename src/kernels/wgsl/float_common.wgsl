// Special floats by their bits, shared through `#include`: WGSL lets compilers assume floats are
// never NaN or infinite, so `v != v` may fold to false and -infinity cannot be a constant.

// A private var keeps -infinity a runtime value.
var<private> NEG_INF_BITS: u32 = 0xff800000u;

fn is_nan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

fn is_nan4(v: vec4<f32>) -> vec4<bool> {
  return (bitcast<vec4<u32>>(v) & vec4<u32>(0x7fffffffu)) > vec4<u32>(0x7f800000u);
}
