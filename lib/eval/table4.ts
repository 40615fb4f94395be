// Table IV (alpha of the mask expansion loss, Sec. IV-D): each joint run ('alpha0.01' ... 'alpha0.07', 'nomel';
// table4Spec, lib/eval/experiments.ts) removes the person m_G selects with its own segmenter's mask and inpainters
// ('selected' rows). Per test set: the score S per bucket and averaged over the buckets (each bucket weighing the
// same), and the learned masks described from the same rows (lib/eval/learnedMasks.ts describeMaskStats: mean
// dilation of m relative to m_G in px, coverage of m_G, area ratio, IoU, boundary F).
//
// Verdict C6, per test set and metric: an interior optimum in alpha. The best alpha a* (highest S) is neither the
// smallest nor the largest alpha, and beats each end by more than z = 2 standard errors of the paired gap
// (per image, same items; bucket means averaged, s.e. = sqrt(sum of the buckets' s.e.^2) / B). Also reported, not
// part of C6: whether the masks grow with alpha (mean dilation over all items rising at every step of alpha).
// The paper's Table IV (means over all buckets only, quoted) has its optimum at 0.03 (PSNR 30.87 vs 30.68 / 30.47).
// Arms named 'refiner-alpha0.03', 'refiner-nomel' are the same joint training on our Telea-refiner image inpainter
// (lib/models/inpainters.ts; the shipped one) instead of the paper's EdgeConnect one: their own rows, outside C6,
// and their MEL gain (refiner-alpha0.03 - refiner-nomel, paired) reported beside.
import type { ExperimentResults } from './experiment';
import { type BucketStat, type ResultRow, bucketStats, pairedDifferenceByBucket } from './resultRows';
import { type LearnedMaskSummary, describeMaskStats } from './learnedMasks';
import { type PaperTables, PAPER_LABEL, loadPaperTables } from './paperTables';
import { TABLES } from './experiments';

export const TABLE4_THRESHOLDS = { z: 2 };
export type RemovalMetric = 'psnr' | 'ssim';

/** Whether an arm's joint network has the paper's EdgeConnect image inpainter (not a 'refiner-' arm). */
export const isPaperDesignArm = (arm: string): boolean => !arm.startsWith('refiner-');

/** 'alpha0.03' (or 'refiner-alpha0.03') -> 0.03, 'nomel' -> null (lambda_X = 0). */
export function parseTable4Arm(arm: string): number | null {
  const m = TABLES.table4.arm.exec(arm);
  if (!m) throw new Error(`'${arm}' is not a Table IV arm (expected alphaA or nomel)`);
  return m[1] === undefined ? null : Number(m[1]);
}

/** A score averaged over the buckets, with its standard error (buckets hold different images: independent). */
export interface Averaged {
  mean: number;
  se: number | null;
}

export function averageBuckets(stats: Pick<BucketStat, 'mean' | 'se'>[]): Averaged {
  if (stats.length === 0) throw new Error('averageBuckets: no buckets');
  const mean = stats.reduce((s, x) => s + x.mean, 0) / stats.length;
  const se = stats.some((x) => x.se === null)
    ? null
    : Math.sqrt(stats.reduce((s, x) => s + x.se! ** 2, 0)) / stats.length;
  return { mean, se };
}

/** The rows of one experiment for a metric and protocol ('selected' masks). */
export function removalRows(e: ExperimentResults, metric: string, protocol: string): ResultRow[] {
  return e.rows.filter((r) => r.mask === 'selected' && r.metric === metric && r.protocol === protocol);
}

/** Paired per-image gap a - b, per bucket and averaged over the buckets. */
export function pairedGap(a: ResultRow[], b: ResultRow[]): { buckets: BucketStat[]; averaged: Averaged } {
  const buckets = pairedDifferenceByBucket(a, b);
  return { buckets, averaged: averageBuckets(buckets) };
}

/** One arm on one test set. */
export interface Table4Cell {
  arm: string;
  alpha: number | null;
  testSet: string;
  buckets: BucketStat[];
  averaged: Averaged;
  masks: LearnedMaskSummary[];
}

export function maskSummary(rows: ResultRow[]): LearnedMaskSummary[] {
  return describeMaskStats(
    rows.map((r) => {
      if (!r.maskStats) throw new Error(`row of image ${r.image} (${r.mask}) records no mask statistics`);
      return { maskRatio: r.maskRatio, ...r.maskStats };
    }),
  );
}

export function table4Cells(exps: ExperimentResults[], metric: RemovalMetric, protocol = 'paper'): Table4Cell[] {
  return exps
    .filter((e) => e.spec.table === TABLES.table4.paperTable && e.spec.arm)
    .flatMap((e) => {
      const rows = removalRows(e, metric, protocol);
      if (rows.length === 0) return [];
      const buckets = bucketStats(rows);
      return [
        {
          arm: e.spec.arm!,
          alpha: parseTable4Arm(e.spec.arm!),
          testSet: e.spec.testSet.kind,
          buckets,
          averaged: averageBuckets(buckets),
          masks: maskSummary(rows),
        },
      ];
    });
}

export interface C6Verdict {
  testSet: string;
  metric: RemovalMetric;
  alphas: number[];
  scores: number[]; // S per alpha
  best: number; // a*
  gapToEnds: { alpha: number; gap: Averaged }[]; // S(a*) - S(end), paired
  interior: boolean;
  holds: boolean;
  dilation: number[]; // mean dilation (px) over all items, per alpha
  masksGrow: boolean;
  text: string;
}

/** C6 per test set; rows by arm name from `exps` (the alpha arms; 'nomel' is not on the alpha axis). */
export function c6Verdicts(exps: ExperimentResults[], metric: RemovalMetric, protocol = 'paper'): C6Verdict[] {
  const { z } = TABLE4_THRESHOLDS;
  const cells = table4Cells(exps, metric, protocol).filter((c) => c.alpha !== null && isPaperDesignArm(c.arm));
  const testSets = [...new Set(cells.map((c) => c.testSet))];
  const byTest = (t: string) => exps.filter((e) => e.spec.testSet.kind === t && e.spec.arm);
  return testSets.flatMap((testSet) => {
    const cs = cells.filter((c) => c.testSet === testSet).sort((a, b) => a.alpha! - b.alpha!);
    if (cs.length < 3) return [];
    const rowsOf = (arm: string) => removalRows(byTest(testSet).find((e) => e.spec.arm === arm)!, metric, protocol);
    const best = cs.reduce((b, c) => (c.averaged.mean > b.averaged.mean ? c : b));
    const ends = [cs[0], cs[cs.length - 1]];
    const interior = !ends.includes(best);
    const gapToEnds = ends.map((e) => ({ alpha: e.alpha!, gap: pairedGap(rowsOf(best.arm), rowsOf(e.arm)).averaged }));
    const holds = interior && gapToEnds.every(({ gap }) => gap.se !== null && gap.mean > z * gap.se);
    const dilation = cs.map((c) => c.masks.find((m) => m.bucket === 'all')!.meanDilation);
    const masksGrow = dilation.every((d, i) => i === 0 || d > dilation[i - 1]);
    const f = (x: number) => x.toFixed(metric === 'psnr' ? 2 : 4);
    const text =
      `C6 (${testSet}, ${metric} ${protocol}): best alpha ${best.alpha} (${f(best.averaged.mean)}); ` +
      gapToEnds
        .map(({ alpha, gap }) => `vs ${alpha}: ${f(gap.mean)} ± ${gap.se === null ? '-' : f(gap.se)}`)
        .join(', ') +
      ` (needs an interior best beating both ends by > ${z} s.e.): ${holds ? 'holds' : 'does not hold'}; ` +
      `mean dilation ${dilation.map((d) => d.toFixed(2)).join(' / ')} px: masks ${masksGrow ? 'grow' : 'do not grow'}` +
      ' with alpha';
    return [
      {
        testSet,
        metric,
        alphas: cs.map((c) => c.alpha!),
        scores: cs.map((c) => c.averaged.mean),
        best: best.alpha!,
        gapToEnds,
        interior,
        holds,
        dilation,
        masksGrow,
        text,
      },
    ];
  });
}

/** MEL's gain on the refiner arms, per test set: refiner-alpha0.03 - refiner-nomel, paired per image, averaged over
 *  the buckets (the paper's alpha; none when either arm is missing). */
export function refinerMelGain(exps: ExperimentResults[], metric: RemovalMetric, protocol = 'paper'): string[] {
  const { z } = TABLE4_THRESHOLDS;
  const testSets = [...new Set(exps.map((e) => e.spec.testSet.kind))];
  return testSets.flatMap((testSet) => {
    const arm = (name: string) => exps.find((e) => e.spec.testSet.kind === testSet && e.spec.arm === name);
    const [ours, noMel] = [arm('refiner-alpha0.03'), arm('refiner-nomel')];
    if (!ours || !noMel) return [];
    const gap = pairedGap(removalRows(ours, metric, protocol), removalRows(noMel, metric, protocol)).averaged;
    const f = (x: number) => x.toFixed(metric === 'psnr' ? 2 : 4);
    const se = gap.se === null ? '-' : f(gap.se);
    const verdict = gap.se !== null && gap.mean > z * gap.se ? 'MEL helps' : 'MEL does not help by > 2 s.e.';
    return [
      `MEL on the refiner (${testSet}, ${metric} ${protocol}): alpha 0.03 - no MEL ${f(gap.mean)} ± ${se}: ${verdict}`,
    ];
  });
}

/** C6 on the paper's quoted Table IV (means only, no s.e.: interior optimum alone). */
export function paperC6(tables: PaperTables = loadPaperTables(), metric: RemovalMetric = 'psnr'): string {
  const t = tables.table4_alpha as { alpha: number[]; psnr: number[]; ssim: number[] };
  const v = t[metric];
  const i = v.indexOf(Math.max(...v));
  const interior = i > 0 && i < v.length - 1;
  return (
    `C6 (${PAPER_LABEL}, ${metric}): best alpha ${t.alpha[i]} (${v[i]}), ends ${v[0]} / ${v[v.length - 1]}: ` +
    `${interior ? 'interior optimum' : 'optimum at an end'} (no s.e. quoted)`
  );
}

/** Markdown: per test set, one row per arm: S per bucket and averaged, the mean dilation and coverage of its masks,
 *  and the paper's quoted mean at the same alpha. */
export function table4Markdown(
  exps: ExperimentResults[],
  metric: RemovalMetric,
  protocol = 'paper',
  tables: PaperTables = loadPaperTables(),
): string {
  const paper = tables.table4_alpha as Record<string, number[]>;
  const cells = table4Cells(exps, metric, protocol);
  const buckets = [...new Set(cells.flatMap((c) => c.buckets.map((b) => b.bucket)))].sort();
  const f = (x: number) => x.toFixed(metric === 'psnr' ? 2 : 4);
  const lines = [
    `| test set | arm | ${buckets.join(' | ')} | mean | dilation px | coverage | ${PAPER_LABEL} mean |`,
    `|---|---|${buckets.map(() => '---|').join('')}---|---|---|---|`,
  ];
  for (const c of cells) {
    const all = c.masks.find((m) => m.bucket === 'all')!;
    const q = c.alpha === null || !isPaperDesignArm(c.arm) ? -1 : paper.alpha.indexOf(c.alpha);
    const cell = (b: string) => c.buckets.find((x) => x.bucket === b);
    const se = c.averaged.se === null ? '–' : f(c.averaged.se);
    lines.push(
      `| ${c.testSet} | ${c.arm} | ${buckets.map((b) => (cell(b) ? f(cell(b)!.mean) : '–')).join(' | ')}` +
        ` | ${f(c.averaged.mean)} ± ${se} | ${all.meanDilation.toFixed(2)}` +
        ` | ${all.coverage.toFixed(3)} | ${q >= 0 ? paper[metric][q] : '–'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** table4.md: per metric (paper protocol, then common), the table and its C6 verdicts; the paper's C6. */
export function table4Report(exps: ExperimentResults[], tables: PaperTables = loadPaperTables()): string {
  const parts = ['# Table IV: alpha of the mask expansion loss (automatic setting: m_G selects the segment)\n'];
  if (table4Cells(exps, 'psnr').length === 0)
    return [...parts, 'No finished Table IV results yet.', '', `- ${paperC6(tables, 'psnr')}`, ''].join('\n');
  for (const protocol of ['paper', 'common'])
    for (const metric of ['psnr', 'ssim'] as const) {
      parts.push(`## ${metric.toUpperCase()}, ${protocol} protocol\n`, table4Markdown(exps, metric, protocol, tables));
      parts.push(...c6Verdicts(exps, metric, protocol).map((v) => `- ${v.text}`));
      parts.push(...refinerMelGain(exps, metric, protocol).map((t) => `- ${t}`), '');
    }
  parts.push(
    '## The learned masks per bucket (mean dilation of m beyond m_G, coverage of m_G, area ratio)\n',
    '| test set | arm | bucket | n | dilation px | coverage | area ratio | IoU | boundary F | empty |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const c of table4Cells(exps, 'psnr'))
    for (const m of c.masks)
      parts.push(
        `| ${c.testSet} | ${c.arm} | ${m.bucket} | ${m.count} | ${m.meanDilation.toFixed(2)} | ` +
          `${m.coverage.toFixed(3)} | ${m.areaRatio.toFixed(3)} | ${m.iou.toFixed(3)} | ${m.boundaryF.toFixed(3)} | ` +
          `${m.empty} |`,
      );
  parts.push('', `- ${paperC6(tables, 'psnr')}`, `- ${paperC6(tables, 'ssim')}`, '');
  return parts.join('\n');
}
