// The PyTorch reference of npm run bench:train (bench/pytorch_edgeconnect_bench.py --train-config, run through
// lib/bench/pytorchReference): at a tiny architecture it times a step and trains the same networks as ours, checked
// by parameter counts (exact equality: a missing bias or a wrong channel count changes them). Needs Debian's
// python3-torch; skipped without it. ~3-5 s (two python launches).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { runPytorchTrainStep, torchAvailable } from '../lib/bench/pytorchReference';
import { NUM_CLASSES } from '../lib/data/classes';
import { ImageInpainter, createImageDiscriminator } from '../lib/models/inpainters';

const skip = torchAvailable() ? false : 'PyTorch not installed for /usr/bin/python3';

test('PyTorch image-stage step at C=4, 32x32, batch 1, 1 block, 3+1+K+1 inputs: ' +
  'positive time, same G and D parameter counts as ours', {
  skip,
}, async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  const arch = { C: 4, H: 32, B: 1, n_res: 1, in_ch: 3 + 1 + NUM_CLASSES + 1 };
  const ref = runPytorchTrainStep(arch, { threads: 1, steps: 1, warmup: 0 });
  assert.equal(ref.times_s.length, 1);
  assert.ok(ref.median_s > 0, `median ${ref.median_s}`);
  const G = new ImageInpainter(NUM_CLASSES, { width: arch.C, numResBlocks: arch.n_res, seed: 0 });
  const D = createImageDiscriminator({ width: arch.C, seed: 0 });
  try {
    assert.equal(ref.g_params, G.params.count());
    assert.equal(ref.d_params, D.params.count()); // PyTorch's spectral norm keeps u, v as buffers, ours as state
  } finally {
    G.params.dispose();
    D.params.dispose();
  }
});

test('PyTorch reference: a training config the networks cannot take is a clear error', { skip }, () => {
  const bad = { C: 4, H: 20, B: 1, n_res: 1, in_ch: 13 }; // the discriminator needs >= 24x24
  assert.throws(
    () => runPytorchTrainStep(bad, { threads: 1, steps: 1, warmup: 0 }),
    /H must be a multiple of 4 and >= 24/,
  );
});
