// Helpers behind notebooks/01_paired_dataset: the mask-ratio histogram and the per-bucket example rows.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ratioHistogram } from '../lib/data/ratioHistogram';
import { examplesPerBucket } from '../lib/data/examplesPerBucket';
import { makeTriplets } from '../lib/data/triplets';

test('ratioHistogram counts ratios per bin and per bucket; edges belong to the bin above', () => {
  // Ratios as pixel counts of a 64x64 image, including exact bucket edges (0.1, 0.2, 0.3 are k/4096 only
  // approximately, so use the edges themselves too).
  const ratios = [0, 0.005, 0.1, 0.1 - 1 / 4096, 0.2, 0.25, 0.3, 0.3, 0.399, 0.4, 0.55];
  const h = ratioHistogram(ratios, 0.1);
  assert.deepEqual(
    h.binStarts.map((b) => Math.round(b * 10)),
    [0, 1, 2, 3],
  );
  // [0, .1): 0, .005, .0998 | [.1, .2): .1 | [.2, .3): .2, .25 | [.3, .4): .3, .3, .399
  assert.deepEqual(h.counts, [3, 1, 2, 3]);
  assert.deepEqual(h.bucketCounts, [3, 1, 2, 3]);
  assert.equal(h.outside, 2);
  const fine = ratioHistogram(ratios, 0.01);
  assert.equal(fine.counts.length, 40);
  assert.equal(
    fine.counts.reduce((a, b) => a + b, 0),
    9,
  );
  assert.equal(fine.counts[30], 2); // 0.3 twice, despite 0.3 / 0.01 = 29.999999999999996
  assert.equal(fine.counts[9], 1); // 0.0998
  assert.throws(() => ratioHistogram([0.1], 0.03), /bin width 0.03 must divide/);
  assert.throws(() => ratioHistogram([0.1, NaN]), /ratio 1 is NaN/);
  assert.throws(() => ratioHistogram([-0.1]), /ratio 0 is -0.1/);
});

test('ratioHistogram of a generated training split matches a direct count', () => {
  const ratios = makeTriplets(5, 40, { height: 32, width: 32, split: 'train' }).map((t) => t.maskRatio);
  const h = ratioHistogram(ratios, 0.05);
  for (let b = 0; b < 8; b++) {
    // integer pixel counts out of 1024 against integer edges: no floating point in the reference
    const direct = ratios.filter(
      (r) => Math.round(r * 1024) >= b * 0.05 * 1024 && Math.round(r * 1024) < (b + 1) * 0.05 * 1024,
    ).length;
    assert.equal(h.counts[b], direct, `bin ${b}`);
  }
  assert.equal(
    h.bucketCounts.reduce((a, b) => a + b, 0),
    40,
  );
});

test('examplesPerBucket takes the first items of each bucket in order; names a short bucket', () => {
  const test = makeTriplets(3, 10, { height: 32, width: 32, split: 'test' }); // balanced: buckets 0,1,2,3,0,1,...
  const rows = examplesPerBucket(test, 2);
  assert.deepEqual(
    rows.map((row) => row.map((t) => test.indexOf(t))),
    [
      [0, 4],
      [1, 5],
      [2, 6],
      [3, 7],
    ],
  );
  rows.forEach((row, b) => row.forEach((t) => assert.equal(t.bucket, b)));
  assert.throws(() => examplesPerBucket(test, 3), /bucket 20-30% has 2 item\(s\), need 3/);
  assert.throws(() => examplesPerBucket([{ bucket: 4 }], 1), /item has bucket 4/);
  assert.throws(() => examplesPerBucket(test, 0), /perBucket must be a positive integer/);
});
