// The readable tables: one for kernels, one for training, from the rows of a run.
import type { Row } from './measure.js';
import { epochSeconds } from './training.js';

export const ms = (v: number | null) => (v === null || Number.isNaN(v) ? '–' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const num = (v: number | null) => (v === null || Number.isNaN(v) ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(2));

/** A Markdown table: the first `left` columns (text) aligned left, the rest (figures) right. */
export function table(header: string[], rows: string[][], left = 2): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < left ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i < left ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function kernelTable(rows: readonly Row[]): string {
  return table(
    ['case', 'impl', 'n', 'wall ms', 'GPU ms', 'rate (wall)', 'rate (GPU)', 'unit', 'ours-gpu ÷ this'],
    rows.map((r) => [r.group, r.impl, String(r.samples), ms(r.wallMs), ms(r.gpuMs), num(r.rateWall), num(r.rateGpu), r.unit, r.error ? `failed: ${r.error.slice(0, 60)}` : num(r.oursGpuRatio)]),
  );
}

export function trainingTable(rows: readonly Row[]): string {
  return table(
    ['case', 'impl', 'samples', 'ms/step', 'images/s', 's/epoch (proj.)', 'GPU ms/step', 'host ms/step', 'ours-gpu ÷ this'],
    rows.map((r) => [r.group, r.impl, String(r.samples), ms(r.wallMs), num(r.rateWall), num(epochSeconds(r.wallMs)), ms(r.gpuMs), ms(r.hostMs), r.error ? `failed: ${r.error.slice(0, 60)}` : num(r.oursGpuRatio)]),
  );
}
