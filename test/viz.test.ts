// lib/viz without a browser: figure JSON, the notebook mime bundle, tslab display plumbing, image rows.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { displayBundle, figureBundle, figureJson, imageRowPng, PLOTLY_MIME } from '../lib/viz';
import { FIGURE_FONT } from '../lib/viz/figure';

test('figureJson turns typed arrays into plain arrays', () => {
  const fig = figureJson({ data: [{ y: new Float32Array([0.5, 1.5]), x: [1, 2] }], layout: { title: { text: 't' } } });
  assert.deepEqual(fig.data[0].y, [0.5, 1.5]);
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig);
});

test("figureJson names the figures' font unless the layout names its own; other font settings are kept", () => {
  assert.equal(FIGURE_FONT, 'DejaVu Sans');
  assert.deepEqual(figureJson({ data: [] }).layout, { font: { family: FIGURE_FONT } });
  assert.deepEqual(figureJson({ data: [], layout: { font: { size: 9 } } }).layout, {
    font: { family: FIGURE_FONT, size: 9 },
  });
  assert.deepEqual(figureJson({ data: [], layout: { font: { family: 'serif' } } }).layout?.font, { family: 'serif' });
});

test('figureJson rejects string titles anywhere and malformed figures', () => {
  assert.throws(() => figureJson({ data: [], layout: { title: 'loss' } }), /layout\.title is the string "loss"/);
  assert.throws(() => figureJson({ data: [], layout: { xaxis: { title: 'step' } } }), /layout\.xaxis\.title/);
  assert.throws(
    () => figureJson({ data: [{ marker: { colorbar: { title: 'c' } } }] }),
    /data\.0\.marker\.colorbar\.title/,
  );
  assert.throws(() => figureJson({} as never), /figure must be \{data/);
});

test('figureBundle: plotly JSON + PNG + text, and no PNG key when there is no rendering', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  const fig = { data: [{ y: [3, 1, 2] }], layout: { title: { text: 'loss' } } };
  const bundle = figureBundle(fig, png);
  assert.deepEqual(Object.keys(bundle).sort(), ['application/vnd.plotly.v1+json', 'image/png', 'text/plain']);
  assert.equal(PLOTLY_MIME, 'application/vnd.plotly.v1+json');
  assert.deepEqual(bundle[PLOTLY_MIME], { ...fig, layout: { ...fig.layout, font: { family: FIGURE_FONT } } });
  assert.deepEqual(Buffer.from(bundle['image/png'] as string, 'base64'), png);
  assert.match(bundle['text/plain'] as string, /loss/);
  assert.deepEqual(Object.keys(figureBundle(fig, null)).sort(), ['application/vnd.plotly.v1+json', 'text/plain']);
});

test('displayBundle sends one display_data with the whole bundle through tslab', () => {
  assert.throws(() => displayBundle({ 'text/plain': 'x' }), /not running inside a tslab notebook cell/);
  // Stand in for the kernel's per-cell writer (the kernel sets it before running each cell).
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  const sent: unknown[] = [];
  jupyter.lastWriteDisplayData = (msg: unknown, update: boolean) => sent.push({ msg, update });
  try {
    displayBundle({ 'text/plain': 'x', 'image/png': 'AAAA' });
  } finally {
    jupyter.lastWriteDisplayData = null;
  }
  assert.deepEqual(sent, [
    { msg: { data: { 'text/plain': 'x', 'image/png': 'AAAA' }, metadata: {}, transient: {} }, update: false },
  ]);
});

test('imageRowPng lays out [H,W,C] images side by side, upscaled, exact pixel values', async () => {
  const a = tf.tensor3d(
    Array.from({ length: 4 * 6 * 3 }, (_, i) => (i % 7) / 6),
    [4, 6, 3],
  );
  const b = tf.fill([8, 5, 1], 0.2) as tf.Tensor3D;
  const png = await imageRowPng([a, b], { scale: 2, gap: 4 });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height, info.channels], [(6 + 5) * 2 + 4, 8 * 2, 3]);
  const px = (x: number, y: number) =>
    Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
  const av = await a.data();
  for (const [y, x] of [
    [0, 0],
    [3, 5],
    [2, 1],
  ]) {
    const want = [0, 1, 2].map((c) => Math.round(av[(y * 6 + x) * 3 + c] * 255));
    assert.deepEqual(px(2 * x + 1, 2 * y + 1), want, `image a at (${y},${x})`);
  }
  assert.deepEqual(px(12 + 4 + 3, 15), [51, 51, 51]); // gray image b, channel replicated, 0.2*255
  assert.deepEqual(px(3, 12), [255, 255, 255]); // below the shorter image a: background
  const captioned = await sharp(await imageRowPng([a, b], { scale: 2, captions: ['input', 'mask <1>'] })).metadata();
  assert.equal(captioned.height, 16 + 18);
});

test('imageRowPng names bad input', async () => {
  await assert.rejects(imageRowPng([]), /no images/);
  await assert.rejects(
    imageRowPng([tf.zeros([4, 4])]),
    /image 0: expected shape \[H, W, 1\] or \[H, W, 3\], got \[4, 4\]/,
  );
  await assert.rejects(imageRowPng([tf.zeros([2, 2, 3]), tf.zeros([4, 4, 2])]), /image 1: .*got \[4, 4, 2\]/);
  await assert.rejects(imageRowPng([tf.fill([2, 2, 1], NaN)]), /image 0: contains NaN/);
  await assert.rejects(imageRowPng([tf.zeros([2, 2, 1])], { captions: ['a', 'b'] }), /2 captions for 1 images/);
  await assert.rejects(imageRowPng([tf.zeros([2, 2, 1])], { scale: 1.5 }), /scale must be a positive integer/);
});
