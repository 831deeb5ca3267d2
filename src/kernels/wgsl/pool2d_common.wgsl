// Shared by max_pool2d.wgsl, max_pool2d_backward.wgsl and (through avg_pool2d_common.wgsl)
// avg_pool2d.wgsl and avg_pool2d_backward.wgsl via `#include` (src/gpu/pipelines.ts);
// declarations only, not a kernel. Params is packed by dispatchPool in src/ops/pool2d.ts.

struct Params {
  // Threads: output elements for the forwards, input elements for the backwards.
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
  // avg only: divisor_override, or 0 to compute it; the max kernels ignore it.
  divisor: f32,
}

// First window (along one axis) whose span of `extent` taps, starting at o·stride in padded
// coordinates, reaches padded position `pos`.
fn first_window(pos: i32, extent: i32, stride: i32) -> i32 {
  let a = pos - extent + 1;
  return select(0, (a + stride - 1) / stride, a > 0);
}
