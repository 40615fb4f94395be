// Tables II and III from fixed result rows: the per-cell statistics against hand-computed values, the C4 and C5
// verdicts on synthetic gaps that hold and that fail in each way, the paper's own tables through the same tests,
// the markdown beside the paper's quoted numbers, training-curve windows, and finding arm folders.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ExperimentResults, maskedInput } from '../lib/eval/experiment';
import { openTestSet } from '../lib/data/triplets';
import { MASK_RATIO_BUCKETS, MIN_MASK_RATIO } from '../lib/data/buckets';
import { maskRatio } from '../lib/image/raster';
import type { ResultRow } from '../lib/eval/resultRows';
import { findArms, table2Spec, table3Spec, TABLES, testSetSpec } from '../lib/eval/experiments';
import { loadPaperTables } from '../lib/eval/paperTables';
import {
  type Table2Cell,
  maskKindPictures,
  meanOverSeeds,
  paperTable2Cells,
  table2Cells,
  table2Findings,
  table2Markdown,
  table2Verdict,
  TABLE2_THRESHOLDS,
} from '../lib/eval/table2';
import {
  type Table3Curve,
  paperTable3Curve,
  table3Curves,
  table3Findings,
  table3Markdown,
  table3Verdict,
} from '../lib/eval/table3';
import { readTrainingCurves, windowMeans, writeTrainingCurves } from '../lib/eval/trainingCurves';

const BUCKETS = ['0-10%', '10-20%', '20-30%', '30-40%'];
const near = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const tables = loadPaperTables();
const record = { path: 'x/ckpt.json', stage: 'edge', preset: 'cpu', step: 1, sha256: '0' };
const checkpoints = {
  edge: record,
  segInpainter: { ...record, stage: 'segInpainter' },
  image: { ...record, stage: 'image' },
};

/** An experiment of `arm` on `testSet`: 8 images, two a bucket; value(image, mask) gives the PSNR. */
function experiment(
  table: 'table2' | 'table3',
  arm: string,
  testSet: string,
  value: (image: number, mask: string) => number,
): ExperimentResults {
  const spec = (table === 'table2' ? table2Spec : table3Spec)('tiny', arm, checkpoints, testSet);
  const rows: ResultRow[] = [];
  for (let image = 0; image < 8; image++) {
    for (const m of spec.masks) {
      const mask = m.kind === 'gt' ? 'gt+0' : 'random';
      rows.push({
        image,
        bucket: BUCKETS[image % 4],
        maskRatio: 0.05 + 0.1 * (image % 4),
        mask,
        d256: m.kind === 'gt' ? 0 : null,
        dPixels: m.kind === 'gt' ? 0 : null,
        holeRatio: 0.1,
        metric: 'psnr',
        protocol: 'paper',
        region: 'whole-image',
        value: value(image, mask),
      });
    }
  }
  return { spec, rows };
}

test('table2Spec / table3Spec: names, arms, masks (random holes only on photo-test), results folders', () => {
  const s = table2Spec('cpu', 'object-s1', checkpoints, 'photo-test');
  assert.equal(s.name, 'table2-object-s1-cpu-photo-test');
  assert.equal(s.arm, 'object-s1');
  assert.deepEqual(s.masks, [{ kind: 'gt', d256: 0 }, { kind: 'random' }]);
  assert.deepEqual(table2Spec('cpu', 'random-s0', checkpoints, 'procedural').masks, [{ kind: 'gt', d256: 0 }]);
  assert.equal(table2Spec('cpu', 'random-s0', checkpoints, 'procedural').name, 'table2-random-s0-cpu');
  assert.equal(table3Spec('cpu', 'pairs3400', checkpoints, 'vtest').name, 'table3-pairs3400-cpu-vtest');
  // the two differ in their paper table and masks alone (Table III: no random holes, even on photo-test)
  const t3 = table3Spec('cpu', 'pairs100', checkpoints);
  assert.equal(s.table, 'table2_mask_type');
  assert.equal(t3.table, 'table3_finetune_size');
  assert.equal(t3.name, 'table3-pairs100-cpu-photo-test');
  assert.deepEqual(t3.masks, [{ kind: 'gt', d256: 0 }]);
  for (const x of [s, t3]) {
    assert.equal(x.inpainter, 'ours');
    assert.equal(x.checkpoints, checkpoints);
    assert.deepEqual(x.testSet, testSetSpec('cpu', 'photo-test'));
    assert.deepEqual(
      x.metrics.map((m) => `${m.metric}/${m.protocol}`),
      ['psnr/paper', 'ssim/paper', 'psnr/common', 'ssim/common'],
    );
  }
  assert.equal(TABLES.table2.folder, 'table2');
  assert.equal(TABLES.table1.folder, '');
  assert.ok(
    TABLES.table2.arm.test('random-s12') && !TABLES.table2.arm.test('pairs100') && TABLES.table3.arm.test('pairs100'),
  );
});

test('meanOverSeeds averages each image across seeds and drops images a seed lacks', () => {
  const a = experiment('table2', 'object-s0', 'vtest', (i) => i).rows;
  const b = experiment('table2', 'object-s1', 'vtest', (i) => 3 * i).rows.filter((r) => r.image !== 5);
  const m = meanOverSeeds([a, b]);
  assert.equal(m.length, 7);
  assert.equal(m.find((r) => r.image === 3)!.value, 6);
  assert.equal(
    m.find((r) => r.image === 5),
    undefined,
  );
});

test('table2Cells: seed means, seed-averaged paired gap and its s.e., per-seed gaps (hand-computed)', () => {
  // random-s0: 20 + image; random-s1: 21 + image; object-sK: random-sK + gap(image), gap = 0.5 (first image of a
  // bucket) or 1.5 (second): every bucket's paired gap has mean 1 and standard error sd / sqrt(2) = 0.5.
  const gap = (i: number) => (i < 4 ? 0.5 : 1.5);
  const exps = [
    experiment('table2', 'random-s0', 'vtest', (i) => 20 + i),
    experiment('table2', 'random-s1', 'vtest', (i) => 21 + i),
    experiment('table2', 'object-s0', 'vtest', (i) => 20 + i + gap(i)),
    experiment('table2', 'object-s1', 'vtest', (i) => 21 + i + gap(i)),
  ];
  const cells = table2Cells(exps).filter((c) => c.metric === 'psnr');
  assert.equal(cells.length, 4);
  assert.deepEqual(
    cells.map((c) => c.bucket),
    BUCKETS,
  );
  const c = cells[1]; // images 1 and 5
  assert.equal(c.testSet, 'vtest');
  assert.deepEqual(c.random.seeds, [23, 24]);
  near(c.random.mean, 23.5);
  assert.deepEqual(c.object.seeds, [24, 25]);
  assert.deepEqual(c.random.seedNames, ['random-s0', 'random-s1']);
  near(c.gap.mean, 1);
  near(c.gap.se!, 0.5);
  assert.deepEqual(c.gap.perSeed, [1, 1]);
  assert.equal(c.gap.n, 2);
  // a test set with only one training kind has no cells
  assert.equal(table2Cells([exps[0]]).length, 0);
  // photo-test also gets the random-mask cross
  const photo = table2Cells([
    experiment('table2', 'random-s0', 'photo-test', () => 20),
    experiment('table2', 'object-s0', 'photo-test', (_, mask) => (mask === 'random' ? 19 : 21)),
  ]).filter((x) => x.metric === 'psnr');
  assert.deepEqual(
    photo.map((x) => `${x.testMasks} ${x.gap.mean}`),
    [...BUCKETS.map(() => 'object 1'), ...BUCKETS.map(() => 'random -1')],
  );
});

const cellsFrom = (testSet: string, gaps: number[], se: number, perSeed?: number[][]): Table2Cell[] =>
  gaps.map((g, k) => ({
    testSet,
    testMasks: 'object',
    metric: 'psnr',
    protocol: 'paper',
    bucket: BUCKETS[k],
    random: { mean: 20, seeds: [20], seedNames: ['random-s0'], n: 100 },
    object: { mean: 20 + g, seeds: [20 + g], seedNames: ['object-s0'], n: 100 },
    gap: { mean: g, se, n: 100, perSeed: perSeed ? perSeed[k] : [g, g] },
  }));

test('C4 holds when every bucket is ahead by more than 2 s.e. and the gap grows beyond noise', () => {
  const [f] = table2Findings(cellsFrom('photo-test', [0.3, 0.6, 0.9, 1.2], 0.1), 'psnr');
  assert.equal(f.beats, true);
  near(f.growth.slopePerBucket, 0.3);
  near(f.growth.firstToLast, 0.9);
  near(f.growth.needed, 2 * Math.sqrt(0.02));
  assert.equal(f.holds, true);
});

test('C4 fails: a bucket within 2 s.e. of zero; a seed behind; a flat gap; a growth inside the noise', () => {
  // 0.15 - 0.2 < 0
  assert.equal(table2Findings(cellsFrom('vtest', [0.15, 0.6, 0.9, 1.2], 0.1), 'psnr')[0].beats, false);
  const seedBehind = table2Findings(
    cellsFrom('vtest', [0.3, 0.6, 0.9, 1.2], 0.1, [[0.7, -0.1], [0.6], [0.9], [1.2]]),
    'psnr',
  )[0];
  assert.equal(seedBehind.buckets[0].holds, false);
  assert.equal(seedBehind.holds, false);
  const flat = table2Findings(cellsFrom('vtest', [1, 1, 1, 1], 0.1), 'psnr')[0];
  assert.equal(flat.beats, true);
  assert.equal(flat.growth.holds, false);
  const noisy = table2Findings(cellsFrom('vtest', [1, 1.1, 1.2, 1.3], 0.2), 'psnr')[0]; // growth 0.3 < 2 * sqrt(0.08)
  assert.equal(noisy.growth.slopePerBucket > 0, true);
  assert.equal(noisy.growth.holds, false);
  assert.equal(noisy.holds, false);
});

test("the paper's Table II passes C4 in PSNR and SSIM; the verdict names the thresholds and the real sets", () => {
  for (const metric of ['psnr', 'ssim'] as const) {
    const [f] = table2Findings(paperTable2Cells(tables, metric), metric);
    assert.equal(f.holds, true, metric);
  }
  const [p] = table2Findings(paperTable2Cells(tables, 'psnr'), 'psnr');
  near(p.buckets[0].gap, 0.24, 1e-9);
  near(p.growth.firstToLast, 1.16, 1e-9);
  const v = table2Verdict('ours', [
    ...table2Findings(cellsFrom('photo-test', [0.3, 0.6, 0.9, 1.2], 0.1), 'psnr'),
    ...table2Findings(cellsFrom('vtest', [1, 1, 1, 1], 0.1), 'psnr'),
  ]);
  assert.match(v, /gap − 2 s\.e\. > 0/);
  assert.match(v, /photo-test: .*C4 holds\./);
  assert.match(v, /vtest: .*C4 does not hold \(gap not growing\)/);
  assert.match(v, /=> PSNR: C4 holds in part on photo-test and vtest \(holds on photo-test only\)/);
  assert.match(
    table2Verdict('ours', table2Findings(cellsFrom('photo-test', [1, 2, 3, 4], 0.1), 'psnr')),
    /not measured on vtest/,
  );
  assert.equal(TABLE2_THRESHOLDS.z, 2);
});

test('table2Markdown puts our cells beside the paper (quoted) on object test masks only', () => {
  const exps = [
    experiment('table2', 'random-s0', 'photo-test', (i) => 20 + i),
    experiment('table2', 'object-s0', 'photo-test', (i, mask) => 20 + i + (mask === 'random' ? -0.25 : 0.5)),
  ];
  const md = table2Markdown(exps, tables);
  assert.match(md, /\|paper \(quoted\) random\|paper \(quoted\) object\|paper \(quoted\) object − random\|/);
  assert.match(
    md,
    new RegExp(
      String.raw`\|photo-test\|object\|0-10%\|22\.00\|22\.00\|22\.50\|22\.50\|\+0\.50 ± 0\.000\|` +
        String.raw`\+0\.50\|2\|32\.07\|32\.31\|\+0\.24\|`,
    ),
  );
  assert.match(
    md,
    /\|photo-test\|random\|30-40%\|25\.00\|25\.00\|24\.75\|24\.75\|−0\.25 ± 0\.000\|−0\.25\|2\|–\|–\|–\|/,
  );
  assert.doesNotMatch(md, /common protocol/); // no common-protocol rows in these results
});

const curve = (means: Array<[number, number]>, object: number | null): Table3Curve => {
  const pt = (n: number, mean: number) => ({
    n,
    share: n / 20000,
    mean,
    buckets: Object.fromEntries(BUCKETS.map((b) => [b, { mean, se: null, count: 1 }])),
  });
  return {
    testSet: 'photo-test',
    metric: 'psnr',
    protocol: 'paper',
    trainingPairs: 20000,
    points: means.map(([n, m]) => pt(n, m)),
    object: object === null ? null : pt(20000, object),
  };
};

test('C5 holds when the N nearest 16.9 % closes >= 50 % of the gap and the largest N adds <= half of that', () => {
  const f = table3Findings(
    curve(
      [
        [0, 20],
        [100, 20.2],
        [3400, 20.7],
        [10200, 20.8],
        [18600, 20.9],
      ],
      21,
    ),
  );
  assert.equal(f.first!.n, 3400);
  near(f.closed!, 0.7);
  near(f.addedAfter!, 0.2);
  assert.equal(f.holds, true);
});

test('C5 fails: too little closed; still climbing; no gap; no reference or no larger N', () => {
  assert.equal(
    table3Findings(
      curve(
        [
          [0, 20],
          [3400, 20.3],
          [18600, 20.4],
        ],
        21,
      ),
    ).closes,
    false,
  );
  const climbing = table3Findings(
    curve(
      [
        [0, 20],
        [3400, 20.6],
        [18600, 21.2],
      ],
      21,
    ),
  );
  assert.equal(climbing.closes, true);
  assert.equal(climbing.flattens, false);
  assert.match(climbing.why.join(), /adds more than 0\.5 x/);
  const noGap = table3Findings(
    curve(
      [
        [0, 21],
        [3400, 21.5],
        [18600, 21.5],
      ],
      20.5,
    ),
  );
  assert.equal(noGap.holds, false);
  assert.match(noGap.why.join(), /no gap to close/);
  assert.match(
    table3Findings(
      curve(
        [
          [0, 20],
          [3400, 20.8],
        ],
        null,
      ),
    ).why.join(),
    /no object-mask reference.*no N above N\* = 3400/,
  );
  // N* must be near the paper's 16.9 %: 1,000 of 20,000 (5 %) is not
  const far = table3Findings(
    curve(
      [
        [0, 20],
        [1000, 20.8],
        [18600, 20.9],
      ],
      21,
    ),
  );
  assert.equal(far.first, null);
  assert.equal(far.holds, false);
  assert.match(far.why.join(), /no fine-tuned N within 5 points of 16\.9 %/);
});

test(
  "the paper's Table III: C5 holds in PSNR (73 % closed), not in SSIM (9 %); " +
    'the verdict says so with its thresholds',
  () => {
    const psnr = table3Findings(paperTable3Curve(tables, 'psnr'));
    assert.equal(psnr.first!.n, 20000);
    near(psnr.closed!, (24.1875 - 23.5125) / (24.435 - 23.5125), 1e-9);
    assert.equal(psnr.holds, true);
    const ssim = table3Findings(paperTable3Curve(tables, 'ssim'));
    assert.equal(ssim.closes, false);
    const v = table3Verdict('paper (quoted)', [ssim]);
    assert.match(v, /closes >= 50 % of the random → object gap, and the largest N adds <= 0\.5 x/);
    assert.match(v, /C5 does not hold \(N = 20000 closes 9 % < 50 %\)/);
  },
);

test(
  'table3Curves takes N = 0 and the reference from Table II; ' + 'the markdown quotes the paper at the same share',
  () => {
    const t2 = [
      experiment('table2', 'random-s0', 'vtest', () => 20),
      experiment('table2', 'object-s0', 'vtest', () => 21),
    ];
    const t3 = [
      experiment('table3', 'pairs3400', 'vtest', () => 20.75),
      experiment('table3', 'pairs100', 'vtest', () => 20.25),
    ];
    const [c] = table3Curves(t3, t2).filter((x) => x.metric === 'psnr');
    assert.deepEqual(
      c.points.map((p) => [p.n, p.share, p.mean]),
      [
        [0, 0, 20],
        [100, 0.005, 20.25],
        [3400, 0.17, 20.75],
      ],
    );
    assert.equal(c.object!.mean, 21);
    assert.equal(c.trainingPairs, 20000);
    const f = table3Findings(c);
    near(f.closed!, 0.75);
    assert.equal(f.flattens, false); // no N above 3400
    const md = table3Markdown(t3, t2, tables);
    assert.match(md, /\|vtest\|3400\|17\.0 %\|20\.75 ± 0\.000\|.*\|20\.75\|20k\|32\.10\|24\.50\|21\.17\|18\.98\|/);
    assert.match(md, /\|vtest\|100\|0\.5 %\|.*\|–\|–\|–\|–\|–\|/);
    assert.match(md, /\|vtest\|object \(Table II\)\|–\|.*\|object\|32\.31\|24\.77\|21\.45\|19\.21\|/);
  },
);

test('windowMeans: means of each loss over windows of `every` steps, the last one shorter', () => {
  const log = [1, 2, 3, 4, 5].map((step) => ({ step, losses: { loss: step, l1: 10 * step } }));
  assert.deepEqual(windowMeans(log, 2), { steps: [2, 4, 5], losses: { l1: [15, 35, 50], loss: [1.5, 3.5, 5] } });
  assert.throws(() => windowMeans(log, 0), /every must be a positive integer/);
});

test('findArms: arm folders by name, also under DIR/<table>; a missing part or no arm is one clear error', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'arms-'));
  for (const arm of ['random-s0', 'object-s0', 'notes'])
    for (const p of ['edge', 'segInpainter', 'image'])
      fs.mkdirSync(path.join(root, 'table2', arm, p), { recursive: true });
  const arms = findArms('table2', root);
  assert.deepEqual(
    arms.map((a) => a.name),
    ['object-s0', 'random-s0'],
  );
  assert.equal(arms[1].checkpoints.segInpainter, path.join(root, 'table2', 'random-s0', 'segInpainter'));
  assert.deepEqual(
    findArms('table2', path.join(root, 'table2')).map((a) => a.name),
    ['object-s0', 'random-s0'],
  );
  assert.throws(() => findArms('table3', root), /no table3 arm folders \(named like \^pairs\(\\d\+\)\$\)/);
  fs.rmSync(path.join(root, 'table2', 'object-s0', 'image'), { recursive: true });
  assert.throws(() => findArms('table2', root), /table2 arm object-s0: no image\/ in/);
  assert.throws(() => findArms('table1', root), /scores inpainters by name/);
  fs.rmSync(root, { recursive: true });
});

test(
  'maskKindPictures: ' +
    'the object mask and the random hole of the same items, the hole fixed by the test seed and in the bucket',
  async () => {
    const testSet = testSetSpec('tiny', 'procedural');
    const { rows, captions } = await maskKindPictures(testSet, [0, 1, 2, 3]);
    assert.deepEqual([rows.length, rows[0].length, rows[1].length, captions[1].length], [2, 4, 4, 4]);
    assert.deepEqual([rows[0][0].height, rows[0][0].width, rows[0][0].channels], [64, 64, 3]);
    const itemAt = await openTestSet(testSet);
    for (const i of [0, 1, 2, 3]) {
      const t = await itemAt(i);
      const a = maskedInput(testSet, i, { kind: 'random' }, t);
      const b = maskedInput(testSet, i, { kind: 'random' }, await itemAt(i));
      assert.deepEqual(a.hole.data, b.hole.data);
      assert.equal(a.input, t.background); // the hole is filled over I_G and scored against it
      const { lo, hi } = MASK_RATIO_BUCKETS[t.bucket];
      const r = maskRatio(a.hole);
      assert.ok(
        r >= Math.max(lo, MIN_MASK_RATIO) - 0.02 && r <= hi + 0.02,
        `item ${i}: ratio ${r} outside ${lo}-${hi}`,
      );
      assert.match(captions[1][i], new RegExp(`^#${i} random ${(100 * r).toFixed(1)} %$`));
    }
    const other = maskedInput({ ...testSet, seed: testSet.seed + 1 }, 0, { kind: 'random' }, await itemAt(0));
    assert.notDeepEqual(other.hole.data, maskedInput(testSet, 0, { kind: 'random' }, await itemAt(0)).hole.data);
  },
);

test("curves.json written before the rename ('seg') reads under segInpainter, and keeps it when arms are added", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'curves-')), 'curves.json');
  const curve = { steps: [100], losses: { loss: [1] } };
  fs.writeFileSync(file, JSON.stringify({ every: 100, arms: { 'object-s0': { edge: curve, seg: curve } } }));
  assert.deepEqual(Object.keys(readTrainingCurves(file).arms['object-s0']), ['edge', 'segInpainter']);
  writeTrainingCurves(file, { every: 100, arms: { 'random-s0': { image: curve } } });
  const merged = readTrainingCurves(file).arms;
  assert.deepEqual(Object.keys(merged['object-s0']), ['edge', 'segInpainter']);
  assert.deepEqual(Object.keys(merged['random-s0']), ['image']);
  // the committed Table II curves hold a segInpainter curve for every arm (recorded as 'seg')
  const committed = readTrainingCurves(path.join(__dirname, '..', 'results', 'table2', 'curves.json')).arms;
  assert.ok(Object.values(committed).every((parts) => parts.segInpainter));
});
