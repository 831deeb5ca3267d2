// 2-D max pooling on NCHW, one thread per output element. Writes the window's maximum and, for
// backward, its index ih·W + iw within the (n, c) plane as f32 (exact: planes are < 2^24). The
// first maximum in row-major window order wins ties (strict >), and a NaN wins, as in PyTorch.
// Taps in the padding are skipped, never read as -inf; a window with no tap inside the input
// (possible only with dilation) gives -inf and index -1.
// @binding(0) Params (pool2d_common.wgsl); @binding(1) x (planes·in_h·in_w); @binding(2) out
// (p.n = planes·out_h·out_w); @binding(3) indices (p.n).
override WG: u32 = 256;
// The window's size when the host fixes it (small windows, see maxPool2dSpec), so the tap loops
// unroll (1.4× faster on lavapipe for 2×2); 0: read it from p.
override KH: i32 = 0;
override KW: i32 = 0;

#include "pool2d_common.wgsl"
#include "float_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read_write> indices: array<f32>;


@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let ow = i32(i % u32(p.out_w));
  let oh = i32((i / u32(p.out_w)) % u32(p.out_h));
  let base = (i / u32(p.out_w * p.out_h)) * u32(p.in_h * p.in_w);
  var best = bitcast<f32>(NEG_INF_BITS);
  var best_index = -1;
  let k_h = select(p.k_h, KH, KH > 0);
  let k_w = select(p.k_w, KW, KW > 0);
  for (var kh = 0; kh < k_h; kh++) {
    let ih = oh * p.s_h - p.p_h + kh * p.d_h;
    if (ih < 0 || ih >= p.in_h) { continue; }
    for (var kw = 0; kw < k_w; kw++) {
      let iw = ow * p.s_w - p.p_w + kw * p.d_w;
      if (iw < 0 || iw >= p.in_w) { continue; }
      let j = ih * p.in_w + iw;
      let v = x[base + u32(j)];
      if (best_index < 0 || v > best || is_nan(v)) {
        best = v;
        best_index = j;
      }
    }
  }
  out[i] = best;
  indices[i] = f32(best_index);
}
