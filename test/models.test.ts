// Generator and discriminator against the PyTorch networks of the benchmark
// (scripts/fixtures/models_torch.py -> test/fixtures/models_torch.json), cpu backend.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Generator } from '../lib/models/generator';
import { Discriminator } from '../lib/models/discriminator';
import { readFixture, tensorOf, maxAbsDiff, maxAbs, type ArrayFixture } from './nn_fixtures';

const fx = readFixture('models_torch.json');

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

function tensors(obj: Record<string, ArrayFixture>): Map<string, tf.Tensor> {
  return new Map(Object.entries(obj).map(([k, v]) => [k, tensorOf(v)]));
}

function generatorFromFixture(g: any): Generator {
  const gen = new Generator({
    inChannels: g.in,
    outChannels: g.out,
    width: g.width,
    numResBlocks: g.numResBlocks,
    seed: 0,
  });
  gen.params.load(tensors(g.weights));
  return gen;
}

test('Generator forward equals torch (C=4, 2 dilated res blocks, 16x16; max abs err < 1e-5)', () => {
  const g = fx.generator;
  const y = generatorFromFixture(g).apply(tensorOf(g.x));
  const err = maxAbsDiff(y, g.y);
  assert.ok(err < 1e-5, `max abs err ${err} (output scale ${maxAbs(g.y)})`); // measured 1.0e-6 on outputs ~1
});

test('Generator gradients (input and every weight) equal torch (no res blocks; rel err < 1e-4)', () => {
  const g = fx.generator_grad;
  const gen = generatorFromFixture(g);
  const x = tensorOf<tf.Rank.R4>(g.x);
  const r = tensorOf(g.r);
  const names = [...gen.params.trainable.keys()];
  // gradients w.r.t. variables through tf.variableGrads, w.r.t. the input through tf.grad
  const { grads } = tf.variableGrads(
    () => tf.sum(tf.mul(gen.apply(x), r)) as tf.Scalar,
    gen.params.trainableVariables(),
  );
  const dx = tf.grad((xx) => tf.sum(tf.mul(gen.apply(xx as tf.Tensor4D), r)) as tf.Scalar)(x);
  // measured: dx rel 4.5e-7, worst weight rel 1.6e-5
  const errX = maxAbsDiff(dx, g.dx) / maxAbs(g.dx);
  assert.ok(errX < 1e-4, `dx rel err ${errX}`);
  const vars = gen.params.trainable;
  for (const name of names) {
    const grad = grads[vars.get(name)!.name];
    // biases followed by instance norm have a zero gradient (torch: |grad| < 2e-5, rounding noise): floor scale at 1
    const err = maxAbsDiff(grad, g.dw[name]) / Math.max(maxAbs(g.dw[name]), 1);
    assert.ok(err < 1e-4, `${name}: rel err ${err}`);
  }
});

function discriminatorFromFixture(d: any): Discriminator {
  const disc = new Discriminator({ inChannels: d.in, width: d.width, seed: 0 });
  disc.params.load(tensors(d.state));
  return disc;
}

test('Discriminator training forwards equal torch: logits, 5 features, power-iteration state (err < 1e-5)', () => {
  const d = fx.discriminator;
  const disc = discriminatorFromFixture(d);
  const x = tensorOf<tf.Rank.R4>(d.x);
  // measured: features 2.4e-7
  for (const [i, call] of (d.train_calls as any[]).entries()) {
    const { logits, features } = disc.apply(x, { training: true });
    assert.ok(maxAbsDiff(logits, call.logits) < 1e-5, `call ${i} logits`);
    assert.equal(features.length, 5);
    features.forEach((f, k) => {
      const err = maxAbsDiff(f, call.features[k]);
      assert.ok(err < 1e-5, `call ${i} feature ${k}: max abs err ${err}`);
    });
  }
  for (const [name, ref] of Object.entries(d.state_after_2_calls as Record<string, ArrayFixture>)) {
    assert.ok(maxAbsDiff(disc.params.get(name), ref) < 1e-5, name);
  }
});

test('Discriminator gradients (input, every weight; no gradient through u, v) equal torch (rel err < 1e-4)', () => {
  const d = fx.discriminator;
  const disc = discriminatorFromFixture(d);
  const x = tensorOf<tf.Rank.R4>(d.x);
  disc.apply(x, { training: true });
  disc.apply(x, { training: true });
  const ref = d.third_call_grad;
  const r = tensorOf(ref.r);
  // third training call, differentiated w.r.t. the input and the weights at once
  const xv = tf.variable(x);
  const vars = [...disc.params.trainableVariables(), xv];
  const { grads } = tf.variableGrads(
    () => tf.sum(tf.mul(disc.apply(xv, { training: true }).logits, r)) as tf.Scalar,
    vars,
  );
  // measured: worst rel 8.3e-7; eval logits 6e-8
  const errX = maxAbsDiff(grads[xv.name], ref.dx) / maxAbs(ref.dx);
  assert.ok(errX < 1e-4, `dx rel err ${errX}`);
  for (const [name, dw] of Object.entries(ref.dw as Record<string, ArrayFixture>)) {
    const err = maxAbsDiff(grads[disc.params.get(name).name], dw) / maxAbs(dw);
    assert.ok(err < 1e-4, `${name}: rel err ${err}`);
  }
  // after 3 training calls, eval uses the stored state
  const err = maxAbsDiff(disc.apply(x, { training: false }).logits, d.eval_logits_after_3_calls);
  assert.ok(err < 1e-5, `eval logits max abs err ${err}`);
});

test('output shapes: G [B,H,W,out] for 32x32 and 16x16 inputs, D logits [B,H/8-2,W/8-2,1]', () => {
  const g = new Generator({ inChannels: 5, outChannels: 2, width: 4, numResBlocks: 8, seed: 1 });
  assert.deepEqual(g.apply(tf.zeros([2, 32, 32, 5])).shape, [2, 32, 32, 2]);
  assert.deepEqual(g.apply(tf.zeros([1, 16, 24, 5])).shape, [1, 16, 24, 2]);
  const d = new Discriminator({ inChannels: 3, width: 4, seed: 1 });
  const { logits, features } = d.apply(tf.zeros([2, 64, 64, 3]), { training: false });
  assert.deepEqual(logits.shape, [2, 6, 6, 1]);
  assert.deepEqual(
    features.map((f) => f.shape),
    [
      [2, 32, 32, 4],
      [2, 16, 16, 8],
      [2, 8, 8, 16],
      [2, 7, 7, 32],
      [2, 6, 6, 1],
    ],
  );
});

test('parameter counts at C=32 (and D at C=64) equal PyTorch nparams', () => {
  const pc = fx.param_counts;
  // torch: G(4->3, C=32, 8 res) 2,700,323 ; G(3->1) 2,695,617 ; D(3, C=32) 693,760 ; D(3, C=64) 2,763,776
  const cases: [() => { params: { count(): number; dispose(): void } }, number][] = [
    [
      () => new Generator({ inChannels: 4, outChannels: 3, width: 32, numResBlocks: 8, seed: 0 }),
      pc.G_in4_out3_C32_res8,
    ],
    [
      () => new Generator({ inChannels: 3, outChannels: 1, width: 32, numResBlocks: 8, seed: 0 }),
      pc.G_in3_out1_C32_res8,
    ],
    [() => new Discriminator({ inChannels: 3, width: 32, seed: 0 }), pc.D_in3_C32],
    [() => new Discriminator({ inChannels: 3, width: 64, seed: 0 }), pc.D_in3_C64],
  ];
  for (const [make, expected] of cases) {
    const m = make();
    assert.equal(m.params.count(), expected);
    m.params.dispose();
  }
});

test('bad inputs give clear errors', () => {
  const g = new Generator({ inChannels: 4, outChannels: 3, width: 4, numResBlocks: 1, seed: 0 });
  assert.throws(() => g.apply(tf.zeros([1, 16, 16, 3])), /input has 3 channels, expected 4/);
  assert.throws(() => g.apply(tf.zeros([1, 18, 16, 4])), /multiples of 4/);
  assert.throws(
    () => new Generator({ inChannels: 0, outChannels: 3, width: 4, numResBlocks: 1, seed: 0 }),
    /inChannels/,
  );
  const d = new Discriminator({ inChannels: 3, width: 4, seed: 0 });
  assert.throws(() => d.apply(tf.zeros([1, 16, 16, 3]), { training: false }), /too small/);
  assert.throws(() => d.apply(tf.zeros([1, 32, 32, 1]), { training: false }), /input has 1 channels, expected 3/);
});

test('same seed -> same initial weights; different seed -> different', () => {
  const mk = (seed: number) => new Generator({ inChannels: 3, outChannels: 1, width: 2, numResBlocks: 1, seed });
  const [a, b, c] = [mk(5), mk(5), mk(6)];
  assert.deepEqual(a.params.get('res.0.conv1.w').dataSync(), b.params.get('res.0.conv1.w').dataSync());
  assert.notDeepEqual(a.params.get('res.0.conv1.w').dataSync(), c.params.get('res.0.conv1.w').dataSync());
});

test('no tensor leaks: G and D forwards inside tf.tidy leave the tensor count unchanged', () => {
  const g = new Generator({ inChannels: 3, outChannels: 1, width: 2, numResBlocks: 1, seed: 0 });
  const d = new Discriminator({ inChannels: 3, width: 2, seed: 0 });
  const x = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    g.apply(x);
    d.apply(x, { training: true });
  });
  assert.equal(tf.memory().numTensors, before);
});
