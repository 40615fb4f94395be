// lib/losses against PyTorch / scipy values (scripts/fixtures/losses_torch.py -> test/fixtures/losses_torch.json),
// hand-computed values, and the behaviour of the mask expansion loss under gradient descent. cpu backend.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { hingeDiscriminatorLoss, hingeGeneratorLoss } from '../lib/losses/gan';
import { featureMatchingLoss } from '../lib/losses/featureMatching';
import { gramMatrix, styleLoss } from '../lib/losses/style';
import { maskedL1Loss } from '../lib/losses/reconstruction';
import { pixelCrossEntropy, binaryCrossEntropyWithLogits } from '../lib/losses/crossEntropy';
import { boundaryLoss, maskExpansionLoss } from '../lib/losses/boundary';
import { panopticSegmentationLoss } from '../lib/losses/panoptic';
import { instanceBoundaryTarget } from '../lib/data/labels';
import { edgeInpainterLoss, imageInpainterLoss, segmentationInpainterLoss } from '../lib/losses/inpainting';
import { segmentationNetworkLoss } from '../lib/losses/segmentationNetwork';
import { paperLossWeights } from '../lib/losses/weights';
import { normalizedSignedDistance } from '../lib/image/distance';
import { readFixture, tensorOf, maxAbsDiff } from './nn_fixtures';

const fx = readFixture('losses_torch.json');
const T4 = (a: any) => tensorOf<tf.Rank.R4>(a);
const val = (s: tf.Scalar) => s.dataSync()[0];
/** |a - b| <= 1e-5 * max(1, |b|) */
const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${what}: ${a} vs reference ${b}`);

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

test('hinge GAN losses equal EdgeConnect/torch (rel err <= 1e-5)', () => {
  const h = fx.hinge;
  close(val(hingeDiscriminatorLoss(T4(h.real), T4(h.fake))), h.d_loss, 'D loss');
  close(val(hingeGeneratorLoss(T4(h.fake))), h.g_loss, 'G loss');
  // by hand: D(real) = [2, 0], D(fake) = [-3, 0.5] -> ((0 + 1)/2 + (0 + 1.5)/2) / 2 = 0.625 ; G: -(-3 + 0.5)/2 = 1.25
  assert.equal(val(hingeDiscriminatorLoss(tf.tensor([2, 0]), tf.tensor([-3, 0.5]))), 0.625);
  assert.equal(val(hingeGeneratorLoss(tf.tensor([-3, 0.5]))), 1.25);
});

test('feature matching (per-layer mean L1, summed) and style (Gram) losses equal torch (rel err <= 1e-5)', () => {
  const f = fx.features;
  const a = f.a.map(T4);
  const b = f.b.map(T4);
  close(val(featureMatchingLoss(a, b)), f.feature_matching, 'feature matching');
  assert.ok(maxAbsDiff(gramMatrix(a[0]), f.gram_a0) < 1e-6, 'gram matrix');
  close(val(styleLoss(a, b)), f.style, 'style');
  assert.throws(() => featureMatchingLoss(a, b.slice(1)), /same non-zero number of layers/);
  assert.throws(() => styleLoss([a[0]], [b[1]]), /layer 0 shapes differ/);
});

test('L1 / mean(mask) equals torch (rel err <= 1e-5); by hand; empty mask is an error', () => {
  const m = fx.masked_l1;
  close(val(maskedL1Loss(T4(m.output), T4(m.target), T4(m.mask))), m.loss, 'masked L1');
  // by hand: 1x1x2x1 image, |diff| = [0.5, 0.1], mask = [1, 0] -> mean 0.3 / mean(mask) 0.5 = 0.6
  const l = val(
    maskedL1Loss(tf.tensor4d([0.5, 0.1], [1, 1, 2, 1]), tf.zeros([1, 1, 2, 1]), tf.tensor4d([1, 0], [1, 1, 2, 1])),
  );
  assert.ok(Math.abs(l - 0.6) < 1e-7);
  assert.throws(() => maskedL1Loss(T4(m.output), T4(m.target), tf.zeros([2, 5, 4, 1])), /mask is empty/);
  assert.throws(() => maskedL1Loss(T4(m.output), T4(m.target), tf.zeros([2, 5, 4, 3])), /mask must be/);
});

test("L1 with N_M per image ('image') by hand: each image weighs the same; equals 'batch' for one image", () => {
  // two 1x4 images, 1 channel: |diff| = [0.4, 0, 0, 0] with a 1-pixel hole, [0.2, 0.2, 0.2, 0.2] with a 4-pixel hole
  const out = tf.tensor4d([0.4, 0, 0, 0, 0.2, 0.2, 0.2, 0.2], [2, 1, 4, 1]);
  const mask = tf.tensor4d([1, 0, 0, 0, 1, 1, 1, 1], [2, 1, 4, 1]);
  const zero = tf.zeros([2, 1, 4, 1]) as tf.Tensor4D;
  // per image: (0.1 / 0.25 + 0.2 / 1) / 2 = 0.3; per batch: mean 0.15 / mean(mask) 0.625 = 0.24
  assert.ok(Math.abs(val(maskedL1Loss(out, zero, mask, 'image')) - 0.3) < 1e-7);
  assert.ok(Math.abs(val(maskedL1Loss(out, zero, mask, 'batch')) - 0.24) < 1e-7);
  const one = (t: tf.Tensor4D) => t.slice([0, 0, 0, 0], [1, 1, 4, 1]) as tf.Tensor4D;
  assert.ok(
    Math.abs(
      val(maskedL1Loss(one(out), one(zero), one(mask), 'image')) - val(maskedL1Loss(one(out), one(zero), one(mask))),
    ) < 1e-7,
  );
  const secondEmpty = tf.tensor4d([1, 0, 0, 0, 0, 0, 0, 0], [2, 1, 4, 1]);
  assert.throws(() => maskedL1Loss(out, zero, secondEmpty, 'image'), /mask of image 1 is empty/);
});

test('pixel cross-entropy and BCE with logits equal torch (rel err <= 1e-5)', () => {
  const c = fx.cross_entropy;
  close(val(pixelCrossEntropy(T4(c.logits), T4(c.onehot))), c.loss, 'cross-entropy');
  close(val(binaryCrossEntropyWithLogits(T4(c.bce_logits), T4(c.bce_target))), c.bce, 'BCE');
  close(val(binaryCrossEntropyWithLogits(T4(c.bce_logits), T4(c.bce_target), 5)), c.bce_pos5, 'BCE pos_weight 5');
  // by hand: uniform logits over 4 classes -> log 4
  assert.ok(
    Math.abs(
      val(
        pixelCrossEntropy(
          tf.zeros([1, 2, 2, 4]),
          tf
            .oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4)
            .reshape([1, 2, 2, 4])
            .toFloat() as tf.Tensor4D,
        ),
      ) - Math.log(4),
    ) < 1e-6,
  );
});

test('boundary and mask expansion losses equal the boundary-loss reference with scipy phi (rel err <= 1e-5)', () => {
  const b = fx.boundary;
  // phi from lib/image/distance.ts on the same mask agrees with scipy's one_hot2dist / max|phi|
  const { map } = normalizedSignedDistance({ height: b.height, width: b.width, data: Uint8Array.from(b.mask) });
  const phi = tf.tensor4d(map.data, [1, b.height, b.width, 1]);
  assert.ok(maxAbsDiff(phi, b.phi) < 1e-6, 'signed distance');
  close(val(boundaryLoss(phi, T4(b.soft_mask))), b.boundary_loss, 'L_B');
  close(val(maskExpansionLoss(phi, T4(b.soft_mask), b.alpha)), b.mask_expansion_loss, 'L_X');
  assert.throws(() => boundaryLoss(phi, tf.zeros([1, b.height, b.width, 2])), /must both be \[B,H,W,1\]/);
});

test('composite L_E, L_S, L_I with the paper weights equal torch (rel err <= 1e-5); L_SN adds lambda_X L_X', () => {
  const c = fx.composite;
  const a = fx.features.a.map(T4);
  const b = fx.features.b.map(T4);
  const fake = { logits: T4(c.g_fake), features: a };
  const w = paperLossWeights;
  close(val(edgeInpainterLoss(fake, b, w).loss), c.edge_loss, 'L_E');
  close(
    val(segmentationInpainterLoss(fake, T4(fx.cross_entropy.logits), T4(fx.cross_entropy.onehot), w).loss),
    c.segmentation_loss,
    'L_S',
  );
  const m = fx.masked_l1;
  close(val(imageInpainterLoss(fake, b, T4(m.output), T4(m.target), T4(m.mask), w).loss), c.image_loss, 'L_I');
  const s = (v: number) => tf.scalar(v);
  close(
    val(segmentationNetworkLoss({ ps: s(1), e: s(2), s: s(3), i: s(4), x: s(-0.01) }, w)),
    10 - 0.01 * 1000,
    'L_SN',
  );
});

test('panoptic loss = CE + BCE; instance boundary target marks pixels touching another instance', () => {
  // 3x4 ids: instance 1 | instance 2, and stuff (0) below
  const ids = [1, 1, 2, 2, 1, 1, 2, 0, 0, 0, 0, 0];
  assert.deepEqual([...instanceBoundaryTarget(ids, 3, 4)], [0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
  const c = fx.cross_entropy;
  const out = { semanticLogits: T4(c.logits), boundaryLogits: T4(c.bce_logits) };
  const { loss } = panopticSegmentationLoss(
    out,
    { semantic: T4(c.onehot), boundary: T4(c.bce_target) },
    { boundaryWeight: 2 },
  );
  close(val(loss), c.loss + 2 * c.bce, 'L_PS');
});

// ---------------------------------------------------------------------------------------------------------------
// Sign and effect of L_X: optimise a free mask m_hat = sigmoid(z) under L_X alone by plain gradient descent.
// dL/dz = (phi - alpha) sigmoid'(z) / N has the sign of phi - alpha at every pixel, so each logit moves monotonically
// and the 0.5 level of the result is the level set phi = alpha: outside m_G for alpha > 0, further out as alpha grows.
const H = 32;
const R = 8; // disk m_G of radius 8 px centred at (15.5, 15.5)
const disk = new Uint8Array(H * H).map((_, i) => (Math.hypot((i % H) - 15.5, Math.floor(i / H) - 15.5) <= R ? 1 : 0));

function optimiseFreeMask(phi: tf.Tensor4D, alpha: number): Float32Array {
  const z = tf.variable(tf.randomNormal([1, H, H, 1], 0, 2, 'float32', 11)); // free logits, random start
  const lr = 200 * H * H; // L_X is a mean over pixels: scale the step by N
  const opt = tf.train.sgd(lr);
  for (let step = 0; step < 200; step++) {
    opt.minimize(() => maskExpansionLoss(phi, tf.sigmoid(z) as tf.Tensor4D, alpha), false, [z]);
  }
  return tf.sigmoid(z).dataSync() as Float32Array;
}

test('L_X under gradient descent: 0.5-level of the free mask = {phi < alpha}, covers m_G, grows with alpha', () => {
  const { map, scale } = normalizedSignedDistance({ height: H, width: H, data: disk });
  const phi = tf.tensor4d(map.data, [1, H, H, 1]);
  const areaGT = disk.reduce((s, v) => s + v, 0);
  let previousArea = 0;
  for (const alpha of [0, 0.12, 0.3]) {
    const m = optimiseFreeMask(phi, alpha);
    let area = 0;
    for (let i = 0; i < m.length; i++) {
      const inside = m[i] > 0.5;
      area += inside ? 1 : 0;
      const r = Math.hypot((i % H) - 15.5, Math.floor(i / H) - 15.5);
      // exactly the level set phi = alpha (pixels with phi = alpha, e.g. the inner border ring for alpha = 0, have
      // zero gradient and keep their random start: compare only where phi != alpha)
      if (Math.abs(map.data[i] - alpha) > 1e-6) assert.equal(inside, map.data[i] < alpha, `alpha ${alpha}, pixel ${i}`);
      // independent geometric check: the result is the disk dilated by alpha * scale px (+-1.5 px for the grid)
      if (r <= R + alpha * scale - 1.5)
        assert.ok(inside, `alpha ${alpha}: pixel at radius ${r.toFixed(2)} should be in`);
      if (r >= R + alpha * scale + 1.5)
        assert.ok(!inside, `alpha ${alpha}: pixel at radius ${r.toFixed(2)} should be out`);
      // m_G stays covered for alpha > 0
      if (alpha > 0 && disk[i]) assert.ok(inside, `alpha ${alpha}: m_G pixel ${i} not covered`);
    }
    if (alpha > 0) assert.ok(area > previousArea && area > areaGT, `alpha ${alpha}: area ${area} (m_G ${areaGT})`);
    previousArea = area;
  }
});
