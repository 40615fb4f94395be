// EDT, signed distance, dilation/erosion vs scipy fixtures (scripts/fixtures/image_reference.py).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Mask } from '../lib/image/raster';
import {
  euclideanDistanceTransform,
  distanceToMask,
  signedDistance,
  normalizedSignedDistance,
} from '../lib/image/distance';
import { dilate, erode, thresholdSignedDistance } from '../lib/image/morphology';

interface MaskFixture {
  name: string;
  height: number;
  width: number;
  mask: number[];
  edt: number[];
  edtOutside: number[];
  signedDistance: number[];
  dilations: { d: number; mask: number[] }[];
  erosions: { d: number; mask: number[] }[];
}
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'image-reference.json'), 'utf8')) as {
  masks: MaskFixture[];
};
const toMask = (f: MaskFixture): Mask => ({ height: f.height, width: f.width, data: Uint8Array.from(f.mask) });
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e;
};
const mismatches = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
};

test('EDT matches scipy distance_transform_edt (measured max abs error 0; bound 1e-12; float64)', () => {
  for (const f of ref.masks) {
    const m = toMask(f);
    assert.ok(maxAbsDiff(euclideanDistanceTransform(m), f.edt) < 1e-12, `${f.name}: edt(m)`);
    assert.ok(maxAbsDiff(distanceToMask(m), f.edtOutside) < 1e-12, `${f.name}: edt(~m)`);
  }
});

test(
  'signed distance matches boundary-loss one_hot2dist on scipy (measured max abs error 4.5e-7, float32 rounding; ' +
    'bound 1e-5)',
  () => {
    for (const f of ref.masks) {
      const sdf = signedDistance(toMask(f));
      assert.ok(maxAbsDiff(sdf.data, f.signedDistance) < 1e-5, f.name);
    }
  },
);

test('normalised signed distance lies in [-1, 1], keeps the sign and hits |1| once scaled', () => {
  const f = ref.masks[0];
  const { map, scale } = normalizedSignedDistance(toMask(f));
  let maxAbs = 0;
  for (let i = 0; i < map.data.length; i++) {
    assert.ok(map.data[i] >= -1 && map.data[i] <= 1);
    assert.ok(Math.abs(map.data[i] * scale - f.signedDistance[i]) < 1e-5);
    maxAbs = Math.max(maxAbs, Math.abs(map.data[i]));
  }
  assert.ok(Math.abs(maxAbs - 1) < 1e-6);
});

test('dilation and erosion by a Euclidean disk match scipy binary_dilation/erosion (0 pixels differ)', () => {
  for (const f of ref.masks) {
    const m = toMask(f);
    for (const dl of f.dilations)
      assert.equal(mismatches(dilate(m, dl.d).data, dl.mask), 0, `${f.name} dilate ${dl.d}`);
    for (const er of f.erosions) {
      assert.equal(mismatches(dilate(m, -er.d).data, er.mask), 0, `${f.name} dilate ${-er.d}`);
      assert.equal(mismatches(erode(m, er.d).data, er.mask), 0, `${f.name} erode ${er.d}`);
    }
  }
});

test('thresholding the signed distance: d >= 0 equals disk dilation; d < 0 keeps edt(m) >= 1 + |d|', () => {
  for (const f of ref.masks) {
    const m = toMask(f);
    for (const dl of f.dilations) assert.equal(mismatches(thresholdSignedDistance(m, dl.d).data, dl.mask), 0);
    assert.equal(mismatches(thresholdSignedDistance(m, 0).data, f.mask), 0);
    for (const d of [-0.5, -1, -2.5]) {
      const expect = f.mask.map((v, i) => (v && f.edt[i] >= 1 - d ? 1 : 0));
      assert.equal(mismatches(thresholdSignedDistance(m, d).data, expect), 0, `${f.name} d=${d}`);
    }
  }
});

test('fractional d: -0.5 removes the inner border ring, +0.5 changes nothing', () => {
  const m: Mask = { height: 7, width: 7, data: new Uint8Array(49) };
  for (let y = 1; y < 6; y++) for (let x = 1; x < 6; x++) m.data[y * 7 + x] = 1;
  const eroded = thresholdSignedDistance(m, -0.5);
  let area = 0;
  for (const v of eroded.data) area += v;
  assert.equal(area, 9); // 5x5 square -> 3x3
  assert.deepEqual(Array.from(thresholdSignedDistance(m, 0.5).data), Array.from(m.data));
});

test('bad masks give clear errors', () => {
  const empty: Mask = { height: 4, width: 4, data: new Uint8Array(16) };
  const full: Mask = { height: 4, width: 4, data: new Uint8Array(16).fill(1) };
  const soft: Mask = { height: 4, width: 4, data: new Uint8Array(16) };
  soft.data[3] = 128;
  assert.throws(() => signedDistance(empty), /mask is empty/);
  assert.throws(() => signedDistance(full), /mask is full/);
  assert.throws(() => dilate(soft, 2), /not binary/);
  assert.throws(() => euclideanDistanceTransform(full), /full/);
  assert.throws(() => dilate(full, 1), /full/);
  assert.throws(() => dilate({ height: 4, width: 4, data: new Uint8Array(15) }, 1), /data length/);
});
