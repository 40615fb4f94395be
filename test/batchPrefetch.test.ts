// BatchPrefetcher (lib/train/batchPrefetch.ts): the batches a worker thread makes one step ahead are makeBatch's,
// value for value, for every data mix and both mask kinds; a worker-side failure (a missing photo library) is the
// same one-line error on the step that needed it; no tensor is left behind.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/index';
import { DATA_MIXES, type DataMix, getDataMix } from '../lib/config/presets';
import { readPhotoManifest, photoLibraryDir } from '../lib/data/photos';
import {
  type Batch,
  type DataConfig,
  disposeBatch,
  loadTrainingData,
  makeBatch,
  prepareBatch,
} from '../lib/train/batches';
import { BatchPrefetcher } from '../lib/train/batchPrefetch';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

const CONFIG = { size: 32, batch: 2, pairs: 5, dataSeed: 11, masks: 'object', cannySigma: 1 } as const;

/** Steps 0..steps-1 from the prefetcher against makeBatch on this thread, every tensor bit for bit. */
async function assertSameBatches(mix: DataMix, config: Omit<DataConfig, 'sources' | 'coco'>, steps: number) {
  const local: DataConfig = { ...config, ...(await loadTrainingData(mix)) };
  const start = tf.memory().numTensors;
  const batches = BatchPrefetcher.start(config, mix, steps);
  try {
    for (let s = 0; s < steps; s++) {
      const got = await batches.take(s);
      await prepareBatch(s, local);
      const want = makeBatch(s, local);
      try {
        for (const key of Object.keys(want) as (keyof Batch)[]) {
          assert.deepEqual(got[key].shape, want[key].shape, `${mix.name} step ${s} ${key} shape`);
          assert.deepEqual(got[key].dataSync(), want[key].dataSync(), `${mix.name} step ${s} ${key}`);
        }
      } finally {
        disposeBatch(got);
        disposeBatch(want);
      }
    }
  } finally {
    batches.close();
  }
  assert.equal(tf.memory().numTensors, start, 'no tensor left behind');
}

test('procedural data, object and random masks: the worker makes makeBatch’s batches, crossing an epoch', async () => {
  await assertSameBatches(DATA_MIXES.procedural, CONFIG, 4); // 4 steps x 2 samples > 5 pairs
  await assertSameBatches(DATA_MIXES.procedural, { ...CONFIG, masks: 'random' }, 2);
});

test('photo data and COCO: the worker reads the sources itself and makes the same batches', async (t) => {
  await assertSameBatches(getDataMix(`coco:${path.join(__dirname, 'fixtures', 'coco-mini')}#mini`), CONFIG, 2);
  try {
    readPhotoManifest(photoLibraryDir());
  } catch {
    t.skip('no photo library (bash scripts/fetch-photos.sh)');
    return;
  }
  await assertSameBatches(DATA_MIXES.photos, CONFIG, 2);
});

test('a missing photo library is the one-line error of the step that needed it, and of every later one', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-library-'));
  const saved = process.env.PHOTO_LIBRARY;
  process.env.PHOTO_LIBRARY = empty; // the worker thread gets a copy of this thread's environment at start
  const batches = BatchPrefetcher.start(CONFIG, DATA_MIXES.photos, 3);
  try {
    await assert.rejects(batches.take(0), /^Error: the photo library is missing \(.*manifest\.json\): build it with/);
    await assert.rejects(batches.take(1), /the photo library is missing/);
  } finally {
    batches.close();
    if (saved === undefined) delete process.env.PHOTO_LIBRARY;
    else process.env.PHOTO_LIBRARY = saved;
    fs.rmSync(empty, { recursive: true, force: true });
  }
});
