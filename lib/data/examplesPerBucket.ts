// The first `perBucket` items of each mask-ratio bucket, in dataset order: rows of an example grid.
import { MASK_RATIO_BUCKETS } from './buckets';

export function examplesPerBucket<T extends { bucket: number }>(items: readonly T[], perBucket: number): T[][] {
  if (!Number.isInteger(perBucket) || perBucket < 1)
    throw new Error(`examplesPerBucket: perBucket must be a positive integer, got ${perBucket}`);
  const rows: T[][] = MASK_RATIO_BUCKETS.map(() => []);
  for (const item of items) {
    if (!(item.bucket >= 0 && item.bucket < rows.length))
      throw new Error(`examplesPerBucket: item has bucket ${item.bucket}, expected 0..${rows.length - 1}`);
    if (rows[item.bucket].length < perBucket) rows[item.bucket].push(item);
  }
  rows.forEach((row, b) => {
    if (row.length < perBucket)
      throw new Error(
        `examplesPerBucket: bucket ${MASK_RATIO_BUCKETS[b].label} has ${row.length} item(s), need ${perBucket}`,
      );
  });
  return rows;
}
