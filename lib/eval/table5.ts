// Table V (comparison, Sec. IV-E), in the automatic setting (m_G selects the person to remove): the rows we run
//   segmask-telea-k0, segmask-meanFill-k0   the classical fills on the pretrained segmenter's mask (the paper's
//                                            setting for the earlier methods, fed PanopticFPN's masks)
//   segmask-ours-k0                          our shipped inpainting network on the same mask
//   segmask-ours-k*                          that mask dilated by k* px (ref. [27]), k* in TABLE5_K CHOSEN ON THE
//                                            PHOTO VALIDATION SPLIT (highest bucket-averaged PSNR, paper protocol):
//                                            the strong baseline
//   segmasklps-*                             the same rows on the masks of the segmenter fine-tuned on L_PS alone
//                                            (run 'segmenter-lps' beside the joint arms; its own k*): what
//                                            fine-tuning the segmenter gives, apart from joint training and MEL
//   segmaskscratch-ours-k0                   our network on the from-scratch segmenter's masks (trained on
//                                            procedural scenes alone): what the pretrained segmenter brings
//   ours w/o MEL, ours                       Table IV's joint arms 'nomel' and 'alpha0.03' (fixed in advance)
// beside the paper's 14 rows (12 published methods, ours w/o MEL, ours), quoted.
//
// Verdicts, per test set and metric, on paired per-image gaps (same items) averaged over the buckets
// (lib/eval/table4.ts pairedGap), z = 2:
//   C7  ours - w/o MEL > z s.e., and w/o MEL - each segmenter-mask row > z s.e.
//   C8  MEL's gain g_b = ours - w/o MEL per bucket is largest in the largest-ratio bucket (30-40 %), and
//       g(30-40 %) - g(0-10 %) > z sqrt(se_1^2 + se_4^2) (different images: independent).
// On the LPIPS-like distance (lower is better) every gap is taken the other way round (w/o MEL - ours, ...).
// The paper's quoted table through the same rules (no s.e.: orderings only): in PSNR ours > w/o MEL in every bucket,
// but w/o MEL trails Hi-fill at 0-10 % (29.60 vs 30.43 dB), so C7 as stated fails there; the gain is largest at
// 0-10 % (1.47 dB), so C8 fails on the paper's own PSNR too.
//
// Perceptual scores (issue 16 item 4; `npm run reproduce -- --only table5 --perceptual N`): each row's removal on
// N items a bucket (lib/eval/experiments.ts table5PerceptualSpec), the LPIPS-like distance per image (mean ± s.e.
// as PSNR) and the FID-like score of the outputs against the ground truths per bucket and over all items
// (lib/eval/fidLike.ts fidLikeOfRemoval). Both run nsfwjs's InceptionV3: NOT comparable to the paper's LPIPS
// (AlexNet/VGG, learned weights) and FID (the TF-FID Inception, thousands of images), which are quoted beside them
// for their ordering only. FID-like is biased upward on small sets (compare rows at equal set sizes only).
import * as path from 'node:path';
import {
  type ExperimentResults,
  LPIPS_LIKE_PROTOCOL,
  finishedExperiments,
  loadResults,
  resultsDir,
} from './experiment';
import type { BucketStat, ResultRow } from './resultRows';
import { type Averaged, type RemovalMetric, averageBuckets, pairedGap, removalRows, maskSummary } from './table4';
import { bucketStats } from './resultRows';
import { PAPER_LABEL, type PaperTables, loadPaperTables } from './paperTables';
import { MASK_RATIO_BUCKETS } from '../data/buckets';
import type { LearnedMaskSummary } from './learnedMasks';
import { type FidLikeSummary, readFidLike } from './fidLike';
import {
  TABLES,
  TABLE5_JOINT_ARMS,
  TABLE5_K,
  evalPreset,
  segmaskName,
  tableResults,
  validationCount,
} from './experiments';

export const TABLE5_THRESHOLDS = { z: 2 };

/** A perceptual experiment of Table V (the LPIPS-like rows) and its FID-like score (null until computed). */
export interface Table5Perceptual {
  experiment: ExperimentResults;
  fid: FidLikeSummary | null;
}

/** A perceptual experiment of Table V (its own subset of items), not a row of the PSNR/SSIM tables. */
export const isPerceptual = (e: ExperimentResults) => e.spec.metrics.some((m) => m.metric === 'lpipsLike');

/** The finished perceptual experiments under `results` (default results/) of test images of `size` px, of one set
 *  size per test set (the largest found), with their FID-like scores. */
export function loadTable5Perceptual(results = resultsDir(), size?: number): Table5Perceptual[] {
  const dir = path.join(results, TABLES.table5.folder);
  const done = loadResults(dir).filter(
    (e) =>
      e.spec.table === 'table5_sota' &&
      isPerceptual(e) &&
      e.imagesDone >= e.spec.testSet.count &&
      (size === undefined || e.spec.testSet.size === size),
  );
  const largest = new Map<string, number>();
  for (const e of done)
    largest.set(e.spec.testSet.kind, Math.max(largest.get(e.spec.testSet.kind) ?? 0, e.spec.testSet.count));
  return done
    .filter((e) => e.spec.testSet.count === largest.get(e.spec.testSet.kind))
    .map((e) => ({ experiment: e, fid: readFidLike(path.join(dir, e.spec.name)) }));
}

/** The finished Table V experiments at `preset` (test sets and the validation split k is chosen on), Table IV's
 *  (the joint rows), and the perceptual ones (loadTable5Perceptual), under `results` (default results/): what the
 *  notebook and `npm run figures` draw. */
export function table5Results(
  preset: string,
  results = resultsDir(),
): { table5: ExperimentResults[]; table4: ExperimentResults[]; perceptual: Table5Perceptual[] } {
  const { size, count } = evalPreset(preset);
  const all = loadResults(path.join(results, TABLES.table5.folder)).filter(
    (e) => e.spec.table === 'table5_sota' && !isPerceptual(e),
  );
  const validation = all.filter((e) => e.spec.testSet.kind === 'photo-validation');
  return {
    table5: [
      ...finishedExperiments(all, size, count).drawn,
      ...finishedExperiments(validation, size, validationCount(count)).drawn,
    ],
    table4: tableResults('table4', preset, results),
    perceptual: loadTable5Perceptual(results, size),
  };
}

/** A Table V row of ours: its label and the experiment behind it on one test set. */
export interface Table5Row {
  label: string; // 'Telea (segmenter mask)', ..., 'ours'
  key: string; // 'segmask-telea-k0', ..., 'nomel', 'alpha0.03'
  testSet: string;
  experiment: ExperimentResults;
}

const segmaskKey = (e: ExperimentResults) =>
  e.spec.removal?.method === 'segmenterMask'
    ? `${segmaskName(e.spec.removal)}-${e.spec.inpainter}-k${e.spec.removal.k}`
    : null;

/** k* from the validation experiments (segmask-ours-kK on photo-validation): the highest bucket-averaged PSNR
 *  (paper protocol). Null when none is finished. */
export function chooseK(
  exps: ExperimentResults[],
  masks = 'segmask',
): { k: number; scores: { k: number; psnr: number }[] } | null {
  const scores = TABLE5_K.flatMap((k) => {
    const e = exps.find((x) => x.spec.testSet.kind === 'photo-validation' && segmaskKey(x) === `${masks}-ours-k${k}`);
    const rows = e ? removalRows(e, 'psnr', 'paper') : [];
    return rows.length ? [{ k, psnr: averageBuckets(bucketStats(rows)).mean }] : [];
  });
  if (scores.length === 0) return null;
  return { k: scores.reduce((b, s) => (s.psnr > b.psnr ? s : b)).k, scores };
}

/** The rows of one test set, in table order: segmenter-mask rows (k = 0, then k* if chosen and not 0), w/o MEL, ours.
 *  `table5`: results/table5 experiments; `table4`: results/table4 (the joint arms). */
export function table5Rows(table5: ExperimentResults[], table4: ExperimentResults[], testSet: string): Table5Row[] {
  const chosen = chooseK(table5);
  const chosenLps = chooseK(table5, 'segmasklps');
  const on = table5.filter((e) => e.spec.testSet.kind === testSet);
  const seg = (fill: string, k: number, label: string, masks = 'segmask'): Table5Row[] => {
    const e = on.find((x) => segmaskKey(x) === `${masks}-${fill}-k${k}`);
    return e ? [{ label, key: `${masks}-${fill}-k${k}`, testSet, experiment: e }] : [];
  };
  const lps = 'segmasklps';
  const joint = (arm: string, label: string): Table5Row[] => {
    const e = table4.find((x) => x.spec.arm === arm && x.spec.testSet.kind === testSet);
    return e ? [{ label, key: arm, testSet, experiment: e }] : [];
  };
  return [
    ...seg('telea', 0, 'Telea (segmenter mask)'),
    ...seg('meanFill', 0, 'mean fill (segmenter mask)'),
    ...seg('ours', 0, 'our inpainting network (segmenter mask, k = 0)'),
    ...(chosen && chosen.k !== 0
      ? seg('ours', chosen.k, `our inpainting network (segmenter mask + ${chosen.k} px, k chosen on validation)`)
      : []),
    ...seg('telea', 0, 'Telea (L_PS-fine-tuned segmenter mask)', lps),
    ...seg('meanFill', 0, 'mean fill (L_PS-fine-tuned segmenter mask)', lps),
    ...seg('ours', 0, 'our inpainting network (L_PS-fine-tuned segmenter mask, k = 0)', lps),
    ...(chosenLps && chosenLps.k !== 0
      ? seg(
          'ours',
          chosenLps.k,
          `our inpainting network (L_PS-fine-tuned segmenter mask + ${chosenLps.k} px, k on validation)`,
          lps,
        )
      : []),
    ...seg('ours', 0, 'our inpainting network (from-scratch procedural segmenter mask, k = 0)', 'segmaskscratch'),
    ...joint(TABLE5_JOINT_ARMS.noMel, 'ours w/o MEL'),
    ...joint(TABLE5_JOINT_ARMS.ours, 'ours'),
  ];
}

/** A metric of Table V's verdicts; the LPIPS-like distance is lower-better. */
export type Table5Metric = RemovalMetric | 'lpipsLike';

/** The paired per-image gap by which a beats b (a - b; b - a for the LPIPS-like distance), and how it is written. */
function advantage(metric: Table5Metric, a: ResultRow[], b: ResultRow[]) {
  return metric === 'lpipsLike' ? pairedGap(b, a) : pairedGap(a, b);
}
const minus = (metric: Table5Metric, a: string, b: string) => (metric === 'lpipsLike' ? `${b} − ${a}` : `${a} − ${b}`);

export interface C7Verdict {
  testSet: string;
  metric: Table5Metric;
  oursVsNoMel: Averaged;
  noMelVsBaselines: { key: string; gap: Averaged }[];
  holds: boolean;
  text: string;
}

const beyond = (g: Averaged, z: number) => g.se !== null && g.mean > z * g.se;
const fmt = (metric: Table5Metric) => (x: number) => x.toFixed(metric === 'psnr' ? 2 : 4);

export function c7Verdict(rows: Table5Row[], metric: Table5Metric, protocol = 'paper'): C7Verdict | null {
  const { z } = TABLE5_THRESHOLDS;
  const of = (key: string) => rows.find((r) => r.key === key);
  const ours = of(TABLE5_JOINT_ARMS.ours);
  const noMel = of(TABLE5_JOINT_ARMS.noMel);
  const baselines = rows.filter((r) => r.key.startsWith('segmask'));
  if (!ours || !noMel || baselines.length === 0) return null;
  const r = (x: Table5Row) => removalRows(x.experiment, metric, protocol);
  const oursVsNoMel = advantage(metric, r(ours), r(noMel)).averaged;
  const noMelVsBaselines = baselines.map((b) => ({ key: b.key, gap: advantage(metric, r(noMel), r(b)).averaged }));
  const holds = beyond(oursVsNoMel, z) && noMelVsBaselines.every((b) => beyond(b.gap, z));
  const f = fmt(metric);
  const g = (x: Averaged) => `${f(x.mean)} ± ${x.se === null ? '–' : f(x.se)}`;
  const text =
    `C7 (${ours.testSet}, ${metric} ${protocol}; each gap > ${z} s.e.): ${minus(metric, 'ours', 'w/o MEL')} ` +
    `${g(oursVsNoMel)}; ` +
    noMelVsBaselines.map((b) => `${minus(metric, 'w/o MEL', b.key)} ${g(b.gap)}`).join('; ') +
    `: ${holds ? 'holds' : 'does not hold'}`;
  return { testSet: ours.testSet, metric, oursVsNoMel, noMelVsBaselines, holds, text };
}

export interface C8Verdict {
  testSet: string;
  metric: Table5Metric;
  gains: BucketStat[]; // ours - w/o MEL per bucket (w/o MEL - ours on the LPIPS-like distance)
  largestAt: string;
  spread: Averaged; // g(last bucket) - g(first bucket)
  holds: boolean;
  text: string;
}

export function c8Verdict(rows: Table5Row[], metric: Table5Metric, protocol = 'paper'): C8Verdict | null {
  const { z } = TABLE5_THRESHOLDS;
  const ours = rows.find((r) => r.key === TABLE5_JOINT_ARMS.ours);
  const noMel = rows.find((r) => r.key === TABLE5_JOINT_ARMS.noMel);
  if (!ours || !noMel) return null;
  const gains = advantage(
    metric,
    removalRows(ours.experiment, metric, protocol),
    removalRows(noMel.experiment, metric, protocol),
  ).buckets;
  const first = gains.find((b) => b.bucket === MASK_RATIO_BUCKETS[0].label);
  const lastLabel = MASK_RATIO_BUCKETS[MASK_RATIO_BUCKETS.length - 1].label;
  const last = gains.find((b) => b.bucket === lastLabel);
  if (!first || !last) return null;
  const largestAt = gains.reduce((b, g) => (g.mean > b.mean ? g : b)).bucket;
  const se = first.se === null || last.se === null ? null : Math.hypot(first.se, last.se);
  const spread = { mean: last.mean - first.mean, se };
  const holds = largestAt === lastLabel && beyond(spread, z);
  const f = fmt(metric);
  const text =
    `C8 (${ours.testSet}, ${metric} ${protocol}): MEL's gain ${minus(metric, 'ours', 'w/o MEL')} ` +
    gains.map((g) => `${g.bucket} ${f(g.mean)} ± ${g.se === null ? '–' : f(g.se)}`).join(', ') +
    `; largest at ${largestAt}, ${lastLabel} − ${first.bucket} ${f(spread.mean)} ± ${se === null ? '–' : f(se)} ` +
    `(needs the largest at ${lastLabel} and the spread > ${z} s.e.): ${holds ? 'holds' : 'does not hold'}`;
  return { testSet: ours.testSet, metric, gains, largestAt, spread, holds, text };
}

/** C7 and C8 on the paper's quoted Table V (orderings only, no s.e. quoted). */
export function paperC7C8(metric: RemovalMetric | 'lpips', tables: PaperTables = loadPaperTables()): string[] {
  const t = tables.table5_sota as { methods: string[] } & Record<string, Record<string, number[]>>;
  const higherBetter = metric === 'psnr' || metric === 'ssim';
  const iOurs = t.methods.indexOf('Ours');
  const iNo = t.methods.indexOf('Ours w/o MEL');
  const better = (a: number, b: number) => (higherBetter ? a > b : a < b);
  const buckets = tables.buckets;
  const c7 = buckets.every((b) => {
    const v = t[metric][b];
    return better(v[iOurs], v[iNo]) && v.every((x, i) => i === iOurs || i === iNo || better(v[iNo], x));
  });
  const gains = buckets.map((b) => t[metric][b][iOurs] - t[metric][b][iNo]);
  const largest = gains.indexOf(Math.max(...gains));
  return [
    `C7 (${PAPER_LABEL}, ${metric}): ours > w/o MEL > the 12 published methods in every bucket: ` +
      `${c7 ? 'holds' : 'does not hold'}`,
    `C8 (${PAPER_LABEL}, ${metric}): gains ${gains.map((g, i) => `${buckets[i]} % ${g.toFixed(3)}`).join(', ')}; ` +
      `largest at ${buckets[largest]} %: ${largest === buckets.length - 1 ? 'holds' : 'does not hold'}`,
  ];
}

/** Markdown of one test set's rows (per bucket mean, averaged ± s.e.), then the paper's rows, quoted ('lpipsLike':
 *  the paper's LPIPS, another network: not comparable in value, only in ordering). */
export function table5Markdown(
  rows: Table5Row[],
  metric: RemovalMetric | 'lpipsLike',
  protocol = 'paper',
  tables: PaperTables = loadPaperTables(),
): string {
  const f = fmt(metric === 'psnr' ? 'psnr' : 'ssim');
  const labels = MASK_RATIO_BUCKETS.map((b) => b.label);
  const lines = [`| row | ${labels.join(' | ')} | mean |`, `|---|${labels.map(() => '---|').join('')}---|`];
  for (const r of rows) {
    const stats = bucketStats(removalRows(r.experiment, metric, protocol));
    const avg = averageBuckets(stats);
    const cell = (b: string) => stats.find((s) => s.bucket === b);
    lines.push(
      `| ${r.label} | ${labels.map((b) => (cell(b) ? f(cell(b)!.mean) : '–')).join(' | ')} | ` +
        `${f(avg.mean)} ± ${avg.se === null ? '–' : f(avg.se)} |`,
    );
  }
  const t = tables.table5_sota as { methods: string[] } & Record<string, Record<string, number[]>>;
  const paperKey = metric === 'lpipsLike' ? 'lpips' : metric;
  if (t[paperKey])
    t.methods.forEach((m, i) => {
      const v = tables.buckets.map((b) => t[paperKey][b][i]);
      lines.push(`| ${m} (${PAPER_LABEL}) | ${v.join(' | ')} | ${f(v.reduce((s, x) => s + x, 0) / v.length)} |`);
    });
  return `${lines.join('\n')}\n`;
}

export const PERCEPTUAL_LABEL = 'LPIPS-like / FID-like (InceptionV3-nsfwjs): not comparable to published LPIPS/FID';

/** One test set's perceptual section: for each row of the PSNR table (`psnrRows`, table5Rows: so k* is the one
 *  chosen on validation) its perceptual experiment, in the LPIPS-like table (per bucket, mean ± s.e., the paper's
 *  LPIPS quoted) and the FID-like table (per bucket and over all items, the paper's FID quoted); the set they were
 *  computed on and the rows without one stated. Empty without perceptual experiments on the rows' test set. */
export function table5PerceptualSection(
  perceptual: Table5Perceptual[],
  psnrRows: Table5Row[],
  tables: PaperTables = loadPaperTables(),
): string[] {
  const key = (e: ExperimentResults) => (e.spec.removal?.method === 'joint' ? e.spec.arm : segmaskKey(e));
  const testSet = psnrRows[0]?.testSet;
  const matched = psnrRows.map((r) => ({
    r,
    p: perceptual.find((p) => p.experiment.spec.testSet.kind === testSet && key(p.experiment) === r.key),
  }));
  const rows = matched.flatMap(({ r, p }) => (p ? [{ ...r, experiment: p.experiment }] : []));
  if (rows.length === 0) return [];
  const unscored = matched.filter((m) => !m.p).map((m) => m.r.label);
  const { count } = rows[0].experiment.spec.testSet;
  const perBucket = count / MASK_RATIO_BUCKETS.length;
  const items =
    testSet === 'photo-test'
      ? `the first ${count} items of photo-test (${perBucket} a bucket), the same as the PSNR rows' items 0-${count - 1}`
      : `a ${count}-item ${testSet} set (${perBucket} a bucket, stratified over the test range; not the PSNR ` +
        "rows' items)";
  const labels = MASK_RATIO_BUCKETS.map((b) => b.label);
  const t = tables.table5_sota as { methods: string[] } & Record<string, Record<string, (number | null)[]>>;
  const fidOf = (r: Table5Row) => perceptual.find((p) => p.experiment === r.experiment)?.fid ?? null;
  const notScored = unscored.length ? ` Not scored here: ${unscored.join('; ')}.` : '';
  const fid = [
    `| row | ${labels.map((b) => `${b} (${perBucket} a set)`).join(' | ')} | all (${count} a set) | ` +
      'PSNR on these items |',
    `|---|${labels.map(() => '---|').join('')}---|---|`,
    ...rows.map((r) => {
      const f = fidOf(r);
      const cell = (b: string) => f?.buckets.find((x) => x.bucket === b)?.value.toFixed(3) ?? '–';
      const psnr = averageBuckets(bucketStats(removalRows(r.experiment, 'psnr', 'paper')));
      return (
        `| ${r.label} | ${labels.map(cell).join(' | ')} | ${f ? f.all.value.toFixed(3) : '–'} | ` +
        `${psnr.mean.toFixed(2)} ± ${psnr.se === null ? '–' : psnr.se.toFixed(2)} |`
      );
    }),
    ...(t.fid
      ? t.methods.flatMap((m, i) => {
          const v = tables.buckets.map((b) => t.fid[b][i]);
          return v.every((x) => x === null)
            ? []
            : [`| ${m} (${PAPER_LABEL}, FID) | ${v.map((x) => x ?? '–').join(' | ')} | – | – |`];
        })
      : []),
  ];
  return [
    `## ${testSet}: ${PERCEPTUAL_LABEL}\n`,
    `On ${items}. Lower is better for both. The paper's LPIPS and FID rows are quoted for their ordering ` +
      `only.${notScored}\n`,
    '### LPIPS-like (unweighted unit-feature distance on 5 layers; per image, mean ± s.e. over the buckets)\n',
    table5Markdown(rows, 'lpipsLike', LPIPS_LIKE_PROTOCOL, tables),
    ...[c7Verdict(rows, 'lpipsLike', LPIPS_LIKE_PROTOCOL), c8Verdict(rows, 'lpipsLike', LPIPS_LIKE_PROTOCOL)].flatMap(
      (v) => (v ? [`- ${v.text}`] : []),
    ),
    '',
    `### FID-like (Fréchet distance of pooled mixed10 features, outputs vs ground truths; one number a set, no ` +
      `s.e.; on ${perBucket} or ${count} images it is heavily biased upward: compare rows only within a column)\n`,
    `${fid.join('\n')}\n`,
  ];
}

/** The segmenters evaluated on the same items (item 1 of issue 16): per row whose masks a segmenter made (the
 *  pretrained one at k = 0; each joint arm's fine-tuned one), IoU, boundary F, coverage, mean signed distance of m
 *  to m_G (px) and area ratio, per bucket and over all. */
export function segmenterEvaluation(
  rows: { label: string; experiment: ExperimentResults }[],
): { label: string; masks: LearnedMaskSummary[] }[] {
  return rows.map((r) => ({ label: r.label, masks: maskSummary(removalRows(r.experiment, 'psnr', 'paper')) }));
}

/** The rows whose masks show each segmenter as it is (our network at k = 0), by key. */
const SEGMENTER_LABELS: Record<string, string> = {
  'segmask-ours-k0': 'pretrained segmenter',
  'segmasklps-ours-k0': 'L_PS-fine-tuned segmenter',
  'segmaskscratch-ours-k0': 'from-scratch segmenter (procedural scenes)',
};

/** table5.md: k* and its validation scores, per test set and metric the rows beside the paper's (quoted), C7 and
 *  C8, the segmenters evaluated; the paper's C7 and C8. */
export function table5Report(
  table5: ExperimentResults[],
  table4: ExperimentResults[],
  tables: PaperTables,
  perceptual: Table5Perceptual[],
): string {
  const chosen = chooseK(table5);
  const parts = [
    '# Table V: comparison in the automatic setting (m_G selects the segment)\n',
    chosen
      ? `k* = ${chosen.k} px, chosen on photo-validation (bucket-averaged PSNR, paper protocol): ` +
        chosen.scores.map((s) => `k = ${s.k}: ${s.psnr.toFixed(2)}`).join(', ') +
        '\n'
      : 'k*: no finished validation results (photo-validation), the dilated baseline is not shown\n',
  ];
  const testSets = [...new Set(table5.map((e) => e.spec.testSet.kind))].filter((t) => t !== 'photo-validation');
  for (const testSet of testSets) {
    const rows = table5Rows(table5, table4, testSet);
    for (const metric of ['psnr', 'ssim'] as const) {
      parts.push(
        `## ${testSet}: ${metric.toUpperCase()}, paper protocol\n`,
        table5Markdown(rows, metric, 'paper', tables),
      );
      for (const v of [c7Verdict(rows, metric), c8Verdict(rows, metric)]) if (v) parts.push(`- ${v.text}`);
      parts.push('');
    }
    parts.push(...table5PerceptualSection(perceptual, rows, tables));
    const segmenters = rows
      .filter((r) => r.key in SEGMENTER_LABELS || !r.key.startsWith('segmask'))
      .map((r) => ({ label: SEGMENTER_LABELS[r.key] ?? `${r.label} (joint run's)`, experiment: r.experiment }));
    parts.push(
      `## ${testSet}: the segmenters' masks against m_G\n`,
      '| segmenter | bucket | n | IoU | boundary F | coverage | mean signed distance px | area ratio |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const s of segmenterEvaluation(segmenters))
      for (const m of s.masks)
        parts.push(
          `| ${s.label} | ${m.bucket} | ${m.count} | ${m.iou.toFixed(3)} | ${m.boundaryF.toFixed(3)} | ` +
            `${m.coverage.toFixed(3)} | ${m.meanDilation.toFixed(2)} | ${m.areaRatio.toFixed(3)} |`,
        );
    parts.push('');
  }
  for (const metric of ['psnr', 'ssim', 'lpips'] as const)
    parts.push(...paperC7C8(metric, tables).map((t) => `- ${t}`));
  return `${parts.join('\n')}\n`;
}
