// Per-step loss log, one JSON object a line: {"step": 12, "seconds": 0.41, "losses": {...}}. Each line is one
// append (a killed run leaves at most a torn last line, which readLossLog skips). On resume the log is cut back to
// the checkpoint's step, so the steps redone after it are not written twice.
import * as fs from 'node:fs';
import { writeFileAtomic } from '../io/atomicWrite';

export interface LossRecord {
  /** number of steps completed, 1-based */
  step: number;
  /** wall time of this step */
  seconds: number;
  losses: Record<string, number>;
}

export function appendLossRecord(file: string, r: LossRecord): void {
  fs.appendFileSync(file, `${JSON.stringify(r)}\n`);
}

export function readLossLog(file: string): LossRecord[] {
  if (!fs.existsSync(file)) return [];
  const out: LossRecord[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // a line torn by a kill mid-write
    }
  }
  return out;
}

/** Writes the records of steps 1..step of log `from` to `to` (atomically; `to` may be `from`). */
export function copyLossLog(from: string, to: string, step: number): void {
  const kept = readLossLog(from).filter((r) => r.step <= step);
  writeFileAtomic(to, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/** Keep the records of steps 1..step (atomically rewritten). */
export function truncateLossLog(file: string, step: number): void {
  copyLossLog(file, file, step);
}
