// Per-image results of an experiment: one JSON object a line (results/<experiment>/per_image.jsonl), one row per
// (image, mask, metric, protocol). The file is always rewritten whole and atomically (lib/io/atomicWrite), sorted,
// so a killed run leaves the last complete version and two runs that computed the same rows write the same bytes.
//
// Per-bucket aggregates of per-image results (arquero): mean, standard error of the mean (sample standard
// deviation / sqrt(n)) and count for every (mask, metric, protocol, mask-ratio bucket). The standard error says how
// far our mean may be from the mean over infinitely many test images like ours: with 100 images a bucket, PSNR
// means are good to a few tenths of a dB. n = 1 has no standard error (null).
import * as fs from 'node:fs';
import { writeFileAtomic } from '../io/atomicWrite';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';

export interface ResultRow {
  image: number; // index of the test item
  bucket: string; // mask-ratio bucket of the ground-truth mask, e.g. '10-20%'
  maskRatio: number; // |M_G| / (H * W)
  mask: string; // mask key, e.g. 'gt+2' (GT dilated by 2 px at 256 scale), 'gt-2', 'random'
  d256: number | null; // dilation (+) / erosion (-) in pixels at 256x256; null for masks that are not GT-based
  dPixels: number | null; // the same at this resolution: d256 * size / 256
  holeRatio: number; // share of the image the inpainter filled
  metric: string; // 'psnr' | 'ssim'
  protocol: string; // 'paper' | 'common'; 'paper-scaled' (SSIM only) beside every SSIM under 'paper'
  region: string; // 'whole-image' (as the paper)
  value: number; // may be +Infinity (PSNR of identical images)
  maskStats?: MaskStats; // 'selected' masks: the filled mask against m_G (lib/eval/experiment.ts)
}

/** A learned mask m against m_G (lib/eval/maskMetrics.ts); meanOffset null for an empty m. */
export interface MaskStats {
  iou: number;
  boundaryF: number;
  coverage: number;
  areaRatio: number;
  meanOffset: number | null;
}

export function rowKey(r: Pick<ResultRow, 'image' | 'mask' | 'metric' | 'protocol'>): string {
  return `${r.image}|${r.mask}|${r.metric}|${r.protocol}`;
}

// JSON has no Infinity: non-finite values are written as strings ("Infinity") and read back as numbers.
function encode(r: ResultRow): string {
  return JSON.stringify(r, (key, v: unknown) =>
    key === 'value' && typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
  );
}

export function readResultRows(file: string): ResultRow[] {
  if (!fs.existsSync(file)) return [];
  const rows: ResultRow[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let r: ResultRow;
      try {
        r = JSON.parse(line) as ResultRow;
      } catch {
        throw new Error(`${file}:${i + 1}: not a JSON line: ${line.slice(0, 80)}`);
      }
      if (typeof r.value === 'string') r.value = Number(r.value);
      if (
        typeof r.image !== 'number' ||
        typeof r.mask !== 'string' ||
        typeof r.metric !== 'string' ||
        typeof r.value !== 'number'
      ) {
        throw new Error(`${file}:${i + 1}: not a result row (needs image, mask, metric, protocol, value)`);
      }
      rows.push(r);
    });
  return rows;
}

/** Writes the rows as JSONL, atomically, in the order given. */
export function writeResultRows(file: string, rows: ResultRow[]): void {
  writeFileAtomic(file, rows.map((r) => `${encode(r)}\n`).join(''));
}

export interface BucketStat {
  mask: string;
  d256: number | null;
  metric: string;
  protocol: string;
  bucket: string;
  mean: number;
  se: number | null;
  n: number;
}

export function aggregateByBucket(rows: ResultRow[]): ColumnTable {
  if (rows.length === 0) throw new Error('aggregateByBucket: no result rows');
  return aq
    .from(rows)
    .groupby('mask', 'd256', 'metric', 'protocol', 'bucket')
    .rollup({ mean: aq.op.mean('value'), sd: aq.op.stdev('value'), n: aq.op.count() })
    .derive({ se: aq.escape((d: { sd: number; n: number }) => (d.n > 1 ? d.sd / Math.sqrt(d.n) : null)) })
    .select('mask', 'd256', 'metric', 'protocol', 'bucket', 'mean', 'se', 'n')
    .orderby('metric', 'protocol', 'd256', 'mask', 'bucket');
}

export function bucketStats(rows: ResultRow[]): BucketStat[] {
  return aggregateByBucket(rows).objects() as unknown as BucketStat[];
}

/** A bucket's statistics of the per-image differences; `skipped`: pairs left out because a value is not finite
 *  (PSNR of an exact fill is +Infinity). */
export type PairedDifference = BucketStat & { skipped: number };

/** The per-image paired difference ours - theirs, per (mask, metric, protocol, bucket): the same test images scored
 *  by two inpainters, so the image-to-image spread (which dominates each mean's standard error) cancels. The
 *  differences are result rows of their own, aggregated by bucketStats. A group whose pairs are all skipped is left
 *  out. */
export function pairedDifferenceByBucket(ours: ResultRow[], theirs: ResultRow[]): PairedDifference[] {
  const theirsByKey = new Map(theirs.map((r) => [rowKey(r), r]));
  const groupKey = (r: { mask: string; metric: string; protocol: string; bucket: string }) =>
    `${r.mask}|${r.metric}|${r.protocol}|${r.bucket}`;
  const differences: ResultRow[] = [];
  const skipped = new Map<string, number>();
  let paired = 0;
  for (const r of ours) {
    const t = theirsByKey.get(rowKey(r));
    if (!t) continue;
    if (t.bucket !== r.bucket) {
      throw new Error(`pairedDifferenceByBucket: image ${r.image} is in buckets ${r.bucket} and ${t.bucket}`);
    }
    paired++;
    if (Number.isFinite(r.value) && Number.isFinite(t.value)) differences.push({ ...r, value: r.value - t.value });
    else skipped.set(groupKey(r), (skipped.get(groupKey(r)) ?? 0) + 1);
  }
  if (paired === 0) throw new Error('pairedDifferenceByBucket: no image is in both result sets');
  return bucketStats(differences).map((s) => ({ ...s, skipped: skipped.get(groupKey(s)) ?? 0 }));
}
