// Table I (mask size, Sec. III-D.1): the paper's three findings checked from our results, and the report (a plotly
// chart per bucket, markdown and CSV beside the paper's quoted values). The experiments are table1Spec's
// (lib/eval/experiments.ts); everything here is a pure function of their rows.
//
// Findings, computed from per-bucket means alone, so the verdict a notebook prints follows the results and is
// never written by hand:
//   1. d = 0 is best: no other d has a higher mean ("the best result is obtained in the original ground-truth
//      mask in all mask ratios of all metrics"). A tie counts as best: at 64 px d = +2 is a 0.5 px dilation,
//      which leaves the mask unchanged, so d = 0 and d = +2 give the same numbers.
//   2. Eroding hurts far more than dilating by the same distance: drop(-2) = mean(0) - mean(-2) is positive and at
//      least `erosionFactor` times drop(+2) ("the performance drop with the mask rescaled with -2 pixels is much
//      larger"). The paper's own Table I has factors of 9 to 19.
//   3. Scores fall slowly as the mask grows: the least-squares slope of the mean over d >= 0 is negative and falls
//      by less than `maxFallPer2px` per 2 px of d at 256 px ("the score slowly degrades as the mask size
//      increases"). The thresholds, 1 dB and 0.025 SSIM per 2 px, are 2 to 2.5 times the steepest slope in the
//      paper's Table I (0.42 dB, 0.0125 SSIM per 2 px), so the paper's table passes with room to spare.
// d is always the paper's d, in pixels at 256x256 (our masks at R px are thresholded at d * R / 256).
//
// Protocols: the findings and the headline numbers are under the paper protocol as it is. Its SSIM window (51 px,
// made for 256x256) covers most of a 64-px image, so where results have them the report shows beside it the SSIM
// of its named variant 'paper-scaled', the window scaled to the image (lib/eval/protocol.ts), and says so.
import type { Figure } from '../viz/figure';
import { type BucketStat, bucketStats } from './resultRows';
import type { ExperimentResults, ExperimentSpec } from './experiment';
import { MASK_RATIO_BUCKETS } from '../data/buckets';
import { METRIC_PROTOCOLS, SSIM_COMPANION, ssimSettingsAt } from './protocol';
import { type OursSeries, PAPER_LABEL, type PaperTables, paperSeries, paperVsOurs } from './paperTables';

export type Table1Metric = 'psnr' | 'ssim';

/** One mean of a Table I cell: a bucket's mean score at offset d (px at 256x256). */
export interface Table1Point {
  bucket: string;
  d: number;
  mean: number;
}

export interface Table1Thresholds {
  erosionFactor: number; // finding 2: drop(eroded) >= erosionFactor * drop(dilated)
  maxFallPer2px: Record<Table1Metric, number>; // finding 3: fall per 2 px of d must stay below this
  eroded: number; // the d compared in finding 2 (the paper: -2 and +2)
  dilated: number;
}

export const TABLE1_THRESHOLDS: Table1Thresholds = {
  erosionFactor: 3,
  maxFallPer2px: { psnr: 1, ssim: 0.025 },
  eroded: -2,
  dilated: 2,
};

export interface BucketFindings {
  bucket: string;
  /** finding 1; best = the d with the highest mean (several on a tie); margin = mean(0) - max over d != 0 */
  bestAtZero: { holds: boolean; best: number[]; margin: number };
  /** finding 2; drops below d = 0 (positive = worse than d = 0); ratio = null when drop(dilated) <= 0 */
  erosionHurtsMore: { holds: boolean; dropEroded: number; dropDilated: number; ratio: number | null };
  /** finding 3; least-squares slope of the mean over d >= 0, per 2 px of d (negative = falls) */
  slowFall: { holds: boolean; slopePer2px: number };
}

export interface Table1Findings {
  metric: Table1Metric;
  thresholds: Table1Thresholds;
  buckets: BucketFindings[];
  // each finding over all buckets
  bestAtZero: boolean;
  erosionHurtsMore: boolean;
  slowFall: boolean;
}

/** The means of one metric under one protocol, from per-bucket aggregates (by_bucket.csv, lib/eval/resultRows.ts). */
export function table1Points(stats: BucketStat[], metric: Table1Metric, protocol: string): Table1Point[] {
  const points = stats
    .filter((s) => s.metric === metric && s.protocol === protocol && s.d256 !== null)
    .map((s) => ({ bucket: s.bucket, d: s.d256 as number, mean: s.mean }));
  if (points.length === 0)
    throw new Error(`table1Points: no ${metric} results under the '${protocol}' protocol for ground-truth masks`);
  return points;
}

function leastSquaresSlope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxy / sxx;
}

function bucketFindings(
  bucket: string,
  byD: Map<number, number>,
  metric: Table1Metric,
  t: Table1Thresholds,
): BucketFindings {
  const at = (d: number): number => {
    const v = byD.get(d);
    if (v === undefined)
      throw new Error(
        `table1Findings: ${metric}, bucket ${bucket}: no mean at d = ${d} (have d = ${[...byD.keys()].join(', ')})`,
      );
    return v;
  };
  const zero = at(0);
  const others = [...byD].filter(([d]) => d !== 0).map(([, v]) => v);
  const top = Math.max(...byD.values());
  const best = [...byD]
    .filter(([, v]) => v === top)
    .map(([d]) => d)
    .sort((a, b) => a - b);

  const dropEroded = zero - at(t.eroded);
  const dropDilated = zero - at(t.dilated);

  const grown = [...byD].filter(([d]) => d >= 0).sort(([a], [b]) => a - b);
  if (grown.length < 2)
    throw new Error(`table1Findings: ${metric}, bucket ${bucket}: the slope over d >= 0 needs at least two d >= 0`);
  const slopePer2px =
    2 *
    leastSquaresSlope(
      grown.map(([d]) => d),
      grown.map(([, v]) => v),
    );

  return {
    bucket,
    bestAtZero: { holds: zero >= top, best, margin: zero - Math.max(...others) },
    erosionHurtsMore: {
      holds: dropEroded > 0 && dropEroded >= t.erosionFactor * dropDilated,
      dropEroded,
      dropDilated,
      ratio: dropDilated > 0 ? dropEroded / dropDilated : null,
    },
    slowFall: { holds: slopePer2px < 0 && -slopePer2px < t.maxFallPer2px[metric], slopePer2px },
  };
}

/** The three findings for every bucket of one metric's means (one protocol; any d, at least -2, 0, +2 and two
 *  d >= 0). */
export function table1Findings(
  points: Table1Point[],
  metric: Table1Metric,
  thresholds: Table1Thresholds = TABLE1_THRESHOLDS,
): Table1Findings {
  if (points.length === 0) throw new Error('table1Findings: no points');
  const byBucket = new Map<string, Map<number, number>>();
  for (const p of points) {
    if (!Number.isFinite(p.mean))
      throw new Error(`table1Findings: ${metric}, bucket ${p.bucket}, d = ${p.d}: mean ${p.mean} is not finite`);
    const row = byBucket.get(p.bucket) ?? new Map<number, number>();
    if (row.has(p.d))
      throw new Error(
        `table1Findings: ${metric}, bucket ${p.bucket}: two means at d = ${p.d} (mixed protocols or experiments?)`,
      );
    row.set(p.d, p.mean);
    byBucket.set(p.bucket, row);
  }
  const order = (b: string): number => {
    const k = MASK_RATIO_BUCKETS.findIndex((x) => x.label === b);
    return k < 0 ? MASK_RATIO_BUCKETS.length : k;
  };
  const buckets = [...byBucket.keys()]
    .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
    .map((b) => bucketFindings(b, byBucket.get(b)!, metric, thresholds));
  return {
    metric,
    thresholds,
    buckets,
    bestAtZero: buckets.every((b) => b.bestAtZero.holds),
    erosionHurtsMore: buckets.every((b) => b.erosionHurtsMore.holds),
    slowFall: buckets.every((b) => b.slowFall.holds),
  };
}

const UNITS: Record<Table1Metric, { name: string; unit: string; digits: number }> = {
  psnr: { name: 'PSNR', unit: ' dB', digits: 2 },
  ssim: { name: 'SSIM', unit: '', digits: 3 },
};
const FINDINGS = ['bestAtZero', 'erosionHurtsMore', 'slowFall'] as const;

/** 'yes' when a finding holds in every bucket of every metric, 'no' in none, else 'partly'. */
function yesPartlyNo(found: Table1Findings[], key: (typeof FINDINGS)[number]): string {
  const holds = found.flatMap((f) => f.buckets.map((b) => b[key].holds));
  return holds.every(Boolean) ? 'yes' : holds.some(Boolean) ? 'partly' : 'no';
}

function counts(found: Table1Findings[], key: (typeof FINDINGS)[number]): string {
  return found
    .map((f) => `${UNITS[f.metric].name} ${f.buckets.filter((b) => b[key].holds).length}/${f.buckets.length} buckets`)
    .join(', ');
}

function range(values: number[], metric: Table1Metric): string {
  const { unit, digits } = UNITS[metric];
  const lo = Math.min(...values).toFixed(digits);
  const hi = Math.max(...values).toFixed(digits);
  return (lo === hi ? lo : `${lo} to ${hi}`) + unit;
}

/**
 * One paragraph: whether `name`'s run shows each finding, in how many buckets per metric, with the numbers behind
 * it, and a last sentence naming the findings it shows. `found`: the same run's findings for each metric.
 */
export function table1Verdict(name: string, found: Table1Findings[]): string {
  if (found.length === 0) throw new Error('table1Verdict: no findings');
  const t = found[0].thresholds;
  const sign = (d: number): string => (d > 0 ? `+${d}` : String(d));
  const drops = found
    .map(
      (f) =>
        `${UNITS[f.metric].name} drop at d = ${sign(t.eroded)}: ${range(
          f.buckets.map((b) => b.erosionHurtsMore.dropEroded),
          f.metric,
        )}, ` +
        `at d = ${sign(t.dilated)}: ${range(
          f.buckets.map((b) => b.erosionHurtsMore.dropDilated),
          f.metric,
        )}`,
    )
    .join('; ');
  const slopes = found
    .map((f) => {
      const steepest = f.buckets.reduce((a, b) => (b.slowFall.slopePer2px < a.slowFall.slopePer2px ? b : a));
      const { name: m, unit, digits } = UNITS[f.metric];
      return (
        `${m} ${range(
          f.buckets.map((b) => b.slowFall.slopePer2px),
          f.metric,
        )} per 2 px, steepest in ${steepest.bucket}` + ` (limit -${t.maxFallPer2px[f.metric].toFixed(digits)}${unit})`
      );
    })
    .join('; ');
  const bests = found.flatMap((f) => f.buckets.map((b) => b.bestAtZero.best.map(sign).join('/')));
  const margins = bests.every((b) => b === bests[0])
    ? `highest mean at d = ${bests[0]} in every bucket`
    : found
        .map(
          (f) =>
            `${UNITS[f.metric].name} highest mean at d = ` +
            `${f.buckets.map((b) => `${b.bestAtZero.best.map(sign).join('/')} (${b.bucket})`).join(', ')}`,
        )
        .join('; ');
  const lines = [
    `${name}:`,
    `(1) d = 0 best: ${yesPartlyNo(found, 'bestAtZero')} (${counts(found, 'bestAtZero')}; ${margins}).`,
    `(2) eroding (d = ${sign(t.eroded)}) hurts at least ${t.erosionFactor}x more ` +
      `than dilating (d = ${sign(t.dilated)}): ` +
      `${yesPartlyNo(found, 'erosionHurtsMore')} (${counts(found, 'erosionHurtsMore')}; ${drops}).`,
    `(3) scores fall slowly for d >= 0: ${yesPartlyNo(found, 'slowFall')} (${counts(found, 'slowFall')}; ` +
      `least-squares slope ${slopes}).`,
  ];
  const shown = FINDINGS.map((k, i) => ({ n: i + 1, all: found.every((f) => f[k]) }));
  const yes = shown.filter((s) => s.all).map((s) => s.n);
  const no = shown.filter((s) => !s.all).map((s) => s.n);
  lines.push(
    no.length === 0
      ? `=> ${name} shows all three of the paper's findings, in every bucket and metric.`
      : yes.length === 0
        ? `=> ${name} shows none of the paper's findings in every bucket and metric.`
        : `=> ${name} shows finding${yes.length > 1 ? 's' : ''} ${yes.join(' and ')} of the paper ` +
          `in every bucket and metric, ` +
          `not finding${no.length > 1 ? 's' : ''} ${no.join(' and ')}.`,
  );
  return lines.join('\n');
}

type Metric = 'psnr' | 'ssim';
const METRIC_TITLES: Record<Metric, string> = { psnr: 'PSNR (dB)', ssim: 'SSIM' };
const PROTOCOL_NOTES: Record<string, string> = {
  paper: 'paper protocol: grayscale, SSIM uniform 51x51 window, whole image',
  'paper-scaled': 'paper-scaled variant: grayscale, SSIM uniform window scaled to 51·R/256 px, whole image',
  common: 'common protocol: RGB, SSIM Gaussian 11x11 window, whole image',
};

/** The SSIM companion of `protocol` (paper -> paper-scaled) when some experiment has its rows. */
function companionShown(metric: Metric, protocol: string, experiments: ExperimentResults[]): string | undefined {
  const companion = metric === 'ssim' ? SSIM_COMPANION[protocol as keyof typeof SSIM_COMPANION] : undefined;
  return companion && experiments.some((e) => e.rows.some((r) => r.metric === 'ssim' && r.protocol === companion))
    ? companion
    : undefined;
}

/** The protocols the report shows for a metric, in order: paper, its companion (when rows have it), common. */
function reportProtocols(metric: Metric, experiments: ExperimentResults[]): string[] {
  const companion = companionShown(metric, 'paper', experiments);
  return ['paper', ...(companion ? [companion] : []), 'common'];
}

const sizesOf = (experiments: ExperimentResults[]): number[] =>
  [...new Set(experiments.map((e) => e.spec.testSet.size))].sort((a, b) => a - b);

/** 'n x n at R px' for the companion's window at each size. */
function scaledWindows(protocol: string, sizes: number[]): string {
  const s = METRIC_PROTOCOLS[protocol as keyof typeof METRIC_PROTOCOLS].ssim;
  return sizes
    .map((R) => {
      const w = ssimSettingsAt(s, R, R).winSize;
      return `${w}x${w} at ${R} px`;
    })
    .join(', ');
}

/** The text under the paper protocol's SSIM: what its 51-px window does at the experiments' sizes, which protocol
 *  the headline uses, and the scaled-window variant beside it (or why it is missing). */
export function paperSsimNote(experiments: ExperimentResults[]): string {
  const w = METRIC_PROTOCOLS.paper.ssim.winSize;
  const variant = SSIM_COMPANION.paper!;
  const sizes = sizesOf(experiments);
  const atSize = (R: number): string => {
    const n = R - w + 1;
    const share = `${Math.round((100 * w) / R)} % of its side`;
    return w > R / 2
      ? `At ${R}x${R} it covers most of the image (${share}): each SSIM value compares statistics of most of the ` +
          `image rather than local structure, and the map is averaged over only the ${n}x${n} positions where the ` +
          'whole window fits, so holes near the border barely count (a pixel near a border lies in few of the ' +
          'averaged windows).'
      : `At ${R}x${R} it spans ${share}; the map is averaged over the ${n}x${n} positions where it fits.`;
  };
  const scaled = sizes
    .map((R) => {
      const v = ssimSettingsAt(METRIC_PROTOCOLS[variant].ssim, R, R).winSize;
      return `${v}x${v} at ${R}x${R}, averaged over ${R - v + 1}x${R - v + 1} positions`;
    })
    .join('; ');
  return [
    `SSIM under the paper protocol uses EdgeConnect's uniform ${w}x${w} window, made for 256x256 images.`,
    ...sizes.map(atSize),
    '**The headline (the paper-protocol tables, the solid lines of table1_ssim and the findings) uses the paper ' +
      'protocol as it is.**',
    companionShown('ssim', 'paper', experiments)
      ? `Beside it, **${variant}** is the same SSIM with the window scaled to the image, ${w}·R/256 px rounded to ` +
        `the nearest odd integer (${scaled}), so that each window covers the share of the image it covers at ` +
        '256x256; it weights holes near the border about as little as the paper protocol does (lib/eval/protocol.ts).'
      : `These results have no SSIM under **${variant}** (the window scaled to the image: ${scaled}): they were ` +
        'scored before it existed; re-running their experiments (`npm run reproduce -- --only table1`) adds it.',
  ].join('\n');
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** 'ours: telea (400 @64px)': 'ours:' marks our measurement (of any inpainter: 'ours: ours' is our network's). */
export function seriesLabel(spec: ExperimentSpec): string {
  return `ours: ${spec.arm ?? spec.inpainter} (${spec.testSet.count} @${spec.testSet.size}px)`;
}

/** One experiment's per-bucket means of `metric` under `protocol`, as a series beside the paper's (paperVsOurs). */
export function oursSeries(
  e: ExperimentResults,
  metric: Metric,
  protocol: string,
  stats = bucketStats(e.rows),
): OursSeries {
  const points = stats
    .filter((s: BucketStat) => s.metric === metric && s.protocol === protocol && s.d256 !== null)
    .map((s) => ({ bucket: s.bucket, x: s.d256 as number, mean: s.mean, se: s.se, n: s.n }));
  return { label: seriesLabel(e.spec), points };
}

/** PSNR or SSIM against d, one panel per bucket; ours under `protocol` with standard-error bars. */
export function table1Figure(
  metric: Metric,
  experiments: ExperimentResults[],
  tables: PaperTables,
  protocol = 'paper',
): Figure {
  const paper = paperSeries(tables, 'table1_mask_size', metric);
  const companion = companionShown(metric, protocol, experiments);
  const data: Array<Record<string, unknown>> = [];
  MASK_RATIO_BUCKETS.forEach((b, k) => {
    const axes = { xaxis: `x${k === 0 ? '' : k + 1}`, yaxis: `y${k === 0 ? '' : k + 1}` };
    const quoted = paper.filter((p) => p.bucket === b.label);
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: PAPER_LABEL,
      legendgroup: 'paper',
      showlegend: k === 0,
      uid: `paper-${k}`,
      x: quoted.map((p) => p.x),
      y: quoted.map((p) => p.value),
      line: { color: 'black', dash: 'dash' },
      marker: { symbol: 'square-open', size: 7 },
      ...axes,
    });
    experiments.forEach((e, i) => {
      const colour = COLOURS[i % COLOURS.length];
      for (const p of companion ? [protocol, companion] : [protocol]) {
        const pts = oursSeries(e, metric, p)
          .points.filter((q) => q.bucket === b.label)
          .sort((q, r) => Number(q.x) - Number(r.x));
        if (p === companion && pts.length === 0) continue;
        data.push({
          type: 'scatter',
          mode: 'lines+markers',
          name: `${seriesLabel(e.spec)} (${p} ${p === companion ? 'variant' : 'protocol'})`,
          legendgroup: p === companion ? `${e.spec.name}-${p}` : e.spec.name,
          showlegend: k === 0,
          uid: p === companion ? `${e.spec.name}-${p}-${k}` : `${e.spec.name}-${k}`,
          x: pts.map((q) => q.x),
          y: pts.map((q) => q.mean),
          error_y: { type: 'data', array: pts.map((q) => q.se ?? 0), visible: true, thickness: 1 },
          line: p === companion ? { color: colour, dash: 'dot' } : { color: colour },
          marker: { size: 6 },
          ...axes,
        });
      }
    });
  });
  const layout: Record<string, unknown> = {
    title: {
      text:
        `Table I: ${METRIC_TITLES[metric]} vs mask offset d, per mask-ratio bucket ` +
        `(ours: ${PROTOCOL_NOTES[protocol]}` +
        `${companion ? `; dotted: ${companion}, window ${scaledWindows(companion, sizesOf(experiments))}` : ''})`,
      font: { size: 13 },
    },
    grid: { rows: 1, columns: MASK_RATIO_BUCKETS.length, pattern: 'independent' },
    legend: { orientation: 'h', y: -0.25 },
    margin: { t: 70, b: 110, l: 60, r: 20 },
    annotations: MASK_RATIO_BUCKETS.map((b, k) => ({
      text: `mask ratio ${b.label}`,
      showarrow: false,
      xref: `x${k === 0 ? '' : k + 1} domain`,
      yref: `y${k === 0 ? '' : k + 1} domain`,
      x: 0.5,
      y: 1.08,
      font: { size: 12 },
    })),
  };
  MASK_RATIO_BUCKETS.forEach((_, k) => {
    const s = k === 0 ? '' : String(k + 1);
    layout[`xaxis${s}`] = {
      title: { text: 'd (px at 256²; d·R/256 at R)' },
      tickvals: [-2, 0, 2, 4, 6, 8],
      zeroline: false,
    };
    layout[`yaxis${s}`] = { title: { text: k === 0 ? METRIC_TITLES[metric] : '' } };
  });
  return { data, layout };
}

const fixed =
  (digits: number) =>
  (v: unknown): string =>
    typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : v === null || v === undefined ? '–' : String(v);

/** Markdown: for each metric and protocol, the paper's Table I beside every experiment's per-bucket means. */
export function table1Markdown(experiments: ExperimentResults[], tables: PaperTables): string {
  const parts = [
    '# Table I: mask size (ours beside the paper)',
    '',
    'Generated by `npm run figures` from `results/table1-*`; do not edit. Columns labelled **paper (quoted)** are the',
    "paper's Table I (data/paper/tables.json), not our measurements; the paper does not state its metric protocol.",
    'Ours: mean over the test images of each mask-ratio bucket, s.e. = standard error of that mean, n = images.',
    'd is in pixels at 256x256; at resolution R the ground-truth mask is thresholded at signed distance d·R/256,',
    'so at 64x64 d = +2 (0.5 px) leaves the mask unchanged (same numbers as d = 0) and d = -2 (-0.5 px) removes its',
    'inner border ring.',
    '',
  ];
  for (const metric of ['psnr', 'ssim'] as Metric[]) {
    for (const protocol of reportProtocols(metric, experiments)) {
      const digits = metric === 'psnr' ? 2 : 3;
      const t = paperVsOurs(
        'table1_mask_size',
        metric,
        experiments.map((e) => oursSeries(e, metric, protocol)),
        tables,
      );
      const format: Record<string, (v: unknown) => string> = {};
      for (const c of t.columnNames())
        format[c] =
          c.endsWith(' n') || c === 'd' || c === 'bucket' ? fixed(0) : fixed(digits + (c.endsWith('s.e.') ? 1 : 0));
      parts.push(
        `## ${METRIC_TITLES[metric]}, ours under the ${PROTOCOL_NOTES[protocol]}`,
        '',
        ...(metric === 'ssim' && protocol === 'paper' ? [paperSsimNote(experiments), ''] : []),
        t.toMarkdown({ format }).trim(),
        '',
      );
    }
  }
  return parts.join('\n');
}

/** Long CSV: one row per (experiment, metric, protocol, bucket, d) with ours and the paper's value. */
export function table1Csv(experiments: ExperimentResults[], tables: PaperTables): string {
  const lines = [`experiment,inpainter,images,size,metric,protocol,bucket,d,ours_mean,ours_se,ours_n,${PAPER_LABEL}`];
  const csvNum = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));
  for (const e of experiments) {
    const stats = bucketStats(e.rows);
    for (const metric of ['psnr', 'ssim'] as Metric[]) {
      const paper = paperSeries(tables, 'table1_mask_size', metric);
      for (const protocol of reportProtocols(metric, experiments)) {
        for (const p of oursSeries(e, metric, protocol, stats).points) {
          const quoted = paper.find((q) => q.bucket === p.bucket && q.x === p.x)?.value;
          lines.push(
            [
              e.spec.name,
              e.spec.inpainter,
              e.spec.testSet.count,
              e.spec.testSet.size,
              metric,
              protocol,
              p.bucket,
              p.x,
              csvNum(p.mean),
              csvNum(p.se),
              p.n,
              csvNum(quoted),
            ].join(','),
          );
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
