// Random free-form masks for the "random mask" baseline (paper Table II), after DeepFill v2:
// J. Yu, Z. Lin, J. Yang, X. Shen, X. Lu, T. Huang, "Free-Form Image Inpainting with Gated Convolution",
// ICCV 2019, Algorithm 1 / the authors' brush_stroke_mask (JiahuiYu/generative_inpainting, inpaint_ops.py):
// 1-3 strokes; each stroke a polyline of 4-11 vertices (numpy randint(4, 12)) whose turning angles alternate
// around 2*pi/5 +- up to 2*pi/15, segment lengths ~ N(r, r/2) clipped to [0, 2r] with r = diag/8, brush width
// 12-40 px at 256x256 with round joints (the reference draws a circle at every vertex); random flips.
// Widths scale with the image's shorter side / 256. For a controllable ratio, strokes are unioned until the hole
// ratio reaches the target range; a sample that overshoots is discarded and redrawn.
import { Prng, deriveSeed } from '../random/prng';
import { type Mask, createMask, maskArea, checkSize } from '../image/raster';
import { segmentDistance } from './paint';

const MIN_VERTICES = 4;
const MAX_VERTICES = 12; // exclusive, as numpy randint
const MEAN_ANGLE = (2 * Math.PI) / 5;
const ANGLE_RANGE = (2 * Math.PI) / 15;
const MIN_WIDTH_256 = 12;
const MAX_WIDTH_256 = 40;

/** Draw a thick polyline with round caps and joints: every pixel centre within width/2 of a segment. */
function drawStroke(m: Mask, pts: [number, number][], width: number): void {
  const r = width / 2;
  for (let k = 0; k + 1 < pts.length; k++) {
    const [ax, ay] = pts[k];
    const [bx, by] = pts[k + 1];
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r));
    const x1 = Math.min(m.width - 1, Math.ceil(Math.max(ax, bx) + r));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r));
    const y1 = Math.min(m.height - 1, Math.ceil(Math.max(ay, by) + r));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        if (segmentDistance(x + 0.5, y + 0.5, ax, ay, bx, by).dist <= r) m.data[y * m.width + x] = 1;
      }
    }
  }
}

/** One DeepFill v2 free-form mask (1-3 strokes). */
export function freeFormMask(rng: Prng, height: number, width: number): Mask {
  checkSize(height, width, 'freeFormMask');
  const m = createMask(height, width);
  const widthScale = Math.min(height, width) / 256;
  const avgRadius = Math.sqrt(height * height + width * width) / 8;
  const strokes = rng.int(1, 4);
  for (let s = 0; s < strokes; s++) {
    const n = rng.int(MIN_VERTICES, MAX_VERTICES);
    const angleMin = MEAN_ANGLE - rng.uniform(0, ANGLE_RANGE);
    const angleMax = MEAN_ANGLE + rng.uniform(0, ANGLE_RANGE);
    const pts: [number, number][] = [[rng.int(0, width), rng.int(0, height)]];
    for (let i = 0; i < n; i++) {
      const a = rng.uniform(angleMin, angleMax);
      const angle = i % 2 === 0 ? 2 * Math.PI - a : a;
      const r = Math.min(2 * avgRadius, Math.max(0, rng.normal(avgRadius, avgRadius / 2)));
      const [px, py] = pts[pts.length - 1];
      pts.push([
        Math.min(width, Math.max(0, px + r * Math.cos(angle))),
        Math.min(height, Math.max(0, py + r * Math.sin(angle))),
      ]);
    }
    drawStroke(m, pts, Math.max(1, rng.uniform(MIN_WIDTH_256, MAX_WIDTH_256) * widthScale));
  }
  const flipX = rng.chance(0.5);
  const flipY = rng.chance(0.5);
  if (!flipX && !flipY) return m;
  const out = createMask(height, width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      out.data[y * width + x] = m.data[(flipY ? height - 1 - y : y) * width + (flipX ? width - 1 - x : x)];
    }
  }
  return out;
}

/** A free-form mask whose hole ratio lies in [lo, hi): union DeepFill masks until >= lo; redraw on overshoot.
 *  Deterministic in (seed, index). */
export function irregularMask(
  seed: number,
  index: number,
  height: number,
  width: number,
  lo: number,
  hi: number,
): Mask {
  if (!(lo >= 0 && hi > lo && hi <= 1)) throw new Error(`irregularMask: bad ratio range [${lo}, ${hi})`);
  const rng = new Prng(deriveSeed(seed, index, 0x1e9));
  const N = height * width;
  for (let attempt = 0; attempt < 200; attempt++) {
    const m = freeFormMask(rng, height, width);
    let area = maskArea(m);
    while (area / N < lo) {
      const extra = freeFormMask(rng, height, width);
      for (let i = 0; i < N; i++) m.data[i] |= extra.data[i];
      area = maskArea(m);
    }
    if (area / N < hi && area > 0) return m;
  }
  throw new Error(`irregularMask: could not hit ratio [${lo}, ${hi}) at ${height}x${width}`);
}
