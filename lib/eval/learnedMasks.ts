// What the learned masks are (paper Fig. 3, Sec. III-D: MEL trains masks larger than m_G, more so as α grows): per
// mask-ratio bucket of m_G (lib/data/buckets.ts) and over all items, the means of lib/eval/maskMetrics.ts'
//   meanDilation  meanOffset: the mean signed distance (px) of m's boundary pixels to m_G, > 0 outside it
//                 (m_G dilated by d px scores d)
//   coverage      |m ∩ m_G| / |m_G|, the share of the object removed
//   areaRatio     |m| / |m_G|
//   iou, boundaryF  the segmenter's scores (lib/eval/maskMetrics.ts), for its evaluation on the same items
// An empty m (the segmenter found nothing) has no boundary: it counts in coverage and areaRatio (as 0) and in
// `empty`, not in meanDilation (NaN when every mask of a bucket is empty).
import { type Mask, maskArea } from '../image/raster';
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
  iou: number;
  boundaryF: number;
  /** items whose m is empty */
  empty: number;
}

/** One row per bucket holding items, in the buckets' order, then 'all'. m_G's ratio must lie in a bucket. */
export function describeLearnedMasks(items: LearnedMaskItem[]): LearnedMaskSummary[] {
  return describeMaskStats(
    items.map(({ mask, maskGT }) => {
      const m = maskMetrics(mask, maskGT);
      const meanOffset = Number.isNaN(m.meanOffset) ? null : m.meanOffset;
      const maskRatio = maskArea(maskGT) / maskGT.data.length;
      const { coverage, areaRatio, iou, boundaryF } = m;
      return { maskRatio, meanOffset, coverage, areaRatio, iou, boundaryF };
    }),
  );
}

/** One item's mask statistics (as result rows record them, lib/eval/resultRows.ts MaskStats); meanOffset null for an
 *  empty m. */
export interface MaskStatItem {
  maskRatio: number; // |m_G| / (H W)
  meanOffset: number | null;
  coverage: number;
  areaRatio: number;
  iou: number;
  boundaryF: number;
}

/** describeLearnedMasks from the items' recorded statistics. */
export function describeMaskStats(items: MaskStatItem[]): LearnedMaskSummary[] {
  if (items.length === 0) throw new Error('describeLearnedMasks: no items');
  const groups = MASK_RATIO_BUCKETS.map(() => [] as MaskStatItem[]);
  items.forEach((item, i) => {
    const b = bucketOf(item.maskRatio);
    if (b < 0) {
      throw new Error(
        `describeLearnedMasks: item ${i}: m_G covers ${(100 * item.maskRatio).toFixed(1)} % of the ` +
          'image, outside the buckets (0-40 %)',
      );
    }
    groups[b].push(item);
  });
  const summary = (bucket: string, g: MaskStatItem[]) => {
    const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN);
    const offsets = g.flatMap((x) => (x.meanOffset === null ? [] : [x.meanOffset]));
    return {
      bucket,
      count: g.length,
      meanDilation: mean(offsets),
      coverage: mean(g.map((x) => x.coverage)),
      areaRatio: mean(g.map((x) => x.areaRatio)),
      iou: mean(g.map((x) => x.iou)),
      boundaryF: mean(g.map((x) => x.boundaryF)),
      empty: g.length - offsets.length,
    };
  };
  const rows = MASK_RATIO_BUCKETS.map((b, i) => summary(b.label, groups[i])).filter((r) => r.count > 0);
  return [...rows, summary('all', groups.flat())];
}
