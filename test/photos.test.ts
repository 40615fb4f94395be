// The photo library's split, crops and the triplets made on photos with real cutouts (lib/data/photos.ts,
// lib/data/triplets.ts TripletSources), on synthetic photos and sprites built here, so the test needs no download.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Prng } from '../lib/random/prng';
import {
  PHOTO_SPLITS,
  type Photo,
  makePhotoSplit,
  photoCrop,
  readPhotoSources,
  readPhotoSplit,
  MIN_CROP_SCALE,
} from '../lib/data/photos';
import { makeTriplet, resizeSprite, type TripletSources } from '../lib/data/triplets';
import { loadTrainingData } from '../lib/train/batches';
import { DATA_MIXES } from '../lib/config/presets';
import { CLASS_ID } from '../lib/data/classes';
import { MASK_RATIO_BUCKETS } from '../lib/data/buckets';
import type { Sprite } from '../lib/data/paste';

/** A photo whose pixel (y, x) encodes its position: R = x / (W-1), G = y / (H-1), B = 0.5. */
function rampPhoto(height: number, width: number, id = 'ramp'): Photo {
  const data = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.round((255 * x) / (width - 1));
      data[i + 1] = Math.round((255 * y) / (height - 1));
      data[i + 2] = 128;
    }
  }
  return { id, height, width, data };
}

/** A solid-colour upright ellipse sprite. */
function ellipseSprite(height: number, width: number, rgb: [number, number, number]): Sprite {
  const mask = new Uint8Array(height * width);
  const colour = new Float32Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = ((y + 0.5 - height / 2) / (height / 2)) ** 2 + ((x + 0.5 - width / 2) / (width / 2)) ** 2 <= 1;
      mask[y * width + x] = inside ? 1 : 0;
      colour.set(rgb, (y * width + x) * 3);
    }
  }
  return { height, width, rgb: colour, mask };
}

test(
  'the committed split is makePhotoSplit of the committed sources (seed 14): every photo in exactly one ' + 'split',
  () => {
    const sources = readPhotoSources();
    assert.equal(sources.length, 275);
    const split = readPhotoSplit();
    const remade = makePhotoSplit(sources, split.seed);
    for (const k of PHOTO_SPLITS) assert.deepEqual(split[k], remade[k], k);
    const all = PHOTO_SPLITS.flatMap((k) => split[k]);
    assert.equal(new Set(all).size, all.length);
    assert.deepEqual([...all].sort(), sources.map((s) => s.id).sort());
    assert.deepEqual(
      PHOTO_SPLITS.map((k) => split[k].length),
      [194, 27, 54],
    );
    // photos of the same name in two gcompris activities (giraffe, horse) share a split
    for (const name of ['giraffe', 'horse']) {
      const ids = sources.filter((s) => s.entry?.endsWith(`/${name}.webp`)).map((s) => s.id);
      assert.equal(ids.length, 2, name);
      assert.equal(new Set(ids.map((id) => PHOTO_SPLITS.find((k) => split[k].includes(id)))).size, 1, name);
    }
  },
);

test(
  'photoCrop: a crop of the right size inside the photo, at a scale in [MIN_CROP_SCALE, 1], mirrored about half ' +
    'the time',
  () => {
    const photo = rampPhoto(120, 200);
    const rng = new Prng(5);
    let mirrored = 0;
    const n = 200;
    for (let k = 0; k < n; k++) {
      const r = photoCrop(photo, rng, 32, 48);
      assert.equal(r.height, 32);
      assert.equal(r.width, 48);
      // R ramps with x: its left-right difference tells the crop's width and the mirroring
      const red = (x: number) => r.data[(16 * 48 + x) * 3];
      const span = red(47) - red(0);
      if (span < 0) mirrored++;
      const share = (Math.abs(span) * 199) / 200 / (47 / 48); // the crop's width as a share of the photo's 200 px
      const fit = (Math.min(120 / 32, 200 / 48) * 48) / 200; // the largest window's share of the width
      assert.ok(share > MIN_CROP_SCALE * fit * 0.9 && share < fit * 1.05, `crop width share ${share.toFixed(3)}`);
      // the pipeline refuses others
      for (let i = 0; i < r.data.length; i++) assert.ok(r.data[i] >= 0 && r.data[i] <= 1, `value ${r.data[i]}`);
    }
    assert.ok(mirrored > n * 0.35 && mirrored < n * 0.65, `${mirrored} of ${n} mirrored`);
  },
);

test('resizeSprite: the mask covers the resized shape, colour kept inside, mirroring reverses each row', () => {
  const s = ellipseSprite(80, 30, [0.2, 0.6, 0.9]);
  const r = resizeSprite(s, 40, false);
  assert.equal(r.height, 40);
  assert.equal(r.width, 15);
  const area = r.mask.reduce((a, v) => a + v, 0);
  assert.ok(Math.abs(area - (Math.PI / 4) * 40 * 15) < 0.1 * 40 * 15, `area ${area}`);
  for (let i = 0; i < r.mask.length; i++) {
    if (!r.mask[i]) continue;
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(r.rgb[3 * i + c] - [0.2, 0.6, 0.9][c]) < 1e-5);
  }
  const m = resizeSprite(s, 40, true);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 15; x++) assert.equal(m.mask[y * 15 + x], r.mask[y * 15 + 14 - x]);
});

const sources = (photoShare: number, cutoutShare: number): TripletSources => ({
  photos: [rampPhoto(100, 150, 'a'), rampPhoto(90, 90, 'b')],
  photoShare,
  cutouts: [
    {
      name: 'ellipses',
      sprites: [ellipseSprite(90, 30, [1, 0, 1]), ellipseSprite(60, 30, [0, 1, 1])],
      share: cutoutShare,
    },
  ],
});

test(
  'triplets on photos: "photo" labels outside the pasted person, the person class on it; I = I_G off the mask; ' +
    'buckets hold',
  () => {
    const src = sources(1, 1);
    for (let i = 0; i < 12; i++) {
      const t = makeTriplet(3, i, { height: 48, width: 48, split: 'test', sources: src });
      assert.equal(t.sceneKind, 'photo');
      const { lo, hi } = MASK_RATIO_BUCKETS[t.bucket];
      assert.ok(t.maskRatio >= lo && t.maskRatio < hi);
      for (let p = 0; p < 48 * 48; p++) {
        assert.equal(t.backgroundLabels.semantic[p], CLASS_ID.photo);
        assert.equal(t.labels.semantic[p], t.mask.data[p] ? CLASS_ID.person : CLASS_ID.photo);
        assert.equal(t.labels.instance[p], t.mask.data[p] ? t.personInstance : 0);
        for (let c = 0; c < 3; c++) {
          const [a, b] = [t.image.data[3 * p + c], t.background.data[3 * p + c]];
          if (!t.mask.data[p]) assert.equal(a, b);
        }
        // the pasted cutouts are magenta or cyan: their pixels have R + G = 1 exactly and B = 1
        if (t.mask.data[p]) assert.ok(Math.abs(t.image.data[3 * p + 2] - 1) < 1e-5);
      }
    }
    // the same item twice: byte-identical
    const a = makeTriplet(3, 5, { height: 48, width: 48, sources: src });
    const b = makeTriplet(3, 5, { height: 48, width: 48, sources: src });
    assert.deepEqual(a.image.data, b.image.data);
  },
);

test('triplets: share 0 of photos and cutouts gives exactly the procedural items; shares are met', () => {
  for (let i = 0; i < 4; i++) {
    const plain = makeTriplet(9, i, { height: 32, width: 32 });
    const mixed = makeTriplet(9, i, { height: 32, width: 32, sources: sources(0, 0) });
    assert.deepEqual(mixed.image.data, plain.image.data);
    assert.deepEqual(mixed.mask.data, plain.mask.data);
  }
  const n = 200;
  const kinds = Array.from(
    { length: n },
    (_, i) => makeTriplet(11, i, { height: 32, width: 32, sources: sources(0.75, 0) }).sceneKind,
  );
  const photos = kinds.filter((k) => k === 'photo').length;
  // binomial(200, 0.75): sd 6.1; 4 sd either side
  assert.ok(Math.abs(photos - 150) < 25, `${photos} of ${n} on photos`);
});

test(
  'loadTrainingData: procedural needs nothing; a missing photo library is one line naming ' + 'scripts/fetch-photos.sh',
  async () => {
    assert.deepEqual(await loadTrainingData(DATA_MIXES.procedural), {});
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-photos-'));
    const saved = process.env.PHOTO_LIBRARY;
    process.env.PHOTO_LIBRARY = empty;
    try {
      await assert.rejects(
        loadTrainingData(DATA_MIXES.photos),
        (e: Error) =>
          !e.message.includes('\n') && /photo library is missing .*bash scripts\/fetch-photos\.sh/.test(e.message),
      );
    } finally {
      if (saved === undefined) delete process.env.PHOTO_LIBRARY;
      else process.env.PHOTO_LIBRARY = saved;
    }
  },
);
