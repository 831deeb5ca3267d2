// The Keras tutorial's pictures as self-contained SVG (no scripts, no external fonts or images):
// training curves (loss and accuracy by epoch) and one prediction (the image beside its class
// probabilities). Colours follow the tutorial: blue for the truth or a right prediction, red for a
// wrong one, grey for the rest; images use matplotlib's `binary` colormap (ink dark on white).

export interface EpochRecord {
  epoch: number;
  train_loss: number;
  val_loss: number | null;
  val_accuracy: number | null;
  train_accuracy?: number | null;
}

const FONT = 'font-family="sans-serif"';
const BLUE = '#1f77b4';
const ORANGE = '#ff7f0e';
const RED = '#d62728';
const GREY = '#9a9a9a';

interface Series {
  key: string;
  label: string;
  color: string;
  values: (number | null | undefined)[];
}

/** Two panels side by side: loss (train and validation) and accuracy (validation, and train when given). */
export function curvesSvg(history: readonly EpochRecord[]): string {
  const epochs = history.map((h) => h.epoch);
  const loss: Series[] = [
    { key: 'train_loss', label: 'training loss', color: BLUE, values: history.map((h) => h.train_loss) },
    { key: 'val_loss', label: 'validation loss', color: ORANGE, values: history.map((h) => h.val_loss) },
  ];
  const accuracy: Series[] = [
    { key: 'train_accuracy', label: 'training accuracy', color: BLUE, values: history.map((h) => h.train_accuracy) },
    { key: 'val_accuracy', label: 'validation accuracy', color: ORANGE, values: history.map((h) => h.val_accuracy) },
  ];
  const [panelW, panelH] = [440, 320];
  // Loss falls and accuracy rises, so their legends go where the curves usually are not.
  const body = [
    panel(epochs, loss, { title: 'Loss', yLabel: 'loss', x: 0, width: panelW, height: panelH, legendAtTop: true }),
    panel(epochs, accuracy.filter((s) => s.key !== 'train_accuracy' || s.values.some(isFiniteNumber)), {
      title: 'Accuracy',
      yLabel: 'accuracy',
      x: panelW,
      width: panelW,
      height: panelH,
      legendAtTop: false,
      clamp: [0, 1],
    }),
  ];
  return svg(2 * panelW, panelH, body);
}

interface PanelLayout {
  title: string;
  yLabel: string;
  x: number;
  width: number;
  height: number;
  legendAtTop: boolean;
  /** Bounds the padding of a flat series may not cross (accuracy stays within [0, 1]). */
  clamp?: [number, number];
}

function panel(epochs: number[], series: Series[], p: PanelLayout): string {
  const [left, right, top, bottom] = [p.x + 64, p.x + p.width - 16, 34, p.height - 46];
  const finiteEpochs = epochs.filter(isFiniteNumber);
  const xAxis = axis(finiteEpochs, true);
  const yAxis = axis(series.flatMap((s) => s.values.filter(isFiniteNumber)), false, p.clamp);
  // Data stays a few pixels off the axes, so a marker at an extreme is not cut by them.
  const inset = 8;
  const sx = (v: number) => left + inset + ((v - xAxis.lo) / (xAxis.hi - xAxis.lo)) * (right - left - 2 * inset);
  const sy = (v: number) => bottom - inset - ((v - yAxis.lo) / (yAxis.hi - yAxis.lo)) * (bottom - top - 2 * inset);

  const out: string[] = [`<g class="panel" data-panel="${p.yLabel}">`];
  out.push(`<text x="${(left + right) / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold" ${FONT}>${p.title}</text>`);
  for (const t of yAxis.ticks) {
    out.push(`<line x1="${left}" x2="${right}" y1="${r(sy(t))}" y2="${r(sy(t))}" stroke="#e6e6e6"/>`);
    out.push(`<text x="${left - 6}" y="${r(sy(t) + 4)}" text-anchor="end" font-size="11" ${FONT}>${yAxis.format(t)}</text>`);
  }
  for (const t of xAxis.ticks) {
    out.push(`<line x1="${r(sx(t))}" x2="${r(sx(t))}" y1="${bottom}" y2="${bottom + 5}" stroke="#333"/>`);
    out.push(`<text x="${r(sx(t))}" y="${bottom + 18}" text-anchor="middle" font-size="11" ${FONT}>${xAxis.format(t)}</text>`);
  }
  out.push(`<path d="M${left} ${top}V${bottom}H${right}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${(left + right) / 2}" y="${p.height - 8}" text-anchor="middle" font-size="12" ${FONT}>epoch</text>`);
  out.push(`<text transform="translate(${p.x + 16} ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12" ${FONT}>${p.yLabel}</text>`);
  if (!series.some((s) => s.values.some(isFiniteNumber))) {
    out.push(`<text x="${(left + right) / 2}" y="${(top + bottom) / 2}" text-anchor="middle" font-size="13" fill="${GREY}" ${FONT}>no data</text>`);
  }

  series.forEach((s, i) => {
    // A missing or non-finite value breaks the line; each finite one gets a marker.
    const points = epochs.map((e, j) => (isFiniteNumber(e) && isFiniteNumber(s.values[j]) ? `${r(sx(e))},${r(sy(s.values[j] as number))}` : null));
    const runs: string[][] = [[]];
    for (const pt of points) {
      if (pt === null) runs.push([]);
      else runs[runs.length - 1].push(pt);
    }
    for (const run of runs.filter((run) => run.length > 1)) {
      out.push(`<polyline class="line" data-series="${s.key}" points="${run.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    }
    for (const [cx, cy] of runs.flat().map((pt) => pt.split(','))) {
      out.push(`<circle class="point" data-series="${s.key}" cx="${cx}" cy="${cy}" r="3" fill="${s.color}"/>`);
    }
    const ly = p.legendAtTop ? top + 12 + 18 * i : bottom - 12 - 18 * (series.length - 1 - i);
    out.push(
      `<g class="legend"><line x1="${right - 150}" x2="${right - 126}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>` +
        `<circle cx="${right - 138}" cy="${ly}" r="3" fill="${s.color}"/>` +
        `<text x="${right - 120}" y="${ly + 4}" font-size="12" ${FONT}>${s.label}</text></g>`,
    );
  });
  out.push('</g>');
  return out.join('\n');
}

interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
  format: (v: number) => string;
}

/**
 * Round ticks (1, 2 or 5 × 10^k apart) over the values. The y axis widens to whole ticks; the
 * epoch axis spans the epochs exactly and ticks only integers. A single value gets some room.
 */
function axis(values: number[], integers: boolean, clamp?: [number, number]): Axis {
  let [lo, hi] = values.length ? [Math.min(...values), Math.max(...values)] : [0, 1];
  if (lo === hi) {
    const pad = integers ? 0.5 : Math.abs(lo) * 0.1 || 0.5;
    [lo, hi] = [lo - pad, hi + pad];
    // A flat accuracy of 1 shows as 0.9–1, not 0.9–1.1 (a value outside the bounds still shows).
    if (clamp) [lo, hi] = [Math.max(lo, Math.min(clamp[0], values[0])), Math.min(hi, Math.max(clamp[1], values[0]))];
  }
  // Epochs are short labels: room for about 8 of them; values get about 5.
  const rough = (hi - lo) / (integers ? 8 : 5);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough)!;
  if (integers) step = Math.max(1, Math.round(step));
  else [lo, hi] = [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(k * step);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return { lo, hi, ticks, format: (v) => v.toFixed(decimals) };
}

/**
 * One prediction: the `height`×`width` image (values in [0, 1]) as grey cells, and beside it one
 * bar per class with its name and probability. The predicted class is highlighted (blue when it is
 * right or the truth is unknown, red when wrong); the true class, when given, is blue and marked.
 */
export function predictionSvg(image: Float32Array, height: number, width: number, probabilities: readonly number[], classNames: readonly string[], trueLabel?: number): string {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1 || image.length !== height * width) {
    throw new Error(`predictionSvg: an image of ${image.length} values is not ${height}×${width}`);
  }
  if (probabilities.length === 0 || probabilities.length !== classNames.length) {
    throw new Error(`predictionSvg: ${probabilities.length} probabilities for ${classNames.length} class names`);
  }
  if (trueLabel !== undefined && !(Number.isInteger(trueLabel) && trueLabel >= 0 && trueLabel < classNames.length)) {
    throw new Error(`predictionSvg: trueLabel ${trueLabel} is not a class index below ${classNames.length}`);
  }
  // The largest probability, a NaN never winning over a number.
  const predicted = probabilities.reduce((best, p, i) => (p > probabilities[best] || Number.isNaN(probabilities[best]) ? i : best), 0);
  const predictedColor = trueLabel === undefined || trueLabel === predicted ? BLUE : RED;

  const cell = Math.max(1, Math.floor(224 / Math.max(height, width)));
  const [imgX, imgY, imgW, imgH] = [16, 16, cell * width, cell * height];
  const out: string[] = [`<rect x="${imgX}" y="${imgY}" width="${imgW}" height="${imgH}" fill="#fff" stroke="#333"/>`];
  const pixels: string[] = [];
  image.forEach((v, i) => {
    const ink = Math.min(1, Math.max(0, v || 0));
    if (ink === 0) return; // the white background already shows it
    const grey = Math.round(255 * (1 - ink));
    pixels.push(`<rect x="${imgX + (i % width) * cell}" y="${imgY + Math.floor(i / width) * cell}" width="${cell}" height="${cell}" fill="rgb(${grey},${grey},${grey})"/>`);
  });
  out.push(`<g class="image" shape-rendering="crispEdges">${pixels.join('')}</g>`);
  // The tutorial's caption: "<predicted> <confidence>% (<true>)".
  const confidence = percent(probabilities[predicted], 0);
  const caption = `${classNames[predicted]} ${confidence}${trueLabel === undefined ? '' : ` (${classNames[trueLabel]})`}`;
  out.push(`<text class="caption" x="${imgX + imgW / 2}" y="${imgY + imgH + 24}" text-anchor="middle" font-size="15" fill="${predictedColor}" ${FONT}>${escapeXml(caption)}</text>`);

  const rowH = 24;
  const labelW = 8 + 7 * Math.max(...classNames.map((n) => n.length));
  const [barX, barW] = [imgX + imgW + 24 + labelW, 220];
  const barsTop = imgY;
  probabilities.forEach((p, i) => {
    const y = barsTop + i * rowH;
    const isTrue = i === trueLabel;
    const color = isTrue ? BLUE : i === predicted ? predictedColor : GREY;
    const weight = i === predicted || isTrue ? ' font-weight="bold"' : '';
    const fill = Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
    out.push(
      `<text x="${barX - 8}" y="${y + 16}" text-anchor="end" font-size="13"${weight} ${FONT}>${escapeXml(classNames[i])}</text>` +
        `<rect x="${barX}" y="${y + 4}" width="${barW}" height="16" fill="#f0f0f0"/>` +
        `<rect class="bar" data-class="${i}" x="${barX}" y="${y + 4}" width="${r(fill * barW)}" height="16" fill="${color}"/>` +
        `<text x="${barX + barW + 6}" y="${y + 16}" font-size="12"${weight} ${FONT}>${percent(p, 1)}${isTrue ? ' \u2190 true' : ''}</text>`,
    );
  });
  const totalW = barX + barW + 100;
  const totalH = Math.max(imgY + imgH + 40, barsTop + probabilities.length * rowH + 16);
  return svg(totalW, totalH, out);
}

function svg(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function percent(p: number, decimals: number): string {
  return Number.isFinite(p) ? `${(100 * p).toFixed(decimals)}%` : String(p);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Coordinates to 0.1 px: enough for the eye, and keeps the files small. */
function r(v: number): number {
  return Math.round(v * 10) / 10;
}
