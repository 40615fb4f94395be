// Training curves of a table's arms, small enough to commit: the mean of each logged loss over consecutive windows
// of `every` steps, read from runs/<arm>/<part>/log.jsonl (lib/train/log.ts). runs/ is not committed, so
// `npm run reproduce` writes this summary to results/<table>/curves.json and notebooks plot it from there.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Figure } from '../viz/figure';
import { readLossLog } from '../train/log';
import { INPAINTER_PARTS } from '../pipeline/learnedInpainters';
import { writeJsonAtomic } from '../io/atomicWrite';
import type { Arm } from './experiments';
import { recordedStageName } from '../config/presets';

/** One part's curve: steps[i] is the last step of window i, losses[name][i] the window's mean. */
export interface PartCurve {
  steps: number[];
  losses: Record<string, number[]>;
}

export interface TrainingCurves {
  every: number;
  arms: Record<string, Record<string, PartCurve>>;
}

/** The windowed means of one log's records (steps 1-based; the last window may be shorter). */
export function windowMeans(
  records: Array<{ step: number; losses: Record<string, number> }>,
  every: number,
): PartCurve {
  if (!Number.isInteger(every) || every < 1)
    throw new Error(`windowMeans: every must be a positive integer, got ${every}`);
  const windows = new Map<number, { last: number; losses: Array<Record<string, number>> }>();
  for (const r of records) {
    const w = windows.get(Math.ceil(r.step / every)) ?? { last: 0, losses: [] };
    w.last = Math.max(w.last, r.step);
    w.losses.push(r.losses);
    windows.set(Math.ceil(r.step / every), w);
  }
  const keys = [...windows.keys()].sort((a, b) => a - b);
  const names = [...new Set(records.flatMap((r) => Object.keys(r.losses)))].sort();
  const steps = keys.map((w) => windows.get(w)!.last);
  const losses = Object.fromEntries(
    names.map((n) => [
      n,
      keys.map((w) => {
        const vals = windows
          .get(w)!
          .losses.map((l) => l[n])
          .filter((v) => Number.isFinite(v));
        return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : NaN;
      }),
    ]),
  );
  return { steps, losses };
}

/** Each arm's parts' curves; a part without a log is left out. */
export function trainingCurves(arms: Arm[], every = 100): TrainingCurves {
  const out: TrainingCurves = { every, arms: {} };
  for (const a of arms) {
    out.arms[a.name] = {};
    for (const part of INPAINTER_PARTS) {
      const p = a.checkpoints[part];
      const log = path.join(p.endsWith('.json') ? path.dirname(p) : p, 'log.jsonl');
      if (fs.existsSync(log)) out.arms[a.name][part] = windowMeans(readLossLog(log), every);
    }
  }
  return out;
}

/** Writes the curves beside the table's results, merged with what is there (arms scored earlier keep theirs). */
export function writeTrainingCurves(file: string, curves: TrainingCurves): void {
  const old = fs.existsSync(file) ? readTrainingCurves(file) : null;
  const arms = { ...(old && old.every === curves.every ? old.arms : {}), ...curves.arms };
  writeJsonAtomic(file, {
    every: curves.every,
    arms: Object.fromEntries(
      Object.keys(arms)
        .sort()
        .map((k) => [k, arms[k]]),
    ),
  });
}

/** The curves in `file`, parts under today's stage names (recordedStageName: 'seg' was the segInpainter's);
 *  none (no arms) when the table has not been run yet. */
export function readTrainingCurves(file: string): TrainingCurves {
  if (!fs.existsSync(file)) return { every: 100, arms: {} };
  const c = JSON.parse(fs.readFileSync(file, 'utf8')) as TrainingCurves;
  const arms = Object.entries(c.arms).map(([arm, parts]) => [
    arm,
    Object.fromEntries(Object.entries(parts).map(([part, curve]) => [recordedStageName(part), curve])),
  ]);
  return { ...c, arms: Object.fromEntries(arms) };
}

const PART_TITLES: Record<string, string> = {
  edge: 'edge inpainter',
  segInpainter: 'segmentation inpainter',
  image: 'image inpainter',
};

const COLOURS: Record<string, string> = { object: '#1f77b4', random: '#d62728' };

/** One panel per part, one line per arm, of the windowed mean of `loss` (default: the total generator loss). */
export function curvesFigure(curves: TrainingCurves, loss = 'loss'): Figure {
  const data: Array<Record<string, unknown>> = [];
  const parts = INPAINTER_PARTS.filter((p) => Object.values(curves.arms).some((a) => a[p]));
  parts.forEach((part, k) => {
    Object.entries(curves.arms).forEach(([arm, byPart], i) => {
      const c = byPart[part];
      if (!c?.losses[loss]) return;
      const colour = COLOURS[arm.split('-')[0]] ?? ['#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'][i % 4];
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        marker: { size: 3 },
        name: arm,
        legendgroup: arm,
        showlegend: k === 0,
        uid: `${arm}-${part}`,
        x: c.steps,
        y: c.losses[loss],
        line: { color: colour, dash: /-s[1-9]/.test(arm) ? 'dot' : 'solid' },
        xaxis: `x${k === 0 ? '' : k + 1}`,
        yaxis: `y${k === 0 ? '' : k + 1}`,
      });
    });
  });
  const layout: Record<string, unknown> = {
    title: { text: `Training curves: '${loss}' averaged over windows of ${curves.every} steps`, font: { size: 13 } },
    grid: { rows: 1, columns: Math.max(1, parts.length), pattern: 'independent' },
    legend: { orientation: 'h', y: -0.25 },
    margin: { t: 70, b: 110, l: 60, r: 20 },
    annotations: parts.map((p, k) => ({
      text: PART_TITLES[p],
      showarrow: false,
      xref: `x${k === 0 ? '' : k + 1} domain`,
      yref: `y${k === 0 ? '' : k + 1} domain`,
      x: 0.5,
      y: 1.08,
      font: { size: 12 },
    })),
  };
  parts.forEach((_, k) => {
    layout[`xaxis${k === 0 ? '' : k + 1}`] = { title: { text: 'step' } };
    layout[`yaxis${k === 0 ? '' : k + 1}`] = { title: { text: k === 0 ? loss : '' } };
  });
  return { data, layout };
}
