// Table II (mask type, Sec. IV-B): is an inpainter trained on object masks better at removing objects than one
// trained on random free-form masks? The arms are checkpoint sets 'object-sK' and 'random-sK' (seed K), scored by
// table2Spec (lib/eval/experiments.ts) on exact object masks m_G and, on photo-test, on random holes over I_G.
//
// Per test set, test-mask kind and bucket, for each training mask kind: the mean over seeds of each seed's bucket
// mean, and those seed means (their range is the seed spread). The gap object - random is a paired difference
// (pairedDifferenceByBucket) of the per-image values averaged over seeds, so its standard error s.e. is over test
// images; each seed's own paired gap is reported beside it.
//
// Verdict C4 ("object-mask training beats random-mask training in every bucket, the gap growing with the mask
// ratio"), on object test masks of each real test set (photo-test, vtest), per metric:
//   beats:  in every bucket  gap - z * s.e. > 0  and every seed's gap > 0;
//   grows:  the least-squares slope of the gap over the bucket index is > 0 and
//           gap(last bucket) - gap(first bucket) > z * sqrt(s.e.(first)^2 + s.e.(last)^2);
// with z = 2 (TABLE2_THRESHOLDS). The paper's own Table II (no s.e.: 0) passes both.
import type { Figure } from '../viz/figure';
import { MASK_RATIO_BUCKETS } from '../data/buckets';
import type { ExperimentResults } from './experiment';
import { type ResultRow, rowKey, bucketStats, pairedDifferenceByBucket } from './resultRows';
import { PAPER_LABEL, type PaperTables, paperSeries } from './paperTables';
import { TABLES } from './experiments';
import { maskedInput } from './experiment';
import { type TestSetSpec, openTestSet } from '../data/triplets';
import { type Raster, maskRatio } from '../image/raster';
import { maskOverlay } from '../viz/images';

export type Table2Metric = 'psnr' | 'ssim';
export type TrainingMasks = 'object' | 'random';
/** Test masks: the exact object mask m_G ('gt+0' rows) or a random free-form hole over I_G ('random' rows). */
export const TEST_MASKS: Record<TrainingMasks, string> = { object: 'gt+0', random: 'random' };

export const TABLE2_THRESHOLDS = { z: 2, realSets: ['photo-test', 'vtest'] };

/** One training mask kind's score in a cell: the mean of the seed means, and each seed's mean (seed order). */
export interface SeedStat {
  mean: number;
  seeds: number[];
  seedNames: string[];
  n: number; // test images per seed
}

export interface Table2Cell {
  testSet: string;
  testMasks: TrainingMasks;
  metric: Table2Metric;
  protocol: string;
  bucket: string;
  random: SeedStat;
  object: SeedStat;
  /** object - random, paired per image on the seed-averaged values; perSeed: each common seed's paired gap */
  gap: { mean: number; se: number | null; n: number; perSeed: number[] };
}

/** 'object-s1' -> { kind: 'object', seed: 1 }; other names are not Table II arms. */
export function parseTable2Arm(arm: string): { kind: TrainingMasks; seed: number } {
  const m = TABLES.table2.arm.exec(arm);
  if (!m) throw new Error(`'${arm}' is not a Table II arm (expected object-sK or random-sK)`);
  return { kind: m[1] as TrainingMasks, seed: Number(m[2]) };
}

/** Per-image values averaged over seeds: images every seed scored, one row per key with the seeds' mean value. */
export function meanOverSeeds(perSeed: ResultRow[][]): ResultRow[] {
  const maps = perSeed.map((rows) => new Map(rows.map((r) => [rowKey(r), r])));
  return perSeed[0].flatMap((r) => {
    const same = maps.map((m) => m.get(rowKey(r)));
    if (same.some((x) => x === undefined)) return [];
    return [{ ...r, value: same.reduce((a, x) => a + x!.value, 0) / same.length }];
  });
}

const bucketOrder = (b: string): number => {
  const k = MASK_RATIO_BUCKETS.findIndex((x) => x.label === b);
  return k < 0 ? MASK_RATIO_BUCKETS.length : k;
};

/** Every cell of Table II under `protocol` from the Table II experiments (any test sets, seeds and test masks). */
export function table2Cells(experiments: ExperimentResults[], protocol = 'paper'): Table2Cell[] {
  const cells: Table2Cell[] = [];
  const sets = [...new Set(experiments.map((e) => e.spec.testSet.kind))];
  for (const testSet of sets) {
    const arms = experiments
      .filter((e) => e.spec.testSet.kind === testSet)
      .map((e) => ({ ...parseTable2Arm(e.spec.arm ?? e.spec.name), name: e.spec.arm!, rows: e.rows }))
      .sort((a, b) => a.seed - b.seed);
    const of = (kind: TrainingMasks) => arms.filter((a) => a.kind === kind);
    if (of('object').length === 0 || of('random').length === 0) continue;
    for (const testMasks of ['object', 'random'] as TrainingMasks[]) {
      for (const metric of ['psnr', 'ssim'] as Table2Metric[]) {
        const pick = (rows: ResultRow[]) =>
          rows.filter((r) => r.mask === TEST_MASKS[testMasks] && r.metric === metric && r.protocol === protocol);
        const rowsOf = (kind: TrainingMasks) => of(kind).map((a) => pick(a.rows));
        if (rowsOf('object').some((r) => r.length === 0) || rowsOf('random').some((r) => r.length === 0)) continue;
        const seedStats = (kind: TrainingMasks) => rowsOf(kind).map((rows) => bucketStats(rows));
        const obj = seedStats('object');
        const rnd = seedStats('random');
        const gap = pairedDifferenceByBucket(meanOverSeeds(rowsOf('object')), meanOverSeeds(rowsOf('random')));
        const common = of('object').filter((o) => of('random').some((r) => r.seed === o.seed));
        const seedGaps = common.map((o) =>
          pairedDifferenceByBucket(pick(o.rows), pick(of('random').find((r) => r.seed === o.seed)!.rows)),
        );
        for (const g of gap.sort((a, b) => bucketOrder(a.bucket) - bucketOrder(b.bucket))) {
          const stat = (stats: typeof obj, names: string[]): SeedStat => {
            const seeds = stats.map((s) => s.find((x) => x.bucket === g.bucket)!.mean);
            return {
              mean: seeds.reduce((a, b) => a + b, 0) / seeds.length,
              seeds,
              seedNames: names,
              n: stats[0].find((x) => x.bucket === g.bucket)!.n,
            };
          };
          cells.push({
            testSet,
            testMasks,
            metric,
            protocol,
            bucket: g.bucket,
            random: stat(
              rnd,
              of('random').map((a) => a.name),
            ),
            object: stat(
              obj,
              of('object').map((a) => a.name),
            ),
            gap: {
              mean: g.mean,
              se: g.se,
              n: g.n,
              perSeed: seedGaps.map((s) => s.find((x) => x.bucket === g.bucket)?.mean ?? NaN),
            },
          });
        }
      }
    }
  }
  return cells;
}

/** The paper's Table II as cells ('paper (quoted)', one "seed", s.e. 0), for running C4's test on it. */
export function paperTable2Cells(tables: PaperTables, metric: Table2Metric): Table2Cell[] {
  const quoted = paperSeries(tables, 'table2_mask_type', metric);
  return MASK_RATIO_BUCKETS.map(({ label }) => {
    const at = (x: TrainingMasks) => quoted.find((p) => p.bucket === label && p.x === x)!.value as number;
    const s = (x: TrainingMasks): SeedStat => ({ mean: at(x), seeds: [at(x)], seedNames: [PAPER_LABEL], n: 0 });
    return {
      testSet: PAPER_LABEL,
      testMasks: 'object',
      metric,
      protocol: 'unstated',
      bucket: label,
      random: s('random'),
      object: s('object'),
      gap: { mean: at('object') - at('random'), se: 0, n: 0, perSeed: [at('object') - at('random')] },
    };
  });
}

export interface Table2SetFindings {
  testSet: string;
  metric: Table2Metric;
  buckets: Array<{ bucket: string; gap: number; se: number; perSeed: number[]; lower: number; holds: boolean }>;
  beats: boolean;
  growth: { slopePerBucket: number; firstToLast: number; needed: number; holds: boolean };
  holds: boolean;
}

function slope(ys: number[]): number {
  const mx = (ys.length - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  ys.forEach((y, x) => {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

/** C4 on object test masks, one entry per test set of `cells` with `metric` (at least two buckets each). */
export function table2Findings(cells: Table2Cell[], metric: Table2Metric, t = TABLE2_THRESHOLDS): Table2SetFindings[] {
  const mine = cells.filter((c) => c.metric === metric && c.testMasks === 'object');
  return [...new Set(mine.map((c) => c.testSet))].map((testSet) => {
    const rows = mine
      .filter((c) => c.testSet === testSet)
      .sort((a, b) => bucketOrder(a.bucket) - bucketOrder(b.bucket));
    if (rows.length < 2)
      throw new Error(
        `table2Findings: ${testSet} ${metric}: the growth test needs at least two buckets, got ${rows.length}`,
      );
    const buckets = rows.map((c) => {
      const se = c.gap.se ?? 0;
      const lower = c.gap.mean - t.z * se;
      return {
        bucket: c.bucket,
        gap: c.gap.mean,
        se,
        perSeed: c.gap.perSeed,
        lower,
        holds: lower > 0 && c.gap.perSeed.every((g) => g > 0),
      };
    });
    const first = buckets[0];
    const last = buckets[buckets.length - 1];
    const slopePerBucket = slope(buckets.map((b) => b.gap));
    const firstToLast = last.gap - first.gap;
    const needed = t.z * Math.sqrt(first.se ** 2 + last.se ** 2);
    const growth = { slopePerBucket, firstToLast, needed, holds: slopePerBucket > 0 && firstToLast > needed };
    const beats = buckets.every((b) => b.holds);
    return { testSet, metric, buckets, beats, growth, holds: beats && growth.holds };
  });
}

const UNIT: Record<Table2Metric, { name: string; unit: string; digits: number }> = {
  psnr: { name: 'PSNR', unit: ' dB', digits: 2 },
  ssim: { name: 'SSIM', unit: '', digits: 4 },
};
const signed = (v: number, digits: number): string => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(digits);

/** The C4 verdict: one line per test set with the numbers and thresholds, and a conclusion over the real sets. */
export function table2Verdict(name: string, found: Table2SetFindings[], t = TABLE2_THRESHOLDS): string {
  if (found.length === 0) return `${name}: no test set with both object- and random-mask arms: C4 cannot be checked.`;
  const { name: m, unit, digits } = UNIT[found[0].metric];
  const lines = [
    `${name}, ${m}: C4 — object-mask training beats random-mask training in every bucket (gap − ${t.z} s.e. > 0 ` +
      `and every seed's gap > 0), the gap growing with the mask ratio ` +
      `(least-squares slope > 0 and last − first bucket > ${t.z}·√(s.e.first² + s.e.last²)):`,
  ];
  for (const f of found) {
    const cells = f.buckets
      .map(
        (b) =>
          `${b.bucket} ${signed(b.gap, digits)} ± ${b.se.toFixed(digits)}` +
          (b.perSeed.length > 1 ? ` (seeds ${b.perSeed.map((g) => signed(g, digits)).join(', ')})` : ''),
      )
      .join('; ');
    const why = [f.beats ? '' : 'not ahead in every bucket', f.growth.holds ? '' : 'gap not growing'];
    lines.push(
      `  ${f.testSet}: gap object − random ${cells}${unit}. Beats in ${f.buckets.filter((b) => b.holds).length}/` +
        `${f.buckets.length} buckets; growth ${signed(f.growth.firstToLast, digits)}${unit} ` +
        `(needs > ${f.growth.needed.toFixed(digits)}), ` +
        `slope ${signed(f.growth.slopePerBucket, digits)}${unit} per bucket: ` +
        `C4 ${f.holds ? 'holds' : 'does not hold'}` +
        `${f.holds ? '' : ` (${why.filter(Boolean).join(', ')})`}.`,
    );
  }
  // the conclusion is over the real sets; a run without them (the paper's table, a procedural-only run) is judged
  // over what it has
  const real = found.filter((f) => t.realSets.includes(f.testSet));
  const scope = (real.length ? real : found).map((f) => f.testSet);
  const held = found.filter((f) => scope.includes(f.testSet) && f.holds).map((f) => f.testSet);
  const missing = real.length ? t.realSets.filter((s) => !scope.includes(s)) : [];
  lines.push(
    `=> ${m}: C4 ${held.length === scope.length ? 'holds' : held.length ? 'holds in part' : 'does not hold'} on ` +
      `${scope.join(' and ')}` +
      `${held.length && held.length < scope.length ? ` (holds on ${held.join(', ')} only)` : ''}` +
      `${missing.length ? `; not measured on ${missing.join(', ')}` : ''}.`,
  );
  return lines.join('\n');
}

const fmt = (v: number | null | undefined, digits: number): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);

/** Markdown: per metric and protocol, our Table II (means over seeds, seed spread, paired gap) beside the paper's. */
export function table2Markdown(experiments: ExperimentResults[], tables: PaperTables): string {
  const parts = [
    '# Table II: random-mask vs object-mask training (ours beside the paper)',
    '',
    'Generated by `npm run figures` from `results/table2/`; do not edit. Columns labelled **paper (quoted)** are the',
    "paper's Table II (data/paper/tables.json, object test masks, COCO at 256 px), not our measurements.",
    'Ours: "inpainting network only" (ground-truth labels as the cue). Test masks: **object** = the exact mask m_G,',
    '**random** = a free-form hole with a ratio in the bucket, over the object-free I_G. Each training kind: the mean',
    "over seeds of the bucket means, and each seed's mean. Gap: object − random, paired per image on the",
    "seed-averaged values, ± its standard error over the test images; then each seed's own paired gap.",
    '',
  ];
  for (const metric of ['psnr', 'ssim'] as Table2Metric[]) {
    const d = UNIT[metric].digits;
    const quoted = paperSeries(tables, 'table2_mask_type', metric);
    for (const protocol of ['paper', 'common']) {
      const cells = table2Cells(experiments, protocol).filter((c) => c.metric === metric);
      if (cells.length === 0) continue;
      parts.push(
        `## ${UNIT[metric].name}, ours under the ${protocol} protocol`,
        '',
        `|test set|test masks|bucket|random-mask training|seeds|object-mask training|seeds|` +
          `object − random (± s.e.)|gap per seed|n|` +
          `${PAPER_LABEL} random|${PAPER_LABEL} object|${PAPER_LABEL} object − random|`,
        '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      );
      for (const c of cells) {
        const q = (x: TrainingMasks) =>
          c.testMasks === 'object' ? (quoted.find((p) => p.bucket === c.bucket && p.x === x)?.value ?? null) : null;
        const qr = q('random');
        const qo = q('object');
        parts.push(
          `|${c.testSet}|${c.testMasks}|${c.bucket}|` +
            `${fmt(c.random.mean, d)}|${c.random.seeds.map((v) => fmt(v, d)).join(' / ')}|` +
            `${fmt(c.object.mean, d)}|${c.object.seeds.map((v) => fmt(v, d)).join(' / ')}|` +
            `${signed(c.gap.mean, d)} ± ${fmt(c.gap.se, d + 1)}|` +
            `${c.gap.perSeed.map((v) => signed(v, d)).join(' / ')}|${c.gap.n}|${fmt(qr, d)}|${fmt(qo, d)}|` +
            `${qr === null || qo === null ? '–' : signed(qo - qr, d)}|`,
        );
      }
      parts.push('');
    }
  }
  return parts.join('\n');
}

/** Long CSV: one row per (test set, test masks, metric, protocol, bucket). */
export function table2Csv(experiments: ExperimentResults[], tables: PaperTables): string {
  const lines = [
    'test_set,test_masks,metric,protocol,bucket,random_mean,random_seeds,object_mean,object_seeds,gap_mean,gap_se,' +
      `gap_per_seed,n,${PAPER_LABEL} random,${PAPER_LABEL} object`,
  ];
  const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  for (const protocol of ['paper', 'common']) {
    for (const c of table2Cells(experiments, protocol)) {
      const q = (x: TrainingMasks) =>
        c.testMasks === 'object'
          ? paperSeries(tables, 'table2_mask_type', c.metric).find((p) => p.bucket === c.bucket && p.x === x)?.value
          : undefined;
      lines.push(
        [
          c.testSet,
          c.testMasks,
          c.metric,
          protocol,
          c.bucket,
          num(c.random.mean),
          c.random.seeds.join(' '),
          num(c.object.mean),
          c.object.seeds.join(' '),
          num(c.gap.mean),
          num(c.gap.se),
          c.gap.perSeed.join(' '),
          c.gap.n,
          num(q('random')),
          num(q('object')),
        ].join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

/** The gap object - random per bucket (± s.e.), one line per test set and test-mask kind, beside the paper's. */
export function table2Figure(
  metric: Table2Metric,
  experiments: ExperimentResults[],
  tables: PaperTables,
  protocol = 'paper',
): Figure {
  const cells = table2Cells(experiments, protocol).filter((c) => c.metric === metric);
  const paper = paperTable2Cells(tables, metric);
  const data: Array<Record<string, unknown>> = [
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: `${PAPER_LABEL}, object test masks`,
      uid: 'paper',
      x: paper.map((c) => c.bucket),
      y: paper.map((c) => c.gap.mean),
      line: { color: 'black', dash: 'dash' },
      marker: { symbol: 'square-open', size: 7 },
    },
  ];
  const series = [...new Set(cells.map((c) => `${c.testSet}|${c.testMasks}`))];
  series.forEach((key, i) => {
    const [testSet, testMasks] = key.split('|');
    const pts = cells.filter((c) => c.testSet === testSet && c.testMasks === testMasks);
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: `ours: ${testSet}, ${testMasks} test masks (${pts[0].object.seeds.length} seed(s))`,
      uid: `${testSet}-${testMasks}`,
      x: pts.map((c) => c.bucket),
      y: pts.map((c) => c.gap.mean),
      error_y: { type: 'data', array: pts.map((c) => c.gap.se ?? 0), visible: true, thickness: 1 },
      line: { color: COLOURS[i % COLOURS.length], dash: testMasks === 'random' ? 'dot' : 'solid' },
      marker: { size: 6 },
    });
  });
  return {
    data,
    layout: {
      title: {
        text:
          `Table II: ${UNIT[metric].name} of object-mask minus random-mask training, per mask-ratio bucket ` +
          `(paired, ± s.e.; ours: ${protocol} protocol)`,
        font: { size: 13 },
      },
      xaxis: {
        title: { text: 'mask-ratio bucket' },
        type: 'category',
        categoryorder: 'array',
        categoryarray: MASK_RATIO_BUCKETS.map((b) => b.label),
      },
      yaxis: {
        title: { text: `object − random${UNIT[metric].unit ? ` (${UNIT[metric].unit.trim()})` : ''}` },
        zeroline: true,
      },
      legend: { orientation: 'h', y: -0.25 },
      margin: { t: 60, b: 110, l: 70, r: 20 },
    },
  };
}

/** The two kinds of test hole on the same test items, as the harness makes them: row 1 the image I with its object
 *  mask m_G (red), row 2 the object-free I_G with the item's random free-form hole (blue), ratio in the same bucket.
 *  Captions: item and hole ratio. */
export async function maskKindPictures(
  testSet: TestSetSpec,
  items: number[],
): Promise<{ rows: Raster[][]; captions: string[][] }> {
  const itemAt = await openTestSet(testSet);
  const rows: Raster[][] = [[], []];
  const captions: string[][] = [[], []];
  for (const i of items) {
    const t = await itemAt(i);
    const object = maskedInput(testSet, i, { kind: 'gt', d256: 0 }, t);
    const random = maskedInput(testSet, i, { kind: 'random' }, t);
    rows[0].push(maskOverlay(object.input, object.hole, [1, 0, 0]));
    rows[1].push(maskOverlay(random.input, random.hole, [0, 0.4, 1]));
    captions[0].push(`#${i} object ${(100 * maskRatio(object.hole)).toFixed(1)} %`);
    captions[1].push(`#${i} random ${(100 * maskRatio(random.hole)).toFixed(1)} %`);
  }
  return { rows, captions };
}
