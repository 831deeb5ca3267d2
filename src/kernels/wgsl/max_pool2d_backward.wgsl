// Gradient of max_pool2d, gathered: one thread per input element sums the gradients of the
// windows that contain it and whose saved argmax is this element (no atomics needed).
// TILED (set by src/ops/pool2d.ts when the windows tile the input exactly: stride = kernel, no
// padding or dilation, in = out·kernel, e.g. MaxPool2d(2) on even sizes): one thread per window
// instead, writing its k_h × k_w inputs (the gradient at the argmax, zeros elsewhere); each input
// has exactly one writer, and a thread loads its window's gradient and index once.
// @binding(0) Params (pool2d_common.wgsl; p.n = planes·in_h·in_w, or planes·out_h·out_w when
// TILED); @binding(1) g (planes·out_h·out_w); @binding(2) indices (as written by max_pool2d);
// @binding(3) dx (planes·in_h·in_w).
override WG: u32 = 256;
override TILED: bool = false;
// TILED with a 2×2 kernel: its four writes unrolled.
override TILE_2X2: bool = false;

#include "pool2d_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> indices: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  if (TILED) {
    // Window i = (t, ow) with t = plane·out_h + oh; its top-left input is row t·k_h, column ow·k_w.
    let t = i / u32(p.out_w);
    let ow = i - t * u32(p.out_w);
    let plane = t / u32(p.out_h);
    let plane_size = u32(p.in_h * p.in_w);
    let top_left = t * u32(p.k_h) * u32(p.in_w) + ow * u32(p.k_w);
    // The argmax as an index into dx.
    let winner = plane * plane_size + u32(indices[i]);
    let grad = g[i];
    if (TILE_2X2) {
      let row = top_left + u32(p.in_w);
      dx[top_left] = select(0.0, grad, top_left == winner);
      dx[top_left + 1u] = select(0.0, grad, top_left + 1u == winner);
      dx[row] = select(0.0, grad, row == winner);
      dx[row + 1u] = select(0.0, grad, row + 1u == winner);
      return;
    }
    for (var ky = 0u; ky < u32(p.k_h); ky++) {
      let row = top_left + ky * u32(p.in_w);
      for (var kx = 0u; kx < u32(p.k_w); kx++) {
        dx[row + kx] = select(0.0, grad, row + kx == winner);
      }
    }
    return;
  }
  let iw = i32(i % u32(p.in_w));
  let ih = i32((i / u32(p.in_w)) % u32(p.in_h));
  let base = (i / u32(p.in_h * p.in_w)) * u32(p.out_h * p.out_w);
  let self_index = f32(ih * p.in_w + iw);
  // Windows whose dilated span covers (ih, iw); the index match picks those that chose it.
  let oh_end = min(p.out_h - 1, (ih + p.p_h) / p.s_h);
  let ow_end = min(p.out_w - 1, (iw + p.p_w) / p.s_w);
  var acc = 0.0;
  for (var oh = first_window(ih + p.p_h, (p.k_h - 1) * p.d_h + 1, p.s_h); oh <= oh_end; oh++) {
    for (var ow = first_window(iw + p.p_w, (p.k_w - 1) * p.d_w + 1, p.s_w); ow <= ow_end; ow++) {
      let o = base + u32(oh * p.out_w + ow);
      if (indices[o] == self_index) { acc += g[o]; }
    }
  }
  dx[i] = acc;
}
