// Cross-entropy of logits [N, C] against class indices labels [N] (floats holding integers):
// loss[n] = lse[n] − logits[n, labels[n]], with lse the log-sum-exp of row n, max factored out.
// @binding(0) Params; @binding(1) logits; @binding(2) labels; @binding(3) out; @binding(4) lse [N]
// (saved for backward).
// PER_SAMPLE: 1 = reduction 'none' (one thread per sample, out [N]); 0 = one workgroup whose
// threads stride over the samples and write sum(loss)·p.scale to out[0] ('sum', or 'mean' with
// scale 1/N). A label outside [0, C) or not an integer gives NaN: labels computed on the GPU are
// not checked on the host, and NaN makes the mistake visible instead of reading another row.
override PER_SAMPLE: u32;

const WG: u32 = 64u;

struct Params {
  n: u32,
  classes: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;

// NaN cannot be a WGSL constant; a private var keeps it a runtime value.
var<private> NAN_BITS: u32 = 0x7fc00000u;

var<workgroup> partial: array<f32, WG>;

fn sample_loss(n: u32) -> f32 {
  let row = n * p.classes;
  var m = logits[row];
  for (var c = 1u; c < p.classes; c++) { m = max(m, logits[row + c]); }
  var total = 0.0;
  for (var c = 0u; c < p.classes; c++) { total += exp(logits[row + c] - m); }
  let l = m + log(total);
  lse[n] = l;
  let t = labels[n];
  if (!(t >= 0.0 && t < f32(p.classes) && t == floor(t))) { return bitcast<f32>(NAN_BITS); }
  return l - logits[row + u32(t)];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  if (PER_SAMPLE == 1u) {
    let n = gid.x + gid.y * nwg.x * WG;
    if (n < p.n) { out[n] = sample_loss(n); }
    return;
  }
  let t = lid.x;
  var acc = 0.0;
  for (var n = t; n < p.n; n += WG) { acc += sample_loss(n); }
  partial[t] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (t < s) { partial[t] += partial[t + s]; }
    workgroupBarrier();
  }
  if (t == 0u) { out[0] = partial[0] * p.scale; }
}
