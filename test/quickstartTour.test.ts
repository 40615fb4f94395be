// lib/viz/quickstartTour.ts removePerson, the steps of notebooks/00_quickstart: the segment selected is the one under
// the user's point (or the one overlapping m_G most), not merely the largest; the joint network is given that segment
// (or m_G) and its mask and output are returned as jointRemover gives them; Telea fills the same mask. On procedural
// test item 20 (64x64: two figures, two segments of the pretrained segmenter, each of which the shipped joint network,
// checkpoints/cpu/joint, turns into its own mask), so no data beyond the repository is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../lib/backend/index';
import type { Mask } from '../lib/image/raster';
import { makeTriplet } from '../lib/data/triplets';
import { TEST_SEED } from '../lib/eval/experiments';
import { personSegments } from '../lib/models/pretrainedSegmenter';
import { jointRemover } from '../lib/pipeline/jointRemoval';
import { CLASSICAL_INPAINTERS } from '../lib/inpaint/inpainter';
import { openQuickstart, removePerson } from '../lib/viz/quickstartTour';

const SIZE = 64;

test('removePerson: the segment under the point / overlapping m_G most, filled by the joint network', async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
  const { image, labels } = makeTriplet(TEST_SEED, 20, { height: SIZE, width: SIZE, split: 'test' });
  const s = await personSegments(image);
  assert.ok(s.components.length >= 2, `the photo has several segments (got ${s.components.length})`);
  const qs = openQuickstart();
  try {
    // the second-largest segment: a rule that takes the largest one fails
    const second: Mask = { height: SIZE, width: SIZE, data: Uint8Array.from(s.labels, (l) => (l === 1 ? 1 : 0)) };
    const p = s.labels.indexOf(1);
    const point = { x: p % SIZE, y: Math.floor(p / SIZE) };
    const r = await removePerson(qs, image, labels, { point });
    assert.deepEqual(r.selected.data, second.data);
    const direct = await jointRemover(qs.joint)(image, second, labels);
    assert.deepEqual(r.mask.data, direct.mask.data);
    const largest = await jointRemover(qs.joint)(
      image,
      { ...second, data: Uint8Array.from(s.labels, (l) => +(l === 0)) },
      labels,
    );
    assert.notDeepEqual(r.mask.data, largest.mask.data, "the largest segment's M differs");
    assert.deepEqual(r.output.data, direct.output.data);
    for (let i = 0; i < r.mask.data.length; i++) {
      if (r.mask.data[i]) continue;
      for (let c = 0; c < 3; c++) assert.equal(r.output.data[3 * i + c], image.data[3 * i + c], `pixel ${i} kept`);
    }
    assert.ok(r.mask.data.some((v) => v) && r.mask.data.some((v) => !v), 'M is neither empty nor the whole image');
    assert.deepEqual(r.telea.data, CLASSICAL_INPAINTERS.telea(image, r.mask).data);

    // m_G: the second segment's bounding box (it overlaps the second segment, not the largest)
    const { x0, y0, x1, y1 } = s.components[1].box;
    const maskGT: Mask = { height: SIZE, width: SIZE, data: new Uint8Array(SIZE * SIZE) };
    for (let y = y0; y <= y1; y++) maskGT.data.fill(1, y * SIZE + x0, y * SIZE + x1 + 1);
    const auto = await removePerson(qs, image, labels, { maskGT });
    assert.deepEqual(auto.selected.data, second.data);
    const onMG = await jointRemover(qs.joint)(image, maskGT, labels);
    assert.deepEqual(auto.mask.data, onMG.mask.data, 'the joint network is given m_G in the automatic setting');

    const off = s.labels.indexOf(-1);
    await assert.rejects(
      removePerson(qs, image, labels, { point: { x: off % SIZE, y: Math.floor(off / SIZE) } }),
      /on no person segment/,
    );
  } finally {
    qs.joint.dispose();
    qs.segmenter.dispose();
  }
});
