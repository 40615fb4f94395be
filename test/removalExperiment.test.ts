// A removal experiment ('selected' masks, lib/eval/experiment.ts): the remover's output is scored as it is, never
// composited over m_G, and each row records the remover's mask against m_G.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ExperimentSpec, runExperiment } from '../lib/eval/experiment';
import { readResultRows } from '../lib/eval/resultRows';
import { openTestSet } from '../lib/data/triplets';
import { dilate } from '../lib/image/morphology';
import { psnr } from '../lib/eval/psnr';
import { maskMetrics } from '../lib/eval/maskMetrics';
import type { Remover } from '../lib/pipeline/jointRemoval';
import { LPIPS_LIKE_PROTOCOL } from '../lib/eval/experiment';
import { lpipsLikeInception } from '../lib/eval/lpipsLike';
import { initBackend } from '../lib/backend/index';

const spec: ExperimentSpec = {
  name: 'removal-test',
  table: 'table4_alpha',
  inpainter: 'joint',
  testSet: { kind: 'procedural', seed: 1001, count: 4, size: 64 },
  removal: { method: 'joint', checkpoint: { file: 'none', step: 0, sha256: 'none' } },
  masks: [{ kind: 'selected' }],
  metrics: [{ metric: 'psnr', protocol: 'paper' }],
};

// fills m_G dilated by 2 px with the background itself, and darkens every pixel outside that mask: a composite
// over m_G would restore I outside m_G and score differently
const remover: Remover = async (image, maskGT) => {
  const mask = dilate(maskGT, 2);
  return { output: { ...image, data: Float32Array.from(image.data, (v) => v * 0.5) }, mask };
};

test('removal rows score the remover output as it is and record its mask against m_G', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'removal-'));
  await runExperiment(spec, { remover, resultsDir: dir, progress: false });
  const rows = readResultRows(path.join(dir, spec.name, 'per_image.jsonl'));
  assert.equal(rows.length, 4);
  const itemAt = await openTestSet(spec.testSet);
  for (const r of rows) {
    const t = await itemAt(r.image);
    const { output, mask } = await remover(t.image, t.mask, t.labels);
    assert.equal(r.mask, 'selected');
    assert.ok(Math.abs(r.value - psnr(output, t.background, { protocol: 'paper' }).value) < 1e-9);
    const m = maskMetrics(mask, t.mask);
    assert.ok(Math.abs(r.maskStats!.meanOffset! - m.meanOffset) < 1e-9);
    assert.ok(r.maskStats!.meanOffset! > 1, `dilated by 2 px: offset ${r.maskStats!.meanOffset}`);
    assert.equal(r.maskStats!.coverage, 1);
    assert.ok(Math.abs(r.holeRatio - mask.data.reduce((s, v) => s + v, 0) / mask.data.length) < 1e-12);
  }
  fs.rmSync(dir, { recursive: true });
});

test('a removal spec needs a remover and a selected mask, and a remover needs a removal spec', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'removal-'));
  await assert.rejects(runExperiment(spec, { resultsDir: dir, progress: false }), /needs opts.remover/);
  const { removal: _, ...plain } = spec;
  await assert.rejects(runExperiment(plain, { remover, resultsDir: dir, progress: false }), /go together/);
  await assert.rejects(
    runExperiment({ ...plain, masks: [{ kind: 'gt', d256: 0 }] }, { remover, resultsDir: dir, progress: false }),
    /needs opts.remover, and only such a spec/,
  );
  fs.rmSync(dir, { recursive: true });
});

test('the LPIPS-like distance is a per-image metric of removal rows, of the output as it is', async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'removal-'));
  const lpipsSpec: ExperimentSpec = {
    ...spec,
    name: 'removal-lpips',
    testSet: { ...spec.testSet, count: 2 },
    metrics: [{ metric: 'lpipsLike', protocol: LPIPS_LIKE_PROTOCOL }],
  };
  await runExperiment(lpipsSpec, { remover, resultsDir: dir, progress: false });
  const rows = readResultRows(path.join(dir, lpipsSpec.name, 'per_image.jsonl'));
  assert.equal(rows.length, 2);
  const t = await (await openTestSet(lpipsSpec.testSet))(0);
  const { output } = await remover(t.image, t.mask, t.labels);
  const expected = (await lpipsLikeInception(output, t.background)).value;
  assert.ok(expected > 0 && Math.abs(rows[0].value - expected) < 1e-6, `${rows[0].value} vs ${expected}`);
  await assert.rejects(
    runExperiment(
      { ...lpipsSpec, metrics: [{ metric: 'lpipsLike', protocol: 'x' as typeof LPIPS_LIKE_PROTOCOL }] },
      { remover, resultsDir: dir, progress: false },
    ),
    /lpipsLike's protocol is/,
  );
  fs.rmSync(dir, { recursive: true });
});
