// CPU reference for conv2d: the textbook definition as one loop nest over every tap (output
// element × kernel position) that reads the input. Forward accumulates into the output; the two
// gradients scatter into dx and dw from the same taps, an independent check of the WGSL gather
// (backward input) and per-weight (backward weight) kernels.
import type { CpuIo } from '../ops/spec.js';
import type { Shape } from '../tensor/shape.js';

export interface ConvArgs {
  stride: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
  groups: number;
}

/**
 * Calls visit(xi, wi, oi) with the flat indices of input x [N,C,H,W], weight [O,C/groups,kh,kw]
 * and output [N,O,OH,OW] for every product that out[oi] = Σ x[xi]·w[wi] sums; taps that land in
 * the zero padding are skipped.
 */
function forEachTap(x: Shape, w: Shape, out: Shape, conv: ConvArgs, visit: (xi: number, wi: number, oi: number) => void): void {
  const [N, C, H, W] = x;
  const [O, Cg, KH, KW] = w;
  const [, , OH, OW] = out;
  const Og = O / conv.groups;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const group = Math.floor(o / Og);
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const oi = ((n * O + o) * OH + oy) * OW + ox;
          for (let ci = 0; ci < Cg; ci++) {
            const c = group * Cg + ci;
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy * conv.stride[0] - conv.padding[0] + ky * conv.dilation[0];
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox * conv.stride[1] - conv.padding[1] + kx * conv.dilation[1];
                if (ix < 0 || ix >= W) continue;
                visit(((n * C + c) * H + iy) * W + ix, ((o * Cg + ci) * KH + ky) * KW + kx, oi);
              }
            }
          }
        }
      }
    }
  }
}

/** out = conv(x, w) + bias (per output channel). */
export function conv2dReference(x: CpuIo, w: CpuIo, bias: CpuIo | null, out: CpuIo, conv: ConvArgs): void {
  forEachTap(x.shape, w.shape, out.shape, conv, (xi, wi, oi) => {
    out.data[oi] += x.data[xi] * w.data[wi];
  });
  if (!bias) return;
  const [, O, OH, OW] = out.shape;
  for (let i = 0; i < out.data.length; i++) out.data[i] += bias.data[Math.floor(i / (OH * OW)) % O];
}

/** dx[xi] += g[oi]·w[wi] over all taps (dx arrives zero-filled). */
export function conv2dBackwardInputReference(g: CpuIo, w: CpuIo, dx: CpuIo, conv: ConvArgs): void {
  forEachTap(dx.shape, w.shape, g.shape, conv, (xi, wi, oi) => {
    dx.data[xi] += g.data[oi] * w.data[wi];
  });
}

/** dw[wi] += g[oi]·x[xi] over all taps (dw arrives zero-filled). */
export function conv2dBackwardWeightReference(x: CpuIo, g: CpuIo, dw: CpuIo, conv: ConvArgs): void {
  forEachTap(x.shape, dw.shape, g.shape, conv, (xi, wi, oi) => {
    dw.data[wi] += g.data[oi] * x.data[xi];
  });
}
