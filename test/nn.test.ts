// lib/nn layers against PyTorch values (scripts/fixtures/models_torch.py -> test/fixtures/models_torch.json)
// and their gradients against finite differences on the cpu backend.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { reflectionPad2d } from '../lib/nn/reflectionPad';
import { instanceNorm } from '../lib/nn/instanceNorm';
import { conv2d, conv2dTranspose } from '../lib/nn/conv';
import { spectralNormWeight } from '../lib/nn/spectralNorm';
import { Params } from '../lib/nn/params';
import { readFixture, tensorOf, maxAbsDiff, finiteDifferenceGrad } from './nn_fixtures';

const fx = readFixture('models_torch.json');

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** max |analytic - numeric| / max(1, max |numeric|) for f at x */
function gradientError(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor): number {
  const analytic = tf.grad(f)(x).dataSync();
  const numeric = finiteDifferenceGrad(f, x);
  let err = 0;
  let scale = 1;
  for (let i = 0; i < numeric.length; i++) {
    err = Math.max(err, Math.abs(analytic[i] - numeric[i]));
    scale = Math.max(scale, Math.abs(numeric[i]));
  }
  return err / scale;
}

test('reflectionPad2d equals torch ReflectionPad2d (exact, max abs err 0)', () => {
  const { pad, x, y } = fx.reflection_pad;
  assert.equal(maxAbsDiff(reflectionPad2d(tensorOf(x), pad), y), 0);
});

// (tfjs-core's own MirrorPad gradient differs from this by up to 5.5 on the same input;
// lib/backend/mirrorPadGradient.ts replaces it)
test('reflectionPad2d gradient equals finite differences (rel err < 1e-3)', () => {
  const x = tf.randomNormal([1, 4, 5, 2], 0, 1, 'float32', 7);
  const r = tf.randomNormal([1, 8, 9, 2], 0, 1, 'float32', 8);
  const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.sin(reflectionPad2d(t as tf.Tensor4D, 2)), r)) as tf.Scalar;
  const err = gradientError(f, x);
  assert.ok(err < 1e-3, `relative gradient error ${err}`);
});

test('reflectionPad2d rejects a pad as large as the image', () => {
  assert.throws(() => reflectionPad2d(tf.zeros([1, 3, 3, 1]) as tf.Tensor4D, 3), /pad 3 must be smaller/);
});

// measured: instance norm 2.4e-7, conv layers 6e-8..1.2e-7
test('instanceNorm equals torch InstanceNorm2d (max abs err < 1e-5)', () => {
  const { x, y } = fx.instance_norm;
  const err = maxAbsDiff(instanceNorm(tensorOf(x)), y);
  assert.ok(err < 1e-5, `max abs err ${err}`);
});

test('instanceNorm gradient equals finite differences (rel err < 2e-3)', () => {
  const x = tf.randomNormal([1, 3, 4, 2], 0, 1, 'float32', 9);
  const r = tf.randomNormal([1, 3, 4, 2], 0, 1, 'float32', 10);
  const err = gradientError((t) => tf.sum(tf.mul(instanceNorm(t as tf.Tensor4D), r)) as tf.Scalar, x);
  assert.ok(err < 2e-3, `relative gradient error ${err}`);
});

for (const layer of fx.conv_layers as any[]) {
  test(`${layer.name} equals torch (max abs err < 1e-5)`, () => {
    const x = tensorOf<tf.Rank.R4>(layer.x);
    const w = tensorOf<tf.Rank.R4>(layer.w);
    const b = tensorOf<tf.Rank.R1>(layer.b);
    const y = layer.transposed
      ? conv2dTranspose(x, w, b, layer.stride)
      : conv2d(x, w, b, { stride: layer.stride, pad: layer.pad, dilation: layer.dilation });
    const err = maxAbsDiff(y, layer.y);
    assert.ok(err < 1e-5, `max abs err ${err}`);
  });
}

test('conv2d rejects a channel mismatch', () => {
  assert.throws(
    () => conv2d(tf.zeros([1, 4, 4, 2]) as tf.Tensor4D, tf.zeros([3, 3, 3, 1]) as tf.Tensor4D, null),
    /input has 2 channels, weight expects 3/,
  );
});

test('spectral norm: one power iteration per training forward, u/v/sigma/output as torch (err < 1e-5)', () => {
  const sn = fx.spectral_norm;
  const w = tensorOf<tf.Rank.R4>(sn.w);
  const u = tf.variable(tensorOf(sn.u0), false);
  const v = tf.variable(tensorOf(sn.v0), false);
  const x = tensorOf<tf.Rank.R4>(sn.x);
  for (const [i, step] of (sn.steps as any[]).entries()) {
    const wsn = spectralNormWeight(w, u, v, true);
    const y = conv2d(x, wsn, null, { stride: 2, pad: 1 });
    const sigma = tf.tidy(() => tf.div(tf.sum(tf.abs(w)), tf.sum(tf.abs(wsn))).dataSync()[0]);
    assert.ok(maxAbsDiff(u, step.u) < 1e-5, `step ${i}: u`);
    assert.ok(maxAbsDiff(v, step.v) < 1e-5, `step ${i}: v`);
    assert.ok(Math.abs(sigma - step.sigma) < 1e-5 * step.sigma, `step ${i}: sigma ${sigma} vs ${step.sigma}`);
    const err = maxAbsDiff(y, step.y);
    assert.ok(err < 1e-5, `step ${i}: output max abs err ${err}`);
  }
  // eval: the stored u, v are used without iterating
  const uBefore = u.dataSync().slice();
  const err = maxAbsDiff(conv2d(x, spectralNormWeight(w, u, v, false), null, { stride: 2, pad: 1 }), sn.y_eval);
  assert.ok(err < 1e-5, `eval output max abs err ${err}`);
  assert.deepEqual(u.dataSync(), uBefore);
});

test('Params: seeded init is reproducible, load checks names and shapes', () => {
  const a = new Params(3);
  const b = new Params(3);
  const c = new Params(4);
  for (const p of [a, b, c]) {
    p.normal('w', [3, 3]);
    p.zeros('b', [3]);
    p.unitVector('u', 5);
  }
  assert.deepEqual(a.get('w').dataSync(), b.get('w').dataSync());
  assert.notDeepEqual(a.get('w').dataSync(), c.get('w').dataSync());
  assert.equal(a.count(), 12);
  assert.deepEqual([...a.named().keys()], ['w', 'b', 'u']);
  assert.equal(a.trainableVariables().length, 2);
  assert.equal(a.stateVariables()[0].trainable, false);
  assert.ok(Math.abs(tf.norm(a.get('u')).dataSync()[0] - 1) < 1e-6);
  // std of a large normal init is 0.02
  const big = new Params(0).normal('w', [20000]);
  const sd = tf.moments(big).variance.sqrt().dataSync()[0];
  assert.ok(Math.abs(sd - 0.02) < 0.001, `std ${sd}`);
  assert.throws(() => a.load({ w: tf.zeros([3, 3]), b: tf.zeros([3]) }), /missing parameter 'u'/);
  assert.throws(() => a.load({ w: tf.zeros([3, 2]), b: tf.zeros([3]), u: tf.zeros([5]) }), /'w' has shape \[3,2\]/);
  assert.throws(
    () => a.load({ w: tf.zeros([3, 3]), b: tf.zeros([3]), u: tf.zeros([5]), x: tf.zeros([1]) }),
    /unknown parameter 'x'/,
  );
  a.load(c.named());
  assert.deepEqual(a.get('w').dataSync(), c.get('w').dataSync());
  assert.throws(() => a.normal('w', [1]), /duplicate parameter 'w'/);
});

test('Params: using weights after dispose() says so, not "no parameter named"', () => {
  const p = new Params(0);
  p.zeros('enc.0.w', [2]);
  assert.equal(p.get('enc.0.w').shape[0], 2);
  assert.throws(() => p.get('nope'), /no parameter named 'nope'/);
  p.dispose();
  assert.throws(() => p.get('enc.0.w'), /these weights were disposed \(dispose\(\) was called\): load them again/);
});
