// One SGD step on one parameter, in place (PyTorch's torch.optim.SGD).
// @binding(0) Params; @binding(1) param (updated); @binding(2) grad; @binding(3) momentum buffer
// (updated; a one-element placeholder when MOMENTUM is false, since 'auto' layouts need every binding).
// buf = momentum·buf + grad_scale·d, where the host sets grad_scale to 1 − dampening, or to 1 on a
// parameter's first step (PyTorch starts the buffer at the gradient itself).
override MOMENTUM: bool;
override NESTEROV: bool;
override WG: u32 = 256;

struct Params {
  n: u32,
  lr: f32,
  weight_decay: f32,
  momentum: f32,
  grad_scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> buf: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let w = param[i];
  var d = grad[i] + p.weight_decay * w;
  if (MOMENTUM) {
    let b = p.momentum * buf[i] + p.grad_scale * d;
    buf[i] = b;
    d = select(b, d + p.momentum * b, NESTEROV);
  }
  param[i] = w - p.lr * d;
}
