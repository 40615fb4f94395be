// sharp I/O, tensors, resize / crop, and bad-input errors of lib/image.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readImage, writeImage, readMask, writeMask, readImageBytes, writeImageBytes } from '../lib/image/io';
import { toTensor, fromTensor, maskToTensor } from '../lib/image/tensor';
import { resize, centerCrop, resizeCover, resizeMask } from '../lib/image/resize';
import { createRaster, maskFromRaster, assertRaster, type Mask } from '../lib/image/raster';
import { pasteSprite } from '../lib/data/paste';
import { grayscale } from '../lib/image/grayscale';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-io-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

function gradient(h: number, w: number) {
  const r = createRaster(h, w, 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) r.data.set([x / (w - 1), y / (h - 1), ((x + y) % 7) / 6], (y * w + x) * 3);
  return r;
}

test('PNG round trip is exact on 8-bit values; JPEG within 4/255 mean error', async () => {
  const r = gradient(20, 30);
  for (let i = 0; i < r.data.length; i++) r.data[i] = Math.round(r.data[i] * 255) / 255;
  await writeImage(path.join(dir, 'a.png'), r);
  const back = await readImage(path.join(dir, 'a.png'));
  assert.equal(back.channels, 3);
  let maxErr = 0;
  for (let i = 0; i < r.data.length; i++) maxErr = Math.max(maxErr, Math.abs(back.data[i] - r.data[i]));
  assert.ok(maxErr < 1e-6, `png max abs error ${maxErr}`);
  await writeImage(path.join(dir, 'a.jpg'), r, 95);
  const jpg = await readImage(path.join(dir, 'a.jpg'));
  let mean = 0;
  for (let i = 0; i < r.data.length; i++) mean += Math.abs(jpg.data[i] - r.data[i]) / r.data.length;
  assert.ok(mean < 4 / 255, `jpeg mean abs error ${mean}`);
  const g = await readImage(path.join(dir, 'a.png'), 1);
  assert.equal(g.channels, 1);
  const expect = grayscale(r);
  for (let i = 0; i < g.data.length; i++) assert.ok(Math.abs(g.data[i] - expect.data[i]) < 1e-6);
  assert.ok(!fs.readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temp files left');
});

test('masks: 0/255 PNG round trip; non-binary files and rasters are rejected unless thresholded', async () => {
  const m: Mask = { height: 5, width: 6, data: Uint8Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 1 : 0)) };
  await writeMask(path.join(dir, 'm.png'), m);
  assert.deepEqual(Array.from((await readMask(path.join(dir, 'm.png'))).data), Array.from(m.data));
  await writeImageBytes(path.join(dir, 'soft.png'), {
    height: 2,
    width: 2,
    channels: 1,
    data: Uint8Array.from([0, 128, 255, 0]),
  });
  await assert.rejects(readMask(path.join(dir, 'soft.png')), /soft\.png is not a binary mask \(value 128/);
  assert.deepEqual(Array.from((await readMask(path.join(dir, 'soft.png'), 127)).data), [0, 1, 1, 0]);
  const soft = createRaster(2, 2, 1);
  soft.data[1] = 0.5;
  assert.throws(() => maskFromRaster(soft), /not 0 or 1/);
  assert.throws(() => maskToTensor({ height: 2, width: 2, data: Uint8Array.from([0, 2, 1, 0]) }), /not binary/);
  await assert.rejects(
    writeMask(path.join(dir, 'x.png'), { height: 2, width: 2, data: Uint8Array.from([0, 2, 1, 0]) }),
    /not binary/,
  );
});

test('bad files and shapes give clear errors', async () => {
  await assert.rejects(readImage(path.join(dir, 'missing.png')), /file not found: .*missing\.png/);
  fs.writeFileSync(path.join(dir, 'junk.png'), 'not an image');
  await assert.rejects(readImage(path.join(dir, 'junk.png')), /cannot decode .*junk\.png/);
  await assert.rejects(writeImage(path.join(dir, 'a.bmp'), gradient(4, 4)), /unsupported extension/);
  await assert.rejects(writeImage(path.join(dir, 'b.png'), createRaster(4, 4, 2)), /1, 3 or 4 channels/);
  assert.throws(() => assertRaster(gradient(4, 4), 'model input', 3, 8, 8), /model input: expected size 8x8, got 4x4/);
  assert.throws(() => assertRaster(createRaster(4, 4, 1), 'model input', 3), /expected 3 channel\(s\), got 1/);
  assert.throws(
    () =>
      pasteSprite(
        createRaster(4, 4, 1),
        { height: 1, width: 1, rgb: new Float32Array(3), mask: new Uint8Array(1) },
        0,
        0,
      ),
    /expected 3 channel/,
  );
  assert.throws(() => createRaster(0, 4, 3), /positive integers/);
  const bytes = await readImageBytes(path.join(dir, 'a.png'));
  assert.equal(bytes.channels, 3);
});

test('toTensor / fromTensor keep [H, W, C] layout', async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  const r = gradient(3, 4);
  const t = toTensor(r);
  assert.deepEqual(t.shape, [3, 4, 3]);
  const px = (await t.slice([2, 1, 0], [1, 1, 3]).data()) as Float32Array;
  assert.deepEqual(Array.from(px), Array.from(r.data.subarray((2 * 4 + 1) * 3, (2 * 4 + 1) * 3 + 3)));
  const back = await fromTensor(t);
  assert.deepEqual(Array.from(back.data), Array.from(r.data));
  t.dispose();
  await assert.rejects(fromTensor(tf.zeros([2, 2])), /expected a \[H, W, C\] tensor/);
});

test('resize keeps constants and linear ramps (interior, max abs error < 1e-5); crops are exact', () => {
  const c = createRaster(40, 60, 3);
  c.data.fill(0.3);
  for (const v of resize(c, 13, 17).data) assert.ok(Math.abs(v - 0.3) < 1e-6);
  for (const v of resize(c, 90, 100).data) assert.ok(Math.abs(v - 0.3) < 1e-6);
  // a ramp in x: output pixel centre maps to source x = (o + 0.5) * scale - 0.5
  const ramp = createRaster(8, 64, 1);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 64; x++) ramp.data[y * 64 + x] = x / 63;
  const small = resize(ramp, 8, 16);
  for (let o = 2; o < 14; o++) assert.ok(Math.abs(small.data[o] - ((o + 0.5) * 4 - 0.5) / 63) < 1e-5, `o=${o}`);
  const g = gradient(10, 12);
  const cc = centerCrop(g, 4, 6);
  assert.deepEqual(
    Array.from(cc.data.subarray(0, 3)),
    Array.from(g.data.subarray((3 * 12 + 3) * 3, (3 * 12 + 3) * 3 + 3)),
  );
  assert.throws(() => centerCrop(g, 11, 6), /larger than the image/);
  const cover = resizeCover(gradient(30, 60), 16, 16);
  assert.equal(cover.height, 16);
  assert.equal(cover.width, 16);
  const m = resizeMask({ height: 2, width: 2, data: Uint8Array.from([1, 0, 0, 1]) }, 4, 4);
  assert.deepEqual(Array.from(m.data), [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
});
