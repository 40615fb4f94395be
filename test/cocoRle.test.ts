// COCO RLE and polygon rasterisation vs pycocotools (scripts/fixtures/coco_rle_reference.py). Exact: 0 pixels.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rleDecode, rleEncode, rleToString, rleFromString, rleFromPolygon, segmentationToMask } from '../lib/data/rle';

const ref = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'coco-rle-reference.json'), 'utf8')) as {
  masks: { name: string; height: number; width: number; counts: number[]; string: string }[];
  polygons: { height: number; width: number; polygon: number[]; counts: number[] }[];
};

test('compressed RLE strings: decode and encode match pycocotools exactly', () => {
  assert.ok(ref.masks.length >= 5);
  for (const f of ref.masks) {
    assert.deepEqual(rleFromString(f.string, f.height, f.width).counts, f.counts, `${f.name}: decode`);
    assert.equal(rleToString({ height: f.height, width: f.width, counts: f.counts }), f.string, `${f.name}: encode`);
  }
});

test('mask <-> uncompressed RLE round trip (column-major, starts with zeros)', () => {
  for (const f of ref.masks) {
    const m = rleDecode({ height: f.height, width: f.width, counts: f.counts });
    assert.deepEqual(rleEncode(m).counts, f.counts, f.name);
  }
  // a 2x3 mask with only pixel (row 0, col 1) set: column-major index 2
  const m = rleDecode({ height: 2, width: 3, counts: [2, 1, 3] });
  assert.deepEqual(Array.from(m.data), [0, 1, 0, 0, 0, 0]);
});

test('polygon rasterisation equals pycocotools frPyObjects + decode (0 pixels differ)', () => {
  for (const f of ref.polygons) {
    const got = rleEncode(rleDecode(rleFromPolygon(f.polygon, f.height, f.width))).counts;
    assert.deepEqual(got, f.counts, `polygon ${JSON.stringify(f.polygon).slice(0, 40)}`);
  }
});

test('malformed segmentations give clear errors', () => {
  assert.throws(() => rleDecode({ height: 2, width: 2, counts: [1, 1] }), /sum to 2, expected 2x2 = 4/);
  assert.throws(() => rleFromString('0{', 2, 2), /invalid character/);
  assert.throws(() => segmentationToMask([[1, 2, 3]], 4, 4, 'ann 5'), /ann 5: polygon 0/);
  assert.throws(() => segmentationToMask({ counts: [16], size: [4, 5] }, 4, 4, 'ann 6'), /ann 6: RLE size/);
  assert.throws(() => segmentationToMask({ foo: 1 }, 4, 4, 'ann 7'), /ann 7: segmentation is neither/);
});
