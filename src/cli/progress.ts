// Progress during an epoch: a bar with ETA redrawn in place on a terminal, or a plain line every
// tenth of the epoch when the output is a file or a pipe.

export interface ProgressLine {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export class Progress {
  private lastTenth = -1;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly tty = Boolean(out.isTTY),
  ) {}

  update(p: ProgressLine): void {
    const text = `epoch ${p.epoch}/${p.epochs} ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} ${Math.round(p.imagesPerSecond)} img/s ETA ${formatDuration(p.etaSeconds)}`;
    if (this.tty) {
      const width = 24;
      const filled = Math.round((width * p.step) / p.steps);
      this.out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}\x1b[K`);
      return;
    }
    const tenth = Math.floor((10 * p.step) / p.steps);
    if (tenth > this.lastTenth && p.step < p.steps) {
      this.lastTenth = tenth;
      this.out.write(`  ${text}\n`);
    }
  }

  /** Clears the bar before an epoch's summary line. */
  done(): void {
    this.lastTenth = -1;
    if (this.tty) this.out.write('\r\x1b[K');
  }
}

interface Output {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Images evaluated, with an ETA: redrawn in place on a terminal, else a line per tenth (as Progress). */
export class EvaluationProgress {
  private readonly started = performance.now();
  private lastTenth = 0;

  constructor(
    private readonly out: Output,
    private readonly label = 'evaluating',
  ) {}

  readonly update = (done: number, total: number): void => {
    const seconds = (performance.now() - this.started) / 1000;
    const text = `${this.label}: ${done}/${total} images, ETA ${formatDuration((seconds * (total - done)) / done)}`;
    if (this.out.isTTY) {
      this.out.write(`\r${text}\x1b[K`);
      return;
    }
    const tenth = Math.floor((10 * done) / total);
    if (tenth > this.lastTenth && done < total) {
      this.lastTenth = tenth;
      this.out.write(`${text}\n`);
    }
  };

  /** Clears the line before the results (or an error). */
  done(): void {
    if (this.out.isTTY) this.out.write('\r\x1b[K');
  }
}
