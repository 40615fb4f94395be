// COCO as a training and test source (--data coco:ROOT, --test-set coco:ROOT) on the committed coco-mini fixture:
// the batches hold makeCocoTriplet's items in the data order, a missing prepareBatch is one clear error, the test set
// is makeCocoTriplet's balanced split, and a training run takes a step on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getDataMix, PRESETS } from '../lib/config/presets';
import { cocoPaths, loadCocoIndex, makeCocoTriplet } from '../lib/data/coco';
import { openTestSet } from '../lib/data/triplets';
import { testSetSpec } from '../lib/eval/experiments';
import {
  type DataConfig,
  disposeBatch,
  itemOfSample,
  loadTrainingData,
  makeBatch,
  prepareBatch,
} from '../lib/train/batches';
import { runTraining } from '../lib/train/loop';
import { initBackend } from '../lib/backend/index';

const ROOT = path.join(__dirname, 'fixtures', 'coco-mini');

test('getDataMix: coco:ROOT[#SPLIT], train2017 by default; an empty root is one clear error', () => {
  assert.deepEqual(getDataMix(`coco:${ROOT}`).coco, { root: ROOT, split: 'train2017' });
  assert.deepEqual(getDataMix(`coco:${ROOT}#mini`).coco, { root: ROOT, split: 'mini' });
  assert.throws(() => getDataMix('coco:'), /--data coco:ROOT needs the folder of a COCO copy/);
  assert.throws(() => getDataMix('cocoa'), /unknown --data 'cocoa'/);
});

test(
  "COCO batches: prepareBatch loads the step's makeCocoTriplet items; makeBatch without it says " + 'what to call',
  async () => {
    const mix = getDataMix(`coco:${ROOT}#mini`);
    const c: DataConfig = {
      size: 48,
      batch: 2,
      pairs: 6,
      dataSeed: 4,
      masks: 'object',
      cannySigma: 1,
      ...(await loadTrainingData(mix)),
    };
    assert.throws(() => makeBatch(0, c), /COCO item \d+ of sample 0 is not loaded: call prepareBatch/);
    const index = loadCocoIndex(cocoPaths(ROOT, 'mini'));
    for (const step of [0, 3]) {
      await prepareBatch(step, c);
      const b = makeBatch(step, c);
      try {
        assert.deepEqual(b.target.shape, [2, 48, 48, 3]);
        const target = b.target.dataSync();
        for (let j = 0; j < 2; j++) {
          const item = itemOfSample(step * 2 + j, 6, 4);
          const t = await makeCocoTriplet(index, 4, item, { height: 48, width: 48, split: 'train' });
          assert.deepEqual(
            target.subarray(j * 48 * 48 * 3, (j + 1) * 48 * 48 * 3),
            t.background.data,
            `step ${step} sample ${j}`,
          );
        }
      } finally {
        disposeBatch(b);
      }
    }
  },
);

test("--test-set coco:ROOT#SPLIT: the items are makeCocoTriplet's balanced test split", async () => {
  const spec = testSetSpec('tiny', `coco:${ROOT}#mini`);
  assert.deepEqual([spec.kind, spec.coco], ['coco', { root: ROOT, split: 'mini' }]);
  assert.equal(testSetSpec('tiny', `coco:${ROOT}`).coco!.split, 'val2017');
  const itemAt = await openTestSet({ ...spec, size: 48, count: 4 });
  const index = loadCocoIndex(cocoPaths(ROOT, 'mini'));
  for (let i = 0; i < 3; i++) {
    // coco-mini's few people reach the 30-40 % bucket at no placement
    const t = await itemAt(i);
    assert.equal(t.bucket, i % 4);
    const ref = await makeCocoTriplet(index, spec.seed, i, { height: 48, width: 48, split: 'test' });
    assert.deepEqual(t.image.data, ref.image.data);
  }
});

test('a tiny training run takes its steps on COCO and records the data', async () => {
  await initBackend({ backend: 'cpu' });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'coco-run-'));
  const r = await runTraining({
    stage: 'edge',
    preset: PRESETS.tiny,
    out,
    steps: 2,
    pairs: 6,
    data: getDataMix(`coco:${ROOT}#mini`),
    progress: false,
  });
  assert.equal(r.step, 2);
  const meta = JSON.parse(fs.readFileSync(path.join(out, 'ckpt.json'), 'utf8')).meta;
  assert.deepEqual(meta.settings.data.coco, { root: ROOT, split: 'mini' });
});
