// 2-D average pooling on NCHW, one thread per output element. Padding counts as zeros. The
// divisor follows PyTorch: p.divisor when nonzero (divisor_override); else with COUNT_PAD the
// window's size within the padded input (a ceil-mode window hanging past the padded border is
// cut there); else the number of taps inside the input.
// Params share max_pool2d.wgsl's layout (d_h, d_w unused: no dilation) plus the divisor.
// @binding(0) Params; @binding(1) x (planes·in_h·in_w); @binding(2) out (p.n = planes·out_h·out_w).
override WG: u32 = 256;
override COUNT_PAD: bool;

struct Params {
  n: u32,
  in_h: i32,
  in_w: i32,
  out_h: i32,
  out_w: i32,
  k_h: i32,
  k_w: i32,
  s_h: i32,
  s_w: i32,
  p_h: i32,
  p_w: i32,
  d_h: i32,
  d_w: i32,
  divisor: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

struct Window {
  // The window clipped to the input: rows [lo.x, hi.x), columns [lo.y, hi.y).
  lo: vec2<i32>,
  hi: vec2<i32>,
  divisor: f32,
}

fn window(oh: i32, ow: i32) -> Window {
  let start = vec2(oh * p.s_h - p.p_h, ow * p.s_w - p.p_w);
  let end = min(start + vec2(p.k_h, p.k_w), vec2(p.in_h + p.p_h, p.in_w + p.p_w));
  let lo = max(start, vec2(0));
  let hi = min(end, vec2(p.in_h, p.in_w));
  let padded = end - start;
  let inside = hi - lo;
  var divisor = p.divisor;
  if (divisor == 0.0) {
    divisor = f32(select(inside.x * inside.y, padded.x * padded.y, COUNT_PAD));
  }
  return Window(lo, hi, divisor);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let ow = i32(i % u32(p.out_w));
  let oh = i32((i / u32(p.out_w)) % u32(p.out_h));
  let base = (i / u32(p.out_w * p.out_h)) * u32(p.in_h * p.in_w);
  let w = window(oh, ow);
  var acc = 0.0;
  for (var ih = w.lo.x; ih < w.hi.x; ih++) {
    for (var iw = w.lo.y; iw < w.hi.y; iw++) {
      acc += x[base + u32(ih * p.in_w + iw)];
    }
  }
  out[i] = acc / w.divisor;
}
