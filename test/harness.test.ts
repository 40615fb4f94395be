// Experiment harness (lib/eval/experiment.ts and friends): files written, resume, interrupted runs, aggregation,
// paper-vs-ours labels, masks and compositing, and the figures rebuild being idempotent.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Mask, Raster } from '../lib/image/raster';
import { type ExperimentSpec, runExperiment } from '../lib/eval/experiment';
import { type ResultRow, readResultRows, bucketStats } from '../lib/eval/resultRows';
import { PAPER_LABEL, loadPaperTables, paperVsOurs } from '../lib/eval/paperTables';
import { table1Spec, resolveInpainter } from '../lib/eval/experiments';
import { inpaintMeanFill } from '../lib/inpaint/index';
import { buildFigures } from '../lib/cli/figures';
import { canonicalSvg } from '../lib/viz/exportFigure';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'harness-'));

// 4 images (one a bucket) at 64 px (the paper protocol's SSIM window is 51 px), two masks, two metrics
const spec: ExperimentSpec = {
  name: 'tiny-test',
  table: 'table1_mask_size',
  inpainter: 'meanFill',
  testSet: { kind: 'procedural', seed: 1001, count: 4, size: 64 },
  masks: [
    { kind: 'gt', d256: 0 },
    { kind: 'gt', d256: 8 },
  ],
  metrics: [
    { metric: 'psnr', protocol: 'paper' },
    { metric: 'ssim', protocol: 'common' },
  ],
};

function counting(failAfter = Infinity): { inpaint: (i: Raster, m: Mask) => Raster; calls: () => number } {
  let calls = 0;
  return {
    inpaint: (image, mask) => {
      if (calls >= failAfter) throw new Error('simulated crash');
      calls++;
      return inpaintMeanFill(image, mask);
    },
    calls: () => calls,
  };
}

const read = (dir: string, file: string): Buffer => fs.readFileSync(path.join(dir, spec.name, file));

test('the runner writes spec.json, per_image.jsonl (image x mask x metric rows) and by_bucket.csv', async () => {
  const dir = tmp();
  const c = counting();
  const s = await runExperiment(spec, { inpainter: c.inpaint, resultsDir: dir, progress: false });
  assert.deepEqual([s.computedImages, s.skippedImages, s.rows, c.calls()], [4, 0, 4 * 2 * 2, 4 * 2]);
  assert.deepEqual(JSON.parse(read(dir, 'spec.json').toString()), spec);
  const rows = readResultRows(path.join(dir, spec.name, 'per_image.jsonl'));
  assert.deepEqual(rows.map((r) => `${r.image} ${r.mask} ${r.metric}/${r.protocol}`).slice(0, 4), [
    '0 gt+0 psnr/paper',
    '0 gt+0 ssim/common',
    '0 gt+8 psnr/paper',
    '0 gt+8 ssim/common',
  ]);
  assert.deepEqual([...new Set(rows.map((r) => r.bucket))], ['0-10%', '10-20%', '20-30%', '30-40%']);
  for (const r of rows) {
    assert.equal(r.region, 'whole-image');
    assert.ok(Number.isFinite(r.value) && r.value > 0, `value ${r.value}`);
    if (r.mask === 'gt+0') assert.equal(r.holeRatio, r.maskRatio, 'd = 0 inpaints exactly the GT mask');
    else assert.ok(r.holeRatio > r.maskRatio && r.dPixels === 2, 'd = 8 at 256 px is a 2 px dilation at 64 px');
  }
  const csv = read(dir, 'by_bucket.csv').toString().trim().split('\n');
  assert.equal(csv[0], 'mask,d256,metric,protocol,bucket,mean,se,n');
  assert.equal(csv.length, 1 + 2 * 2 * 4); // masks x metrics x buckets
});

test('re-running skips done work: no inpainter call, same bytes', async () => {
  const dir = tmp();
  await runExperiment(spec, { inpainter: counting().inpaint, resultsDir: dir, progress: false });
  const before = read(dir, 'per_image.jsonl');
  const c = counting();
  const s = await runExperiment(spec, { inpainter: c.inpaint, resultsDir: dir, progress: false });
  assert.deepEqual([c.calls(), s.computedImages, s.skippedImages], [0, 0, 4]);
  assert.ok(read(dir, 'per_image.jsonl').equals(before));
});

test('an interrupted run (crash in image 2) resumes to the same files as an uninterrupted run', async () => {
  const whole = tmp();
  await runExperiment(spec, { inpainter: counting().inpaint, resultsDir: whole, progress: false });
  const dir = tmp();
  const crashing = counting(2 * 2 + 1); // images 0 and 1 complete (2 masks each), image 2 fails on its 2nd mask
  await assert.rejects(
    runExperiment(spec, { inpainter: crashing.inpaint, resultsDir: dir, progress: false, flushSeconds: 3600 }),
    /simulated crash/,
  );
  const partial = readResultRows(path.join(dir, spec.name, 'per_image.jsonl'));
  assert.deepEqual(
    partial.map((r) => `${r.image} ${r.mask}`).filter((k, i, a) => a.indexOf(k) === i),
    ['0 gt+0', '0 gt+8', '1 gt+0', '1 gt+8', '2 gt+0'],
    'every finished row was flushed on the error',
  );
  const c = counting();
  const s = await runExperiment(spec, { inpainter: c.inpaint, resultsDir: dir, progress: false });
  assert.deepEqual(
    [c.calls(), s.computedImages, s.skippedImages],
    [1 + 2, 2, 2],
    'only image 2 gt+8 and image 3 are computed',
  );
  for (const f of ['per_image.jsonl', 'by_bucket.csv', 'spec.json'])
    assert.ok(read(dir, f).equals(read(whole, f)), `${f} differs`);
});

test('a different spec under the same name is refused', async () => {
  const dir = tmp();
  await runExperiment(spec, { inpainter: inpaintMeanFill, resultsDir: dir, progress: false });
  await assert.rejects(
    runExperiment(
      { ...spec, testSet: { ...spec.testSet, count: 5 } },
      { inpainter: inpaintMeanFill, resultsDir: dir, progress: false },
    ),
    /holds a different spec/,
  );
});

test('a corrupt spec.json is named as corrupt, not as a different spec', async () => {
  const dir = tmp();
  await runExperiment(spec, { inpainter: inpaintMeanFill, resultsDir: dir, progress: false });
  const specFile = path.join(dir, spec.name, 'spec.json');
  fs.writeFileSync(specFile, fs.readFileSync(specFile, 'utf8').slice(0, 40));
  await assert.rejects(
    runExperiment(spec, { inpainter: inpaintMeanFill, resultsDir: dir, progress: false }),
    /spec\.json is corrupt \(not JSON\): delete .* to recompute/,
  );
});

test('bad specs and names get clear errors', async () => {
  const small = {
    ...spec,
    testSet: { ...spec.testSet, size: 32 },
    metrics: [{ metric: 'ssim' as const, protocol: 'paper' as const }],
  };
  await assert.rejects(
    runExperiment(small, { inpainter: inpaintMeanFill, resultsDir: tmp() }),
    /SSIM under the 'paper' protocol needs images of at least 51 px/,
  );
  await assert.rejects(
    runExperiment({ ...spec, name: '../x' }, { inpainter: inpaintMeanFill, resultsDir: tmp() }),
    /name must use/,
  );
  assert.throws(() => resolveInpainter('lama'), /unknown inpainter 'lama'.*telea, meanFill/);
  assert.throws(() => table1Spec('huge', 'telea'), /unknown preset 'huge'/);
});

test(
  'the output is composited: ' + 'pixels outside the hole come from the input, whatever the inpainter returns',
  async () => {
    // all black
    const everywhere = (image: Raster): Raster => ({ ...image, data: new Float32Array(image.data.length) });
    const onlyHole = (image: Raster, mask: Mask): Raster => {
      const data = Float32Array.from(image.data);
      for (let p = 0; p < mask.data.length; p++) if (mask.data[p]) data.fill(0, p * 3, p * 3 + 3);
      return { ...image, data };
    };
    const a = tmp();
    const b = tmp();
    await runExperiment(spec, { inpainter: everywhere, resultsDir: a, progress: false });
    await runExperiment(spec, { inpainter: onlyHole, resultsDir: b, progress: false });
    assert.ok(read(a, 'per_image.jsonl').equals(read(b, 'per_image.jsonl')));
  },
);

test(
  "random masks: a free-form hole with a ratio in the item's bucket, " + 'inpainted in the background itself',
  async () => {
    const dir = tmp();
    const randomSpec: ExperimentSpec = {
      ...spec,
      name: 'random-test',
      masks: [{ kind: 'random' }],
      metrics: [{ metric: 'psnr', protocol: 'common' }],
    };
    await runExperiment(randomSpec, { inpainter: inpaintMeanFill, resultsDir: dir, progress: false });
    const rows = readResultRows(path.join(dir, 'random-test', 'per_image.jsonl'));
    assert.equal(rows.length, 4);
    const ranges: Record<string, [number, number]> = {
      '0-10%': [0.01, 0.1],
      '10-20%': [0.1, 0.2],
      '20-30%': [0.2, 0.3],
      '30-40%': [0.3, 0.4],
    };
    for (const r of rows) {
      assert.deepEqual([r.mask, r.d256, r.dPixels], ['random', null, null]);
      assert.ok(
        r.holeRatio >= ranges[r.bucket][0] && r.holeRatio < ranges[r.bucket][1],
        `hole ratio ${r.holeRatio} in bucket ${r.bucket}`,
      );
      assert.ok(r.value > 10 && Number.isFinite(r.value), 'a mean fill of the background scores a finite PSNR');
    }
  },
);

const row = (image: number, bucket: string, value: number, protocol = 'paper'): ResultRow => ({
  image,
  bucket,
  maskRatio: 0.05,
  mask: 'gt+0',
  d256: 0,
  dPixels: 0,
  holeRatio: 0.05,
  metric: 'psnr',
  protocol,
  region: 'whole-image',
  value,
});

test('per-bucket mean, standard error and count match hand-computed values (1e-12)', () => {
  // bucket 0-10%: 1, 2, 4 -> mean 7/3, sample sd sqrt(7/3), s.e. sqrt(7/3)/sqrt(3) = sqrt(7)/3;
  // 10-20%: one value, no s.e.
  const stats = bucketStats([
    row(0, '0-10%', 1),
    row(1, '0-10%', 2),
    row(2, '0-10%', 4),
    row(3, '10-20%', 7),
    row(0, '0-10%', 9, 'common'),
  ]);
  const find = (bucket: string, protocol: string) => stats.find((s) => s.bucket === bucket && s.protocol === protocol)!;
  assert.ok(Math.abs(find('0-10%', 'paper').mean - 7 / 3) < 1e-12);
  assert.ok(Math.abs(find('0-10%', 'paper').se! - Math.sqrt(7) / 3) < 1e-12);
  assert.equal(find('0-10%', 'paper').n, 3);
  assert.deepEqual([find('10-20%', 'paper').mean, find('10-20%', 'paper').se, find('10-20%', 'paper').n], [7, null, 1]);
  assert.deepEqual([find('0-10%', 'common').mean, find('0-10%', 'common').n], [9, 1]);
  assert.equal(stats.length, 3);
});

test("paperVsOurs puts our mean / s.e. / n beside the paper's value, labelled 'paper (quoted)'", () => {
  const t = paperVsOurs('table1_mask_size', 'psnr', [
    { label: 'ours: telea', points: [{ bucket: '0-10%', x: 0, mean: 30.5, se: 0.2, n: 100 }] },
  ]);
  assert.deepEqual(t.columnNames(), [
    'bucket',
    'd',
    'ours: telea mean',
    'ours: telea s.e.',
    'ours: telea n',
    PAPER_LABEL,
  ]);
  assert.equal(PAPER_LABEL, 'paper (quoted)');
  const rows = t.objects() as Array<Record<string, unknown>>;
  assert.equal(rows.length, 4 * 6);
  const paperTable1 = (loadPaperTables().table1_mask_size as { psnr: Record<string, number[]> }).psnr;
  assert.deepEqual(rows[1], {
    bucket: '0-10%',
    d: 0,
    'ours: telea mean': 30.5,
    'ours: telea s.e.': 0.2,
    'ours: telea n': 100,
    [PAPER_LABEL]: paperTable1['0-10'][1],
  });
  assert.deepEqual(rows[23], {
    bucket: '30-40%',
    d: 8,
    'ours: telea mean': null,
    'ours: telea s.e.': null,
    'ours: telea n': 0,
    [PAPER_LABEL]: paperTable1['30-40'][5],
  });
});

test("canonicalSvg removes plotly's random plot id and attribute-order differences", () => {
  const a =
    '<svg><clipPath id="clip3fa9c1xyplot"><rect x="1" y="2"/></clipPath><g clip-path="url(#clip3fa9c1xyplot)" ' +
    'class="c"></g></svg>';
  const b =
    '<svg><clipPath id="clip77e0d2xyplot"><rect y="2" x="1"/></clipPath><g class="c" ' +
    'clip-path="url(#clip77e0d2xyplot)"></g></svg>';
  assert.equal(canonicalSvg(a), canonicalSvg(b));
  assert.notEqual(canonicalSvg(a), canonicalSvg(a.replace('x="1"', 'x="3"')));
});

test('npm run figures rebuilds table1 PNG/SVG/md/csv from results alone; a second run changes no file', async () => {
  const results = tmp();
  await runExperiment(
    {
      ...spec,
      name: 'table1-meanFill-test',
      masks: table1Spec('tiny', 'meanFill').masks,
      metrics: table1Spec('tiny', 'meanFill').metrics,
    },
    { inpainter: inpaintMeanFill, resultsDir: results, progress: false },
  );
  const out = tmp();
  const first = await buildFigures(results, out);
  const names = ['table1.csv', 'table1.md', 'table1_psnr.png', 'table1_psnr.svg', 'table1_ssim.png', 'table1_ssim.svg'];
  assert.deepEqual(fs.readdirSync(out).sort(), names);
  assert.equal(first.written.length, 6);
  const bytes = names.map((n) => fs.readFileSync(path.join(out, n)));
  const mtimes = names.map((n) => fs.statSync(path.join(out, n)).mtimeMs);
  const second = await buildFigures(results, out);
  assert.deepEqual(second.written, []);
  names.forEach((n, i) => {
    assert.ok(fs.readFileSync(path.join(out, n)).equals(bytes[i]), `${n} changed`);
    assert.equal(fs.statSync(path.join(out, n)).mtimeMs, mtimes[i], `${n} rewritten`);
  });
  const md = fs.readFileSync(path.join(out, 'table1.md'), 'utf8');
  assert.match(md, /\|bucket\|d\|ours: meanFill \(4 @64px\) mean\|.*\|paper \(quoted\)\|/);
  assert.match(fs.readFileSync(path.join(out, 'table1_psnr.svg'), 'utf8'), /paper \(quoted\)/);
});
