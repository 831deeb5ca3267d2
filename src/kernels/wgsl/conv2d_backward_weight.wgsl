// Gradient of conv2d with respect to its weight, split-K: dw[o, ci, ky, kx] sums
// grad[n, o, oy, ox]·x[n, c, oy·stride − pad + ky·dil, ox·stride − pad + kx·dil] (c: channel ci
// of o's group) over the N·OH·OW output pixels. The pixels are cut into chunks of p.chunk (a
// multiple of WG); workgroup (chunk, block) sums its chunk for a block of OB output channels ×
// TB taps × CB input channels into partial[chunk, ·], and sum_partials.wgsl adds
// the chunks up (a single chunk's partial is dw itself). Lanes are consecutive pixels (coalesced
// loads); each thread steps through the chunk WG pixels at a time with all OB·TB·CB sums in
// registers, so each grad value it loads feeds TB·CB FMAs and each x value OB (on CPU
// rasterisers such as lavapipe a load costs far more than an FMA, uniform or not). The lanes'
// sums are then added up in workgroup memory. Taps in the zero padding read 0 through a select;
// channels and taps past the block's last compute clamped copies whose sums are not written.
// @binding(0) Params (conv2d_common.wgsl); @binding(1) x [N,C,H,W]; @binding(2) grad
// [N,O,OH,OW]; @binding(3) partial [chunks, O, C/groups, kh, kw].
// Grid (src/ops/conv2d.ts): x = chunks; y = output channel blocks × tap blocks × input channel
// blocks of one group; z = groups.
override WG: u32 = 32;
// Output channels (1 to 8), taps (1 to 9) and input channels (1 to 8) per thread, OB·TB·CB ≤ 72.
// Loops to these bounds unroll (on lavapipe longer nests do not), which keeps the sums in
// registers.
override OB: u32 = 8;
override TB: u32 = 9;
override CB: u32 = 1;

#include "conv2d_common.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>;

override SUMS: u32 = OB * TB * CB;
// Each lane's sums in workgroup memory, SUMS | 1 apart: an odd stride keeps both the stores (one
// sum, all lanes) and the column reads (one sum, all lanes) on distinct banks.
override STRIDE: u32 = SUMS | 1u;
var<workgroup> sums: array<f32, WG * STRIDE>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  // This workgroup's block (uniform): output channels o0 + j (j ≤ o_last), taps t0 + t
  // (t ≤ t_last) and input channels ci0 + c (c ≤ c_last) of group grp.
  let cg = p.c / p.groups;
  let og = p.o / p.groups;
  let taps = p.kh * p.kw;
  let o_blocks = (og + OB - 1u) / OB;
  let t_blocks = (taps + TB - 1u) / TB;
  let ob = wid.y % o_blocks;
  let tb = (wid.y / o_blocks) % t_blocks;
  let ci0 = (wid.y / (o_blocks * t_blocks)) * CB;
  let grp = wid.z;
  let o0 = grp * og + ob * OB;
  let o_last = min(OB, og - ob * OB) - 1u;
  let t0 = tb * TB;
  let t_last = min(TB, taps - t0) - 1u;
  let c_last = min(CB, cg - ci0) - 1u;

  // Each tap's offset from the input position under a pixel's top-left tap.
  var ty: array<i32, 9>;
  var tx: array<i32, 9>;
  for (var t = 0u; t < TB; t++) {
    let tap = t0 + min(t, t_last);
    ty[t] = i32((tap / p.kw) * p.dil_y) - i32(p.pad_y);
    tx[t] = i32((tap % p.kw) * p.dil_x) - i32(p.pad_x);
  }

  // This thread's first pixel q = (n, oy, ox), and the step of WG pixels split the same way, so
  // that stepping needs no division.
  let plane = p.oh * p.ow;
  let hw = p.h * p.w;
  let end = min((wid.x + 1u) * p.chunk, p.n * plane);
  var q = wid.x * p.chunk + lid;
  var n = q / plane;
  var oy = (q % plane) / p.ow;
  var ox = q % p.ow;
  let step_n = WG / plane;
  let step_y = (WG % plane) / p.ow;
  let step_x = WG % p.ow;

  // acc[(j·TB + t)·CB + c]: output channel o0 + j, tap t0 + t, input channel ci0 + c.
  var acc: array<f32, 72>;
  for (; q < end; q += WG) {
    let g_at = (n * p.o + o0) * plane + oy * p.ow + ox;
    var g: array<f32, 8>;
    for (var j = 0u; j < OB; j++) { g[j] = grad[g_at + min(j, o_last) * plane]; }
    let x_at = (n * p.c + grp * cg + ci0) * hw;
    let y0 = i32(oy * p.stride_y);
    let x0 = i32(ox * p.stride_x);
    for (var t = 0u; t < TB; t++) {
      let iy = y0 + ty[t];
      let ix = x0 + tx[t];
      let ok = iy >= 0 && iy < i32(p.h) && ix >= 0 && ix < i32(p.w);
      let at = select(0u, x_at + u32(iy) * p.w + u32(ix), ok);
      for (var c = 0u; c < CB; c++) {
        let xv = select(0.0, x[at + min(c, c_last) * hw], ok);
        for (var j = 0u; j < OB; j++) { acc[(j * TB + t) * CB + c] += g[j] * xv; }
      }
    }
    ox += step_x;
    oy += step_y;
    n += step_n;
    if (ox >= p.ow) { ox -= p.ow; oy++; }
    if (oy >= p.oh) { oy -= p.oh; n++; }
  }

  // Nested constant bounds (not one loop over SUMS, which could be too long to unroll).
  for (var j = 0u; j < OB; j++) {
    for (var t = 0u; t < TB; t++) {
      for (var c = 0u; c < CB; c++) {
        let v = (j * TB + t) * CB + c;
        sums[lid * STRIDE + v] = acc[v];
      }
    }
  }
  workgroupBarrier();
  // Thread v sums column v over the lanes and writes the chunk's partial for its weight.
  let size = p.o * cg * taps;
  for (var v = lid; v < SUMS; v += WG) {
    var s = 0.0;
    for (var i = 0u; i < WG; i++) { s += sums[i * STRIDE + v]; }
    let j = v / (TB * CB);
    let t = (v / CB) % TB;
    let c = v % CB;
    if (j <= o_last && t <= t_last && c <= c_last) {
      partial[wid.x * size + ((o0 + j) * cg + ci0 + c) * taps + t0 + t] = s;
    }
  }
}
