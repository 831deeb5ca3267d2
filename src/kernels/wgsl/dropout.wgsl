// Dropout: out[i] = x[i]·mask[i], where mask[i] is p.scale (1/(1 − p)) for kept elements and 0 for
// dropped ones, and is also written out for backward. Element i is kept when the top 24 bits of
// pcg(i + pcg(seed)) are ≥ p.threshold (round(p·2^24)): a counter-based hash, so the mask depends
// only on (seed, i), and comparing integers lets the CPU reference (src/reference/softmax.ts)
// make exactly the same choices.
// @binding(0) Params; @binding(1) x; @binding(2) out; @binding(3) mask (p.n elements each).
override WG: u32 = 256;

struct Params {
  n: u32,
  seed: u32,
  threshold: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read_write> mask: array<f32>;

// Jarzynski & Olano, "Hash Functions for GPU Rendering" (2020).
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let m = select(0.0, p.scale, (pcg(i + pcg(p.seed)) >> 8u) >= p.threshold);
  mask[i] = m;
  out[i] = x[i] * m;
}
