// Batched matrix product c = op(a) · op(b) for software rasterisers (lavapipe, SwiftShader), which
// run a workgroup on one CPU thread with its invocations as SIMD lanes. Layouts, bindings, batches
// and operand loads: matmul_common.wgsl (this kernel never splits k: its z is the batch).
// There every storage load is a loop over the lanes with a bounds check per component, even where
// all lanes read one address, and workgroup memory is no cheaper; arithmetic is 8 lanes wide. So
// no workgroup memory or barriers: each invocation keeps a RM × 4·CQ block of c in registers and
// loads its operands straight from storage, as vec4s along each operand's contiguous axis where
// that axis has a multiple of 4 elements (VEC_A, VEC_B). A larger block reuses each load more but
// spills and outgrows the instruction cache (measured: 4 × 8 is the best).
// Invocation x of workgroup (gx, gy) computes rows 4·gy .. 4·gy + 3 and the column quads
// (gx·CQ + q)·WG + x, q < CQ: neighbouring lanes load neighbouring quads. k goes 4 at a time.
// TRANS_C stores the transpose: the host computes c = (op(b)ᵀ · op(a)ᵀ)ᵀ when that puts the longer
// output side on the lanes.
#include "matmul_common.wgsl"

override TRANS_C: bool = false;

const WG: u32 = 8u;
const RM: u32 = 4u;
const CQ: u32 = 2u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let group = wid + p.base;
  let offsets = batch_offsets(group.z);
  let row0 = group.y * RM;
  var cols: array<u32, CQ>;
  for (var q = 0u; q < CQ; q++) { cols[q] = ((group.x * CQ + q) * WG + lid.x) * 4u; }

  var acc: array<array<vec4<f32>, CQ>, RM>;
  for (var k0 = 0u; k0 < p.k; k0 += 4u) {
    let live = live_k(k0, p.k);
    let ab = a_block(offsets.x, row0, k0, live);
    for (var q = 0u; q < CQ; q++) {
      let bb = b_block(offsets.y, k0, cols[q], live);
      for (var r = 0u; r < RM; r++) { acc[r][q] += bb * ab[r]; }
    }
  }

  let base_c = group.z * p.m * p.n;
  for (var r = 0u; r < RM; r++) {
    let row = row0 + r;
    for (var q = 0u; q < CQ; q++) {
      for (var t = 0u; t < 4u; t++) {
        let col = cols[q] + t;
        if (row < p.m && col < p.n) { c[base_c + select(row * p.n + col, col * p.m + row, TRANS_C)] = acc[r][q][t]; }
      }
    }
  }
}
