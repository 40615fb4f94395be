// lib/eval/learnedMasks.ts on hand-made masks whose figures are worked out in the comments: full-width bands, so a
// mask's boundary is its top and bottom rows and the distance to m_G is a row difference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeLearnedMasks } from '../lib/eval/learnedMasks';
import type { Mask } from '../lib/image/raster';

const S = 40;
/** rows y0..y1-1 of an S x S image */
function band(y0: number, y1: number): Mask {
  const data = new Uint8Array(S * S);
  for (let y = y0; y < y1; y++) data.fill(1, y * S, (y + 1) * S);
  return { height: S, width: S, data };
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('per bucket and overall: mean dilation (px), coverage, area ratio, empty masks', () => {
  const small = band(10, 13); // 3 rows: 7.5 % of the image, bucket 0-10 %
  const large = band(10, 15); // 5 rows: 12.5 %, bucket 10-20 %
  const rows = describeLearnedMasks([
    { mask: small, maskGT: small }, // exact: dilation 0, coverage 1, area ratio 1
    { mask: band(0, 0), maskGT: small }, // empty: coverage 0, area ratio 0, no dilation
    { mask: band(8, 17), maskGT: large }, // 2 rows more on each side: dilation 2, coverage 1, area 9 / 5
  ]);
  assert.deepEqual(
    rows.map((r) => [r.bucket, r.count, r.empty]),
    [
      ['0-10%', 2, 1],
      ['10-20%', 1, 0],
      ['all', 3, 1],
    ],
  );
  const [b0, b1, all] = rows;
  close(b0.meanDilation, 0, 'bucket 0 dilation');
  close(b0.coverage, 0.5, 'bucket 0 coverage');
  close(b0.areaRatio, 0.5, 'bucket 0 area ratio');
  close(b1.meanDilation, 2, 'bucket 1 dilation');
  close(b1.coverage, 1, 'bucket 1 coverage');
  close(b1.areaRatio, 1.8, 'bucket 1 area ratio');
  close(all.meanDilation, 1, 'all: dilation over the 2 non-empty masks');
  close(all.coverage, 2 / 3, 'all coverage');
  close(all.areaRatio, 2.8 / 3, 'all area ratio');
  // a mask inside m_G reaches less far than m_G: negative dilation
  assert.ok(describeLearnedMasks([{ mask: band(11, 14), maskGT: large }])[0].meanDilation < 0);
});

test('every mask of a bucket empty: dilation NaN; m_G outside the buckets or no items refused', () => {
  const [row] = describeLearnedMasks([{ mask: band(0, 0), maskGT: band(10, 13) }]);
  assert.ok(Number.isNaN(row.meanDilation));
  assert.equal(row.empty, 1);
  assert.throws(() => describeLearnedMasks([{ mask: band(0, 20), maskGT: band(0, 20) }]), /item 0: m_G covers 50.0 %/);
  assert.throws(() => describeLearnedMasks([]), /no items/);
});
