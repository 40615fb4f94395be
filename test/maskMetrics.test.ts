// lib/eval/maskMetrics.ts on hand-made masks whose scores are worked out by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundaryOf, maskMetrics } from '../lib/eval/maskMetrics';
import type { Mask } from '../lib/image/raster';

/** h x w mask with 1 on rows y0..y1-1, columns x0..x1-1 */
function rect(h: number, w: number, y0: number, y1: number, x0: number, x1: number): Mask {
  const data = new Uint8Array(h * w);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * w + x] = 1;
  return { height: h, width: w, data };
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('boundaryOf: the ring of a 4x4 square (12 px); the image border is not a boundary', () => {
  assert.equal(
    boundaryOf(rect(10, 10, 3, 7, 3, 7)).data.reduce((a, v) => a + v, 0),
    12,
  );
  // a 3x10 band across the whole width: only its top and bottom rows touch non-mask pixels
  assert.deepEqual(
    [...boundaryOf(rect(5, 10, 1, 4, 0, 10)).data.slice(10, 40)],
    [...new Array(10).fill(1), ...new Array(10).fill(0), ...new Array(10).fill(1)],
  );
});

test('identical masks: IoU 1, boundary F 1, coverage 1, offset 0', () => {
  const g = rect(10, 10, 3, 7, 3, 7);
  const r = maskMetrics(g, g);
  assert.deepEqual(r, {
    iou: 1,
    coverage: 1,
    areaRatio: 1,
    boundaryPrecision: 1,
    boundaryRecall: 1,
    boundaryF: 1,
    meanOffset: 0,
  });
});

test('m_G dilated by 2 px (4x4 -> 8x8): IoU 16/64, coverage 1, offset ~2 px, boundary F 0 at 1 px tolerance', () => {
  const g = rect(12, 12, 4, 8, 4, 8);
  const m = rect(12, 12, 2, 10, 2, 10);
  const r = maskMetrics(m, g, 1);
  close(r.iou, 16 / 64, 'iou');
  close(r.coverage, 1, 'coverage');
  close(r.areaRatio, 4, 'area ratio');
  // m's boundary is its outer ring (28 px, rows/columns 2 and 9); each ring pixel's signed distance to m_G is its
  // Euclidean distance to the nearest m_G pixel: 2 on the 16 side pixels facing m_G, sqrt 5 beside the corners,
  // 2 sqrt 2 at the corners. Computed here from m_G's box:
  const phi = (y: number, x: number) => Math.hypot(Math.max(0, 4 - y, y - 7), Math.max(0, 4 - x, x - 7));
  let sum = 0;
  let n = 0;
  for (let y = 2; y < 10; y++) {
    for (let x = 2; x < 10; x++) {
      if (y === 2 || y === 9 || x === 2 || x === 9) {
        sum += phi(y, x);
        n++;
      }
    }
  }
  assert.equal(n, 28);
  close(r.meanOffset, sum / n, 'mean offset');
  assert.ok(r.meanOffset > 2 && r.meanOffset < 2.3);
  assert.equal(r.boundaryF, 0); // every boundary pixel of each mask is >= 2 px from the other's boundary
  const r2 = maskMetrics(m, g, 2);
  // at tolerance 2: m's side pixels at distance exactly 2 match, its corners (2*sqrt 2) and the pixels next to them
  // (sqrt 5) do not: 4 sides x 4 = 16 of 28; m_G's ring: every pixel has an m-boundary pixel at 2 px -> 12 of 12
  close(r2.boundaryPrecision, 16 / 28, 'precision');
  close(r2.boundaryRecall, 1, 'recall');
  close(r2.boundaryF, (2 * (16 / 28)) / (16 / 28 + 1), 'F');
});

test('m shifted by one column: IoU 12/20, coverage 3/4, F at tolerance 1 = 1', () => {
  const g = rect(10, 10, 3, 7, 3, 7);
  const m = rect(10, 10, 3, 7, 4, 8);
  const r = maskMetrics(m, g, 1);
  close(r.iou, 12 / 20, 'iou');
  close(r.coverage, 12 / 16, 'coverage');
  close(r.boundaryF, 1, 'F'); // every ring pixel is within 1 px of the other ring
  const r0 = maskMetrics(m, g, 0);
  // tolerance 0: shared boundary pixels only: rows 3 and 6 at x = 4..6 (6) plus nothing else of m's ring (12 px)
  close(r0.boundaryPrecision, 6 / 12, 'precision at 0 px');
  close(r0.boundaryRecall, 6 / 12, 'recall at 0 px');
});

test('empty m scores 0; empty m_G and size mismatches are refused', () => {
  const g = rect(6, 6, 1, 3, 1, 3);
  const empty = rect(6, 6, 0, 0, 0, 0);
  const r = maskMetrics(empty, g);
  assert.equal(r.iou, 0);
  assert.equal(r.boundaryF, 0);
  assert.ok(Number.isNaN(r.meanOffset));
  assert.throws(() => maskMetrics(g, empty), /m_G is empty/);
  assert.throws(() => maskMetrics(rect(5, 6, 0, 1, 0, 1), g), /size/);
});
