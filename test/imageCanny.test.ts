// Canny vs skimage.feature.canny(rgb2gray(img), sigma=2) fixtures, and on a synthetic image with known edges.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cannyGray, canny } from '../lib/image/canny';
import { LUMA_WEIGHTS } from '../lib/image/grayscale';
import { createRaster } from '../lib/image/raster';

interface CannyFixture {
  name: string;
  height: number;
  width: number;
  rgb: number[];
  valid: number[] | null;
  edges: number[];
}
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'image-reference.json'), 'utf8')) as {
  canny: CannyFixture[];
};

// skimage's rgb2gray on uint8: img_as_float (u8 / 255 in float64), then the BT.709 weights.
function gray64(f: CannyFixture): Float64Array {
  const g = new Float64Array(f.height * f.width);
  for (let i = 0; i < g.length; i++) {
    g[i] =
      LUMA_WEIGHTS[0] * (f.rgb[3 * i] / 255) +
      LUMA_WEIGHTS[1] * (f.rgb[3 * i + 1] / 255) +
      LUMA_WEIGHTS[2] * (f.rgb[3 * i + 2] / 255);
  }
  return g;
}

test('canny equals skimage canny(sigma=2) on every fixture (0 pixels differ)', () => {
  assert.ok(ref.canny.length >= 2);
  for (const f of ref.canny) {
    const validMask = f.valid ? { height: f.height, width: f.width, data: Uint8Array.from(f.valid) } : undefined;
    const edges = cannyGray(gray64(f), f.height, f.width, { validMask });
    let diff = 0;
    let count = 0;
    for (let i = 0; i < edges.data.length; i++) {
      if (edges.data[i] !== f.edges[i]) diff++;
      count += f.edges[i];
    }
    assert.ok(count > 10, `${f.name}: fixture should contain edges`);
    assert.equal(diff, 0, `${f.name}: ${diff} of ${edges.data.length} pixels differ`);
  }
});

test('float32 raster path differs from skimage in at most 0.5% of pixels', () => {
  for (const f of ref.canny) {
    const r = createRaster(f.height, f.width, 3);
    for (let i = 0; i < r.data.length; i++) r.data[i] = f.rgb[i] / 255;
    const validMask = f.valid ? { height: f.height, width: f.width, data: Uint8Array.from(f.valid) } : undefined;
    const edges = canny(r, { validMask });
    let diff = 0;
    for (let i = 0; i < edges.data.length; i++) if (edges.data[i] !== f.edges[i]) diff++;
    assert.ok(diff <= 0.005 * edges.data.length, `${f.name}: ${diff} pixels differ`);
  }
});

test('synthetic step image: one edge line next to the step, nothing elsewhere', () => {
  const H = 32;
  const W = 32;
  const g = new Float64Array(H * W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) g[y * W + x] = x >= 16 ? 1 : 0; // vertical step at x = 15.5
  const e = cannyGray(g, H, W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const onEdge = e.data[y * W + x] === 1;
      if (y >= 1 && y < H - 1 && (x === 15 || x === 16)) continue; // the two pixels straddling the step
      assert.ok(!onEdge, `unexpected edge at (${y}, ${x})`);
    }
    if (y >= 1 && y < H - 1) {
      const n = e.data[y * W + 15] + e.data[y * W + 16];
      assert.ok(n >= 1, `row ${y}: the step must be an edge`);
    }
  }
  // a flat image has no edges
  assert.equal(
    cannyGray(new Float64Array(H * W).fill(0.5), H, W).data.reduce((a, b) => a + b, 0),
    0,
  );
});

test('canny rejects wrong channel counts and mismatched masks', () => {
  assert.throws(() => canny(createRaster(8, 8, 2)), /1 or 3 channels/);
  assert.throws(() => cannyGray(new Float64Array(10), 4, 4), /expected 4x4/);
  assert.throws(
    () => canny(createRaster(8, 8, 3), { validMask: { height: 4, width: 8, data: new Uint8Array(32) } }),
    /does not match/,
  );
});
