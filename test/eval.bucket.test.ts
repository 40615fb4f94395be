// Per-bucket aggregation (lib/eval/bucket.ts): bucket boundaries and group means (exact arithmetic on small values).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { maskRatioBucket, meanByBucket } from '../lib/eval/bucket';
import { MetricResult } from '../lib/eval/result';

test('mask ratios fall in the paper buckets, lower-inclusive; 40 % and above is outside', () => {
  assert.equal(maskRatioBucket(0), '0-10');
  assert.equal(maskRatioBucket(0.0999), '0-10');
  assert.equal(maskRatioBucket(0.1), '10-20');
  assert.equal(maskRatioBucket(0.3), '30-40');
  assert.equal(maskRatioBucket(0.3999), '30-40');
  assert.equal(maskRatioBucket(0.4), null);
  assert.throws(() => maskRatioBucket(1.5), /ratio must be in \[0, 1\]/);
  assert.throws(() => maskRatioBucket(NaN), /ratio must be in \[0, 1\]/);
});

test('means are per (metric, protocol, region, bucket) and never mix protocols', () => {
  const r = (value: number, protocol = 'paper', metric: MetricResult['metric'] = 'psnr'): MetricResult => ({ metric, protocol, region: 'whole-image', value });
  const out = meanByBucket([
    { maskRatio: 0.15, result: r(20) },
    { maskRatio: 0.05, result: r(30) },
    { maskRatio: 0.12, result: r(24) },
    { maskRatio: 0.12, result: r(10, 'common') },
    { maskRatio: 0.05, result: r(0.9, 'paper', 'ssim') },
    { maskRatio: 0.55, result: r(99) },
  ]);
  const find = (metric: string, protocol: string, bucket: string) => out.find((b) => b.metric === metric && b.protocol === protocol && b.bucket === bucket);
  assert.deepEqual([find('psnr', 'paper', '10-20')?.mean, find('psnr', 'paper', '10-20')?.count], [22, 2]);
  assert.equal(find('psnr', 'common', '10-20')?.mean, 10);
  assert.equal(find('psnr', 'paper', '0-10')?.mean, 30);
  assert.equal(find('ssim', 'paper', '0-10')?.mean, 0.9);
  assert.equal(out.length, 4); // the 55 % row is outside the buckets
  assert.deepEqual(out.map((b) => b.bucket), ['0-10', '0-10', '10-20', '10-20']);
});
