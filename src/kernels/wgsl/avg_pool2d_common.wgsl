// Shared by avg_pool2d.wgsl and avg_pool2d_backward.wgsl through `#include`
// (src/gpu/pipelines.ts); declarations only, not a kernel. window() reads the including kernel's
// `p: Params` uniform, so forward and backward apply one divisor rule.
#include "pool2d_common.wgsl"

// With the padding counted in the divisor (count_include_pad).
override COUNT_PAD: bool;

struct Window {
  // The window clipped to the input: rows [lo.x, hi.x), columns [lo.y, hi.y).
  lo: vec2<i32>,
  hi: vec2<i32>,
  divisor: f32,
}

// Output (oh, ow)'s window. The divisor follows PyTorch: p.divisor when nonzero (divisor_override);
// else with COUNT_PAD the window's size within the padded input (a ceil-mode window hanging past
// the padded border is cut there); else the number of taps inside the input.
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
