// Shared by the matmul kernels through `#include`: params, bindings, batch offsets and operand loads.
// Per batch, a holds an m×k matrix row-major (k×m with TRANS_A) and b a k×n one (n×k with
// TRANS_B), so backward's transposed products read the saved tensors without a copy.
// @binding(1) a and @binding(2) the same buffer as vec4s; likewise @binding(3) and (4) for b;
// @binding(5) c: p.batches matrices of p.m × p.n row-major, or with k split, that many per split.
// Workgroup z (+ p.base.z) is split · p.batches + batch, the splits cutting k into ranges of
// p.k_split, and c's matrix index. The host splits grids beyond 65,535 groups per dim into several
// dispatches with different bases.
override TRANS_A: bool = false;
override TRANS_B: bool = false;
// Whether a's (b's) contiguous axis has a multiple of 4 elements: then its quads load as vec4s.
override VEC_A: bool = false;
override VEC_B: bool = false;

struct Params {
  batch_shape: array<vec4<u32>, 2>,
  a_strides: array<vec4<u32>, 2>,
  b_strides: array<vec4<u32>, 2>,
  m: u32,
  n: u32,
  k: u32,
  batch_rank: u32,
  base: vec3<u32>,
  k_split: u32,
  batches: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> a4: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> b4: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> c: array<f32>;

// Element offsets of batch `batch`'s matrices in a (x) and b (y): the index split into coordinates
// over p.batch_shape, dotted with each operand's batch strides (0 along broadcast dims).
fn batch_offsets(batch: u32) -> vec2<u32> {
  var rem = batch;
  var offsets = vec2<u32>(0u);
  for (var d = i32(p.batch_rank) - 1; d >= 0; d--) {
    let size = p.batch_shape[d / 4][d % 4];
    let coord = rem % size;
    rem = rem / size;
    offsets += coord * vec2<u32>(p.a_strides[d / 4][d % 4], p.b_strides[d / 4][d % 4]);
  }
  return offsets;
}

// Whether k0 + s is below `end`, for s = 0 .. 3.
fn live_k(k0: u32, end: u32) -> vec4<bool> {
  return vec4<u32>(k0) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(end);
}

// Elements i .. i + 3 of a (i is a multiple of 4 where VEC_A).
fn quad_a(i: u32) -> vec4<f32> {
  if (VEC_A) { return a4[i / 4u]; }
  return vec4<f32>(a[i], a[i + 1u], a[i + 2u], a[i + 3u]);
}

fn quad_b(i: u32) -> vec4<f32> {
  if (VEC_B) { return b4[i / 4u]; }
  return vec4<f32>(b[i], b[i + 1u], b[i + 2u], b[i + 3u]);
}

// A 4×4 block of op(a) from 4 quads along a's contiguous axis: column r holds op(a)[row0 + r][k0 + s]
// over s, zero where !live[s] (selected, not multiplied: a clamped load may read anything, NaN
// included). Rows past the last are clamped into the matrix: their results are never stored.
fn a_block(base: u32, row0: u32, k0: u32, live: vec4<bool>) -> mat4x4<f32> {
  var q: mat4x4<f32>;
  for (var i = 0u; i < 4u; i++) {
    // Transposed: quad i runs over the rows at k0 + i; else over k along row row0 + i.
    if (TRANS_A) { q[i] = quad_a(base + min(k0 + i, p.k - 1u) * p.m + row0); }
    else { q[i] = quad_a(base + min(row0 + i, p.m - 1u) * p.k + k0); }
  }
  if (TRANS_A) { q = transpose(q); }
  for (var r = 0u; r < 4u; r++) { q[r] = select(vec4<f32>(), q[r], live); }
  return q;
}

// Likewise for op(b): column s holds op(b)[k0 + s][col + t] over t, zero where !live[s].
// Untransposed, a quad starting past the last column is clamped to it (to the last quad with VEC_B).
fn b_block(base: u32, k0: u32, col: u32, live: vec4<bool>) -> mat4x4<f32> {
  var q: mat4x4<f32>;
  for (var i = 0u; i < 4u; i++) {
    if (TRANS_B) { q[i] = quad_b(base + min(col + i, p.n - 1u) * p.k + k0); }
    else { q[i] = quad_b(base + min(k0 + i, p.k - 1u) * p.n + min(col, select(p.n - 1u, p.n - 4u, VEC_B))); }
  }
  if (TRANS_B) { q = transpose(q); }
  for (var s = 0u; s < 4u; s++) { q[s] = select(vec4<f32>(), q[s], live[s]); }
  return q;
}
