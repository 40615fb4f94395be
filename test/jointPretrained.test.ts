// The joint network with the pretrained person segmenter (lib/models/pretrainedSegmenter.ts, lib/train/stages.ts
// --segmenter pretrained), wasm with 1 thread (deterministic), tiny preset on procedural data:
//  - the adapter's selection equals largestOverlapSegment over the components of {z > 0} on a hand-made case, and
//    its soft mask is sigmoid(z) inside the window (the component dilated; m_G dilated when nothing overlaps);
//  - L_E + L_S + L_I + λ_X L_X (the joint loss without L_PS) reaches the segmenter's weights, and the gradient of
//    λ_X L_X + L_PS (the smooth part: L_E, L_S, L_I reach the weights through M's straight-through estimator, which is
//    by design not the derivative of the forward pass) matches a central finite difference on one weight;
//  - a joint run leaks no tensor per step, and a run killed after step 3 and resumed ends bit-identical.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/index';
import { PRESETS, DATA_MIXES } from '../lib/config/presets';
import { buildStage } from '../lib/train/stages';
import { runTraining, type RunOptions } from '../lib/train/loop';
import { makeBatch, type Batch } from '../lib/train/batches';
import { readLossLog } from '../lib/train/log';
import {
  type PretrainedSegmenter,
  loadPretrainedSegmenter,
  selectPersonMask,
  personSegmentationLoss,
} from '../lib/models/pretrainedSegmenter';
import { labelSegments, largestOverlapSegment } from '../lib/models/maskSelection';
import { dilateSquare } from '../lib/image/morphology';
import { createJointNetwork } from '../lib/models/jointNetwork';
import { maskExpansionLoss } from '../lib/losses/boundary';

const tiny = PRESETS.tiny;
const a = tiny.architecture;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'joint-pretrained-'));
const run = (o: Omit<RunOptions, 'preset' | 'stage'>) =>
  runTraining({
    preset: tiny,
    stage: 'joint',
    segmenter: 'pretrained',
    data: DATA_MIXES.procedural,
    progress: false,
    ...o,
  });

let seg: PretrainedSegmenter;
let batch: Batch;
before(async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
  seg = loadPretrainedSegmenter();
  batch = makeBatch(0, {
    size: a.size,
    batch: tiny.batch,
    pairs: tiny.pairs,
    dataSeed: tiny.dataSeed,
    masks: 'object',
    cannySigma: tiny.cannySigma,
  });
});

test('selectPersonMask selects the component largestOverlapSegment picks; soft mask = sigmoid(z) in the window', () => {
  // 6x8 logits: person blobs A (columns 0-1) and B (columns 4-6), +3 inside, -2 outside
  const h = 6;
  const w = 8;
  const person = Array.from({ length: h * w }, (_, i) => {
    const x = i % w;
    const y = Math.floor(i / w);
    return (x <= 1 && y <= 3) || (x >= 4 && x <= 6 && y >= 1) ? 1 : 0;
  });
  const z = person.map((p) => (p ? 3 : -2));
  // m_G: 3 px of A, 4 px of B -> B, although m_G's left part is larger in A's rows
  const mG = new Array(h * w).fill(0);
  for (const i of [0, 1, 8, 2 + 8, 12, 13, 20, 21]) mG[i] = 1;
  const expected = largestOverlapSegment(
    labelSegments(
      person,
      person.map((p) => 1 - p),
      h,
      w,
    ),
    mG,
  );
  const ids = labelSegments(
    person,
    person.map((p) => 1 - p),
    h,
    w,
  ).ids;
  const out = selectPersonMask(tf.tensor4d(z, [1, h, w, 1]), tf.tensor4d(mG, [1, h, w, 1]), 1);
  assert.equal(out.selections[0].overlap, expected.overlap);
  assert.equal(expected.overlap, 4);
  const want = ids.map((id) => (id === expected.segment ? 1 : 0));
  assert.deepEqual([...out.selections[0].mask], [...want]);
  assert.deepEqual([...out.mask.dataSync()], [...want]);
  const window = dilateSquare(Uint8Array.from(want), h, w, 1);
  const soft = out.softMask.dataSync();
  z.forEach((v, i) => assert.ok(Math.abs(soft[i] - window[i] / (1 + Math.exp(-v))) < 1e-6, `pixel ${i}`));
  // m_G on no person pixel: nothing selected, the window is m_G's
  const missed = new Array(h * w).fill(0);
  missed[5 * w] = 1; // (0, 5): below A
  const none = selectPersonMask(tf.tensor4d(z, [1, h, w, 1]), tf.tensor4d(missed, [1, h, w, 1]), 1);
  assert.equal(none.selections[0].overlap, 0);
  assert.equal(tf.sum(none.mask).dataSync()[0], 0);
  const around = dilateSquare(Uint8Array.from(missed), h, w, 1);
  const softNone = none.softMask.dataSync();
  z.forEach((v, i) => assert.ok(Math.abs(softNone[i] - around[i] / (1 + Math.exp(-v))) < 1e-6, `pixel ${i} (none)`));
  assert.throws(
    () => selectPersonMask(tf.zeros([1, h, w, 2]) as tf.Tensor4D, tf.zeros([1, h, w, 1]) as tf.Tensor4D),
    /must be \[B,H,W,1\]/,
  );
});

test('L_E + L_S + L_I + λ_X L_X reach the pretrained weights; λ_X L_X + L_PS matches a finite difference', () => {
  const model = buildStage('joint', tiny, {
    mel: true,
    alpha: 0.03,
    imageLoss: tiny.imageLoss,
    l1Per: tiny.l1Per,
    segmenter: 'pretrained',
  });
  const segVars = new Map([...model.generatorTrainable].filter(([k]) => k.startsWith('seg.')));
  assert.ok(segVars.size > 100, `${segVars.size} segmenter variables`);
  const { value, grads } = tf.variableGrads(() => {
    const p = model.pass(batch);
    assert.ok(p.terms.X.dataSync()[0] !== 0);
    return tf.sub(p.loss, p.terms.ps) as tf.Scalar; // L_E + L_S + L_I + λ_X L_X
  }, [...segVars.values()]);
  const norms = [...segVars.values()].map((v) => tf.norm(grads[v.name]).dataSync()[0]);
  tf.dispose([value, ...Object.values(grads)]);
  model.dispose();
  assert.ok(norms.every(Number.isFinite));
  const nonzero = norms.filter((n) => n > 0).length;
  assert.ok(nonzero >= 0.9 * norms.length, `${nonzero} of ${norms.length} segmenter weights get a gradient`);

  // the smooth part, on a joint network holding the loaded segmenter
  const net = createJointNetwork({
    numClasses: a.numClasses,
    segmenterWidth: a.segmenterWidth,
    inpainterWidth: a.inpainterWidth,
    numResBlocks: a.numResBlocks,
    seed: tiny.modelSeed,
    pretrainedSegmenter: seg,
  });
  const smooth = () =>
    tf.tidy(() => {
      const out = net.apply({
        image: batch.image,
        gray: batch.gray,
        edges: batch.edges,
        maskGT: batch.mask,
        labels: batch.segmentation,
      });
      if (out.segmenter.kind !== 'pretrained') throw new Error('expected the pretrained segmenter');
      const x = tf.mul(maskExpansionLoss(batch.phi, out.softMask, 0.03), tiny.weights.lambdaX);
      return tf.add(x, personSegmentationLoss(out.segmenter.personLogits, batch.segmentation)) as tf.Scalar;
    });
  const vars = seg.params.trainableVariables();
  const g = tf.variableGrads(smooth, vars);
  // the element of largest gradient among the rank-1 weights (biases)
  let best = { v: vars[0], i: 0, g: 0 };
  for (const v of vars) {
    if (v.rank !== 1) continue;
    const d = g.grads[v.name].dataSync();
    d.forEach((x, i) => {
      if (Math.abs(x) > Math.abs(best.g)) best = { v, i, g: x };
    });
  }
  tf.dispose([g.value, ...Object.values(g.grads)]);
  const original = best.v.dataSync().slice();
  const at = (delta: number) => {
    const shifted = original.slice();
    shifted[best.i] += delta;
    best.v.assign(tf.tensor(shifted, best.v.shape));
    const l = smooth();
    const r = l.dataSync()[0];
    l.dispose();
    return r;
  };
  const step = 1e-2;
  const fd = (at(step) - at(-step)) / (2 * step);
  best.v.assign(tf.tensor(original, best.v.shape));
  assert.ok(Math.abs(best.g) > 1e-4, `largest bias gradient ${best.g}`);
  assert.ok(Math.abs(fd - best.g) <= 0.05 * Math.abs(best.g), `${best.v.name}[${best.i}]: grad ${best.g}, fd ${fd}`);
  tf.dispose([...net.named().values()].filter((v) => !vars.includes(v)));
});

test(
  'a joint run with the pretrained segmenter: no tensor leak per step; killed after step 3 and resumed = ' + 'straight',
  async () => {
    const straight = tmp();
    const counts: number[] = [];
    const start = tf.memory().numTensors;
    await run({ out: straight, steps: 4, checkpointEvery: 2, onStep: () => counts.push(tf.memory().numTensors) });
    assert.equal(new Set(counts).size, 1, `tensors after each step: ${counts}`);
    assert.equal(tf.memory().numTensors, start);
    const settings = JSON.parse(fs.readFileSync(path.join(straight, 'ckpt.json'), 'utf8')).meta.settings;
    assert.equal(settings.segmenter, 'pretrained');

    const broken = tmp();
    await assert.rejects(
      run({
        out: broken,
        steps: 4,
        checkpointEvery: 2,
        onStep: (s) => {
          if (s === 3) throw new Error('killed');
        },
      }),
      /killed/,
    );
    await run({ out: broken, steps: 4, checkpointEvery: 2, resume: true });
    const la = readLossLog(path.join(straight, 'log.jsonl'));
    const lb = readLossLog(path.join(broken, 'log.jsonl'));
    assert.deepEqual(
      lb.map((r) => r.losses),
      la.map((r) => r.losses),
    );
    assert.notEqual(la[0].losses.loss, la[3].losses.loss);
    const sha = (d: string) => JSON.parse(fs.readFileSync(path.join(d, 'ckpt.json'), 'utf8')).sha256;
    assert.equal(sha(broken), sha(straight));
    // another segmenter is refused on resume, and a scratch segmenter checkpoint as --init-segmenter
    await assert.rejects(run({ out: broken, steps: 6, resume: true, segmenter: 'scratch' }), /setting 'segmenter'/);
    const scratch = tmp();
    await runTraining({
      preset: tiny,
      stage: 'segmenter',
      out: scratch,
      steps: 1,
      data: DATA_MIXES.procedural,
      progress: false,
      segmenter: 'scratch',
    });
    await assert.rejects(
      run({ out: tmp(), steps: 1, initParts: { segmenter: scratch } }),
      /holds the scratch segmenter, this run trains the pretrained one/,
    );
  },
);
