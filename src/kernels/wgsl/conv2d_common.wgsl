// Shared by conv2d.wgsl and conv2d_backward_*.wgsl through `#include` (src/gpu/pipelines.ts);
// declarations only, not a kernel. Params is packed by packParams in src/ops/conv2d.ts: x
// [n,c,h,w], weight [o,c/groups,kh,kw], output [n,o,oh,ow]; `chunk` is the split-K chunk of
// conv2d_backward_weight*.wgsl (output pixels per partial sum), unused by the other kernels.

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  o: u32, oh: u32, ow: u32, groups: u32,
  kh: u32, kw: u32, stride_y: u32, stride_x: u32,
  pad_y: u32, pad_x: u32, dil_y: u32, dil_x: u32,
  chunk: u32,
}
