// Reduction over any set of dims. One workgroup per output element: its 64 threads stride over
// the reduced elements, then combine pairwise in workgroup memory.
// @binding(0) Params; @binding(1) x; @binding(2) out (p.n_out elements).
// OP: 0 = sum (times p.scale: mean), 1 = max, 2 = argmax (index within the reduced dims,
// row-major; the first on ties, as PyTorch). The kept and reduced dims are given as separate
// shape/stride lists, so any dims can be reduced without a permuting copy first.
override OP: u32;

const WG: u32 = 64u;

struct Params {
  kept_shape: array<vec4<u32>, 2>,
  kept_strides: array<vec4<u32>, 2>,
  red_shape: array<vec4<u32>, 2>,
  red_strides: array<vec4<u32>, 2>,
  kept_rank: u32,
  red_rank: u32,
  n_out: u32,
  n_red: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

// -infinity cannot be a WGSL constant; a private var keeps it a runtime value.
var<private> NEG_INF_BITS: u32 = 0xff800000u;

var<workgroup> vals: array<f32, WG>;
var<workgroup> idxs: array<u32, WG>;

fn kept_offset(o: u32) -> u32 {
  var rem = o;
  var off = 0u;
  for (var d = i32(p.kept_rank) - 1; d >= 0; d--) {
    let size = p.kept_shape[d / 4][d % 4];
    off += (rem % size) * p.kept_strides[d / 4][d % 4];
    rem = rem / size;
  }
  return off;
}

fn red_offset(r: u32) -> u32 {
  var rem = r;
  var off = 0u;
  for (var d = i32(p.red_rank) - 1; d >= 0; d--) {
    let size = p.red_shape[d / 4][d % 4];
    off += (rem % size) * p.red_strides[d / 4][d % 4];
    rem = rem / size;
  }
  return off;
}

// True when (v, i) should replace (best, bi): larger value, or equal value at a smaller index.
fn better(v: f32, i: u32, best: f32, bi: u32) -> bool {
  return v > best || (v == best && i < bi);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = wid.x + wid.y * nwg.x;
  let t = lid.x;
  let in_range = o < p.n_out;
  var acc = select(bitcast<f32>(NEG_INF_BITS), 0.0, OP == 0u);
  var best = 0xffffffffu;
  if (in_range) {
    let base = kept_offset(o);
    for (var r = t; r < p.n_red; r += WG) {
      let v = x[base + red_offset(r)];
      if (OP == 0u) {
        acc += v;
      } else if (better(v, r, acc, best)) {
        acc = v;
        best = r;
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
      case 0u: { out[o] = vals[0] * p.scale; }
      case 1u: { out[o] = vals[0]; }
      default: { out[o] = f32(idxs[0]); }
    }
  }
}
