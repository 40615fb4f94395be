// Checkpoint selection on the validation split: the spec never touches the test set, and the pick is the best
// bucket-averaged PSNR (later step on a tie).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { candidateScore, pickCheckpoint } from '../lib/eval/checkpointSelection';
import { validationSpec, table1Spec, TEST_SEED, VALIDATION_SEED } from '../lib/eval/experiments';
import { PRESETS } from '../lib/config/presets';
import type { BucketStat } from '../lib/eval/resultRows';

const stat = (metric: string, bucket: string, mean: number, protocol = 'paper'): BucketStat => ({
  mask: 'gt+0',
  d256: 0,
  metric,
  protocol,
  bucket,
  mean,
  se: 0.1,
  n: 50,
});

test('validation spec: its own seed (not the test set, not a training seed), exact masks, paper protocol', () => {
  const ckpt = { path: 'x', stage: 'image', preset: 'cpu', step: 1, sha256: 'ab' };
  const spec = validationSpec('cpu', 'image-1-ab', { edge: ckpt, segInpainter: ckpt, image: ckpt });
  assert.equal(spec.testSet.seed, VALIDATION_SEED);
  assert.notEqual(VALIDATION_SEED, TEST_SEED);
  assert.notEqual(table1Spec('cpu', 'telea').testSet.seed, spec.testSet.seed);
  for (const p of Object.values(PRESETS)) assert.notEqual(p.dataSeed, VALIDATION_SEED);
  assert.deepEqual(spec.masks, [{ kind: 'gt', d256: 0 }]);
  assert.ok(spec.metrics.every((m) => m.protocol === 'paper'));
  assert.equal(spec.testSet.count, 200);
});

test(
  'candidateScore averages the buckets equally (paper protocol only); ' +
    'pickCheckpoint takes the best, later on a tie',
  () => {
    const rows = [
      stat('psnr', 'a', 30),
      stat('psnr', 'b', 20),
      stat('psnr', 'a', 99, 'common'),
      stat('ssim', 'a', 0.9),
      stat('ssim', 'b', 0.8),
    ];
    const s = candidateScore('c1', 500, rows);
    assert.equal(s.meanPsnr, 25);
    assert.deepEqual(s.psnr, { a: 30, b: 20 });
    assert.deepEqual(s.ssim, { a: 0.9, b: 0.8 });
    const better = candidateScore('c2', 1000, [stat('psnr', 'a', 26), stat('psnr', 'b', 25)]);
    const tie = candidateScore('c3', 1500, [stat('psnr', 'a', 25.5), stat('psnr', 'b', 25.5)]);
    assert.equal(pickCheckpoint([s, better]).candidate, 'c2');
    assert.equal(pickCheckpoint([better, s]).candidate, 'c2');
    assert.equal(pickCheckpoint([tie, better]).candidate, 'c3'); // 25.5 = 25.5: the later step
    assert.throws(() => pickCheckpoint([]), /no candidates/);
    assert.throws(() => candidateScore('c4', 1, [stat('ssim', 'a', 0.9)]), /no paper-protocol PSNR rows for c4/);
  },
);
