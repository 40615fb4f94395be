// Table V's perceptual scores (issue 16 item 4): the spec of a row's perceptual experiment (name, items, metrics),
// the FID-like score of a removal experiment against an independent recomputation from the pooled features, and the
// report's LPIPS-like and FID-like tables from rows built here (values known in advance), beside the paper's
// quoted LPIPS and FID, k* taken from the PSNR experiments' validation.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MASK_RATIO_BUCKETS } from '../lib/data/buckets';
import { openTestSet } from '../lib/data/triplets';
import { initBackend } from '../lib/backend/index';
import {
  type ExperimentResults,
  type ExperimentSpec,
  LPIPS_LIKE_PROTOCOL,
  type RemovalSpec,
  runExperiment,
} from '../lib/eval/experiment';
import {
  TABLE5_LPS_SEGMENTER,
  TABLE5_SCRATCH_SEGMENTER,
  table5PerceptualSpec,
  testSetSpec,
} from '../lib/eval/experiments';
import { buildFigures } from '../lib/cli/figures';
import { FID_LIKE_FILE, type FidLikeSummary, fidLikeOfRemoval, inceptionPoolFeatures } from '../lib/eval/fidLike';
import { frechetDistanceOfFeatures } from '../lib/eval/frechet';
import type { ResultRow } from '../lib/eval/resultRows';
import {
  PERCEPTUAL_LABEL,
  type Table5Perceptual,
  loadTable5Perceptual,
  table5PerceptualSection,
  table5Results,
  table5Rows,
} from '../lib/eval/table5';
import type { Remover } from '../lib/pipeline/jointRemoval';

const inputSize = 75; // the smallest InceptionV3 takes, to stay fast (the experiments' default is 299)
const seg = (k: number): RemovalSpec => ({ method: 'segmenterMask', segmenter: 'mediapipe-selfie', k });
const joint: RemovalSpec = { method: 'joint', checkpoint: { file: 'x', step: 600, sha256: 'x' } };

test("a row's perceptual spec: named after the row and set size, N items a bucket, PSNR beside LPIPS-like", () => {
  const s = table5PerceptualSpec('cpu', { inpainter: 'telea', removal: seg(0) }, 'photo-test', 25);
  assert.equal(s.name, 'table5-perceptual100-segmask-telea-k0-cpu-photo-test');
  assert.deepEqual(s.testSet, { ...testSetSpec('cpu', 'photo-test'), count: 100 });
  assert.deepEqual(s.metrics, [
    { metric: 'psnr', protocol: 'paper' },
    { metric: 'lpipsLike', protocol: LPIPS_LIKE_PROTOCOL },
  ]);
  assert.equal(s.table, 'table5_sota');
  const j = table5PerceptualSpec('cpu', { inpainter: 'joint', arm: 'alpha0.03', removal: joint }, 'vtest', 25);
  assert.equal(j.name, 'table5-perceptual100-alpha0.03-cpu-vtest');
  assert.equal(j.arm, 'alpha0.03');
  assert.throws(() => table5PerceptualSpec('cpu', { inpainter: 'joint', removal: joint }, 'vtest', 25), /arm/);
  assert.throws(() => table5PerceptualSpec('cpu', { inpainter: 'telea', removal: seg(0) }, 'vtest', 101), /at most/);
  assert.throws(() => table5PerceptualSpec('cpu', { inpainter: 'telea', removal: seg(0) }, 'vtest', 1), /at least/);
});

test('FID-like of a removal experiment: its outputs against its ground truths, all items and per bucket', async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fidlike-'));
  const spec: ExperimentSpec = {
    name: 'fid-test',
    table: 'table5_sota',
    inpainter: 'joint',
    arm: 'alpha0.03',
    testSet: { kind: 'procedural', seed: 1001, count: 8, size: 64 },
    removal: joint,
    masks: [{ kind: 'selected' }],
    metrics: [{ metric: 'psnr', protocol: 'paper' }],
  };
  const itemAt = await openTestSet(spec.testSet);
  const items = await Promise.all(Array.from({ length: 8 }, (_, i) => itemAt(i)));
  // the perfect remover returns I_G; the other darkens I (the object left in)
  const perfect: Remover = async (image, mask) => ({
    output: items.find((t) => t.image.data.every((v, p) => v === image.data[p]))!.background,
    mask,
  });
  const darken: Remover = async (image, mask) => ({
    output: { ...image, data: Float32Array.from(image.data, (v) => v * 0.6) },
    mask,
  });
  await assert.rejects(
    fidLikeOfRemoval(spec, darken, path.join(dir, spec.name), { inputSize }),
    /run the experiment first/,
  );
  await runExperiment(spec, { remover: perfect, resultsDir: dir, progress: false });
  const exact = await fidLikeOfRemoval(spec, perfect, path.join(dir, spec.name), { inputSize });
  assert.equal(exact.protocol, 'inceptionV3-nsfwjs@75');
  assert.ok(Math.abs(exact.all.value) < 1e-6, `identical sets: ${exact.all.value}`);
  assert.deepEqual(
    exact.buckets.map((b) => [b.bucket, b.count]),
    MASK_RATIO_BUCKETS.map((b) => [b.label, 2]),
  );
  // computed once: the file is returned as it is, the remover not called
  const failing: Remover = async () => {
    throw new Error('called');
  };
  assert.deepEqual(await fidLikeOfRemoval(spec, failing, path.join(dir, spec.name), { inputSize }), exact);

  const other = { ...spec, name: 'fid-test-dark' };
  await runExperiment(other, { remover: darken, resultsDir: dir, progress: false });
  const dark = await fidLikeOfRemoval(other, darken, path.join(dir, other.name), { inputSize });
  const outputs = await inceptionPoolFeatures(
    await Promise.all(items.map(async (t) => (await darken(t.image, t.mask, t.labels)).output)),
    { inputSize },
  );
  const truths = await inceptionPoolFeatures(
    items.map((t) => t.background),
    { inputSize },
  );
  assert.ok(Math.abs(dark.all.value - frechetDistanceOfFeatures(outputs, truths)) < 1e-6 * dark.all.value);
  assert.ok(dark.all.value > 0.01, `${dark.all.value}`);
  const inBucket = (b: number) => items.flatMap((t, i) => (t.bucket === b ? [i] : []));
  for (const [b, s] of dark.buckets.entries()) {
    const idx = inBucket(b);
    const expected = frechetDistanceOfFeatures(
      idx.map((i) => outputs[i]),
      idx.map((i) => truths[i]),
    );
    assert.ok(Math.abs(s.value - expected) < 1e-6 * expected, `${s.bucket}: ${s.value} vs ${expected}`);
  }
  const onDisk = JSON.parse(fs.readFileSync(path.join(dir, other.name, FID_LIKE_FILE), 'utf8')) as FidLikeSummary;
  assert.deepEqual(onDisk, dark);
  fs.rmSync(dir, { recursive: true });
});

const N = 8; // 2 items a bucket
function exp(o: {
  name: string;
  inpainter: string;
  removal: RemovalSpec;
  testSet?: string;
  arm?: string;
  metrics: Record<string, (i: number, b: number) => number>;
}): ExperimentResults {
  const rows: ResultRow[] = [];
  for (let i = 0; i < N; i++)
    for (const [key, value] of Object.entries(o.metrics)) {
      const [metric, protocol] = key.split('|');
      rows.push({
        image: i,
        bucket: MASK_RATIO_BUCKETS[i % 4].label,
        maskRatio: 0.05 + 0.1 * (i % 4),
        mask: 'selected',
        d256: null,
        dPixels: null,
        holeRatio: 0.05 + 0.1 * (i % 4),
        metric,
        protocol,
        region: 'whole-image',
        value: value(i, i % 4),
        maskStats: { iou: 0.8, boundaryF: 0.7, coverage: 0.9, areaRatio: 1, meanOffset: 0 },
      });
    }
  return {
    spec: {
      name: o.name,
      table: 'table5_sota',
      inpainter: o.inpainter,
      arm: o.arm,
      testSet: { kind: (o.testSet ?? 'photo-test') as 'photo-test', seed: 1001, count: N, size: 64 },
      removal: o.removal,
      masks: [{ kind: 'selected' }],
      metrics: Object.keys(o.metrics).map((k) => {
        const [metric, protocol] = k.split('|');
        return { metric, protocol } as ExperimentSpec['metrics'][number];
      }),
    },
    rows,
  };
}

const LPIPS = `lpipsLike|${LPIPS_LIKE_PROTOCOL}`;
// LPIPS-like 0.1 * (bucket + 1) + 0.01 * row, alternating +-0.002 between the two items of a bucket
const perceptualRow = (name: string, r: number, o: { inpainter: string; removal: RemovalSpec; arm?: string }) =>
  exp({
    name,
    ...o,
    metrics: {
      'psnr|paper': () => 25 + r,
      [LPIPS]: (i, b) => 0.1 * (b + 1) + 0.01 * r + (i < 4 ? 0.002 : -0.002),
    },
  });
const fidSummary = (name: string, v: number): FidLikeSummary => ({
  experiment: name,
  metric: 'fidLikeInception',
  protocol: LPIPS_LIKE_PROTOCOL,
  all: { count: N, value: v },
  buckets: MASK_RATIO_BUCKETS.map((b, i) => ({ bucket: b.label, count: 2, value: v + i })),
});

test("the report's perceptual section: LPIPS-like per bucket ± s.e., FID-like, the paper's quoted, k* from PSNR", () => {
  const defs = [
    ['telea', seg(0)],
    ['meanFill', seg(0)],
    ['ours', seg(0)],
    ['ours', seg(2)],
  ] as const;
  const perceptual: Table5Perceptual[] = [
    ...defs.map(([inpainter, removal], r) => {
      const name = `p-${inpainter}-k${(removal as { k: number }).k}`;
      return { experiment: perceptualRow(name, r, { inpainter, removal }), fid: fidSummary(name, 1 + r) };
    }),
    ...['nomel', 'alpha0.03'].map((arm, j) => ({
      experiment: perceptualRow(`p-${arm}`, 4 + j, { inpainter: 'joint', removal: joint, arm }),
      fid: j === 0 ? fidSummary(`p-${arm}`, 5) : null,
    })),
  ];
  // the PSNR table's rows: its validation chooses k = 2 (without it the k = 2 row is not a row of the table); a
  // row of the fine-tuned segmenter's masks has no perceptual experiment
  const validation = [0, 1, 2, 3, 4].map((k) =>
    exp({
      name: `v${k}`,
      inpainter: 'ours',
      removal: seg(k),
      testSet: 'photo-validation',
      metrics: { 'psnr|paper': () => (k === 2 ? 30 : 20) },
    }),
  );
  const psnr = (inpainter: string, removal: RemovalSpec, arm?: string) =>
    exp({ name: `t-${inpainter}-${arm}`, inpainter, removal, arm, metrics: { 'psnr|paper': () => 20 } });
  const lps: RemovalSpec = { method: 'segmenterMask', segmenter: TABLE5_LPS_SEGMENTER, k: 0 };
  const psnrTable5 = [...defs.map(([f, removal]) => psnr(f, removal)), psnr('telea', lps)];
  const psnrTable4 = ['nomel', 'alpha0.03'].map((arm) => psnr('joint', joint, arm));
  const psnrRows = table5Rows([...psnrTable5, ...validation], psnrTable4, 'photo-test');
  const md = table5PerceptualSection(perceptual, psnrRows).join('\n');
  assert.match(md, /Not scored here: Telea \(L_PS-fine-tuned segmenter mask\)\.\n/);
  assert.ok(md.includes(PERCEPTUAL_LABEL));
  assert.match(md, /first 8 items of photo-test \(2 a bucket\)/);
  // the dilated row r = 3: buckets 0.13, 0.23, 0.33, 0.43 (the +-0.002 cancel), the mean 0.28; each bucket's s.e.
  // 0.002 (2 items 0.004 apart), averaged over 4 buckets: sqrt(4 x 0.002^2) / 4 = 0.001
  assert.match(
    md,
    /\| our inpainting network \(segmenter mask \+ 2 px, k chosen on validation\) \| 0\.1300 \| 0\.2300 \| 0\.3300 \| 0\.4300 \| 0\.2800 ± 0\.0010 \|/,
  );
  assert.match(md, /\| ours \| 0\.1500 \| 0\.2500 \| 0\.3500 \| 0\.4500 \| 0\.3000 ± 0\.0010 \|/);
  // the paper's LPIPS (Ours: 0.094 ...) and FID (G&L: 0.31 ...; none quoted for ours) beside
  assert.match(md, /\| Ours \(paper \(quoted\)\) \| 0\.094 \| 0\.165 \| 0\.187 \| 0\.193 \|/);
  assert.match(md, /\| G&L \(paper \(quoted\), FID\) \| 0\.31 \| 7\.48 \| 11\.17 \| 16\.25 \| – \| – \|/);
  assert.doesNotMatch(md, /Ours \(paper \(quoted\), FID\)/);
  // FID-like cells: buckets v, v + 1, ...; all v; the PSNR of the same items; a row without its FID file: '–'
  assert.match(
    md,
    /\| mean fill \(segmenter mask\) \| 2\.000 \| 3\.000 \| 4\.000 \| 5\.000 \| 2\.000 \| 26\.00 ± 0\.00 \|/,
  );
  assert.match(md, /\| ours \| – \| – \| – \| – \| – \| 30\.00 ± 0\.00 \|/);
  const noK = table5PerceptualSection(perceptual, table5Rows(psnrTable5, psnrTable4, 'photo-test')).join('\n');
  assert.match(noK, /\| ours \| 0\.1500/);
  assert.doesNotMatch(noK, /\+ 2 px/);
  // no perceptual experiment on the rows' test set
  const onVtest = (e: ExperimentResults) => ({
    ...e,
    spec: { ...e.spec, testSet: { ...e.spec.testSet, kind: 'vtest' as const } },
  });
  assert.deepEqual(
    table5PerceptualSection(perceptual, table5Rows(psnrTable5.map(onVtest), psnrTable4.map(onVtest), 'vtest')),
    [],
  );
});

test('perceptual experiments load apart from the PSNR ones, of the largest set size, with their FID-like', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'table5p-'));
  const write = (e: ExperimentResults, fid?: FidLikeSummary) => {
    const d = path.join(dir, 'table5', e.spec.name);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'spec.json'), `${JSON.stringify(e.spec, null, 1)}\n`);
    fs.writeFileSync(path.join(d, 'per_image.jsonl'), e.rows.map((r) => JSON.stringify(r)).join('\n'));
    if (fid) fs.writeFileSync(path.join(d, FID_LIKE_FILE), JSON.stringify(fid));
  };
  const psnrRow = exp({
    name: 'psnr-telea',
    inpainter: 'telea',
    removal: seg(0),
    metrics: { 'psnr|paper': () => 20, 'ssim|paper': () => 0.8 },
  });
  // the tiny preset's full count (8): a perceptual experiment of that size must not be taken for a PSNR row
  const full = perceptualRow('perceptual8-telea', 0, { inpainter: 'telea', removal: seg(0) });
  const half = perceptualRow('perceptual4-telea', 0, { inpainter: 'telea', removal: seg(0) });
  half.spec.testSet.count = 4;
  half.rows = half.rows.filter((r) => r.image < 4);
  write(psnrRow);
  write(full, fidSummary('perceptual8-telea', 3));
  write(half);
  const loaded = loadTable5Perceptual(dir, 64);
  assert.deepEqual(
    loaded.map((p) => [p.experiment.spec.name, p.fid?.all.value]),
    [['perceptual8-telea', 3]],
  );
  assert.deepEqual(loadTable5Perceptual(dir, 256), []);
  const r = table5Results('tiny', dir);
  assert.deepEqual(
    r.table5.map((e) => e.spec.name),
    ['psnr-telea'],
  );
  assert.deepEqual(
    r.perceptual.map((p) => p.experiment.spec.name),
    ['perceptual8-telea'],
  );
  // npm run figures: the perceptual experiments are no rows of Table V (nothing said of them), its report shows them
  const out = path.join(dir, 'figures');
  const built = await buildFigures(dir, out, 'tiny');
  assert.deepEqual(
    built.leftOut.filter((l) => l.includes('perceptual')),
    [],
  );
  const md = fs.readFileSync(path.join(out, 'table5.md'), 'utf8');
  assert.match(md, /### LPIPS-like[\s\S]*\| Telea \(segmenter mask\) \| 0\.1000 \|/);
  fs.rmSync(dir, { recursive: true });
});

test('C7 and C8 on the LPIPS-like distance: lower is better, so each gap is taken the other way round', () => {
  const scratch: RemovalSpec = { method: 'segmenterMask', segmenter: TABLE5_SCRATCH_SEGMENTER, k: 0 };
  const defs = [
    ['telea', seg(0)],
    ['ours', seg(0)],
    ['ours', scratch],
  ] as const;
  const psnr = (inpainter: string, removal: RemovalSpec, arm?: string) =>
    exp({ name: `t-${inpainter}-${arm}`, inpainter, removal, arm, metrics: { 'psnr|paper': () => 20 } });
  const psnrRows = table5Rows(
    defs.map(([f, removal]) => psnr(f, removal)),
    ['nomel', 'alpha0.03'].map((arm) => psnr('joint', joint, arm)),
    'photo-test',
  );
  assert.deepEqual(
    psnrRows.map((r) => r.key),
    ['segmask-telea-k0', 'segmask-ours-k0', 'segmaskscratch-ours-k0', 'nomel', 'alpha0.03'],
  );
  // LPIPS-like 0.1 (bucket + 1) + 0.01 r: with `sign` -1 the later rows (w/o MEL, then ours) are the better ones
  const section = (sign: number) => {
    const perceptual: Table5Perceptual[] = [
      ...defs.map(([inpainter, removal], r) => ({
        experiment: perceptualRow(`p${r}`, sign * r, { inpainter, removal }),
        fid: null,
      })),
      ...['nomel', 'alpha0.03'].map((arm, j) => ({
        experiment: perceptualRow(`p-${arm}`, sign * (3 + j), { inpainter: 'joint', removal: joint, arm }),
        fid: null,
      })),
    ];
    return table5PerceptualSection(perceptual, psnrRows).join('\n');
  };
  // every paired gap is exactly 0.01 a row apart (s.e. 0): C7 holds when ours < w/o MEL < each baseline
  const better = section(-1);
  assert.match(
    better,
    /- C7 \(photo-test, lpipsLike [^)]*\): w\/o MEL − ours 0\.0100 ± 0\.0000; segmask-telea-k0 − w\/o MEL 0\.0300 ± 0\.0000; segmask-ours-k0 − w\/o MEL 0\.0200 ± 0\.0000; segmaskscratch-ours-k0 − w\/o MEL 0\.0100 ± 0\.0000: holds/,
  );
  // MEL's gain 0.01 in every bucket: not largest at 30-40 % beyond the noise
  assert.match(
    better,
    /- C8 \(photo-test, lpipsLike [^)]*\): MEL's gain w\/o MEL − ours 0-10% 0\.0100[^\n]*does not hold/,
  );
  assert.match(section(1), /- C7 [^\n]*w\/o MEL − ours -0\.0100 ± 0\.0000;[^\n]*: does not hold/);
});
