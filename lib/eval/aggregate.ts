// Per-bucket aggregates of per-image results (arquero): mean, standard error of the mean (sample standard
// deviation / sqrt(n)) and count for every (mask, metric, protocol, mask-ratio bucket). The standard error says how
// far our mean may be from the mean over infinitely many test images like ours: with 100 images a bucket, PSNR
// means are good to a few tenths of a dB. n = 1 has no standard error (null).
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { ResultRow, rowKey } from './resultRows';

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
  return aq.from(rows)
    .groupby('mask', 'd256', 'metric', 'protocol', 'bucket')
    .rollup({ mean: aq.op.mean('value'), sd: aq.op.stdev('value'), n: aq.op.count() })
    .derive({ se: aq.escape((d: { sd: number; n: number }) => (d.n > 1 ? d.sd / Math.sqrt(d.n) : null)) })
    .select('mask', 'd256', 'metric', 'protocol', 'bucket', 'mean', 'se', 'n')
    .orderby('metric', 'protocol', 'd256', 'mask', 'bucket');
}

export function bucketStats(rows: ResultRow[]): BucketStat[] {
  return aggregateByBucket(rows).objects() as unknown as BucketStat[];
}

export interface PairedDifference {
  mask: string;
  metric: string;
  protocol: string;
  bucket: string;
  /** mean over images of (ours - theirs) on the same test image, mask, metric and protocol */
  mean: number;
  se: number | null;
  n: number;
  /** pairs left out because a value is not finite (PSNR of an exact fill is +Infinity) */
  skipped: number;
}

/** The per-image paired difference ours - theirs, per (mask, metric, protocol, bucket): the same test images scored
 *  by two inpainters, so the image-to-image spread (which dominates each mean's standard error) cancels. */
export function pairedDifferenceByBucket(ours: ResultRow[], theirs: ResultRow[]): PairedDifference[] {
  const theirsByKey = new Map(theirs.map((r) => [rowKey(r), r]));
  const groups = new Map<string, { row: ResultRow; diffs: number[]; skipped: number }>();
  for (const r of ours) {
    const t = theirsByKey.get(rowKey(r));
    if (!t) continue;
    if (t.bucket !== r.bucket) {
      throw new Error(`pairedDifferenceByBucket: image ${r.image} is in buckets ${r.bucket} and ${t.bucket}`);
    }
    const key = `${r.mask}|${r.metric}|${r.protocol}|${r.bucket}`;
    const g = groups.get(key) ?? { row: r, diffs: [], skipped: 0 };
    if (Number.isFinite(r.value) && Number.isFinite(t.value)) g.diffs.push(r.value - t.value);
    else g.skipped++;
    groups.set(key, g);
  }
  if (groups.size === 0) throw new Error('pairedDifferenceByBucket: no image is in both result sets');
  return [...groups.values()].map(({ row, diffs, skipped }) => {
    const n = diffs.length;
    const mean = diffs.reduce((a, b) => a + b, 0) / n;
    const variance = n > 1 ? diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (n - 1) : NaN;
    const se = n > 1 ? Math.sqrt(variance / n) : null;
    return { mask: row.mask, metric: row.metric, protocol: row.protocol, bucket: row.bucket, mean, se, n, skipped };
  }).sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
}

function sortKey(d: PairedDifference): string {
  return [d.metric, d.protocol, d.mask, d.bucket].join('|');
}
