// Mask-ratio buckets of the paper's tables: the share of image pixels covered by the object mask.
export interface Bucket {
  label: string;
  lo: number; // inclusive
  hi: number; // exclusive
}

export const MASK_RATIO_BUCKETS: readonly Bucket[] = [
  { label: '0-10%', lo: 0, hi: 0.1 },
  { label: '10-20%', lo: 0.1, hi: 0.2 },
  { label: '20-30%', lo: 0.2, hi: 0.3 },
  { label: '30-40%', lo: 0.3, hi: 0.4 },
];

/** Generated objects cover at least this share of the image: below ~1% a person is a few pixels at 64x64. */
export const MIN_MASK_RATIO = 0.01;

/** Index of the bucket holding `ratio`, or -1 if it is outside 0-40%. */
export function bucketOf(ratio: number): number {
  for (let b = 0; b < MASK_RATIO_BUCKETS.length; b++) {
    if (ratio >= MASK_RATIO_BUCKETS[b].lo && ratio < MASK_RATIO_BUCKETS[b].hi) return b;
  }
  return -1;
}

/** Bucket of item `index` in a balanced set: 0, 1, 2, 3, 0, 1, ... so any prefix of 4k items has k per bucket. */
export function balancedBucket(index: number): number {
  return index % MASK_RATIO_BUCKETS.length;
}
