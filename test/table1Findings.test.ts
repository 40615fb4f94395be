// table1Findings on hand-made Table I rows where each finding holds or fails, on the paper's own Table I, and the
// verdict sentence built from them. Hand-made rows are linear in d >= 0 where a slope is checked, so the expected
// least-squares slope is exact (compared to 1e-9).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  TABLE1_THRESHOLDS,
  type Table1Metric,
  type Table1Point,
  table1Findings,
  table1Points,
  table1Verdict,
} from '../lib/eval/table1';
import type { BucketStat } from '../lib/eval/resultRows';
import { loadPaperTables, paperSeries } from '../lib/eval/paperTables';

const D = [-2, 0, 2, 4, 6, 8];
const points = (rows: Record<string, number[]>): Table1Point[] =>
  Object.entries(rows).flatMap(([bucket, means]) => means.map((mean, i) => ({ bucket, d: D[i], mean })));
const one = (means: number[], metric: Table1Metric = 'psnr') =>
  table1Findings(points({ '0-10%': means }), metric).buckets[0];
const near = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('all three findings hold: d = 0 best, drop(-2) 10 dB vs drop(+2) 0.5 dB, slope -0.5 dB per 2 px (exact)', () => {
  const b = one([20, 30, 29.5, 29, 28.5, 28]);
  assert.deepEqual(b.bestAtZero, { holds: true, best: [0], margin: 0.5 });
  assert.equal(b.erosionHurtsMore.holds, true);
  near(b.erosionHurtsMore.dropEroded, 10);
  near(b.erosionHurtsMore.dropDilated, 0.5);
  near(b.erosionHurtsMore.ratio!, 20);
  assert.equal(b.slowFall.holds, true);
  near(b.slowFall.slopePer2px, -0.5);
});

test('finding 1 fails when a dilated mask scores higher than d = 0; best names that d', () => {
  const b = one([20, 30, 29, 30.5, 28, 27]);
  assert.equal(b.bestAtZero.holds, false);
  assert.deepEqual(b.bestAtZero.best, [4]);
  near(b.bestAtZero.margin, -0.5);
});

test(
  '64 px: d = +2 equal to d = 0 is a tie that counts as best; ' + 'drop(+2) = 0 gives ratio null and finding 2 holds',
  () => {
    const b = one([25, 30, 30, 29, 28.5, 28]);
    assert.deepEqual(b.bestAtZero.best, [0, 2]);
    assert.equal(b.bestAtZero.holds, true);
    assert.equal(b.bestAtZero.margin, 0);
    assert.equal(b.erosionHurtsMore.dropDilated, 0);
    assert.equal(b.erosionHurtsMore.ratio, null);
    assert.equal(b.erosionHurtsMore.holds, true);
  },
);

test('finding 2: factor 2 fails, exactly the factor 3 holds, eroding that helps fails', () => {
  const twice = one([28, 30, 29, 28.8, 28.6, 28.4]).erosionHurtsMore;
  assert.equal(twice.holds, false);
  near(twice.ratio!, 2);
  assert.equal(TABLE1_THRESHOLDS.erosionFactor, 3);
  assert.equal(one([27, 30, 29, 28.8, 28.6, 28.4]).erosionHurtsMore.holds, true);
  const helps = one([31, 30, 29.9, 29.8, 29.7, 29.6]);
  assert.equal(helps.erosionHurtsMore.holds, false);
  assert.equal(helps.bestAtZero.holds, false);
});

test(
  'finding 3: a fall of exactly 1 dB per 2 px fails, 0.95 holds; ' + 'rising or flat scores fail; SSIM limit 0.025',
  () => {
    const steep = one([20, 30, 29, 28, 27, 26]).slowFall;
    near(steep.slopePer2px, -1);
    assert.equal(steep.holds, false);
    const slow = one([20, 30, 29.05, 28.1, 27.15, 26.2]).slowFall;
    near(slow.slopePer2px, -0.95);
    assert.equal(slow.holds, true);
    const rising = one([20, 30, 30.2, 30.4, 30.6, 30.8]);
    near(rising.slowFall.slopePer2px, 0.2);
    assert.equal(rising.slowFall.holds, false);
    assert.equal(one([20, 30, 30, 30, 30, 30]).slowFall.holds, false);
    assert.equal(one([0.5, 0.9, 0.87, 0.84, 0.81, 0.78], 'ssim').slowFall.holds, false); // -0.03 per 2 px
    assert.equal(one([0.5, 0.9, 0.88, 0.86, 0.84, 0.82], 'ssim').slowFall.holds, true); // -0.02 per 2 px
  },
);

test(
  'a finding fails overall when it fails in one bucket; ' +
    'buckets come out in the paper order whatever the input order',
  () => {
    const f = table1Findings(
      points({
        '30-40%': [14, 19, 18.8, 18.6, 18.4, 18.2],
        '0-10%': [26, 32, 31.5, 31, 30.5, 30],
        '10-20%': [18, 24, 23.5, 25, 22.5, 22], // d = +4 best here
      }),
      'psnr',
    );
    assert.deepEqual(
      f.buckets.map((b) => b.bucket),
      ['0-10%', '10-20%', '30-40%'],
    );
    assert.deepEqual(
      f.buckets.map((b) => b.bestAtZero.holds),
      [true, false, true],
    );
    assert.equal(f.bestAtZero, false);
    assert.equal(f.erosionHurtsMore, true);
  },
);

test('custom comparison pair: eroding by 2 vs dilating by 4 (the 64-px equal-distance check)', () => {
  const f = table1Findings(points({ '0-10%': [25, 30, 30, 29, 28.5, 28] }), 'psnr', {
    ...TABLE1_THRESHOLDS,
    dilated: 4,
  });
  near(f.buckets[0].erosionHurtsMore.dropDilated, 1);
  near(f.buckets[0].erosionHurtsMore.ratio!, 5);
  assert.equal(f.erosionHurtsMore, true);
});

test("the paper's own Table I shows all three findings under these thresholds (its factors are 9 to 19)", () => {
  const tables = loadPaperTables();
  for (const metric of ['psnr', 'ssim'] as const) {
    const f = table1Findings(
      paperSeries(tables, 'table1_mask_size', metric).map((p) => ({
        bucket: p.bucket,
        d: p.x as number,
        mean: p.value as number,
      })),
      metric,
    );
    assert.equal(f.buckets.length, 4);
    assert.ok(f.bestAtZero && f.erosionHurtsMore && f.slowFall, `${metric}: ${JSON.stringify(f.buckets)}`);
    for (const b of f.buckets)
      assert.ok(b.erosionHurtsMore.ratio! > 9, `${metric} ${b.bucket}: ratio ${b.erosionHurtsMore.ratio}`);
  }
});

test('bad input: missing d, duplicate means, non-finite mean, no points, too few d >= 0', () => {
  assert.throws(
    () =>
      table1Findings(
        [
          { bucket: '0-10%', d: 2, mean: 1 },
          { bucket: '0-10%', d: -2, mean: 1 },
        ],
        'psnr',
      ),
    /no mean at d = 0/,
  );
  assert.throws(
    () => table1Findings([...points({ '0-10%': [1, 2, 3, 4, 5, 6] }), { bucket: '0-10%', d: 0, mean: 1 }], 'psnr'),
    /two means at d = 0/,
  );
  assert.throws(() => one([20, Infinity, 29, 28, 27, 26]), /not finite/);
  assert.throws(() => table1Findings([], 'psnr'), /no points/);
  assert.throws(
    () =>
      table1Findings(
        [
          { bucket: '0-10%', d: -2, mean: 1 },
          { bucket: '0-10%', d: 0, mean: 2 },
        ],
        'psnr',
        { ...TABLE1_THRESHOLDS, dilated: -2 },
      ),
    /two d >= 0/,
  );
});

test('table1Points keeps one metric and protocol of ground-truth masks (random masks have d256 null)', () => {
  const stat = (over: Partial<BucketStat>): BucketStat => ({
    mask: 'gt+0',
    d256: 0,
    metric: 'psnr',
    protocol: 'paper',
    bucket: '0-10%',
    mean: 1,
    se: 0.1,
    n: 2,
    ...over,
  });
  const stats = [
    stat({}),
    stat({ protocol: 'common', mean: 2 }),
    stat({ metric: 'ssim', mean: 3 }),
    stat({ mask: 'random', d256: null, mean: 4 }),
    stat({ d256: -2, mean: 5 }),
  ];
  assert.deepEqual(table1Points(stats, 'psnr', 'paper'), [
    { bucket: '0-10%', d: 0, mean: 1 },
    { bucket: '0-10%', d: -2, mean: 5 },
  ]);
  assert.throws(() => table1Points(stats, 'ssim', 'common'), /no ssim results under the 'common' protocol/);
});

test('verdict: says which findings are shown, with the counts per metric', () => {
  const good = { '0-10%': [20, 30, 29.5, 29, 28.5, 28] };
  const all = table1Verdict('x', [table1Findings(points(good), 'psnr')]);
  assert.match(all, /\(1\) d = 0 best: yes \(PSNR 1\/1 buckets/);
  assert.match(all, /shows all three of the paper's findings/);
  const steep = { '0-10%': [20, 30, 30, 28, 26, 24], '10-20%': [20, 30, 29.5, 29, 28.5, 28] };
  const some = table1Verdict('y', [table1Findings(points(steep), 'psnr')]);
  assert.match(some, /\(3\) scores fall slowly for d >= 0: partly \(PSNR 1\/2 buckets/);
  assert.match(some, /shows findings 1 and 2 of the paper in every bucket and metric, not finding 3/);
  const none = table1Verdict('z', [table1Findings(points({ '0-10%': [31, 30, 31, 32, 33, 34] }), 'psnr')]);
  assert.match(none, /shows none of the paper's findings/);
});
