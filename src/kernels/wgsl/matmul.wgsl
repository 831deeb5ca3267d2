// Batched matrix product c = op(a) · op(b), op being a transpose where TRANS_A / TRANS_B is set.
// @binding(0) Params; @binding(1) a; @binding(2) b; @binding(3) c (batches of p.m × p.n, row-major).
// Per batch, a holds an m×k matrix row-major (k×m with TRANS_A) and b a k×n one (n×k with
// TRANS_B), so backward's transposed products read the saved tensors without a copy.
// Batch: workgroup z (+ p.base.z) is the output batch index; it is split into coordinates over
// p.batch_shape and dotted with each operand's batch strides in elements (0 along broadcast dims).
// Tiling: each workgroup computes a TILE×TILE block of c with 8×8 threads, each thread a 4×4
// register block at rows ly + 8i, cols lx + 8j (strided, so neighbouring threads store neighbouring
// columns). k is walked BK at a time through workgroup memory, zero-filled past the matrix edges so
// that any m, n, k work. Every thread runs the same number of k steps: the barriers stay uniform.
// Workgroups x and y (+ p.base.x, p.base.y) pick the column and row tile; the host splits grids
// beyond 65,535 groups per dim into several dispatches with different bases.
override TRANS_A: bool = false;
override TRANS_B: bool = false;

const TILE: u32 = 32u;
const BK: u32 = 16u;
const SIDE: u32 = 8u;
const RB: u32 = 4u;
const WG: u32 = SIDE * SIDE;
// Row stride of the tiles in workgroup memory: the padding keeps the k-major stores of an
// untransposed a (and transposed b) from all hitting one memory bank.
const STRIDE: u32 = TILE + 1u;

struct Params {
  batch_shape: array<vec4<u32>, 2>,
  a_strides: array<vec4<u32>, 2>,
  b_strides: array<vec4<u32>, 2>,
  m: u32,
  n: u32,
  k: u32,
  batch_rank: u32,
  base: vec3<u32>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

// Both tiles are k-major: tile_a[kk * STRIDE + row], tile_b[kk * STRIDE + col].
var<workgroup> tile_a: array<f32, BK * STRIDE>;
var<workgroup> tile_b: array<f32, BK * STRIDE>;

fn load_a(base: u32, row: u32, kk: u32) -> f32 {
  if (row >= p.m || kk >= p.k) { return 0.0; }
  if (TRANS_A) { return a[base + kk * p.m + row]; }
  return a[base + row * p.k + kk];
}

fn load_b(base: u32, kk: u32, col: u32) -> f32 {
  if (col >= p.n || kk >= p.k) { return 0.0; }
  if (TRANS_B) { return b[base + col * p.k + kk]; }
  return b[base + kk * p.n + col];
}

@compute @workgroup_size(SIDE, SIDE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) t: u32) {
  let group = wid + p.base;
  let row0 = group.y * TILE;
  let col0 = group.x * TILE;

  var rem = group.z;
  var base_a = 0u;
  var base_b = 0u;
  for (var d = i32(p.batch_rank) - 1; d >= 0; d--) {
    let size = p.batch_shape[d / 4][d % 4];
    let coord = rem % size;
    rem = rem / size;
    base_a += coord * p.a_strides[d / 4][d % 4];
    base_b += coord * p.b_strides[d / 4][d % 4];
  }

  var acc: array<array<f32, RB>, RB>;
  let steps = (p.k + BK - 1u) / BK;
  for (var s = 0u; s < steps; s++) {
    let k0 = s * BK;
    // Each thread loads TILE·BK/WG elements of each tile; consecutive threads take consecutive
    // elements along the operand's contiguous axis, so global reads coalesce.
    for (var i = 0u; i < TILE * BK / WG; i++) {
      let e = t + i * WG;
      var row = e / BK;
      var kk = e % BK;
      if (TRANS_A) {
        row = e % TILE;
        kk = e / TILE;
      }
      tile_a[kk * STRIDE + row] = load_a(base_a, row0 + row, k0 + kk);
      var col = e % TILE;
      var kb = e / TILE;
      if (TRANS_B) {
        col = e / BK;
        kb = e % BK;
      }
      tile_b[kb * STRIDE + col] = load_b(base_b, k0 + kb, col0 + col);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      var av: array<f32, RB>;
      var bv: array<f32, RB>;
      for (var i = 0u; i < RB; i++) {
        av[i] = tile_a[kk * STRIDE + lid.y + i * SIDE];
        bv[i] = tile_b[kk * STRIDE + lid.x + i * SIDE];
      }
      for (var i = 0u; i < RB; i++) {
        for (var j = 0u; j < RB; j++) {
          acc[i][j] += av[i] * bv[j];
        }
      }
    }
    workgroupBarrier();
  }

  let base_c = group.z * p.m * p.n;
  for (var i = 0u; i < RB; i++) {
    let row = row0 + lid.y + i * SIDE;
    for (var j = 0u; j < RB; j++) {
      let col = col0 + lid.x + j * SIDE;
      if (row < p.m && col < p.n) {
        c[base_c + row * p.n + col] = acc[i][j];
      }
    }
  }
}
