// Parts of the training loop on the cpu backend: our Adam against tf.train.adam, the data order, the batches.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Adam } from '../lib/train/adam';
import { itemOfSample, makeBatch, disposeBatch, type DataConfig } from '../lib/train/batches';
import { bucketOf } from '../lib/data/buckets';
import { NUM_CLASSES } from '../lib/data/classes';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

// Reference: PyTorch's Adam update written out in float64 on the quadratic sum_i c_i (w_i - t_i)^2 (gradient
// 2 c_i (w_i - t_i)). tf.train.adam is a second, looser reference: it forms 1 - beta^t in float32, which for
// beta2 = 0.999 costs ~1e-4 relative precision in the bias correction (measured 4.9e-6 abs here).
function referenceAdam(
  w0: number[],
  t: number[],
  c: number[],
  lr: number,
  b1: number,
  b2: number,
  eps: number,
  steps: number,
): number[] {
  const w = [...w0];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  for (let s = 1; s <= steps; s++) {
    for (let i = 0; i < w.length; i++) {
      const g = 2 * c[i] * (w[i] - t[i]);
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      w[i] -= (lr * (m[i] / (1 - b1 ** s))) / (Math.sqrt(v[i] / (1 - b2 ** s)) + eps);
    }
  }
  return w;
}

test(
  'Adam matches a float64 reference (max abs diff < 1e-6) and tf.train.adam (< 2e-5) over 5 steps, ' +
    'betas (0, 0.9) and (0.9, 0.999)',
  () => {
    const w0 = [0.5, -1.2, 3, 0.1, 0.0, -2];
    const t = [1, 2, 3, 4, 5, 6];
    const c = [1, 2, 3, 4, 5, 6];
    for (const [b1, b2] of [
      [0, 0.9],
      [0.9, 0.999],
    ]) {
      const ours = tf.variable(tf.tensor(w0));
      const theirs = tf.variable(tf.tensor(w0));
      const loss = (v: tf.Variable) => () => tf.sum(tf.mul(tf.square(tf.sub(v, t)), c)) as tf.Scalar;
      const adam = new Adam(new Map([['w', ours]]), { lr: 0.1, beta1: b1, beta2: b2, eps: 1e-7 });
      const ref = tf.train.adam(0.1, b1, b2, 1e-7);
      for (let s = 0; s < 5; s++) {
        const { grads } = tf.variableGrads(loss(ours), [ours]);
        adam.apply(new Map([['w', grads[ours.name]]]));
        ref.minimize(loss(theirs), false, [theirs]);
      }
      const expected = referenceAdam(w0, t, c, 0.1, b1, b2, 1e-7, 5);
      const got = ours.dataSync();
      const d64 = Math.max(...expected.map((e, i) => Math.abs(e - got[i])));
      assert.ok(d64 < 1e-6, `betas (${b1}, ${b2}): max abs diff to the float64 reference ${d64}`);
      const dTf = tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0];
      assert.ok(dTf < 2e-5, `betas (${b1}, ${b2}): max abs diff to tf.train.adam ${dTf}`);
      assert.ok(Math.max(...expected.map((e, i) => Math.abs(e - w0[i]))) > 0.3); // it moved
      assert.equal(adam.step, 5);
      assert.deepEqual([...adam.state().keys()], ['m.w', 'v.w']);
    }
    assert.throws(() => new Adam(new Map(), { lr: 0, beta1: 0, beta2: 0.9 }), /lr must be a positive number/);
    assert.throws(() => new Adam(new Map(), { lr: 1, beta1: 1, beta2: 0.9 }), /beta1 must be in \[0, 1\)/);
    assert.throws(
      () => new Adam(new Map([['w', tf.variable(tf.zeros([1]))]]), { lr: 1, beta1: 0, beta2: 0.9 }).apply(new Map()),
      /no gradient for 'w'/,
    );
  },
);

test(
  'data order: each epoch is a permutation of the pairs, ' + 'epochs differ, and it depends only on (seed, pairs, k)',
  () => {
    const pairs = 10;
    const epoch = (e: number) => Array.from({ length: pairs }, (_, i) => itemOfSample(e * pairs + i, pairs, 7));
    const e0 = epoch(0);
    const e1 = epoch(1);
    assert.deepEqual(
      [...e0].sort((a, b) => a - b),
      [...Array(pairs).keys()],
    );
    assert.deepEqual(
      [...e1].sort((a, b) => a - b),
      [...Array(pairs).keys()],
    );
    assert.notDeepEqual(e0, e1);
    assert.deepEqual(epoch(0), e0); // asked again after epoch 1: the same order
    assert.notDeepEqual(
      Array.from({ length: pairs }, (_, i) => itemOfSample(i, pairs, 8)),
      e0,
    );
    assert.throws(() => itemOfSample(0, 0, 7), /pairs must be a positive integer/);
  },
);

test('batches: object masks are M_G on I, random masks are free-form holes on I_G in the same ratio bucket', () => {
  const c: DataConfig = { size: 32, batch: 2, pairs: 16, dataSeed: 3, masks: 'object', cannySigma: 1 };
  const obj = makeBatch(1, c);
  const rnd = makeBatch(1, { ...c, masks: 'random' });
  assert.deepEqual(obj.segmentation.shape, [2, 32, 32, NUM_CLASSES]);
  assert.deepEqual(obj.edges.shape, [2, 32, 32, 1]);
  // object: outside the mask, I equals I_G; inside, they differ (the pasted person)
  const diff = tf.abs(tf.sub(obj.image, obj.target)).max(3, true);
  assert.equal(tf.sum(tf.mul(diff, tf.sub(1, obj.mask))).dataSync()[0], 0);
  assert.ok(tf.sum(tf.mul(diff, obj.mask)).dataSync()[0] > 0);
  // random: the source is I_G itself, the hole is another shape, in the bucket of the item's M_G
  assert.equal(tf.max(tf.abs(tf.sub(rnd.image, rnd.target))).dataSync()[0], 0);
  assert.ok(tf.sum(tf.abs(tf.sub(rnd.mask, obj.mask))).dataSync()[0] > 0);
  const ratios = (m: tf.Tensor4D) => [...tf.mean(m, [1, 2, 3]).dataSync()].map(bucketOf);
  assert.deepEqual(ratios(rnd.mask), ratios(obj.mask));
  // phi is negative inside the mask, positive outside (L_X's sign convention)
  const phi = obj.phi.dataSync();
  const m = obj.mask.dataSync();
  phi.forEach((v, i) => assert.ok(m[i] ? v <= 0 : v > 0));
  // deterministic by step
  const again = makeBatch(1, c);
  assert.equal(tf.max(tf.abs(tf.sub(again.image, obj.image))).dataSync()[0], 0);
  [obj, rnd, again].forEach(disposeBatch);
});
