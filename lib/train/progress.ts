// A one-line progress bar on stderr: stage, bar, step/total, it/s, ETA and the main losses. On a terminal it
// redraws in place; otherwise (logs, CI) it prints a line at most every `quietSeconds` and at the end.
export class Progress {
  private readonly start = Date.now();
  private lastPrint = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly firstStep: number,
    private readonly total: number,
    private readonly quietSeconds = 10,
  ) {}

  update(step: number, losses: Record<string, number>): void {
    const now = Date.now();
    const done = step === this.total;
    if (!this.tty && !done && now - this.lastPrint < this.quietSeconds * 1000) return;
    this.lastPrint = now;
    const rate = (step - this.firstStep) / Math.max(1e-3, (now - this.start) / 1000);
    const width = 20;
    const filled = Math.round((width * step) / this.total);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const shown = Object.entries(losses)
      .map(([k, v]) => `${k} ${formatLoss(v)}`)
      .join(' ');
    const line =
      `${this.label} [${bar}] ${step}/${this.total} ${rate.toFixed(2)} it/s ETA ` +
      `${formatDuration((this.total - step) / rate)} | ${shown}`;
    process.stderr.write(this.tty ? `\r\x1b[K${line}${done ? '\n' : ''}` : `${line}\n`);
  }

  /** End an in-place line (before another message is printed). */
  break(): void {
    if (this.tty) process.stderr.write('\n');
  }
}

function formatLoss(v: number): string {
  return Math.abs(v) >= 100 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(4);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}
