// Canny edges exactly as EdgeConnect computes them: skimage.feature.canny(gray, sigma=2) with skimage's
// default thresholds (low 0.1, high 0.2 on the gradient magnitude of a [0, 1] float image), mode 'constant'.
// This is a line-by-line port of skimage 0.19 feature/_canny.py:
//   1. Gaussian smoothing (scipy gaussian_filter, truncate 4, zero padding) divided by the smoothed valid mask
//      ("bleed-over" normalisation, so borders are not darkened),
//   2. Sobel gradients (scipy ndimage.sobel, 'reflect' padding),
//   3. non-maximum suppression with linear interpolation between the two neighbours along the gradient,
//   4. hysteresis: 8-connected components of the low-threshold map that contain a high-threshold pixel.
// Pixels on the image border (or next to an invalid pixel when a mask is given) are never edges.
import { type Raster, type Mask, assertRaster, assertBinaryMask } from './raster';
import { grayscale64 } from './grayscale';

export interface CannyOptions {
  sigma?: number; // default 2 (EdgeConnect)
  lowThreshold?: number; // default 0.1 (skimage default for float images)
  highThreshold?: number; // default 0.2
  /** Valid pixels (1 = use). EdgeConnect passes (1 - hole) at test time. */
  validMask?: Mask;
}

function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.floor(4 * sigma + 0.5); // scipy: int(truncate * sd + 0.5)
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    k[i + radius] = Math.exp((-0.5 / (sigma * sigma)) * i * i);
    sum += k[i + radius];
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Separable correlation with zero padding (scipy mode='constant', cval=0), axis 0 then axis 1. */
function gaussianFilterZeroPad(img: Float64Array, H: number, W: number, k: Float64Array): Float64Array {
  const r = (k.length - 1) / 2;
  const tmp = new Float64Array(H * W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      for (let j = -r; j <= r; j++) {
        const yy = y + j;
        if (yy >= 0 && yy < H) acc += k[j + r] * img[yy * W + x];
      }
      tmp[y * W + x] = acc;
    }
  }
  const out = new Float64Array(H * W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      for (let j = -r; j <= r; j++) {
        const xx = x + j;
        if (xx >= 0 && xx < W) acc += k[j + r] * tmp[y * W + xx];
      }
      out[y * W + x] = acc;
    }
  }
  return out;
}

/** scipy 'reflect' boundary: d c b a | a b c d | d c b a. */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
  return i;
}

/** scipy.ndimage.sobel along `axis` (0 = rows/i, 1 = columns/j): derivative [-1, 0, 1] along axis, smoothing
 *  [1, 2, 1] along the other; derivative applied first, as scipy does. */
function sobel(img: Float64Array, H: number, W: number, axis: 0 | 1): Float64Array {
  const d = new Float64Array(H * W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      d[y * W + x] =
        axis === 0
          ? img[reflect(y + 1, H) * W + x] - img[reflect(y - 1, H) * W + x]
          : img[y * W + reflect(x + 1, W)] - img[y * W + reflect(x - 1, W)];
    }
  }
  const out = new Float64Array(H * W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      out[y * W + x] =
        axis === 0
          ? d[y * W + reflect(x - 1, W)] + 2 * d[y * W + x] + d[y * W + reflect(x + 1, W)]
          : d[reflect(y - 1, H) * W + x] + 2 * d[y * W + x] + d[reflect(y + 1, H) * W + x];
    }
  }
  return out;
}

/** Canny edge map of a grayscale plane (values in [0, 1], row-major H x W). Returns a 0/1 Mask. */
export function cannyGray(gray: Float64Array | Float32Array, H: number, W: number, opts: CannyOptions = {}): Mask {
  if (gray.length !== H * W) throw new Error(`canny: gray plane has ${gray.length} values, expected ${H}x${W}`);
  const sigma = opts.sigma ?? 2;
  const low = opts.lowThreshold ?? 0.1;
  const high = opts.highThreshold ?? 0.2;
  if (high < low) throw new Error(`canny: low threshold ${low} is above high threshold ${high}`);
  const n = H * W;

  // _preprocess: masked image, bleed-over normalisation, eroded valid mask
  const valid = new Float64Array(n).fill(1);
  const eroded = new Uint8Array(n);
  const masked = Float64Array.from(gray);
  if (opts.validMask) {
    assertBinaryMask(opts.validMask, 'canny validMask', H, W);
    for (let i = 0; i < n; i++) {
      valid[i] = opts.validMask.data[i];
      if (!valid[i]) masked[i] = 0;
    }
    // binary_erosion with a 3x3 structure, border_value 0
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let ok = 1;
        for (let dy = -1; dy <= 1 && ok; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || yy >= H || xx < 0 || xx >= W || !valid[yy * W + xx]) {
              ok = 0;
              break;
            }
          }
        }
        eroded[y * W + x] = ok;
      }
    }
  } else {
    for (let y = 1; y < H - 1; y++) for (let x = 1; x < W - 1; x++) eroded[y * W + x] = 1;
  }
  const k = gaussianKernel(sigma);
  const bleed = gaussianFilterZeroPad(valid, H, W, k);
  const smoothed = gaussianFilterZeroPad(masked, H, W, k);
  for (let i = 0; i < n; i++) smoothed[i] /= bleed[i] + Number.EPSILON;

  const jsobel = sobel(smoothed, H, W, 1);
  const isobel = sobel(smoothed, H, W, 0);
  const mag = new Float64Array(n);
  for (let i = 0; i < n; i++) mag[i] = Math.hypot(isobel[i], jsobel[i]);

  // non-maximum suppression (skimage _get_local_maxima): four direction sectors, each interpolating the
  // magnitude between an axis neighbour (c1) and a diagonal neighbour (c2) on both sides of the pixel.
  const local = new Uint8Array(n);
  const at = (y: number, x: number) => mag[y * W + x];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!eroded[i] || !(mag[i] > 0)) continue;
      const gi = isobel[i];
      const gj = jsobel[i];
      const ai = Math.abs(gi);
      const aj = Math.abs(gj);
      const m = mag[i];
      const horizontal = ai >= aj;
      const vertical = ai <= aj;
      const plusMinus = (gi >= 0 && gj >= 0) || (gi <= 0 && gj <= 0);
      const minusPlus = (gi <= 0 && gj >= 0) || (gi >= 0 && gj <= 0);
      // eroded pixels are never on the border, so all neighbours exist
      let isMax = false;
      let set = false;
      if (plusMinus && horizontal) {
        const w = aj / ai;
        const cPlus = at(y + 1, x + 1) * w + at(y + 1, x) * (1 - w) <= m;
        const cMinus = at(y - 1, x - 1) * w + at(y - 1, x) * (1 - w) <= m;
        isMax = cPlus && cMinus;
        set = true;
      }
      if (plusMinus && vertical) {
        const w = ai / aj;
        const cPlus = at(y + 1, x + 1) * w + at(y, x + 1) * (1 - w) <= m;
        const cMinus = at(y - 1, x - 1) * w + at(y, x - 1) * (1 - w) <= m;
        isMax = cPlus && cMinus;
        set = true;
      }
      if (minusPlus && vertical) {
        const w = ai / aj;
        const cPlus = at(y - 1, x + 1) * w + at(y, x + 1) * (1 - w) <= m;
        const cMinus = at(y + 1, x - 1) * w + at(y, x - 1) * (1 - w) <= m;
        isMax = cPlus && cMinus;
        set = true;
      }
      if (minusPlus && horizontal) {
        const w = aj / ai;
        const cPlus = at(y - 1, x + 1) * w + at(y - 1, x) * (1 - w) <= m;
        const cMinus = at(y + 1, x - 1) * w + at(y + 1, x) * (1 - w) <= m;
        isMax = cPlus && cMinus;
        set = true;
      }
      if (set) local[i] = isMax ? 1 : 0;
    }
  }

  // hysteresis: keep 8-connected components of (local & mag >= low) that touch (local & mag >= high)
  const out = new Uint8Array(n);
  const stack = new Int32Array(n);
  const seen = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    if (seen[s] || !local[s] || !(mag[s] >= high)) continue;
    let top = 0;
    stack[top++] = s;
    seen[s] = 1;
    while (top > 0) {
      const i = stack[--top];
      out[i] = 1;
      const y = (i / W) | 0;
      const x = i - y * W;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= H) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= W) continue;
          const j = yy * W + xx;
          if (!seen[j] && local[j] && mag[j] >= low) {
            seen[j] = 1;
            stack[top++] = j;
          }
        }
      }
    }
  }
  return { height: H, width: W, data: out };
}

/** Canny edges of an RGB or one-channel raster (RGB goes through skimage's rgb2gray weights first). */
export function canny(r: Raster, opts: CannyOptions = {}): Mask {
  assertRaster(r, 'canny');
  if (r.channels !== 1 && r.channels !== 3) throw new Error(`canny: expected 1 or 3 channels, got ${r.channels}`);
  const gray = r.channels === 3 ? grayscale64(r) : Float64Array.from(r.data);
  return cannyGray(gray, r.height, r.width, opts);
}
