// pairedDifferenceByBucket: per-image differences of two inpainters on the same images, checked against values
// worked out by hand, and its refusals.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { pairedDifferenceByBucket, type ResultRow } from '../lib/eval/resultRows';

const row = (image: number, bucket: string, value: number, metric = 'psnr'): ResultRow => ({
  image,
  bucket,
  maskRatio: 0.05,
  mask: 'gt+0',
  d256: 0,
  dPixels: 0,
  holeRatio: 0.05,
  metric,
  protocol: 'paper',
  region: 'whole-image',
  value,
});

test('paired difference: mean and standard error of ours - theirs per bucket, unmatched rows ignored', () => {
  // bucket 0-10 %: differences 1, 2, 6 -> mean 3, sample variance ((-2)^2 + (-1)^2 + 3^2) / 2 = 7, se sqrt(7 / 3)
  const ours = [
    row(0, '0-10%', 31),
    row(1, '0-10%', 22),
    row(2, '0-10%', 36),
    row(3, '10-20%', 20),
    row(9, '10-20%', 5),
  ];
  const theirs = [row(0, '0-10%', 30), row(1, '0-10%', 20), row(2, '0-10%', 30), row(3, '10-20%', 25)];
  const d = pairedDifferenceByBucket(ours, theirs);
  assert.equal(d.length, 2);
  assert.equal(d[0].bucket, '0-10%');
  assert.equal(d[0].n, 3);
  assert.ok(Math.abs(d[0].mean - 3) < 1e-12);
  assert.ok(Math.abs((d[0].se as number) - Math.sqrt(7 / 3)) < 1e-12);
  assert.deepEqual([d[1].bucket, d[1].mean, d[1].se, d[1].n], ['10-20%', -5, null, 1]);
});

test('paired difference: metrics stay apart, an infinite PSNR is skipped and counted', () => {
  const ours = [row(0, '0-10%', 40), row(1, '0-10%', Infinity), row(0, '0-10%', 0.9, 'ssim')];
  const theirs = [row(0, '0-10%', 38), row(1, '0-10%', 35), row(0, '0-10%', 0.8, 'ssim')];
  const [psnr, ssim] = pairedDifferenceByBucket(ours, theirs);
  assert.deepEqual([psnr.metric, psnr.mean, psnr.n, psnr.skipped], ['psnr', 2, 1, 1]);
  assert.equal(ssim.metric, 'ssim');
  assert.ok(Math.abs(ssim.mean - 0.1) < 1e-12);
});

test('paired difference: two test sets or no common image are refused', () => {
  assert.throws(
    () => pairedDifferenceByBucket([row(0, '0-10%', 1)], [row(0, '10-20%', 1)]),
    /buckets 0-10% and 10-20%/,
  );
  assert.throws(() => pairedDifferenceByBucket([row(0, '0-10%', 1)], [row(1, '0-10%', 1)]), /no image is in both/);
});
