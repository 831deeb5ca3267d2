// CPU reference for 2-D max and average pooling on NCHW: plain loops over each window, written
// apart from the WGSL. The backward references scatter from each output (the shaders gather
// into each input), so the two formulations check each other.
import type { CpuIo } from '../ops/spec.js';

/** Validated pooling geometry; `planes` is N·C. */
export interface Pool2dGeometry {
  planes: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  pH: number;
  pW: number;
  dH: number;
  dW: number;
}

export interface AvgDivisor {
  countIncludePad: boolean;
  /** Replaces the computed divisor when set. */
  divisorOverride: number | undefined;
}

/** Visits each output (oh, ow) of each plane in order: `o` is its flat index, `base` its input plane's. */
function forEachOutput(g: Pool2dGeometry, visit: (o: number, base: number, oh: number, ow: number) => void): void {
  let o = 0;
  for (let plane = 0; plane < g.planes; plane++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++, o++) visit(o, plane * g.inH * g.inW, oh, ow);
    }
  }
}

/**
 * Max over each window, skipping taps in the padding. The index (ih·W + iw within the plane) is
 * the first maximum in row-major window order; a NaN wins, as in PyTorch. -1 for a window with no
 * tap inside the input (possible only with dilation).
 */
export function maxPool2dReference(x: CpuIo, out: CpuIo, indices: CpuIo, g: Pool2dGeometry): void {
  forEachOutput(g, (o, base, oh, ow) => {
    let best = -Infinity;
    let bestIndex = -1;
    for (let kh = 0; kh < g.kH; kh++) {
      const ih = oh * g.sH - g.pH + kh * g.dH;
      if (ih < 0 || ih >= g.inH) continue;
      for (let kw = 0; kw < g.kW; kw++) {
        const iw = ow * g.sW - g.pW + kw * g.dW;
        if (iw < 0 || iw >= g.inW) continue;
        const v = x.data[base + ih * g.inW + iw];
        if (bestIndex < 0 || v > best || Number.isNaN(v)) {
          best = v;
          bestIndex = ih * g.inW + iw;
        }
      }
    }
    out.data[o] = best;
    indices.data[o] = bestIndex;
  });
}

/** dx[argmax of each window] += g. */
export function maxPool2dBackwardReference(grad: CpuIo, indices: CpuIo, dx: CpuIo, g: Pool2dGeometry): void {
  const inPlane = g.inH * g.inW;
  const outPlane = g.outH * g.outW;
  for (let o = 0; o < grad.data.length; o++) {
    const index = indices.data[o];
    if (index >= 0) dx.data[Math.floor(o / outPlane) * inPlane + index] += grad.data[o];
  }
}

/**
 * The window of output (oh, ow) clipped to the input, and its divisor, as PyTorch computes them:
 * with count_include_pad the divisor counts padding but not the part of a ceil-mode window that
 * hangs past the padded border.
 */
function avgWindow(g: Pool2dGeometry, oh: number, ow: number, d: AvgDivisor) {
  const h0 = oh * g.sH - g.pH;
  const w0 = ow * g.sW - g.pW;
  const h1 = Math.min(h0 + g.kH, g.inH + g.pH);
  const w1 = Math.min(w0 + g.kW, g.inW + g.pW);
  const padded = (h1 - h0) * (w1 - w0);
  const top = Math.max(h0, 0);
  const left = Math.max(w0, 0);
  const bottom = Math.min(h1, g.inH);
  const right = Math.min(w1, g.inW);
  const divisor = d.divisorOverride ?? (d.countIncludePad ? padded : (bottom - top) * (right - left));
  return { top, left, bottom, right, divisor };
}

export function avgPool2dReference(x: CpuIo, out: CpuIo, g: Pool2dGeometry, d: AvgDivisor): void {
  forEachOutput(g, (o, base, oh, ow) => {
    const w = avgWindow(g, oh, ow, d);
    let total = 0;
    for (let ih = w.top; ih < w.bottom; ih++) {
      for (let iw = w.left; iw < w.right; iw++) total += x.data[base + ih * g.inW + iw];
    }
    out.data[o] = total / w.divisor;
  });
}

/** Each window's gradient, divided by its divisor, spread over the inputs it covers. */
export function avgPool2dBackwardReference(grad: CpuIo, dx: CpuIo, g: Pool2dGeometry, d: AvgDivisor): void {
  forEachOutput(g, (o, base, oh, ow) => {
    const w = avgWindow(g, oh, ow, d);
    const share = grad.data[o] / w.divisor;
    for (let ih = w.top; ih < w.bottom; ih++) {
      for (let iw = w.left; iw < w.right; iw++) dx.data[base + ih * g.inW + iw] += share;
    }
  });
}
