// Tables IV and V findings on fixed synthetic rows: C6 (interior optimum in alpha, masks growing), C7 (ours > w/o
// MEL > segmenter-mask rows), C8 (MEL's gain largest at large ratios) holding and failing each way; k chosen on the
// validation split only; the paper's quoted tables through the same rules.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findJointArms } from '../lib/eval/experiments';
import type { ExperimentResults, RemovalSpec } from '../lib/eval/experiment';
import type { ResultRow } from '../lib/eval/resultRows';
import { c6Verdicts, paperC6, parseTable4Arm, refinerMelGain, table4Markdown } from '../lib/eval/table4';
import { c7Verdict, c8Verdict, chooseK, paperC7C8, table5Markdown, table5Rows } from '../lib/eval/table5';
import { TABLE5_LPS_SEGMENTER } from '../lib/eval/experiments';
import { MASK_RATIO_BUCKETS } from '../lib/data/buckets';

const N = 40; // 10 images a bucket
const RATIO = [0.05, 0.15, 0.25, 0.35];
// a deterministic spread around 0, the same for every arm, so paired gaps are exact and means carry noise
const jitter = (i: number) => Math.sin(i * 12.9898) * 2;

function exp(o: {
  table: string;
  arm?: string;
  inpainter: string;
  removal: RemovalSpec;
  testSet: string;
  score: (i: number, bucket: number) => number;
  offset?: number;
  noise?: number;
}): ExperimentResults {
  const rows: ResultRow[] = [];
  for (let i = 0; i < N; i++) {
    const b = i % 4;
    rows.push({
      image: i,
      bucket: MASK_RATIO_BUCKETS[b].label,
      maskRatio: RATIO[b],
      mask: 'selected',
      d256: null,
      dPixels: null,
      holeRatio: RATIO[b],
      metric: 'psnr',
      protocol: 'paper',
      region: 'whole-image',
      value: o.score(i, b) + jitter(i) + (o.noise ?? 0) * Math.cos(i * 7.1),
      maskStats: { iou: 0.8, boundaryF: 0.7, coverage: 0.95, areaRatio: 1.1, meanOffset: o.offset ?? 0 },
    });
  }
  return {
    spec: {
      name: `${o.arm ?? o.inpainter}-${o.testSet}`,
      table: o.table,
      inpainter: o.inpainter,
      arm: o.arm,
      testSet: { kind: o.testSet as 'photo-test', seed: 1, count: N, size: 64 },
      removal: o.removal,
      masks: [{ kind: 'selected' }],
      metrics: [{ metric: 'psnr', protocol: 'paper' }],
    },
    rows,
  };
}
const joint: RemovalSpec = { method: 'joint', checkpoint: { file: 'x', step: 1, sha256: 'x' } };
const seg = (k: number): RemovalSpec => ({ method: 'segmenterMask', segmenter: 's', k });
const alphaArms = (scores: number[], offsets: number[], noise = 0) =>
  [0.01, 0.03, 0.05, 0.07].map((a, j) =>
    exp({
      table: 'table4_alpha',
      arm: `alpha${a}`,
      inpainter: 'joint',
      removal: joint,
      testSet: 'photo-test',
      score: () => scores[j],
      offset: offsets[j],
      noise: j === 1 ? noise : 0,
    }),
  );

test('C6 holds for an interior optimum clear of both ends, with masks growing', () => {
  const [v] = c6Verdicts(alphaArms([30, 31, 30.5, 29.8], [0.5, 1, 1.5, 2]), 'psnr');
  assert.equal(v.best, 0.03);
  assert.ok(v.interior && v.holds && v.masksGrow, v.text);
  assert.ok(Math.abs(v.gapToEnds[0].gap.mean - 1) < 1e-9);
  assert.match(table4Markdown(alphaArms([30, 31, 30.5, 29.8], [0.5, 1, 1.5, 2]), 'psnr'), /alpha0.03 .* 30.87 \|/);
});

test('C6 fails at an end optimum, and within the noise; masks not growing is reported', () => {
  const end = c6Verdicts(alphaArms([30, 30.5, 31, 31.5], [2, 1, 1, 1]), 'psnr')[0];
  assert.equal(end.best, 0.07);
  assert.ok(!end.interior && !end.holds && !end.masksGrow);
  // interior by 0.05 dB with per-image noise of +-1 dB on the best arm: not beyond 2 s.e.
  const noisy = c6Verdicts(alphaArms([30, 30.05, 30, 30], [0, 1, 2, 3], 1), 'psnr')[0];
  assert.ok(noisy.interior && !noisy.holds, noisy.text);
});

const t5 = (scores: Record<string, (b: number) => number>, valScores = [20, 20.5, 21, 20.8, 20.2]) => {
  const table5 = [
    ...['telea', 'meanFill', 'ours'].map((f) =>
      exp({
        table: 'table5_sota',
        inpainter: f,
        removal: seg(0),
        testSet: 'photo-test',
        score: (_, b) => scores[`segmask-${f}-k0`](b),
      }),
    ),
    ...[1, 2, 3, 4].map((k) =>
      exp({
        table: 'table5_sota',
        inpainter: 'ours',
        removal: seg(k),
        testSet: 'photo-test',
        score: (_, b) => scores[`segmask-ours-k${k}`]?.(b) ?? 0,
      }),
    ),
    ...valScores.map((v, k) =>
      exp({ table: 'table5_sota', inpainter: 'ours', removal: seg(k), testSet: 'photo-validation', score: () => v }),
    ),
  ];
  const table4 = ['nomel', 'alpha0.03'].map((arm) =>
    exp({
      table: 'table4_alpha',
      arm,
      inpainter: 'joint',
      removal: joint,
      testSet: 'photo-test',
      score: (_, b) => scores[arm](b),
    }),
  );
  return table5Rows(table5, table4, 'photo-test');
};

test('k is chosen on the validation split, never on test', () => {
  // on test k = 4 is best by far, on validation k = 2
  const rows = t5({
    'segmask-telea-k0': () => 20,
    'segmask-meanFill-k0': () => 18,
    'segmask-ours-k0': () => 20,
    'segmask-ours-k2': () => 21,
    'segmask-ours-k4': () => 30,
    nomel: () => 25,
    'alpha0.03': () => 26,
  });
  assert.deepEqual(
    rows.map((r) => r.key),
    ['segmask-telea-k0', 'segmask-meanFill-k0', 'segmask-ours-k0', 'segmask-ours-k2', 'nomel', 'alpha0.03'],
  );
  assert.equal(chooseK(rows.map((r) => r.experiment))?.k ?? null, null); // test rows alone choose nothing
});

test('C7 and C8 hold and fail each way', () => {
  const base = {
    'segmask-telea-k0': () => 20,
    'segmask-meanFill-k0': () => 18,
    'segmask-ours-k0': () => 20,
    'segmask-ours-k2': () => 21,
    nomel: () => 25,
  };
  const good = t5({ ...base, 'alpha0.03': (b: number) => 25.5 + b });
  assert.ok(c7Verdict(good, 'psnr')!.holds);
  const c8 = c8Verdict(good, 'psnr')!;
  assert.ok(c8.holds && c8.largestAt === '30-40%' && Math.abs(c8.spread.mean - 3) < 1e-9, c8.text);
  // the gain largest at small ratios: C8 fails, C7 still holds
  const small = t5({ ...base, 'alpha0.03': (b: number) => 29 - b });
  assert.ok(c7Verdict(small, 'psnr')!.holds && !c8Verdict(small, 'psnr')!.holds);
  // w/o MEL below the dilated baseline: C7 fails
  const weak = t5({ ...base, nomel: () => 20.5, 'alpha0.03': () => 26 });
  assert.ok(!c7Verdict(weak, 'psnr')!.holds);
  // ours level with w/o MEL: C7 fails
  assert.ok(!c7Verdict(t5({ ...base, 'alpha0.03': () => 25 }), 'psnr')!.holds);
  assert.match(table5Markdown(good, 'psnr'), /\| Ours \(paper \(quoted\)\) \| 31.07 \| 24.71 \| 25.62 \| 26.5 \|/);
});

test("the fine-tuned segmenter's rows: their own k on validation, and C7 compares w/o MEL with them too", () => {
  const lps = (k: number): RemovalSpec => ({ method: 'segmenterMask', segmenter: TABLE5_LPS_SEGMENTER, k });
  const table5 = [
    exp({ table: 'table5_sota', inpainter: 'telea', removal: seg(0), testSet: 'photo-test', score: () => 20 }),
    exp({ table: 'table5_sota', inpainter: 'telea', removal: lps(0), testSet: 'photo-test', score: () => 24.9 }),
    exp({ table: 'table5_sota', inpainter: 'ours', removal: lps(0), testSet: 'photo-test', score: () => 24 }),
    exp({ table: 'table5_sota', inpainter: 'ours', removal: lps(3), testSet: 'photo-test', score: () => 24.5 }),
    ...[20, 21, 22, 23, 22].map((v, k) =>
      exp({ table: 'table5_sota', inpainter: 'ours', removal: lps(k), testSet: 'photo-validation', score: () => v }),
    ),
  ];
  const table4 = ['nomel', 'alpha0.03'].map((arm, j) =>
    exp({ table: 'table4_alpha', arm, inpainter: 'joint', removal: joint, testSet: 'photo-test', score: () => 25 + j }),
  );
  assert.equal(chooseK(table5, 'segmasklps')?.k, 3);
  assert.equal(chooseK(table5)?.k ?? null, null, 'the pretrained segmenter has no validation rows here');
  const rows = table5Rows(table5, table4, 'photo-test');
  assert.deepEqual(
    rows.map((r) => r.key),
    ['segmask-telea-k0', 'segmasklps-telea-k0', 'segmasklps-ours-k0', 'segmasklps-ours-k3', 'nomel', 'alpha0.03'],
  );
  // w/o MEL (25) is 0.1 dB above Telea on the fine-tuned mask, with no noise: beyond 2 s.e. = 0; then level: fails
  assert.ok(c7Verdict(rows, 'psnr')!.holds);
  const level = table5Rows(
    table5.map((e) =>
      e.spec.removal?.method === 'segmenterMask' &&
      e.spec.removal.segmenter === TABLE5_LPS_SEGMENTER &&
      e.spec.inpainter === 'telea'
        ? exp({ table: 'table5_sota', inpainter: 'telea', removal: lps(0), testSet: 'photo-test', score: () => 25 })
        : e,
    ),
    table4,
    'photo-test',
  );
  const v = c7Verdict(level, 'psnr')!;
  assert.ok(!v.holds && v.noMelVsBaselines.some((g) => g.key === 'segmasklps-telea-k0'), v.text);
});

test("the paper's quoted Tables IV and V through the same rules", () => {
  assert.match(paperC6(), /best alpha 0.03 \(30.87\).*interior optimum/);
  const [c7, c8] = paperC7C8('psnr');
  assert.match(c7, /does not hold$/); // w/o MEL 29.60 < Hi-fill 30.43 dB at 0-10 %
  assert.match(c8, /largest at 0-10 %: does not hold/);
});

test('Table IV arms: joint run folders named alphaA or nomel, each with a checkpoint or an export', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'table4-arms-'));
  fs.mkdirSync(path.join(dir, 'table4', 'alpha0.03'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'table4', 'nomel'));
  fs.mkdirSync(path.join(dir, 'table4', 'other'));
  fs.writeFileSync(path.join(dir, 'table4', 'alpha0.03', 'ckpt.json'), '{}');
  assert.throws(() => findJointArms(dir), /table4 arm nomel: .* holds no joint run/);
  fs.writeFileSync(path.join(dir, 'table4', 'nomel', 'weights.json'), '{}');
  assert.deepEqual(
    findJointArms(dir).map((a) => a.name),
    ['alpha0.03', 'nomel'],
  );
  assert.deepEqual([parseTable4Arm('alpha0.03'), parseTable4Arm('nomel')], [0.03, null]);
  assert.throws(() => findJointArms(path.join(dir, 'table4', 'other')), /no table4 arm folders/);
  fs.rmSync(dir, { recursive: true });
});

test("refiner arms: outside C6, shown as rows, their MEL gain paired; 'refiner-' parses as its alpha", () => {
  assert.equal(parseTable4Arm('refiner-alpha0.03'), 0.03);
  assert.equal(parseTable4Arm('refiner-nomel'), null);
  const paper = alphaArms([30, 31, 30.2, 29.5], [0.1, 0.5, 1, 1.5]);
  const refiner = (arm: string, score: number) =>
    exp({ table: 'table4_alpha', arm, inpainter: 'joint', removal: joint, testSet: 'photo-test', score: () => score });
  // a refiner arm at an end of the alpha axis scoring far above every paper arm must not move C6's optimum
  const withRefiner = [...paper, refiner('refiner-alpha0.07', 40), refiner('refiner-alpha0.03', 33)];
  const [v] = c6Verdicts(withRefiner, 'psnr');
  assert.deepEqual([v.best, v.alphas], [0.03, [0.01, 0.03, 0.05, 0.07]]);
  assert.match(table4Markdown(withRefiner, 'psnr'), /\| photo-test \| refiner-alpha0\.07 \|/);
  assert.deepEqual(refinerMelGain(withRefiner, 'psnr'), [], 'no refiner-nomel arm: no gain line');
  const gain = refinerMelGain([...withRefiner, refiner('refiner-nomel', 32.5)], 'psnr');
  assert.deepEqual(gain, ['MEL on the refiner (photo-test, psnr paper): alpha 0.03 - no MEL 0.50 ± 0.00: MEL helps']);
});
