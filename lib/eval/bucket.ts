// Per-bucket means, the shape of the paper's tables: results grouped by the mask's area ratio in the buckets
// 0-10 %, 10-20 %, 20-30 %, 30-40 % (shared/paper/tables.json), each bucket the plain mean of per-image values
// (as EdgeConnect's metrics.py averages per-image PSNR/SSIM). Results are grouped by metric, protocol and region
// too, so a summary never mixes protocols.
import { MetricResult } from './result';

export const MASK_RATIO_BUCKETS = ['0-10', '10-20', '20-30', '30-40'] as const;
export type MaskRatioBucket = (typeof MASK_RATIO_BUCKETS)[number];

/** Bucket of a mask area ratio in [0, 1]: [0, 0.1) -> '0-10', ..., [0.3, 0.4) -> '30-40'; null at 0.4 and above
 *  (outside the paper's buckets). The paper does not say which side a boundary falls on; lower-inclusive here. */
export function maskRatioBucket(ratio: number): MaskRatioBucket | null {
  if (!(ratio >= 0 && ratio <= 1)) throw new Error(`maskRatioBucket: ratio must be in [0, 1], got ${ratio}`);
  const i = Math.floor(ratio * 10 + 1e-9); // 1e-9: 0.3 stored as 0.29999... still lands in '30-40'
  return i < MASK_RATIO_BUCKETS.length ? MASK_RATIO_BUCKETS[i] : null;
}

export interface BucketMean {
  metric: MetricResult['metric'];
  protocol: string;
  region: MetricResult['region'];
  bucket: MaskRatioBucket;
  count: number;
  mean: number;
}

/** Means per (metric, protocol, region, bucket), in bucket order; rows whose ratio is outside the buckets are skipped. */
export function meanByBucket(rows: { maskRatio: number; result: MetricResult }[]): BucketMean[] {
  const groups = new Map<string, BucketMean>();
  for (const { maskRatio, result } of rows) {
    const bucket = maskRatioBucket(maskRatio);
    if (bucket === null) continue;
    const key = [result.metric, result.protocol, result.region, bucket].join('|');
    const g = groups.get(key) ?? { metric: result.metric, protocol: result.protocol, region: result.region, bucket, count: 0, mean: 0 };
    g.count++;
    g.mean += (result.value - g.mean) / g.count; // running mean
    groups.set(key, g);
  }
  const order = (b: BucketMean) => MASK_RATIO_BUCKETS.indexOf(b.bucket);
  return [...groups.values()].sort((a, b) => order(a) - order(b));
}
