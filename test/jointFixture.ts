// The set-up the joint-removal tests share (test/jointExport.test.ts, test/jointRemoval.test.ts): a committed
// photograph with people at 64x64, the mask m_G of the people the pretrained segmenter finds on it, and a joint run
// (pretrained segmenter, tiny preset at 64 px) trained for one step into a temporary folder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../lib/backend/index';
import { DATA_MIXES, PRESETS, type Preset } from '../lib/config/presets';
import { runTraining } from '../lib/train/loop';
import { readImage } from '../lib/image/io';
import { resize } from '../lib/image/resize';
import type { Mask, Raster } from '../lib/image/raster';
import { type PanopticLabels, createLabels } from '../lib/data/labels';
import { CLASS_ID } from '../lib/data/classes';
import { personSegments } from '../lib/models/pretrainedSegmenter';

export const SIZE = 64;

export interface JointFixture {
  image: Raster; // the photograph at SIZE x SIZE
  person: Mask; // m_G: every pixel the pretrained segmenter labels a person
  labels: PanopticLabels; // every pixel of the photo class
  run: string; // the joint run's folder
}

/** Initialises wasm (one thread), then builds the fixture; `prefix` names the run's temporary folder. */
export async function jointFixture(prefix: string): Promise<JointFixture> {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
  const photo = path.join(
    __dirname,
    '..',
    'data',
    'backgrounds',
    'lomiri-wallpapers-16.04__friends_by_Aitzol_Berasategi.jpg',
  );
  const image = resize(await readImage(photo), SIZE, SIZE);
  const s = await personSegments(image);
  assert.ok(s.components.length > 0 && s.components[0].area > 30, 'the photo shows a person at 64x64');
  const person = { height: SIZE, width: SIZE, data: Uint8Array.from(s.labels, (l) => (l === 0 ? 1 : 0)) };
  const run = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const preset: Preset = { ...PRESETS.tiny, architecture: { ...PRESETS.tiny.architecture, size: SIZE } };
  await runTraining({
    preset,
    stage: 'joint',
    segmenter: 'pretrained',
    data: DATA_MIXES.procedural,
    out: run,
    steps: 1,
    progress: false,
  });
  return { image, person, labels: createLabels(SIZE, SIZE, CLASS_ID.photo), run };
}
