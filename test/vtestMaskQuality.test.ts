// vtestMaskQuality (lib/data/vtestMaskQuality.ts) on a hand-made test range: counts against hand counts, the ring
// against a brute-force distance, the PSNR against the formula.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { vtestMaskQuality, RING_OUTER } from '../lib/data/vtestMaskQuality';
import type { VtestTestRange } from '../lib/data/vtest';

const H = 20;
const W = 20;

function range(frames: Map<number, { rgb: Uint8Array; mask: Uint8Array }>, plate: Uint8Array): VtestTestRange {
  return {
    index: {
      description: '',
      version: 1,
      height: H,
      width: W,
      frames: frames.size,
      trainRange: [0, 0],
      testRange: [0, frames.size],
      people: [],
    },
    plate,
    people: [],
    frame: async (f) => frames.get(f)!,
  };
}

test('vtestMaskQuality: dropped, added, ring PSNR and ring foreground share', async () => {
  const plate = new Uint8Array(H * W * 3).fill(100);
  const rgb = Uint8Array.from(plate);
  const mask = new Uint8Array(H * W); // stored as 0/255, as the extraction writes it
  const set = (y: number, x: number, v: number) => rgb.fill(v, 3 * (y * W + x), 3 * (y * W + x) + 3);
  for (let y = 5; y < 15; y++)
    for (let x = 5; x < 10; x++) {
      set(y, x, 200);
      mask[y * W + x] = 255;
    } // a person, 50 px
  set(7, 7, 100); // a hole in the raw foreground that the silhouette fills: added
  mask[10 * W + 10] = 255; // a silhouette pixel coloured like the plate: added
  set(0, 19, 200); // noise far from the person: dropped, not in the ring
  set(16, 7, 115); // a faint shadow 2 px below the person: in the ring, not foreground (3 x 15 < 60)
  set(17, 7, 130); // a dark shadow 3 px below: in the ring and foreground (3 x 30 > 60), dropped
  const empty = Uint8Array.from(plate);
  empty.fill(0, 0, 3); // a frame without people but one noise pixel
  const frames = new Map([
    [0, { rgb, mask }],
    [1, { rgb: empty, mask: new Uint8Array(H * W) }],
  ]);

  const q = await vtestMaskQuality(range(frames, plate), [0, 1]);
  assert.equal(q.frames, 2);
  assert.equal(q.silhouettePixels, 51);
  // the person less its hole, the noise and the dark shadow; the empty frame's pixel
  assert.equal(q.rawPixels, 49 + 2 + 1);
  assert.equal(q.droppedShare, 3 / 52);
  assert.equal(q.addedShare, 2 / 51);

  // the ring by brute force: 1 < distance to the nearest silhouette pixel <= RING_OUTER
  const inMask: [number, number][] = [];
  for (let p = 0; p < H * W; p++) if (mask[p]) inMask.push([Math.floor(p / W), p % W]);
  let ring = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const d = Math.min(...inMask.map(([my, mx]) => Math.hypot(y - my, x - mx)));
      if (d > 1 && d <= RING_OUTER) ring++;
    }
  }
  assert.equal(q.ringPixels, ring);
  const squared = 3 * (15 / 255) ** 2 + 3 * (30 / 255) ** 2;
  assert.ok(Math.abs(q.ringPsnr - 10 * Math.log10((3 * ring) / squared)) < 1e-9, `ring PSNR ${q.ringPsnr}`);
  assert.equal(q.ringForegroundShare, 1 / ring);
});

test('vtestMaskQuality: no frames is an error', async () => {
  await assert.rejects(vtestMaskQuality(range(new Map(), new Uint8Array(H * W * 3)), []), /no frames given/);
});
