// lib/viz helpers for the dataset notebook: rasters/masks/sprites as pictures, image tables, PNG export of
// image rows, mask overlays and mask-change pictures, the heatmap figure. Pixel values are checked exactly
// (8-bit rounding of the float inputs, no tolerance).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import type { Mask, Raster } from '../lib/image/raster';
import {
  exportImages,
  exportImageTable,
  heatmapFigure,
  imageRowPng,
  imageTablePng,
  maskChange,
  maskOverlay,
  MASK_CHANGE_COLOURS,
} from '../lib/viz';

async function pixels(png: Buffer): Promise<{ width: number; height: number; px: (x: number, y: number) => number[] }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    px: (x, y) =>
      Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)),
  };
}

const raster: Raster = { height: 2, width: 3, channels: 3, data: Float32Array.from({ length: 18 }, (_, i) => i / 17) };
const gray: Raster = { height: 2, width: 2, channels: 1, data: Float32Array.from([0, 0.25, 0.5, 1]) };
const mask: Mask = { height: 2, width: 3, data: Uint8Array.from([1, 0, 0, 1, 1, 0]) };

test('imageRowPng shows rasters (1 and 3 channels), masks (0 black, 1 white) and sprites (white outside)', async () => {
  const sprite = {
    height: 1,
    width: 2,
    rgb: Float32Array.from([0.2, 0.4, 0.6, 0, 0, 0]),
    mask: Uint8Array.from([1, 0]),
  };
  const { px, width, height } = await pixels(await imageRowPng([raster, gray, mask, sprite], { scale: 1, gap: 1 }));
  assert.deepEqual([width, height], [3 + 2 + 3 + 2 + 3, 2]);
  assert.deepEqual(
    px(1, 1),
    [12, 13, 14].map((i) => Math.round((i / 17) * 255)),
  );
  assert.deepEqual(px(4 + 1, 0), [64, 64, 64]); // gray raster 0.25, replicated
  assert.deepEqual(px(7 + 0, 0), [255, 255, 255]); // mask 1
  assert.deepEqual(px(7 + 2, 1), [0, 0, 0]); // mask 0
  assert.deepEqual(px(11 + 0, 0), [51, 102, 153]); // sprite pixel inside its mask
  assert.deepEqual(px(11 + 1, 0), [255, 255, 255]); // sprite pixel outside its mask
});

test('pictures with bad content are named', async () => {
  await assert.rejects(
    imageRowPng([{ height: 1, width: 1, channels: 2, data: new Float32Array(2) }]),
    /image 0: .*1 or 3 channels, got 2/,
  );
  await assert.rejects(
    imageRowPng([gray, { height: 1, width: 2, data: Uint8Array.from([0, 255]) }]),
    /image 1: mask is not binary/,
  );
  await assert.rejects(
    imageRowPng([{ height: 2, width: 2, channels: 1, data: new Float32Array(3) }]),
    /image 0: 3 values for 2x2x1/,
  );
  await assert.rejects(
    imageRowPng([{ height: 1, width: 1, channels: 1, data: Float32Array.from([NaN]) }]),
    /image 0: contains NaN/,
  );
});

test('imageTablePng stacks rows (per-row scale), left-aligned on white', async () => {
  const png = await imageTablePng([[raster, raster], [gray]], { scale: [1, 2], gap: 2 });
  const { px, width, height } = await pixels(png);
  assert.deepEqual([width, height], [3 + 2 + 3, 2 + 2 + 4]);
  assert.deepEqual(
    px(5 + 2, 1),
    [255, 255, 255].map((_, c) => Math.round(((15 + c) / 17) * 255)),
  ); // row 0, image 1, (2, 1)
  assert.deepEqual(px(1, 4 + 2), [128, 128, 128]); // row 1 gray at (0, 1) = 0.5, upscaled 2x
  assert.deepEqual(px(6, 4 + 3), [255, 255, 255]); // right of the narrower row: background
  await assert.rejects(imageTablePng([]), /no rows/);
  await assert.rejects(imageTablePng([[raster]], { captions: [['a'], ['b']] }), /2 caption rows for 1 rows/);
  await assert.rejects(imageTablePng([[raster], [gray]], { scale: [1] }), /1 scales for 2 rows/);
  await assert.rejects(
    imageTablePng([[raster], [{ height: 1, width: 1, channels: 4, data: new Float32Array(4) }]]),
    /row 1: image 0/,
  );
});

test(
  'exportImages / exportImageTable write <name>.png into FIGURES_DIR (the bytes shown inline), no temp ' + 'files',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viz-pictures-'));
    const saved = process.env.FIGURES_DIR;
    process.env.FIGURES_DIR = dir;
    try {
      const row = await exportImages([raster, mask], 'row', { scale: 2, captions: ['I', 'M'] });
      const table = await exportImageTable([[raster], [mask]], 'table', { scale: 1 });
      assert.deepEqual([row, table], [path.join(dir, 'row.png'), path.join(dir, 'table.png')]);
      assert.deepEqual(fs.readFileSync(row), await imageRowPng([raster, mask], { scale: 2, captions: ['I', 'M'] }));
      assert.deepEqual(fs.readFileSync(table), await imageTablePng([[raster], [mask]], { scale: 1 }));
      assert.deepEqual(fs.readdirSync(dir).sort(), ['row.png', 'table.png']);
      await assert.rejects(exportImages([raster], '../escape'), /figure name "\.\.\/escape"/);
      await assert.rejects(exportImageTable([[raster]], 'x.png/'), /figure name/);
    } finally {
      if (saved === undefined) delete process.env.FIGURES_DIR;
      else process.env.FIGURES_DIR = saved;
      fs.rmSync(dir, { recursive: true });
    }
  },
);

test('maskOverlay blends the colour only under the mask', () => {
  const out = maskOverlay(raster, mask, [1, 0, 0], 0.25);
  for (let p = 0; p < 6; p++) {
    for (let c = 0; c < 3; c++) {
      const v = raster.data[3 * p + c];
      const want = mask.data[p] ? 0.75 * v + 0.25 * (c === 0 ? 1 : 0) : v;
      assert.ok(
        Math.abs(out.data[3 * p + c] - want) < 1e-6,
        `pixel ${p} channel ${c}: ${out.data[3 * p + c]} vs ${want}`,
      );
    }
  }
  assert.notEqual(out.data, raster.data);
  assert.throws(() => maskOverlay(gray, mask), /expected 3 channel/);
  assert.throws(
    () => maskOverlay(raster, { height: 3, width: 2, data: new Uint8Array(6) }),
    /does not match image size 2x3/,
  );
  assert.throws(() => maskOverlay(raster, mask, [1, 0, 0], 2), /opacity must be in \[0, 1\]/);
});

test('maskChange colours kept / added / removed / outside pixels', () => {
  const changed: Mask = { height: 2, width: 3, data: Uint8Array.from([1, 1, 0, 0, 1, 0]) };
  const out = maskChange(mask, changed);
  const colour = (p: number) => Array.from(out.data.subarray(3 * p, 3 * p + 3));
  const c = MASK_CHANGE_COLOURS;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map(colour),
    [c.kept, c.added, c.outside, c.removed, c.kept, c.outside].map((v) => v.map(Math.fround)),
  );
  assert.throws(() => maskChange(mask, { height: 2, width: 2, data: new Uint8Array(4) }), /does not match/);
  assert.throws(
    () => maskChange(mask, { height: 2, width: 3, data: Uint8Array.from([2, 0, 0, 0, 0, 0]) }),
    /not binary/,
  );
});

test('heatmapFigure: rows of the map (rounded), image orientation, one contour trace per level', () => {
  const map: Raster = { height: 2, width: 3, channels: 1, data: Float32Array.from([-1, -0.12345, 0, 0.5, 0.77777, 1]) };
  const fig = heatmapFigure(map, {
    title: 'phi',
    zmin: -1,
    zmax: 1,
    levels: [
      { value: 0, name: 'boundary', colour: 'black' },
      { value: 0.05, name: 'alpha', colour: 'green' },
    ],
  });
  assert.equal(fig.data.length, 3);
  assert.deepEqual(fig.data[0].z, [
    [-1, -0.123, 0],
    [0.5, 0.778, 1],
  ]);
  assert.equal(fig.data[0].type, 'heatmap');
  assert.deepEqual(
    fig.data
      .slice(1)
      .map((t) => [t.type, (t.contours as { start: number }).start, (t.line as { color: string }).color]),
    [
      ['contour', 0, 'black'],
      ['contour', 0.05, 'green'],
    ],
  );
  assert.equal((fig.layout!.yaxis as { autorange: string }).autorange, 'reversed');
  assert.throws(() => heatmapFigure(raster, { title: 'x' }), /expected 1 channel/);
});
