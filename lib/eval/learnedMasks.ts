// What the learned masks are (paper Fig. 3, Sec. III-D: MEL trains masks larger than m_G, more so as α grows): per
// mask-ratio bucket of m_G (lib/data/buckets.ts) and over all items, the means of lib/eval/maskMetrics.ts'
//   meanDilation  meanOffset: the mean signed distance (px) of m's boundary pixels to m_G, > 0 outside it
//                 (m_G dilated by d px scores d)
//   coverage      |m ∩ m_G| / |m_G|, the share of the object removed
//   areaRatio     |m| / |m_G|
// An empty m (the segmenter found nothing) has no boundary: it counts in coverage and areaRatio (as 0) and in
// `empty`, not in meanDilation (NaN when every mask of a bucket is empty).
import { Mask, maskArea } from '../image/raster';
import { MASK_RATIO_BUCKETS, bucketOf } from '../data/buckets';
import { maskMetrics } from './maskMetrics';

export interface LearnedMaskItem {
  /** the learned mask m */
  mask: Mask;
  /** the ground-truth object mask m_G */
  maskGT: Mask;
}

export interface LearnedMaskSummary {
  /** a bucket's label ('0-10%', ...) or 'all' */
  bucket: string;
  count: number;
  meanDilation: number;
  coverage: number;
  areaRatio: number;
  /** items whose m is empty */
  empty: number;
}

/** One row per bucket holding items, in the buckets' order, then 'all'. m_G's ratio must lie in a bucket. */
export function describeLearnedMasks(items: LearnedMaskItem[]): LearnedMaskSummary[] {
  if (items.length === 0) throw new Error('describeLearnedMasks: no items');
  const groups = MASK_RATIO_BUCKETS.map(() => [] as { offset: number; coverage: number; areaRatio: number }[]);
  items.forEach(({ mask, maskGT }, i) => {
    const ratio = maskArea(maskGT) / maskGT.data.length;
    const b = bucketOf(ratio);
    if (b < 0) {
      throw new Error(`describeLearnedMasks: item ${i}: m_G covers ${(100 * ratio).toFixed(1)} % of the image, ` +
        'outside the buckets (0-40 %)');
    }
    const m = maskMetrics(mask, maskGT);
    groups[b].push({ offset: m.meanOffset, coverage: m.coverage, areaRatio: m.areaRatio });
  });
  const summary = (bucket: string, g: { offset: number; coverage: number; areaRatio: number }[]) => {
    const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN);
    const offsets = g.map((x) => x.offset).filter((x) => !Number.isNaN(x));
    return { bucket, count: g.length, meanDilation: mean(offsets), coverage: mean(g.map((x) => x.coverage)),
      areaRatio: mean(g.map((x) => x.areaRatio)), empty: g.length - offsets.length };
  };
  const rows = MASK_RATIO_BUCKETS.map((b, i) => summary(b.label, groups[i])).filter((r) => r.count > 0);
  return [...rows, summary('all', groups.flat())];
}
