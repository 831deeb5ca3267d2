// Batched matrix product c = op(a) · op(b), op being a transpose where TRANS_A / TRANS_B is set:
// the GPU kernel (software rasterisers get matmul_simd.wgsl). Layouts, bindings, batches, split-K
// and operand loads: matmul_common.wgsl.
// Tiling: a workgroup of 16×16 threads computes a 64Q × 64Q tile of c, each thread 4Q × 4Q of it
// in registers: the row quads ty + 16i and column quads tx + 16j, i, j < Q (strided, so that a
// warp's reads of a tile row are consecutive vec4s and its stores consecutive quads). k is walked
// BK at a time through workgroup memory, both tiles k-major so that every read is a vec4. The
// tiles are loaded as 4×4 blocks, one per thread for the first BLOCKS threads (a's blocks, then
// b's), transposed in registers where the operand's contiguous axis is not the tile's; each thread
// fetches its block of the next step before computing on the current one, so that the loads
// overlap the arithmetic. Workgroups x and y (+ p.base.x, p.base.y) pick the column and row tile.
#include "matmul_common.wgsl"

// Quads per thread along the rows and along the columns: 1 or 2.
override Q: u32 = 2u;

const SIDE: u32 = 16u;
const BK: u32 = 8u;
// Register arrays are sized for the largest Q; loops run to the actual one.
const MAX_Q: u32 = 2u;

// tile_a[kk * QUADS + row / 4] holds rows row .. row + 3 at k0 + kk; tile_b likewise for columns.
override QUADS: u32 = SIDE * Q;
override TILE: u32 = BK * QUADS;
// 4×4 blocks of each tile.
override BLOCKS: u32 = TILE / 4u;
var<workgroup> tile_a: array<vec4<f32>, TILE>;
var<workgroup> tile_b: array<vec4<f32>, TILE>;

// Thread t's 4×4 block of the tiles at k0, k-major (column s holds k0 + s), zero past k_end.
fn fetch(t: u32, offsets: vec2<u32>, row0: u32, col0: u32, k0: u32, k_end: u32) -> mat4x4<f32> {
  let u = t % BLOCKS;
  let kk = k0 + u / QUADS * 4u;
  if (t < BLOCKS) { return transpose(a_block(offsets.x, row0 + u % QUADS * 4u, kk, live_k(kk, k_end))); }
  if (t < 2u * BLOCKS) { return b_block(offsets.y, kk, col0 + u % QUADS * 4u, live_k(kk, k_end)); }
  return mat4x4<f32>();
}

fn stash(t: u32, block: mat4x4<f32>) {
  let u = t % BLOCKS;
  for (var s = 0u; s < 4u; s++) {
    let i = (u / QUADS * 4u + s) * QUADS + u % QUADS;
    if (t < BLOCKS) { tile_a[i] = block[s]; } else if (t < 2u * BLOCKS) { tile_b[i] = block[s]; }
  }
}

@compute @workgroup_size(SIDE, SIDE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) t: u32) {
  let group = wid + p.base;
  let offsets = batch_offsets(group.z % p.batches);
  let row0 = group.y * 4u * QUADS;
  let col0 = group.x * 4u * QUADS;
  let k_begin = group.z / p.batches * p.k_split;
  let k_end = min(k_begin + p.k_split, p.k);

  var acc: array<array<vec4<f32>, MAX_Q>, 4u * MAX_Q>;
  var block = fetch(t, offsets, row0, col0, k_begin, k_end);
  for (var k0 = k_begin; k0 < k_end; k0 += BK) {
    stash(t, block);
    workgroupBarrier();
    if (k0 + BK < k_end) { block = fetch(t, offsets, row0, col0, k0 + BK, k_end); }
    for (var kk = 0u; kk < BK; kk++) {
      var av: array<vec4<f32>, MAX_Q>;
      var bv: array<vec4<f32>, MAX_Q>;
      for (var i = 0u; i < Q; i++) {
        av[i] = tile_a[kk * QUADS + lid.y + SIDE * i];
        bv[i] = tile_b[kk * QUADS + lid.x + SIDE * i];
      }
      for (var i = 0u; i < Q; i++) {
        for (var r = 0u; r < 4u; r++) {
          for (var j = 0u; j < Q; j++) { acc[4u * i + r][j] = fma(vec4<f32>(av[i][r]), bv[j], acc[4u * i + r][j]); }
        }
      }
    }
    workgroupBarrier();
  }

  let base_c = group.z * p.m * p.n;
  for (var i = 0u; i < Q; i++) {
    for (var r = 0u; r < 4u; r++) {
      let row = row0 + (lid.y + SIDE * i) * 4u + r;
      for (var j = 0u; j < Q; j++) {
        let col = col0 + (lid.x + SIDE * j) * 4u;
        for (var u = 0u; u < 4u; u++) {
          if (row < p.m && col + u < p.n) { c[base_c + row * p.n + col + u] = acc[4u * i + r][j][u]; }
        }
      }
    }
  }
}
