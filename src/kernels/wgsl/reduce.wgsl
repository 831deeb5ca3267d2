// Reduction over any set of dims. One workgroup per output element and chunk of its reduced
// elements (p.chunks of p.chunk elements; one chunk unless the host splits a sum, see reduce.ts):
// its 64 threads stride over the chunk, then combine pairwise in workgroup memory.
// @binding(0) Params; @binding(1) x; @binding(2) out (p.n_out elements per chunk, chunk-major:
// partial sums that sum_partials.wgsl adds up when there are several chunks).
// OP: 0 = sum (times p.scale: mean), 1 = max, 2 = argmax (index within the reduced dims,
// row-major; the first on ties, and NaN wins, as in PyTorch). The kept and reduced dims come as
// runs of adjacent dims (mergeDims in src/ops/reduce.ts), so any dims can be reduced without a
// permuting copy.
// The innermost reduced run (p.inner elements, p.inner_stride apart) is walked by index; the
// reduced runs outside it ("outer") are found by division only when a thread moves to the next
// outer index, so the loop has no division per element (on CPU rasterisers such as lavapipe
// each integer division is a scalar loop over the lanes).
override OP: u32;

const WG: u32 = 64u;

struct Params {
  kept_shape: array<vec4<u32>, 2>,
  kept_strides: array<vec4<u32>, 2>,
  outer_shape: array<vec4<u32>, 2>,
  outer_strides: array<vec4<u32>, 2>,
  kept_rank: u32,
  outer_rank: u32,
  n_out: u32,
  n_red: u32,
  inner: u32,
  inner_stride: u32,
  chunk: u32,
  chunks: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

#include "float_common.wgsl"

var<workgroup> vals: array<f32, WG>;
var<workgroup> idxs: array<u32, WG>;

// Offset of row-major index i over the first `rank` runs of (shape, strides). The outermost run
// needs no modulo: i is below the product of the sizes.
fn offset(i: u32, rank: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2>) -> u32 {
  var rem = i;
  var off = 0u;
  for (var d = i32(rank) - 1; d > 0; d--) {
    let size = shape[d / 4][d % 4];
    off += (rem % size) * strides[d / 4][d % 4];
    rem = rem / size;
  }
  if (rank > 0u) { off += rem * strides[0][0]; }
  return off;
}

// True when (v, i) should replace (best, bi): larger value, or equal value at a smaller index.
// NaN beats every number and the first NaN wins, as in PyTorch's max and argmax.
fn better(v: f32, i: u32, best: f32, bi: u32) -> bool {
  if (is_nan(v)) { return !is_nan(best) || i < bi; }
  return !is_nan(best) && (v > best || (v == best && i < bi));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let g = wid.x + wid.y * nwg.x;
  let o = g % max(p.n_out, 1u);
  let c = g / max(p.n_out, 1u);
  let t = lid.x;
  let in_range = c < p.chunks && o < p.n_out;
  var acc = select(bitcast<f32>(NEG_INF_BITS), 0.0, OP == 0u);
  var best = 0xffffffffu;
  if (in_range) {
    let base = offset(o, p.kept_rank, p.kept_shape, p.kept_strides);
    // Element r = j·inner + i of the reduced dims: i along the inner run, j over the outer runs.
    let first = c * p.chunk;
    let end = min(first + p.chunk, p.n_red);
    let step_j = WG / p.inner;
    let step_i = WG - step_j * p.inner;
    var j = (first + t) / p.inner;
    var i = first + t - j * p.inner;
    var outer_j = j;
    var outer = offset(j, p.outer_rank, p.outer_shape, p.outer_strides);
    for (var r = first + t; r < end; r += WG) {
      if (j != outer_j) {
        outer_j = j;
        outer = offset(j, p.outer_rank, p.outer_shape, p.outer_strides);
      }
      let v = x[base + outer + i * p.inner_stride];
      if (OP == 0u) {
        acc += v;
      } else if (better(v, r, acc, best)) {
        acc = v;
        best = r;
      }
      i += step_i;
      j += step_j;
      if (i >= p.inner) {
        i -= p.inner;
        j += 1u;
      }
    }
  }
  vals[t] = acc;
  idxs[t] = best;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (t < s) {
      if (OP == 0u) {
        vals[t] += vals[t + s];
      } else if (better(vals[t + s], idxs[t + s], vals[t], idxs[t])) {
        vals[t] = vals[t + s];
        idxs[t] = idxs[t + s];
      }
    }
    workgroupBarrier();
  }
  if (t == 0u && in_range) {
    switch OP {
      case 0u: { out[c * p.n_out + o] = vals[0] * p.scale; }
      case 1u: { out[o] = vals[0]; }
      default: { out[o] = f32(idxs[0]); }
    }
  }
}
