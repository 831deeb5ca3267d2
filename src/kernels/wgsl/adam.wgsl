// One Adam / AdamW step on one parameter, in place (torch.optim.Adam and AdamW).
// @binding(0) Params; @binding(1) param, @binding(3) exp_avg, @binding(4) exp_avg_sq (all updated);
// @binding(2) grad. The host folds the step-dependent terms into the uniforms:
// step_size = lr / (1 − β1^t), bc2_sqrt = sqrt(1 − β2^t), and 1 − β1, 1 − β2 (in float32 these
// cancel: 1 − f32(0.999) is 1.3e-5 off 0.001, which skews v). Adam's L2 decay is `l2` (added to the
// gradient) with decay = 1, AdamW's is decay = 1 − lr·weight_decay (applied to the weights) with l2 = 0.
override WG: u32 = 256;

struct Params {
  n: u32,
  beta1: f32,
  beta2: f32,
  one_minus_beta1: f32,
  one_minus_beta2: f32,
  eps: f32,
  l2: f32,
  decay: f32,
  step_size: f32,
  bc2_sqrt: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> exp_avg: array<f32>;
@group(0) @binding(4) var<storage, read_write> exp_avg_sq: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let w = param[i];
  let g = grad[i] + p.l2 * w;
  let m = p.beta1 * exp_avg[i] + p.one_minus_beta1 * g;
  let v = p.beta2 * exp_avg_sq[i] + p.one_minus_beta2 * g * g;
  exp_avg[i] = m;
  exp_avg_sq[i] = v;
  param[i] = w * p.decay - p.step_size * m / (sqrt(v) / p.bc2_sqrt + p.eps);
}
