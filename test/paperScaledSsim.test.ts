// The 'paper-scaled' SSIM (lib/eval/protocol.ts) through an experiment and Table I's report: every SSIM under
// 'paper' gets a companion row, results written before the companion existed still load as finished and render
// as before, and a resumed older experiment gets the companion for all its images.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type ExperimentSpec,
  type MetricSpec,
  loadResults,
  maskedInput,
  runExperiment,
  scoredMetrics,
} from '../lib/eval/experiment';
import { readResultRows } from '../lib/eval/resultRows';
import { table1Spec } from '../lib/eval/experiments';
import { openTestSet } from '../lib/data/triplets';
import { inpaintMeanFill } from '../lib/inpaint/index';
import { ssim } from '../lib/eval/ssim';
import { loadPaperTables } from '../lib/eval/paperTables';
import { paperSsimNote, table1Csv, table1Figure, table1Markdown } from '../lib/eval/table1';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'paper-scaled-'));
const key = (m: { metric: string; protocol: string }) => `${m.metric}|${m.protocol}`;

const spec: ExperimentSpec = {
  name: 'table1-meanFill-scaled-test',
  table: 'table1_mask_size',
  inpainter: 'meanFill',
  testSet: { kind: 'procedural', seed: 1001, count: 4, size: 64 },
  masks: [{ kind: 'gt', d256: 0 }],
  metrics: table1Spec('tiny', 'meanFill').metrics,
};
const rowsFile = (dir: string) => path.join(dir, spec.name, 'per_image.jsonl');
const dropScaled = (dir: string) =>
  fs.writeFileSync(
    rowsFile(dir),
    fs
      .readFileSync(rowsFile(dir), 'utf8')
      .split('\n')
      .filter((l) => !l.includes('"paper-scaled"'))
      .join('\n'),
  );

test("scoredMetrics: SSIM under 'paper' is followed by 'paper-scaled', once; nothing else gets a companion", () => {
  assert.deepEqual(scoredMetrics(spec.metrics).map(key), [
    'psnr|paper',
    'ssim|paper',
    'ssim|paper-scaled',
    'psnr|common',
    'ssim|common',
  ]);
  const listed: MetricSpec[] = [
    { metric: 'ssim', protocol: 'paper-scaled' },
    { metric: 'ssim', protocol: 'paper' },
  ];
  assert.deepEqual(scoredMetrics(listed), listed);
  const noSsim: MetricSpec[] = [
    { metric: 'psnr', protocol: 'paper' },
    { metric: 'ssim', protocol: 'common' },
  ];
  assert.deepEqual(scoredMetrics(noSsim), noSsim);
});

test('a run writes the paper-scaled SSIM of each output beside the paper SSIM (13x13 window at 64 px)', async () => {
  const dir = tmp();
  const s = await runExperiment(spec, { inpainter: inpaintMeanFill, resultsDir: dir, progress: false });
  assert.equal(s.rows, 4 * 5);
  const rows = readResultRows(rowsFile(dir));
  const itemAt = await openTestSet(spec.testSet);
  for (let image = 0; image < 4; image++) {
    const { input, hole, truth } = maskedInput(spec.testSet, image, spec.masks[0], await itemAt(image));
    const output = inpaintMeanFill(input, hole);
    const value = (protocol: string) => rows.find((r) => r.image === image && key(r) === `ssim|${protocol}`)!.value;
    for (const protocol of ['paper', 'paper-scaled'] as const)
      assert.ok(Math.abs(value(protocol) - ssim(output, truth, { protocol }).value) < 1e-12, `${image} ${protocol}`);
    assert.ok(Math.abs(value('paper') - value('paper-scaled')) > 1e-3, 'the two windows give different scores');
  }
  fs.rmSync(dir, { recursive: true });
});

test('results without paper-scaled rows load as finished and render as before; a resumed run adds them', async () => {
  const dir = tmp();
  await runExperiment(spec, { inpainter: inpaintMeanFill, resultsDir: dir, progress: false });
  const full = fs.readFileSync(rowsFile(dir), 'utf8');
  const tables = loadPaperTables();
  const [withScaled] = loadResults(dir);
  dropScaled(dir);
  const [old] = loadResults(dir);
  assert.equal(old.imagesDone, 4);
  assert.equal(old.rows.length, 4 * 4);

  // without the rows: no paper-scaled section, column, trace or CSV line, and the note says why
  const md = table1Markdown([old], tables);
  assert.doesNotMatch(md, /## SSIM, ours under the paper-scaled/);
  assert.match(md, /These results have no SSIM under \*\*paper-scaled\*\* .*13x13 at 64x64/);
  assert.doesNotMatch(table1Csv([old], tables), /paper-scaled/);
  const oldFigure = table1Figure('ssim', [old], tables);
  assert.ok(oldFigure.data.every((d) => !String(d.name).includes('paper-scaled')));
  assert.doesNotMatch(JSON.stringify(oldFigure.layout), /dotted/);
  // the paper and common sections are the same with or without them
  const sections = (text: string) => text.split('\n## ').filter((p) => !p.includes('paper-scaled'));
  assert.deepEqual(sections(md), sections(table1Markdown([withScaled], tables)));

  // with them: the section right after the paper SSIM's, its CSV lines, dotted traces
  const mdScaled = table1Markdown([withScaled], tables);
  const heads = mdScaled.split('\n').filter((l) => l.startsWith('## SSIM'));
  assert.equal(heads.length, 3);
  assert.match(heads[0], /paper protocol/);
  assert.match(heads[1], /paper-scaled variant/);
  assert.match(heads[2], /common protocol/);
  assert.equal(
    table1Csv([withScaled], tables)
      .split('\n')
      .filter((l) => l.includes(',ssim,paper-scaled,')).length,
    4,
  );
  const figure = table1Figure('ssim', [withScaled], tables);
  const dotted = figure.data.filter((d) => String(d.name).includes('paper-scaled'));
  assert.equal(dotted.length, 4, 'one per bucket panel');
  assert.ok(dotted.every((d) => (d.line as { dash: string }).dash === 'dot'));
  assert.match(JSON.stringify(figure.layout), /dotted: paper-scaled, window 13x13 at 64 px/);

  // resuming the older results computes their images again, with the companion: the same rows as a fresh run
  const again = await runExperiment(spec, { inpainter: inpaintMeanFill, resultsDir: dir, progress: false });
  assert.deepEqual([again.computedImages, again.skippedImages], [4, 0]);
  assert.equal(fs.readFileSync(rowsFile(dir), 'utf8'), full);
  fs.rmSync(dir, { recursive: true });
});

test('an image missing a row the spec lists is unfinished, whatever companion rows it has', async () => {
  const dir = tmp();
  await runExperiment(spec, { inpainter: inpaintMeanFill, resultsDir: dir, progress: false });
  const lines = fs.readFileSync(rowsFile(dir), 'utf8').split('\n');
  // image 0 loses its common-protocol PSNR: 4 rows left, as many as the spec lists, but one is the companion
  fs.writeFileSync(
    rowsFile(dir),
    lines.filter((l) => !(l.includes('"image":0,') && l.includes('"common"') && l.includes('"psnr"'))).join('\n'),
  );
  assert.equal(loadResults(dir)[0].imagesDone, 3);
  fs.rmSync(dir, { recursive: true });
});

test('the note under the paper SSIM: 51x51 at 64x64 covers 80 % of the side, 14x14 positions; headline paper', () => {
  const at = (size: number, scaledRows: boolean) =>
    paperSsimNote([
      {
        spec: { ...spec, testSet: { ...spec.testSet, size } },
        rows: scaledRows
          ? [
              {
                image: 0,
                bucket: '0-10%',
                maskRatio: 0.05,
                mask: 'gt+0',
                d256: 0,
                dPixels: 0,
                holeRatio: 0.05,
                metric: 'ssim',
                protocol: 'paper-scaled',
                region: 'whole-image',
                value: 0.9,
              },
            ]
          : [],
      },
    ]);
  const small = at(64, true);
  assert.match(small, /At 64x64 it covers most of the image \(80 % of its side\)/);
  assert.match(small, /only the 14x14 positions/);
  assert.match(small, /holes near the border barely count/);
  assert.match(small, /The headline .* uses the paper protocol as it is/);
  assert.match(small, /\*\*paper-scaled\*\* is the same SSIM .*13x13 at 64x64, averaged over 52x52 positions/);
  const paperSize = at(256, true);
  assert.match(paperSize, /At 256x256 it spans 20 % of its side; the map is averaged over the 206x206 positions/);
  assert.match(paperSize, /51x51 at 256x256, averaged over 206x206 positions/);
  assert.doesNotMatch(paperSize, /barely count/);
});
