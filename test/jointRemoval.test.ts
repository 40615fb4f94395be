// Removal with a learned mask (lib/pipeline/jointRemoval.ts) on a committed photograph with people, 64x64:
//  - a joint run's checkpoint loads into the four networks (weights equal to the checkpoint's), and its remover
//    fills the segment the pretrained segmenter finds on m_G: the mask it returns matches personSegments' component
//    (an independent path: probabilities resized and thresholded vs tempered logits), pixels outside it are I's;
//  - the segmenter-mask baseline: k px of dilation grow the mask by k px (it contains the k = 0 mask), the fill is
//    inside the mask only; an m_G on no person removes nothing; no tensor leaks;
//  - a segmenter-stage run loads as the segmenter it trained (from scratch or pretrained), with its weights; the
//    scratch one's mask equals the hard mask of its joint network's selection (lib/models/differentiableMask.ts).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../lib/train/checkpoint';
import { resize } from '../lib/image/resize';
import { type Mask, type Raster, maskArea } from '../lib/image/raster';
import type { PretrainedSegmenter } from '../lib/models/pretrainedSegmenter';
import type { PanopticLabels } from '../lib/data/labels';
import { CLASSICAL_INPAINTERS } from '../lib/inpaint/inpainter';
import {
  jointRemover,
  loadJointRemovalNetwork,
  loadSegmenterRun,
  segmenterMask,
  segmenterMaskRemover,
} from '../lib/pipeline/jointRemoval';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Segmenter } from '../lib/models/segmenter';
import { selectDifferentiableMask } from '../lib/models/differentiableMask';
import { DATA_MIXES, PRESETS, type Preset } from '../lib/config/presets';
import { runTraining } from '../lib/train/loop';
import { SIZE, jointFixture } from './jointFixture';

let image: Raster;
let person: Mask;
let labels: PanopticLabels;
let jointRun: string;

const iou = (a: Mask, b: Mask) => {
  let inter = 0;
  let union = 0;
  a.data.forEach((v, i) => {
    inter += v & b.data[i];
    union += v | b.data[i];
  });
  return inter / union;
};
const outsideUnchanged = (out: Raster, mask: Mask) =>
  out.data.every((v, k) => mask.data[Math.floor(k / 3)] === 1 || v === image.data[k]);

before(async () => {
  ({ image, person, labels, run: jointRun } = await jointFixture('joint-removal-'));
});

test(
  'a joint run loads and removes the segment on m_G: ' + "its mask is its segmenter's component, I outside it",
  async () => {
    const r = loadJointRemovalNetwork(jointRun);
    const ckpt = loadCheckpoint(jointRun);
    const segName = [...r.net.named().keys()].find((k) => k.startsWith('seg.'))!;
    for (const name of ['edge.out.w', 'image.out.w', segName]) {
      const want = ckpt.tensors.get(`model.${name}`)!.values;
      assert.deepEqual(Array.from(r.net.named().get(name)!.dataSync()), Array.from(want), name);
    }
    const remove = jointRemover(r);
    const before = tf.memory().numTensors;
    const { output, mask } = await remove(image, person, labels);
    assert.equal(tf.memory().numTensors, before, 'no tensor leak');
    const expected = await segmenterMask(image, person, r.net.parts.segmenter as PretrainedSegmenter);
    assert.ok(
      maskArea(expected) > 30 && iou(mask, expected) > 0.9,
      `IoU with personSegments' component ${iou(mask, expected)}`,
    );
    assert.ok(outsideUnchanged(output, mask));
    assert.ok(
      output.data.some((v, k) => v !== image.data[k]),
      'the hole is filled',
    );
    await assert.rejects(remove(resize(image, 32, 32), person, labels), /trained at 64x64/);
    r.dispose();
    assert.throws(
      () => loadJointRemovalNetwork(path.join(__dirname, '..', 'checkpoints', 'cpu', 'resume', 'edge-cpu')),
      /not a joint run's/,
    );
  },
);

test(
  'segmenter-mask baseline: dilation by k px contains the k = 0 mask and grows it; ' + 'fills only its mask',
  async () => {
    const m0 = await segmenterMask(image, person);
    assert.deepEqual(Array.from(m0.data), Array.from(person.data), 'the component overlapping m_G');
    const results = [];
    for (const k of [0, 2])
      results.push(await segmenterMaskRemover(CLASSICAL_INPAINTERS.telea, k)(image, person, labels));
    const [r0, r2] = results;
    assert.deepEqual(Array.from(r0.mask.data), Array.from(m0.data));
    assert.ok(r2.mask.data.every((v, i) => v >= r0.mask.data[i]) && maskArea(r2.mask) > maskArea(r0.mask));
    for (const r of results) assert.ok(outsideUnchanged(r.output, r.mask));
    // m_G on the top-left corner, where the segmenter sees nobody
    const onNobody: Mask = { height: SIZE, width: SIZE, data: new Uint8Array(SIZE * SIZE) };
    onNobody.data[0] = 1;
    onNobody.data[1] = 1;
    const none = await segmenterMaskRemover(CLASSICAL_INPAINTERS.telea, 2)(image, onNobody, labels);
    assert.equal(maskArea(none.mask), 0);
    assert.equal(none.output, image, 'nothing selected: I unchanged');
    const all = await segmenterMaskRemover(CLASSICAL_INPAINTERS.telea, SIZE)(image, person, labels);
    assert.equal(maskArea(all.mask), SIZE * SIZE, 'dilated over the whole image');
    assert.equal(all.output, image, 'nothing known to fill from: I unchanged');
    assert.throws(() => segmenterMaskRemover(CLASSICAL_INPAINTERS.telea, -1), /k must be an integer >= 0/);
  },
);

test("a segmenter-stage run's segmenter: from scratch or pretrained as recorded, with the run's weights; the scratch one's mask is its joint network's hard selection", async () => {
  const preset: Preset = { ...PRESETS.tiny, architecture: { ...PRESETS.tiny.architecture, size: SIZE } };
  const train = async (segmenter: 'scratch' | 'pretrained') => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `segmenter-${segmenter}-`));
    await runTraining({
      preset,
      stage: 'segmenter',
      segmenter,
      data: DATA_MIXES.procedural,
      out,
      steps: 1,
      progress: false,
    });
    return out;
  };
  for (const kind of ['scratch', 'pretrained'] as const) {
    const run = await train(kind);
    const { segmenter, checkpoint } = loadSegmenterRun(run);
    assert.equal(segmenter instanceof Segmenter, kind === 'scratch', kind);
    assert.equal(checkpoint.step, 1);
    const ckpt = loadCheckpoint(run);
    for (const [name, v] of segmenter.params.named())
      assert.deepEqual(Array.from(v.dataSync()), Array.from(ckpt.tensors.get(`model.seg.${name}`)!.values), name);
    if (segmenter instanceof Segmenter) {
      const before = tf.memory().numTensors;
      const mask = await segmenterMask(image, person, segmenter);
      assert.equal(tf.memory().numTensors, before, 'no tensor leak');
      const x = tf.tensor4d(image.data, [1, SIZE, SIZE, 3]);
      const gt = tf.tensor4d(Float32Array.from(person.data), [1, SIZE, SIZE, 1]);
      const out = segmenter.apply(x);
      const sel = selectDifferentiableMask(out, gt);
      assert.deepEqual(Array.from(mask.data), Array.from(sel.mask.dataSync()), 'the hard mask M of training');
      assert.ok(maskArea(mask) > 0);
      tf.dispose([x, gt, out.semanticLogits, out.boundaryLogits, sel.mask, sel.softMask]);
    }
    segmenter.dispose();
    fs.rmSync(run, { recursive: true });
  }
  assert.throws(() => loadSegmenterRun(jointRun), /not a segmenter's/);
});
