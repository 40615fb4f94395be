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
