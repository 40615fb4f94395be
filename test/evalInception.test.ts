// LPIPS-like and FID-like scores on nsfwjs's InceptionV3 (lib/eval). The network has no independent reference
// here, so these tests check properties (identity, symmetry, monotone in noise), the LPIPS-like arithmetic
// against a plain typed-array recomputation, naming and errors. They run on the cpu backend at inputSize 75 (the
// smallest InceptionV3 accepts) to stay fast; the default is 299.
// Checked once by hand (not in CI: ~25 s on cpu): the offline loader's mixed10 / mixed7 activations equal those of
// nsfwjs.load('InceptionV3').infer(img, layer) at 299 to 1.5e-6 / 4.3e-6 (max abs; activations up to 1.1 / 4.2).
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { Raster } from '../lib/image/raster';
import { Prng } from '../lib/random/prng';
import { inceptionActivations } from '../lib/eval/inception';
import { LPIPS_LIKE_LAYERS, lpipsLikeInception, lpipsLikeInceptionPairs } from '../lib/eval/lpipsLike';
import { fidLikeInception, inceptionPoolFeatures } from '../lib/eval/fidLike';
import { METRIC_LABELS, metricLabel } from '../lib/eval/result';

const inputSize = 75;

/** A smooth textured RGB scene in [0, 1] with a few discs. */
function scene(seed: number, size = 64): Raster {
  const rng = new Prng(seed);
  const f = [rng.uniform(3, 9), rng.uniform(3, 9), rng.uniform(3, 9)];
  const discs = Array.from({ length: 3 }, () => [
    rng.uniform(0, size),
    rng.uniform(0, size),
    rng.uniform(5, 14),
    rng.next(),
    rng.next(),
    rng.next(),
  ]);
  const data = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        let v = 0.5 + 0.35 * Math.sin((f[c] * x) / size + (2 * y) / size + c);
        for (const [cy, cx, r, ...col] of discs) if ((y - cy) ** 2 + (x - cx) ** 2 < r * r) v = col[c];
        data[(y * size + x) * 3 + c] = v;
      }
    }
  }
  return { height: size, width: size, channels: 3, data };
}

function noisy(r: Raster, sigma: number, seed: number): Raster {
  const rng = new Prng(seed);
  return { ...r, data: r.data.map((v) => Math.min(1, Math.max(0, v + sigma * rng.normal()))) };
}

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

test('LPIPS-like: identity gives 0, swapping the pair gives the same value (to 1e-6), results are named', async () => {
  const a = scene(1);
  const b = scene(2);
  const [same, ab, ba] = await lpipsLikeInceptionPairs([a, a, b], [a, b, a], { inputSize });
  assert.ok(Math.abs(same.value) < 1e-7, `identity: ${same.value}`);
  assert.ok(ab.value > 0.05, `different scenes should be far apart, got ${ab.value}`);
  assert.ok(Math.abs(ab.value - ba.value) < 1e-6, `symmetry: ${ab.value} vs ${ba.value}`);
  assert.equal(ab.metric, 'lpipsLikeInception');
  assert.equal(ab.protocol, 'inceptionV3-nsfwjs@75');
  assert.equal(metricLabel(ab), 'LPIPS-like (InceptionV3-nsfwjs, unweighted) [inceptionV3-nsfwjs@75, whole-image]');
});

test('LPIPS-like grows with the noise level (sigma 0.02 < 0.08 < 0.25)', async () => {
  const a = scene(3);
  const sigmas = [0.02, 0.08, 0.25];
  const results = await lpipsLikeInceptionPairs(
    sigmas.map(() => a),
    sigmas.map((s, i) => noisy(a, s, 10 + i)),
    { inputSize },
  );
  const v = results.map((r) => r.value);
  assert.ok(v[0] > 0 && v[0] < v[1] && v[1] < v[2], `not increasing: ${v}`);
});

test('LPIPS-like equals a typed-array recomputation from the raw activations (rel. error < 1e-5)', async () => {
  const a = scene(4);
  const b = noisy(scene(4), 0.1, 5);
  const got = (await lpipsLikeInception(a, b, { inputSize })).value;
  const acts = await inceptionActivations([a, b], LPIPS_LIKE_LAYERS, inputSize);
  let total = 0;
  for (const act of acts) {
    const [, h, w, c] = act.shape;
    const d = await act.data();
    const n = h * w;
    let layer = 0;
    for (let p = 0; p < n; p++) {
      let na = 0;
      let nb = 0;
      for (let k = 0; k < c; k++) {
        na += d[p * c + k] ** 2;
        nb += d[(n + p) * c + k] ** 2;
      }
      na = Math.sqrt(na) + 1e-10;
      nb = Math.sqrt(nb) + 1e-10;
      for (let k = 0; k < c; k++) layer += (d[p * c + k] / na - d[(n + p) * c + k] / nb) ** 2;
    }
    total += layer / n;
  }
  tf.dispose(acts);
  const want = total / acts.length;
  assert.ok(Math.abs(got - want) / want < 1e-5, `got ${got}, recomputed ${want}`);
});

test('FID-like: 2048-d pooled features; identical sets give 0; more noise gives a larger distance', async () => {
  // Noise levels are small because at inputSize 75 mixed10 is 1x1 and very noise-sensitive (sigma 0.03 already moves
  // a feature vector by ~60 % of its norm, and beyond ~0.1 the distance stops growing); at 299 it is far calmer.
  const set = [scene(5), scene(6)];
  const same = await fidLikeInception(set, set, { inputSize });
  assert.ok(same.value < 1e-6, `identical sets: ${same.value}`);
  const light = await fidLikeInception(
    set,
    set.map((r, i) => noisy(r, 0.005, 20 + i)),
    { inputSize },
  );
  const heavy = await fidLikeInception(
    set,
    set.map((r, i) => noisy(r, 0.02, 30 + i)),
    { inputSize },
  );
  assert.ok(light.value > 0 && light.value < heavy.value, `light ${light.value}, heavy ${heavy.value}`);
  assert.equal(metricLabel(heavy), 'FID-like (InceptionV3-nsfwjs pool features) [inceptionV3-nsfwjs@75, whole-image]');
  const [f] = await inceptionPoolFeatures([set[0]], { inputSize });
  assert.equal(f.length, 2048);
});

test('labels never present the network scores as LPIPS / FID', () => {
  assert.match(METRIC_LABELS.lpipsLikeInception, /^LPIPS-like \(InceptionV3-nsfwjs/);
  assert.match(METRIC_LABELS.fidLikeInception, /^FID-like \(InceptionV3-nsfwjs/);
});

test('bad inputs give errors that name the problem', async () => {
  const a = scene(8);
  const gray: Raster = { height: 64, width: 64, channels: 1, data: new Float32Array(64 * 64) };
  await assert.rejects(lpipsLikeInception(a, a, { inputSize: 64 }), /inputSize must be an integer >= 75/);
  await assert.rejects(lpipsLikeInception(gray, gray, { inputSize }), /expected 3 channel/);
  await assert.rejects(lpipsLikeInception(a, scene(8, 80), { inputSize }), /sizes differ/);
  await assert.rejects(
    lpipsLikeInception(a, { ...a, data: a.data.map((v) => v * 255) }, { inputSize }),
    /must lie in \[0, 1\]/,
  );
  await assert.rejects(lpipsLikeInceptionPairs([a], [], { inputSize }), /pairs needed/);
  await assert.rejects(fidLikeInception([a], [a, a], { inputSize }), /at least 2 images per set/);
});
