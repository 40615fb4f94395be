// lib/data/vtest.ts on synthetic data with a known answer: a textured plate, a walking "person" (a filled ellipse
// with a hole-free body), sensor noise and a thin moving line like vtest.avi's tape. The median plate, the cleaned
// silhouettes (IoU against the drawn person, the line gone), hole filling, the components, the ffmpeg decoder on a
// lossless video written here, and the test items (bucket, I_G = plate in the hole and I elsewhere).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Prng } from '../lib/random/prng';
import type { Mask } from '../lib/image/raster';
import {
  TEST_START,
  TRAIN_END,
  balanceTracks,
  cleanSilhouettes,
  components,
  decodeVideo,
  fillHoles,
  foreground,
  medianPlate,
  trainingCutoutPeople,
  vtestTriplet,
  type VtestTestRange,
  type VtestPerson,
} from '../lib/data/vtest';
import { MASK_RATIO_BUCKETS } from '../lib/data/buckets';
import { CLASS_ID } from '../lib/data/classes';

const H = 120;
const W = 160;

function plateImage(): Uint8Array {
  const p = new Uint8Array(H * W * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < 3; c++) p[(y * W + x) * 3 + c] = 60 + ((x * 7 + y * 3 + c * 40) % 90);
  return p;
}

/** The person of frame f: an upright ellipse 40 x 14 px walking right, and a 2-px line that moves up and down. */
function person(f: number): Mask {
  const data = new Uint8Array(H * W);
  const cx = 30 + 6 * f;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) if (((y - 60) / 20) ** 2 + ((x - cx) / 7) ** 2 <= 1) data[y * W + x] = 1;
  return { height: H, width: W, data };
}

function frameOf(plate: Uint8Array, f: number, rng: Prng): Uint8Array {
  const out = new Uint8Array(plate.length);
  const m = person(f);
  const lineY = 20 + (f % 3) * 4;
  for (let i = 0; i < H * W; i++) {
    const y = Math.floor(i / W);
    for (let c = 0; c < 3; c++) {
      let v = plate[3 * i + c] + Math.round(rng.normal(0, 4));
      if (m.data[i]) v = [200, 30, 40][c];
      else if (y === lineY || y === lineY + 1) v = 250;
      out[3 * i + c] = Math.max(0, Math.min(255, v));
    }
  }
  return out;
}

const iou = (a: Mask, b: Mask) => {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.data.length; i++) {
    inter += a.data[i] & b.data[i];
    union += a.data[i] | b.data[i];
  }
  return inter / union;
};

test('median plate, then silhouettes: IoU > 0.95 with the drawn person, the moving line and the noise removed', () => {
  const plate = plateImage();
  const rng = new Prng(1);
  const n = 15;
  const frames = new Uint8Array(n * plate.length);
  for (let f = 0; f < n; f++) frames.set(frameOf(plate, f, rng), f * plate.length);
  const median = medianPlate(frames, n, plate.length, 1);
  let maxErr = 0;
  for (let i = 0; i < plate.length; i++) maxErr = Math.max(maxErr, Math.abs(median[i] - plate[i]));
  assert.ok(maxErr <= 12, `plate error ${maxErr}`); // the person covers a pixel in <= 3 of 15 frames; noise sd 4
  for (const f of [3, 9]) {
    const frame = frames.subarray(f * plate.length, (f + 1) * plate.length);
    const raw = foreground(frame, median, H, W);
    const lineRow = 20 + (f % 3) * 4;
    assert.ok(
      raw.data.subarray(lineRow * W, (lineRow + 1) * W).some((v) => v),
      'the raw foreground holds the line',
    );
    const clean = cleanSilhouettes(raw);
    const score = iou(clean, person(f));
    assert.ok(score > 0.95, `frame ${f}: IoU ${score.toFixed(3)}`);
    assert.equal(components(clean).areas.length - 1, 1, 'one component: the person');
  }
});

test('fillHoles fills an enclosed hole, not a bay open to the border; components are 8-connected', () => {
  const m: Mask = { height: 7, width: 7, data: new Uint8Array(49) };
  for (let i = 1; i < 6; i++)
    for (const [y, x] of [
      [1, i],
      [5, i],
      [i, 1],
      [i, 5],
    ])
      m.data[y * 7 + x] = 1;
  const filled = fillHoles(m);
  assert.equal(filled.data[3 * 7 + 3], 1);
  assert.equal(filled.data[0], 0);
  const diag: Mask = { height: 3, width: 3, data: Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]) };
  assert.deepEqual(components(diag).areas, [0, 3]);
});

test('decodeVideo reads back a lossless video byte for byte', (t) => {
  if (spawnSync('ffmpeg', ['-version']).status !== 0) return t.skip('no ffmpeg');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtest-'));
  const raw = Buffer.alloc(3 * 16 * 24 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 37) % 256;
  const file = path.join(dir, 'v.avi');
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      '24x16',
      '-r',
      '10',
      '-i',
      'pipe:0',
      '-c:v',
      'ffv1',
      '-pix_fmt',
      'bgr0',
      file,
    ],
    { input: raw },
  );
  assert.equal(r.status, 0, r.stderr.toString());
  const v = decodeVideo(file);
  assert.deepEqual([v.count, v.height, v.width], [3, 16, 24]);
  assert.ok(v.frames.subarray(0, raw.length).equals(raw));
});

test(
  'vtestTriplet: each bucket, I = the frame, I_G = the plate on the hole and the frame elsewhere, labels photo + ' +
    'person',
  async () => {
    const plate = plateImage();
    const rng = new Prng(2);
    const people: VtestPerson[] = [];
    const frames = new Map<number, { rgb: Uint8Array; mask: Uint8Array }>();
    for (let f = 0; f < 8; f++) {
      const m = person(f);
      frames.set(f, { rgb: frameOf(plate, f, rng), mask: m.data });
      people.push({
        frame: f,
        box: [40, 30 + 6 * f - 7, 41, 15],
        area: m.data.reduce((a, v) => a + v, 0),
        track: 0,
        touchesBorder: false,
      });
    }
    const range: VtestTestRange = {
      index: {
        description: '',
        version: 1,
        height: H,
        width: W,
        frames: 8,
        trainRange: [0, 0],
        testRange: [0, 8],
        people,
      },
      plate,
      people,
      frame: async (f) => frames.get(f)!,
    };
    for (let i = 0; i < 8; i++) {
      const t = await vtestTriplet(range, 5, i, 32, 2);
      assert.equal(t.bucket, i % 4);
      const { lo, hi } = MASK_RATIO_BUCKETS[t.bucket];
      assert.ok(t.maskRatio >= lo && t.maskRatio < hi, `ratio ${t.maskRatio}`);
      for (let p = 0; p < 32 * 32; p++) {
        assert.equal(t.labels.semantic[p], t.mask.data[p] ? CLASS_ID.person : CLASS_ID.photo);
        if (!t.mask.data[p])
          for (let c = 0; c < 3; c++) assert.equal(t.background.data[3 * p + c], t.image.data[3 * p + c]);
      }
      for (const r of [t.image, t.background])
        assert.ok(
          r.data.every((v) => v >= 0 && v <= 1),
          'values in [0, 1]',
        );
      // in the hole I shows the red person, I_G the grey-brown plate
      let red = 0;
      let n = 0;
      for (let p = 0; p < 32 * 32; p++)
        if (t.mask.data[p]) {
          red += t.image.data[3 * p] - t.background.data[3 * p];
          n++;
        }
      assert.ok(red / n > 0.2, `hole: I is redder than I_G by ${(red / n).toFixed(2)}`);
    }
  },
);

test(
  'trainingCutoutPeople: a track that ends before the gap is pasted; one that merged into a later track is ' + 'not',
  () => {
    const at = (frame: number, track: number, left: number): VtestPerson => ({
      frame,
      box: [10, left, 40, 15],
      area: 300,
      track,
      touchesBorder: false,
      ...(frame < TRAIN_END ? { cutout: `c${frame}-${track}` } : {}),
    });
    const people: VtestPerson[] = [
      at(100, 1, 10),
      at(101, 1, 12), // track 1 ends at 101, the next frame's box of track 2 overlaps it: merged
      at(101, 2, 20),
      at(102, 2, 18),
      at(TRAIN_END + 5, 2, 40), // track 2 reaches the gap
      at(200, 3, 100),
      at(201, 3, 102), // track 3 ends alone
      at(300, 4, 60),
      at(301, 4, 62),
      at(302, 5, 130), // track 4 ends; track 5 starts elsewhere (no overlap)
      at(302, 6, 61),
      at(TEST_START, 6, 61), // ... but track 6 overlaps track 4's last box and reaches the test range
    ];
    const index = {
      description: '',
      version: 1,
      height: 100,
      width: 200,
      frames: 800,
      trainRange: [0, TRAIN_END] as [number, number],
      testRange: [TEST_START, 800] as [number, number],
      people,
    };
    const kept = trainingCutoutPeople(index).map((p) => `${p.frame}-${p.track}`);
    assert.deepEqual(kept, ['200-3', '201-3', '302-5']);
  },
);

test('balanceTracks: tracks under the minimum dropped, long ones thinned evenly in time to the maximum', () => {
  const people: VtestPerson[] = [];
  for (let f = 0; f < 100; f++) people.push({ frame: f, box: [0, 0, 1, 1], area: 1, track: 1, touchesBorder: false });
  for (let f = 0; f < 3; f++) people.push({ frame: f, box: [0, 0, 1, 1], area: 1, track: 2, touchesBorder: false });
  for (let f = 0; f < 8; f++) people.push({ frame: f, box: [0, 0, 1, 1], area: 1, track: 3, touchesBorder: false });
  const kept = balanceTracks(people, 5, 10);
  assert.deepEqual(
    kept.filter((p) => p.track === 1).map((p) => p.frame),
    [5, 15, 25, 35, 45, 55, 65, 75, 85, 95],
  );
  assert.equal(kept.filter((p) => p.track === 2).length, 0);
  assert.equal(kept.filter((p) => p.track === 3).length, 8);
});
