// Gradient of cross-entropy with respect to the logits, fused into one elementwise pass:
// dlogits[n, c] = (exp(logits[n, c] − lse[n]) − [c == labels[n]]) · g_n, where lse is the forward's
// per-row log-sum-exp, so softmax needs no second reduction.
// @binding(0) Params; @binding(1) logits [N, C]; @binding(2) labels [N]; @binding(3) lse [N];
// @binding(4) grad; @binding(5) out [N, C].
// PER_SAMPLE: 1 = reduction 'none', g_n = grad[n]; 0 = g_n = grad[0]·p.scale (1/N for 'mean').
override PER_SAMPLE: u32;
override WG: u32 = 256;

struct Params {
  total: u32,
  classes: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<f32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> grad: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.total) { return; }
  let n = i / p.classes;
  let c = i % p.classes;
  let g = select(grad[0] * p.scale, grad[n], PER_SAMPLE == 1u);
  let onehot = select(0.0, 1.0, f32(c) == labels[n]);
  out[i] = (exp(logits[i] - lse[n]) - onehot) * g;
}
