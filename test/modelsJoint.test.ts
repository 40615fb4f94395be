// Segmenter, mask selection, differentiable mask and the joint network (cpu backend, tiny widths, 32x32).
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Segmenter } from '../lib/models/segmenter';
import { labelSegments, largestOverlapSegment, selectSegment } from '../lib/models/maskSelection';
import { dilateSquare } from '../lib/image/morphology';
import { straightThrough, selectDifferentiableMask } from '../lib/models/differentiableMask';
import { createJointNetwork } from '../lib/models/jointNetwork';
import {
  createEdgeDiscriminator,
  createSegmentationDiscriminator,
  createImageDiscriminator,
  conditionalDiscriminatorInput,
  EdgeInpainter,
} from '../lib/models/inpainters';
import { edgeInpainterLoss, segmentationInpainterLoss, imageInpainterLoss } from '../lib/losses/inpainting';
import { maskExpansionLoss } from '../lib/losses/boundary';
import { paperLossWeights } from '../lib/losses/weights';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

// 4x6 class map: class 1 on the left (split by a cut column into two instances), class 2 on the right
//   1 1 X 1 2 2
//   1 1 X 1 2 2
//   1 1 X 1 2 2
//   0 0 0 0 2 2
const labels = [1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 2, 2, 0, 0, 0, 0, 2, 2];
const cut = [0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];

test('labelSegments: connected components per class, cut pixels split instances', () => {
  const s = labelSegments(labels, cut, 4, 6);
  assert.deepEqual(s.classOf, [1, 1, 2, 0]);
  assert.deepEqual([...s.ids], [0, 0, -1, 1, 2, 2, 0, 0, -1, 1, 2, 2, 0, 0, -1, 1, 2, 2, 3, 3, 3, 3, 2, 2]);
  assert.equal(labelSegments(labels, null, 4, 6).classOf.length, 3); // without the cut: one class-1 segment
});

test('largestOverlapSegment picks the segment (not the class) with the largest overlap with m_G', () => {
  const s = labelSegments(labels, cut, 4, 6);
  // m_G covers 2 px of instance 0 and 3 px of instance 1 (class 1: 5 px in all) and 4 px of the class-2 segment:
  // the largest single segment is the class-2 one although class 1 overlaps more
  const m = [1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
  assert.deepEqual(largestOverlapSegment(s, m), { segment: 2, overlap: 4 });
  // without 3 of the class-2 pixels, instance 1 (3 px) wins
  assert.deepEqual(
    largestOverlapSegment(
      s,
      m.map((v, i) => ([4, 5, 10].includes(i) ? 0 : v)),
    ),
    { segment: 1, overlap: 3 },
  );
  // tie 2 / 2 / 2: the lowest id wins
  const tie = [1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  assert.deepEqual(largestOverlapSegment(s, tie), { segment: 0, overlap: 2 });
  assert.throws(() => largestOverlapSegment(s, new Array(24).fill(0)), /m_G is empty/);
  assert.throws(() => largestOverlapSegment(s, new Array(24).fill(0.5)), /not binary/);
});

test('selectSegment adds the seam (cut pixels of the same class touching the segment); falls back without cuts', () => {
  const m = [0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const sel = selectSegment(labels, cut, m, 4, 6);
  assert.equal(sel.classIndex, 1);
  assert.equal(sel.overlap, 2);
  assert.deepEqual([...sel.mask], [0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  // m_G only on cut pixels: no segment overlaps, so the cuts are ignored and the whole class-1 region is selected
  const onCut = selectSegment(labels, cut, cut, 4, 6);
  assert.equal(
    onCut.mask.reduce((a, v) => a + v, 0),
    12,
  );
  assert.deepEqual(
    [...dilateSquare(Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]), 3, 3, 1)],
    [1, 1, 1, 1, 1, 1, 1, 1, 1],
  );
  assert.deepEqual(
    [...dilateSquare(Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0]), 3, 3, 1)],
    [1, 1, 0, 1, 1, 0, 0, 0, 0],
  );
});

test('straightThrough: forward value = hard, gradient passes to soft unchanged', () => {
  const hard = tf.tensor([1, 0, 1]);
  const soft = tf.tensor([0.7, 0.2, 0.4]);
  const r = tf.tensor([1, 2, 3]);
  assert.deepEqual([...straightThrough(hard, soft).dataSync()], [1, 0, 1]);
  const [gh, gs] = tf.grads((h: tf.Tensor, s: tf.Tensor) => tf.sum(tf.mul(straightThrough(h, s), r)))([hard, soft]);
  assert.deepEqual([...gh.dataSync()], [0, 0, 0]);
  assert.deepEqual([...gs.dataSync()], [1, 2, 3]);
});

test('selectDifferentiableMask on a hand-made segmenter output: segment choice, binary M, windowed soft mask', () => {
  // logits: 10 for the labelled class, 0 otherwise; boundary logit +5 on cut pixels
  const k = 3;
  const logits = tf.tensor4d(
    labels.flatMap((c) => [0, 1, 2].map((j) => (j === c ? 10 : 0))),
    [1, 4, 6, k],
  );
  const boundary = tf.tensor4d(
    cut.map((c) => (c ? 5 : -5)),
    [1, 4, 6, 1],
  );
  const mG = tf.tensor4d([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 4, 6, 1]);
  const out = selectDifferentiableMask({ semanticLogits: logits, boundaryLogits: boundary }, mG, 1);
  assert.equal(out.selections[0].classIndex, 2);
  assert.deepEqual([...out.mask.dataSync()], [0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1]);
  const soft = out.softMask.dataSync();
  const p2 = Math.exp(10) / (Math.exp(10) + 2); // P(class 2) on class-2 pixels
  for (let i = 0; i < 24; i++) {
    const x = i % 6;
    const expected = x <= 2 ? 0 : labels[i] === 2 ? p2 : 1 / (Math.exp(10) + 2); // window = segment dilated by 1
    assert.ok(Math.abs(soft[i] - expected) < 1e-6, `pixel ${i}: ${soft[i]} vs ${expected}`);
  }
});

test('Segmenter: output shapes and errors', () => {
  const s = new Segmenter({ numClasses: 5, width: 4, seed: 0 });
  const out = s.apply(tf.zeros([2, 32, 32, 3]));
  assert.deepEqual(out.semanticLogits.shape, [2, 32, 32, 5]);
  assert.deepEqual(out.boundaryLogits.shape, [2, 32, 32, 1]);
  assert.throws(() => s.apply(tf.zeros([1, 32, 32, 1])), /must be RGB/);
  assert.throws(() => new Segmenter({ numClasses: 1, width: 4, seed: 0 }), /numClasses/);
});

test('inpainters reject non-binary masks and wrong channel counts', () => {
  const e = new EdgeInpainter({ width: 2, numResBlocks: 0, seed: 0 });
  const g = tf.zeros([1, 16, 16, 1]) as tf.Tensor4D;
  assert.throws(
    () => e.apply({ gray: g, edges: g, mask: tf.fill([1, 16, 16, 1], 0.5) as tf.Tensor4D }),
    /mask is not binary/,
  );
  assert.throws(
    () => e.apply({ gray: tf.zeros([1, 16, 16, 3]) as tf.Tensor4D, edges: g, mask: g }),
    /gray must be \[B,H,W,1\]/,
  );
  assert.deepEqual(e.apply({ gray: g, edges: g, mask: g }).shape, [1, 16, 16, 1]);
});

// ---------------------------------------------------------------------------------------------------------------
const K = 4;
const S = 32;

function jointInputs() {
  const image = tf.randomUniform([2, S, S, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const disk = (cx: number, cy: number, r: number) =>
    Array.from({ length: S * S }, (_, i) => (Math.hypot((i % S) - cx, Math.floor(i / S) - cy) <= r ? 1 : 0));
  return {
    image,
    gray: tf.mean(image, 3, true) as tf.Tensor4D,
    edges: tf.step(tf.sub(tf.randomUniform([2, S, S, 1], 0, 1, 'float32', 2), 0.8)) as tf.Tensor4D,
    maskGT: tf.tensor4d([...disk(12, 14, 6), ...disk(20, 18, 8)], [2, S, S, 1]),
    target: tf.randomUniform([2, S, S, 3], 0, 1, 'float32', 3) as tf.Tensor4D, // I_G
    targetSeg: tf.oneHot(tf.randomUniform([2, S, S], 0, K, 'int32', 4), K).toFloat() as tf.Tensor4D,
  };
}

test('joint network forward: shapes, binary M equal to the selected segment, inpainted values in range', () => {
  const net = createJointNetwork({ numClasses: K, segmenterWidth: 4, inpainterWidth: 4, numResBlocks: 1, seed: 0 });
  const x = jointInputs();
  const out = net.apply(x);
  assert.deepEqual(out.mask.shape, [2, S, S, 1]);
  assert.deepEqual(out.segmentationProbs.shape, [2, S, S, K]);
  assert.deepEqual(out.output.shape, [2, S, S, 3]);
  const m = out.mask.dataSync();
  for (let b = 0; b < 2; b++) {
    const sel = out.selections[b];
    sel.mask.forEach((v, i) => assert.equal(m[b * S * S + i], v));
    assert.ok(sel.overlap > 0);
  }
  const [lo, hi] = [tf.min(out.output).dataSync()[0], tf.max(out.output).dataSync()[0]];
  assert.ok(lo >= 0 && hi <= 1);
  // names: four prefixed parts, trainable list = all trainable weights
  const names = [...net.named().keys()];
  assert.ok(
    names.includes('seg.head.w') &&
      names.includes('edge.out.w') &&
      names.includes('segInpaint.enc.0.w') &&
      names.includes('image.dec.1.b'),
  );
  assert.equal(net.trainableVariables().length, names.length);
});

test(
  'joint network: L_E alone, L_E + L_S + L_I, and L_X all give non-zero gradients in every segmenter conv ' + 'weight',
  () => {
    // numResBlocks 0: the stock cpu backend has no gradient for dilated convs (lib/backend registers it)
    const net = createJointNetwork({ numClasses: K, segmenterWidth: 4, inpainterWidth: 4, numResBlocks: 0, seed: 0 });
    const dE = createEdgeDiscriminator({ width: 2, seed: 10 });
    const dS = createSegmentationDiscriminator(K, { width: 2, seed: 11 });
    const dI = createImageDiscriminator({ width: 2, seed: 12 });
    const x = jointInputs();
    const grayGT = tf.mean(x.target, 3, true) as tf.Tensor4D;
    const w = paperLossWeights;
    const realE = dE.apply(conditionalDiscriminatorInput(x.edges, grayGT), { training: false }).features;
    const realI = dI.apply(x.target, { training: false }).features;
    const segVars = net.parts.segmenter.params.trainable;
    const phi = tf.randomUniform([2, S, S, 1], -1, 1, 'float32', 5) as tf.Tensor4D;

    const gradNorms = (which: 'E' | 'ESI' | 'X') => {
      const { grads } = tf.variableGrads(() => {
        const out = net.apply(x);
        if (which === 'X') return maskExpansionLoss(phi, out.softMask, w.alpha);
        const lE = edgeInpainterLoss(
          dE.apply(conditionalDiscriminatorInput(out.edges, grayGT), { training: false }),
          realE,
          w,
        ).loss;
        if (which === 'E') return lE;
        const lS = segmentationInpainterLoss(
          dS.apply(conditionalDiscriminatorInput(out.segmentationProbs, grayGT), { training: false }),
          out.segmentationLogits,
          x.targetSeg,
          w,
        ).loss;
        const lI = imageInpainterLoss(
          dI.apply(out.output, { training: false }),
          realI,
          out.output,
          x.target,
          x.maskGT,
          w,
        ).loss;
        return tf.addN([lE, lS, lI]) as tf.Scalar;
      }, [...segVars.values()]);
      const norms = new Map<string, number>();
      for (const [name, v] of segVars) norms.set(name, tf.norm(grads[v.name]).dataSync()[0]);
      return norms;
    };
    for (const which of ['E', 'ESI', 'X'] as const) {
      const norms = gradNorms(which);
      for (const [name, n] of norms) {
        if (name.endsWith('.w')) assert.ok(n > 1e-8 && Number.isFinite(n), `${which}: |grad ${name}| = ${n}`);
      }
    }
  },
);

test('no tensor leaks: a joint forward inside tf.tidy leaves the tensor count unchanged', () => {
  const net = createJointNetwork({ numClasses: K, segmenterWidth: 2, inpainterWidth: 2, numResBlocks: 1, seed: 0 });
  const x = jointInputs();
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    net.apply(x);
  });
  assert.equal(tf.memory().numTensors, before);
});
