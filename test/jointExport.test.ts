// A joint run's float16 export (npm run export-weights, lib/io/shippedWeights.ts): all four networks (segmenter
// and three inpainters, no discriminators) with the run's settings, loadable by loadJointRemovalNetwork with every
// weight within float16 rounding of the run's; no tensor leaks. (Its removal is not within 1e-3 of the run's: the
// segmenter's rounded weights flip pixels of the thresholded mask, which changes the fill.)
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { JOINT_PREFIXES, exportGeneratorWeights, readShippedManifest } from '../lib/io/shippedWeights';
import { jointRemover, loadJointRemovalNetwork } from '../lib/pipeline/jointRemoval';
import { type JointFixture, SIZE, jointFixture } from './jointFixture';

let fixture: JointFixture;

before(async () => {
  fixture = await jointFixture('joint-export-');
});

test("a joint export holds the four networks and the run's settings, and loads within float16 rounding", async () => {
  const { image, person, labels, run } = fixture;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'joint-export-out-'));
  exportGeneratorWeights(run, { out, command: 'test' });
  const { manifest } = readShippedManifest(out);
  assert.equal(manifest.stage, 'joint');
  assert.equal(manifest.settings?.segmenter, 'pretrained');
  for (const p of JOINT_PREFIXES)
    assert.ok(
      manifest.tensors.some((t) => t.name.startsWith(p)),
      p,
    );
  assert.ok(!manifest.tensors.some((t) => t.name.startsWith('model.D_')), 'no discriminators');
  const tensors0 = tf.memory().numTensors;
  const a = loadJointRemovalNetwork(run);
  const b = loadJointRemovalNetwork(out);
  assert.equal(b.checkpoint.sha256, a.checkpoint.sha256);
  // every weight within float16 rounding of the run's (relative 2^-11 in the normal range, 2^-25 below it)
  const wa = a.net.named();
  let worst = 0;
  for (const [name, v] of b.net.named()) {
    const x = wa.get(name)!.dataSync();
    v.dataSync().forEach((y, i) => {
      worst = Math.max(worst, Math.abs(y - x[i]) / Math.max(Math.abs(x[i]), 2 ** -14));
    });
  }
  assert.equal(b.net.named().size, wa.size);
  assert.ok(worst <= 2 ** -11 + 1e-7 && worst > 0, `relative weight error ${worst}`);
  const rb = await jointRemover(b)(image, person, labels);
  assert.equal(rb.output.data.length, SIZE * SIZE * 3);
  assert.ok(
    rb.mask.data.some((v) => v === 1),
    'the export removes something',
  );
  a.dispose();
  b.dispose();
  assert.equal(tf.memory().numTensors, tensors0);
  fs.rmSync(out, { recursive: true });
});
