// softmax or log_softmax along one dim of a tensor seen as [outer, size, inner]: one workgroup per
// (outer, inner) row, whose threads stride over the row for its max, then for sum(exp(x − max)),
// then write. Subtracting the max keeps exp ≤ 1, so large logits cannot overflow.
// @binding(0) Params; @binding(1) x; @binding(2) out (same shape).
// LOG: 0 = softmax, 1 = log_softmax.
override LOG: u32;

const WG: u32 = 64u;

struct Params {
  size: u32,
  inner: u32,
  n_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

#include "float_common.wgsl"

var<workgroup> partial: array<f32, WG>;

// Combines the threads' partial results in `partial`: the max when `is_max`, else the sum.
fn combine(t: u32, is_max: bool) -> f32 {
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (t < s) {
      partial[t] = select(partial[t] + partial[t + s], max(partial[t], partial[t + s]), is_max);
    }
    workgroupBarrier();
  }
  let result = partial[0];
  // Every thread must read the result before `partial` is reused.
  workgroupBarrier();
  return result;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = wid.x + wid.y * nwg.x;
  let t = lid.x;
  let in_range = row < p.n_rows;
  // Element k of the row sits at base + k·inner.
  let base = (row / p.inner) * p.size * p.inner + row % p.inner;

  var m = bitcast<f32>(NEG_INF_BITS);
  if (in_range) {
    for (var k = t; k < p.size; k += WG) { m = max(m, x[base + k * p.inner]); }
  }
  partial[t] = m;
  m = combine(t, true);

  var total = 0.0;
  if (in_range) {
    for (var k = t; k < p.size; k += WG) { total += exp(x[base + k * p.inner] - m); }
  }
  partial[t] = total;
  total = combine(t, false);

  if (!in_range) { return; }
  let log_total = log(total);
  for (var k = t; k < p.size; k += WG) {
    let i = base + k * p.inner;
    let shifted = x[i] - m;
    out[i] = select(exp(shifted) / total, shifted - log_total, LOG == 1u);
  }
}
