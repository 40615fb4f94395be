// Histogram of mask ratios (|M_G| / image pixels) in fixed-width bins over [0, max), with the count per
// mask-ratio bucket of the paper's tables (lib/data/buckets.ts).
import { MASK_RATIO_BUCKETS, bucketOf } from './buckets';

export interface RatioHistogram {
  binWidth: number;
  binStarts: number[]; // lower edge of each bin
  counts: number[];
  bucketCounts: number[]; // one per MASK_RATIO_BUCKETS entry
  outside: number; // ratios >= max (not counted in any bin)
}

export function ratioHistogram(ratios: readonly number[], binWidth = 0.01, max = 0.4): RatioHistogram {
  const bins = Math.round(max / binWidth);
  if (!(binWidth > 0) || Math.abs(bins * binWidth - max) > 1e-9) {
    throw new Error(`ratioHistogram: bin width ${binWidth} must divide the range [0, ${max}) into whole bins`);
  }
  const counts = new Array<number>(bins).fill(0);
  const bucketCounts = new Array<number>(MASK_RATIO_BUCKETS.length).fill(0);
  let outside = 0;
  ratios.forEach((r, i) => {
    if (!(r >= 0 && r <= 1)) throw new Error(`ratioHistogram: ratio ${i} is ${r}, expected a number in [0, 1]`);
    // + 1e-9: 0.3 / 0.1 is 2.9999999999999996 in floating point, and 0.3 belongs to the bin starting at 0.3
    const bin = Math.floor(r / binWidth + 1e-9);
    if (bin >= bins) outside++;
    else counts[bin]++;
    const bucket = bucketOf(r);
    if (bucket >= 0) bucketCounts[bucket]++;
  });
  return { binWidth, binStarts: counts.map((_, b) => b * binWidth), counts, bucketCounts, outside };
}
