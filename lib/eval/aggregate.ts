// Per-bucket aggregates of per-image results (arquero): mean, standard error of the mean (sample standard
// deviation / sqrt(n)) and count for every (mask, metric, protocol, mask-ratio bucket). The standard error says how
// far our mean may be from the mean over infinitely many test images like ours: with 100 images a bucket, PSNR
// means are good to a few tenths of a dB. n = 1 has no standard error (null).
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { ResultRow } from './resultRows';

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
