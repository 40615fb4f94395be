// The 'telea-refiner' image inpainter (lib/models/inpainters.ts): I_I = clip(T(I, M) + tanh(G(x)), 0, 1).
// Checked against inpaintTelea called directly, the gradient of its output bias against the sum it must equal, and
// the training run's start from an EdgeConnect image inpainter (output layer at zero, recorded architecture).
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/index';
import { PRESETS, recordedArchitecture } from '../lib/config/presets';
import { NUM_CLASSES } from '../lib/data/classes';
import { ImageInpainter, teleaFill } from '../lib/models/inpainters';
import { inpaintTelea } from '../lib/inpaint/telea';
import { runTraining, type RunMeta } from '../lib/train/loop';
import { loadCheckpoint } from '../lib/train/checkpoint';
import { exportGeneratorWeights } from '../lib/io/shippedWeights';
import { loadLearnedInpainters } from '../lib/pipeline/learnedInpainters';
import { Prng } from '../lib/random/prng';

const tiny = PRESETS.tiny;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'refiner-test-'));
const S = 32;

before(async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
});

/** Two 32x32 images (a smooth ramp plus noise) with rectangular holes of different sizes. */
function inputs() {
  const prng = new Prng(7);
  const rand = () => prng.next();
  const image = new Float32Array(2 * S * S * 3);
  const mask = new Float32Array(2 * S * S);
  for (let b = 0; b < 2; b++)
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) {
        for (let c = 0; c < 3; c++)
          image[((b * S + y) * S + x) * 3 + c] = (0.2 + 0.5 * (x / S) + 0.1 * c) * 0.9 + 0.1 * rand();
        const hole = b === 0 ? y >= 8 && y < 16 && x >= 10 && x < 20 : y >= 4 && y < 28 && x >= 2 && x < 14;
        mask[(b * S + y) * S + x] = hole ? 1 : 0;
      }
  const k = NUM_CLASSES;
  const seg = new Float32Array(2 * S * S * k);
  for (let i = 0; i < 2 * S * S; i++) seg[i * k] = 1;
  return {
    image: tf.tensor4d(image, [2, S, S, 3]),
    mask: tf.tensor4d(mask, [2, S, S, 1]),
    edges: tf.zeros([2, S, S, 1]) as tf.Tensor4D,
    segmentation: tf.tensor4d(seg, [2, S, S, k]),
  };
}

test('teleaFill equals inpaintTelea on each image of the batch', () => {
  const x = inputs();
  const got = teleaFill(x.image, x.mask).dataSync();
  const pixels = x.image.dataSync();
  const holes = x.mask.dataSync();
  for (let b = 0; b < 2; b++) {
    const n = S * S;
    const want = inpaintTelea(
      { height: S, width: S, channels: 3, data: Float32Array.from(pixels.subarray(b * n * 3, (b + 1) * n * 3)) },
      { height: S, width: S, data: Uint8Array.from(holes.subarray(b * n, (b + 1) * n)) },
    ).data;
    for (let i = 0; i < want.length; i++) assert.equal(got[b * n * 3 + i], want[i]);
  }
  tf.dispose(Object.values(x));
});

test('teleaFill: an image without a hole is itself, one that is all hole is white', () => {
  const x = inputs();
  const empty = tf.zeros([2, S, S, 1]) as tf.Tensor4D;
  const full = tf.concat([tf.zeros([1, S, S, 1]), tf.ones([1, S, S, 1])]) as tf.Tensor4D;
  assert.deepEqual(teleaFill(x.image, empty).dataSync(), x.image.dataSync());
  const f = teleaFill(x.image, full).dataSync();
  const n = S * S * 3;
  assert.deepEqual(f.subarray(0, n), x.image.dataSync().subarray(0, n));
  assert.ok(f.subarray(n).every((v) => v === 1));
  tf.dispose([empty, full, ...Object.values(x)]);
});

test('a refiner with its output layer at zero returns Telea fill exactly; with random weights it corrects it', () => {
  const x = inputs();
  const before = tf.memory().numTensors;
  const net = new ImageInpainter(NUM_CLASSES, { width: 4, numResBlocks: 1, seed: 3 }, 'telea-refiner');
  const telea = teleaFill(x.image, x.mask);
  const random = net.apply(x);
  assert.deepEqual(random.shape, [2, S, S, 3]);
  const r = random.dataSync();
  assert.ok(
    r.every((v) => v >= 0 && v <= 1),
    'output in [0, 1]',
  );
  const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.sub(a, b).abs().max().dataSync()[0]);
  const moved = maxDiff(random, telea);
  assert.ok(moved > 1e-3, `random weights change the fill (max change ${moved})`);
  net.resetOutputLayer();
  const reset = net.apply(x);
  assert.equal(maxDiff(reset, telea), 0);
  tf.dispose([random, reset, telea]);
  net.params.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  tf.dispose(Object.values(x));
});

test("d/d(out.b) of sum(r * I_I) at a zero output layer is r summed over the channel's unclipped pixels", () => {
  const x = inputs();
  const net = new ImageInpainter(NUM_CLASSES, { width: 4, numResBlocks: 1, seed: 3 }, 'telea-refiner');
  net.resetOutputLayer();
  const prng = new Prng(11);
  const rand = () => prng.next();
  const r = tf.tensor4d(
    Float32Array.from({ length: 2 * S * S * 3 }, () => rand() - 0.5),
    [2, S, S, 3],
  );
  const bias = net.params.get('out.b');
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x), r)) as tf.Scalar, [bias]);
  const got = grads[bias.name].dataSync();
  // tanh'(0) = 1 and the bias adds to every pixel; the clip passes the gradient where T lies inside [0, 1]
  const t = teleaFill(x.image, x.mask).dataSync();
  const rv = r.dataSync();
  for (let c = 0; c < 3; c++) {
    let want = 0;
    for (let i = c; i < t.length; i += 3) if (t[i] >= 0 && t[i] <= 1) want += rv[i];
    assert.ok(Math.abs(got[c] - want) < 1e-4 * Math.max(1, Math.abs(want)), `channel ${c}: ${got[c]} vs ${want}`);
  }
  tf.dispose([r, ...Object.values(grads), ...Object.values(x)]);
  net.params.dispose();
});

test('image stage: a refiner started from an EdgeConnect run starts at zero output weights; resume and reverse refuse', async () => {
  const edgeconnect = tmp();
  await runTraining({ preset: tiny, progress: false, stage: 'image', out: edgeconnect, steps: 2 });
  const refiner = tmp();
  // an lr of 1e-30 leaves every weight where the start put it (Adam's steps are lr-sized)
  await runTraining({
    preset: tiny,
    progress: false,
    stage: 'image',
    out: refiner,
    steps: 1,
    init: edgeconnect,
    lr: 1e-30,
    imageInpainter: 'telea-refiner',
  });
  const ckpt = loadCheckpoint<RunMeta>(refiner);
  assert.equal(ckpt.meta.architecture.imageInpainter, 'telea-refiner');
  const source = loadCheckpoint<RunMeta>(edgeconnect);
  for (const name of ['model.image.out.w', 'model.image.out.b'])
    assert.ok(
      ckpt.tensors.get(name)!.values.every((v) => Math.abs(v) < 1e-20),
      `${name} starts at zero`,
    );
  const kept = ckpt.tensors.get('model.image.enc.0.w')!.values;
  const from = source.tensors.get('model.image.enc.0.w')!.values;
  assert.ok(
    kept.every((v, i) => Math.abs(v - from[i]) < 1e-20),
    'the other layers keep the EdgeConnect weights',
  );
  // the network the pipeline builds from it is a refiner: with the zero output layer, its fill is Telea's
  const cue = async (stage: 'edge' | 'segInpainter') => {
    const out = tmp();
    await runTraining({ preset: tiny, progress: false, stage, out, steps: 1 });
    return out;
  };
  const loaded = loadLearnedInpainters({
    edge: await cue('edge'),
    segInpainter: await cue('segInpainter'),
    image: refiner,
  });
  assert.equal(loaded.image.kind, 'telea-refiner');
  loaded.dispose();
  // the same start from its float16 export (--init of exported weights)
  const exported = exportGeneratorWeights(edgeconnect, { out: path.join(tmp(), 'w'), command: 'test' }).file;
  const fromExport = tmp();
  await runTraining({
    preset: tiny,
    progress: false,
    stage: 'image',
    out: fromExport,
    steps: 1,
    init: exported,
    lr: 1e-30,
    imageInpainter: 'telea-refiner',
  });
  const e = loadCheckpoint<RunMeta>(fromExport);
  assert.ok(e.tensors.get('model.image.out.w')!.values.every((v) => Math.abs(v) < 1e-20));
  const e0 = e.tensors.get('model.image.enc.0.w')!.values;
  assert.ok(
    e0.every((v, i) => Math.abs(v - from[i]) <= 1e-3 * Math.abs(from[i]) + 1e-7),
    'float16 of the run',
  );
  assert.match(e.meta.init[0].from, /weights\.json$/);
  await assert.rejects(
    runTraining({ preset: tiny, progress: false, stage: 'image', out: refiner, steps: 2, resume: true }),
    /architecture\.imageInpainter is "telea-refiner" in the checkpoint, "edgeconnect" in this run/,
  );
  await assert.rejects(
    runTraining({ preset: tiny, progress: false, stage: 'image', out: tmp(), steps: 1, init: refiner }),
    /holds a 'telea-refiner' image inpainter; this run trains a 'edgeconnect' one/,
  );
  await assert.rejects(
    runTraining({
      preset: tiny,
      progress: false,
      stage: 'edge',
      out: tmp(),
      steps: 1,
      imageInpainter: 'telea-refiner',
    }),
    /--image-inpainter applies to the image and joint stages only/,
  );
});

test('checkpoints written before the design was recorded are EdgeConnect image inpainters', () => {
  const { imageInpainter: _, ...old } = tiny.architecture;
  assert.equal(recordedArchitecture(old).imageInpainter, 'edgeconnect');
  assert.equal(recordedArchitecture({ ...old, imageInpainter: 'telea-refiner' }).imageInpainter, 'telea-refiner');
});
