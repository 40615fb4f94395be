// Telea's fast-marching inpainting (A. Telea, "An Image Inpainting Technique Based on the Fast Marching Method",
// J. Graphics Tools 9(1), 2004), step for step as OpenCV's cv::inpaint(..., INPAINT_TELEA)
// (modules/photo/src/inpaint.cpp): the classical baseline the learned pipeline is compared with.
//
// 1. Narrow band: the known pixels 4-adjacent to the hole, arrival time T = 0.
// 2. Outside distances: a fast march from the band over the known pixels within `radius` (Chebyshev) of the
//    hole; their T is stored negated, so |T(q) - T(p)| below measures how far apart two level sets are.
// 3. Inward march: pop the band pixel with the smallest T; each 4-neighbour still in the hole gets T from the
//    eikonal update (OpenCV computes it once, when the pixel is first reached) and the colour
//        I(p) = sum_q w(p,q) I(q) / sum_q w(p,q)  +  (Jx + Jy) / |J|,     q known, |q - p| <= radius,
//        w = |dir * dst * lev|,  dir = (p - q) . grad T(p)   (replaced by 1e-6 when |dir| <= 0.01),
//        dst = 1 / |p - q|^3,    lev = 1 / (1 + |T(q) - T(p)|),
//        J = -sum_q w(p,q) (dI/dx(q) (p - q)_x, dI/dy(q) (p - q)_y).
//    The gradient term is OpenCV's: Telea's paper adds grad I(q) . (p - q) inside the average; OpenCV adds the
//    unit-normalised sum above, worth at most sqrt(2) grey levels (of 255), and takes central differences times
//    2 (not 0.5). We keep both, so our output is OpenCV's.
//
// Values are processed on OpenCV's 0..255 scale, with OpenCV's tie order (FIFO among equal T,
// lib/inpaint/pixelQueue.ts) and float32 arrival times. Two modes:
//   default            float output: no uint8 rounding between pixels and no +0.5 (OpenCV adds 0.5 and then
//                      rounds, a +0.5 grey-level bias); sums in float64, stored as float32. (The gradient term is
//                      unit-normalised, so any nonzero J, even float32 rounding noise in a flat region, adds up to
//                      sqrt(2) levels: float64 sums keep a flat region exactly flat, as uint8 does in OpenCV);
//                      a known pixel in the first row/column is read at its own position (OpenCV reads row/column
//                      1 instead, which can be a hole pixel that still holds the object's colour); difference
//                      stencils are clamped at the image border (the same values OpenCV's shifted indices read).
//   exactOpenCv: true  reproduces cv2.inpaint(uint8 image, mask, radius, INPAINT_TELEA) of OpenCV 4.6 bit for bit
//                      on the input rounded to uint8, with its float32 arithmetic (Math.fround) (test/inpaint.test.ts).
//                      (Older OpenCV versions also left hole pixels in the first row and column unfilled; 4.6 fills
//                      them, as we do.)
// Known pixels are never changed in either mode: the output copies the input outside the mask.
import { type Mask, type Raster, checkInpaintInput } from '../image/raster';
import { PixelQueue } from './pixelQueue';

export interface TeleaOptions {
  /** Neighbourhood radius in pixels (OpenCV's inpaintRadius; cv2 examples use 3). Integer in 1..100. */
  radius?: number;
  /** Reproduce OpenCV's uint8 output exactly (see top). Default false. */
  exactOpenCv?: boolean;
}

const KNOWN = 0;
const BAND = 1;
const INSIDE = 2;
const CHANGE = 3; // outside march: finished pixels, negated at the end

const identity = (x: number): number => x;

/** Round half to even, as cvRound (lrint) does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function inpaintTelea(image: Raster, mask: Mask, opts: TeleaOptions = {}): Raster {
  const { radius = 3, exactOpenCv = false } = opts;
  checkInpaintInput(image, mask, 'inpaintTelea');
  if (!Number.isInteger(radius) || radius < 1 || radius > 100)
    throw new Error(`inpaintTelea: radius must be an integer in 1..100, got ${radius}`);
  const H = image.height;
  const W = image.width;
  const C = image.channels;
  // Padded grid (one pixel of border all round), as OpenCV: padded (i, j) = image (i - 1, j - 1).
  const EH = H + 2;
  const EW = W + 2;
  const N = EH * EW;
  const f32 = exactOpenCv ? Math.fround : identity; // OpenCV's float32 rounding of each operation, exact mode only
  const tiny = f32(1e-20);
  const dirMin = f32(0.000001);
  const at = (i: number, j: number): number => i * EW + j;

  // Working image on the 0..255 scale [H * W * C]; exact mode works on the uint8-rounded input.
  const out = new Float32Array(H * W * C);
  for (let k = 0; k < out.length; k++) out[k] = exactOpenCv ? roundHalfEven(image.data[k] * 255) : image.data[k] * 255;

  const flag = new Uint8Array(N); // KNOWN / BAND / INSIDE, border KNOWN
  const T = new Float32Array(N).fill(1e6);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (mask.data[y * W + x]) flag[at(y + 1, x + 1)] = INSIDE;
  const interior = (i: number, j: number): boolean => i > 0 && j > 0 && i < EH - 1 && j < EW - 1;

  // 1. narrow band, pushed in raster order with T = 0
  const band = new Uint8Array(N);
  const inward = new PixelQueue();
  for (let i = 1; i < EH - 1; i++) {
    for (let j = 1; j < EW - 1; j++) {
      const p = at(i, j);
      if (flag[p] === INSIDE) continue;
      if (flag[p - EW] === INSIDE || flag[p + EW] === INSIDE || flag[p - 1] === INSIDE || flag[p + 1] === INSIDE) {
        band[p] = 1;
        T[p] = 0;
        inward.push(p, 0);
      }
    }
  }

  // 2. outside distances over the ring of known pixels within `radius` (square window) of the hole
  const ring = new Uint8Array(N); // INSIDE = still to march, KNOWN otherwise
  for (let i = 1; i < EH - 1; i++) {
    for (let j = 1; j < EW - 1; j++) {
      const p = at(i, j);
      if (flag[p] === INSIDE || band[p]) continue;
      search: for (let k = Math.max(1, i - radius); k <= Math.min(EH - 2, i + radius); k++) {
        for (let l = Math.max(1, j - radius); l <= Math.min(EW - 2, j + radius); l++) {
          if (flag[at(k, l)] === INSIDE) {
            ring[p] = INSIDE;
            break search;
          }
        }
      }
    }
  }
  const outward = new PixelQueue();
  for (let p = 0; p < N; p++) if (band[p]) outward.push(p, 0);
  march(ring, T, outward, EW, (p) => {
    ring[p] = CHANGE;
  });
  for (let p = 0; p < N; p++) if (ring[p] === CHANGE) T[p] = -T[p];

  // 3. inward march, filling each hole pixel when it is first reached
  const Ia = new Float64Array(C);
  const Jx = new Float64Array(C);
  const Jy = new Float64Array(C);
  // image value at (y, x, c), clamped to the image (exact mode never needs the clamp)
  const img = (y: number, x: number, c: number): number =>
    out[((y < 0 ? 0 : y >= H ? H - 1 : y) * W + (x < 0 ? 0 : x >= W ? W - 1 : x)) * C + c];
  const known = (p: number): boolean => flag[p] !== INSIDE;

  for (let q = inward.pop(); q >= 0; q = inward.pop()) {
    flag[q] = KNOWN;
    const qi = (q / EW) | 0;
    const qj = q - qi * EW;
    for (let n = 0; n < 4; n++) {
      const i = n === 0 ? qi - 1 : n === 2 ? qi + 1 : qi;
      const j = n === 1 ? qj - 1 : n === 3 ? qj + 1 : qj;
      if (!interior(i, j)) continue;
      const p = at(i, j);
      if (flag[p] !== INSIDE) continue;
      const dist = arrivalTime(flag, T, p, EW);
      T[p] = dist;
      const tp = T[p];

      // grad T at p: central difference where both sides are known, one-sided where one is, else 0
      const gradTx = known(p + 1)
        ? known(p - 1)
          ? f32(f32(T[p + 1] - T[p - 1]) * 0.5)
          : f32(T[p + 1] - tp)
        : known(p - 1)
          ? f32(tp - T[p - 1])
          : 0;
      const gradTy = known(p + EW)
        ? known(p - EW)
          ? f32(f32(T[p + EW] - T[p - EW]) * 0.5)
          : f32(T[p + EW] - tp)
        : known(p - EW)
          ? f32(tp - T[p - EW])
          : 0;

      Ia.fill(0);
      Jx.fill(0);
      Jy.fill(0);
      let s = tiny;
      for (let k = i - radius; k <= i + radius; k++) {
        // image row of the pixel (km) and of its lower neighbour's stencil (kp); OpenCV shifts them at the border
        const km = exactOpenCv ? k - 1 + (k === 1 ? 1 : 0) : k - 1;
        const kp = exactOpenCv ? k - 1 - (k === EH - 2 ? 1 : 0) : k - 1;
        for (let l = j - radius; l <= j + radius; l++) {
          if (!interior(k, l)) continue;
          const o = at(k, l);
          if (!known(o) || (l - j) * (l - j) + (k - i) * (k - i) > radius * radius) continue;
          const lm = exactOpenCv ? l - 1 + (l === 1 ? 1 : 0) : l - 1;
          const lp = exactOpenCv ? l - 1 - (l === EW - 2 ? 1 : 0) : l - 1;
          const ry = i - k;
          const rx = j - l;
          const len2 = rx * rx + ry * ry;
          const dst = f32(1 / (len2 * Math.sqrt(len2)));
          const lev = f32(1 / f32(1 + Math.abs(f32(T[o] - tp))));
          let dir = f32(f32(rx * gradTx) + f32(ry * gradTy));
          if (Math.abs(dir) <= 0.01) dir = dirMin;
          const w = f32(Math.abs(f32(f32(dst * lev) * dir)));
          const right = known(o + 1);
          const left = known(o - 1);
          const down = known(o + EW);
          const up = known(o - EW);
          for (let c = 0; c < C; c++) {
            const gradIx = right
              ? left
                ? f32(img(km, lp + 1, c) - img(km, lm - 1, c)) * 2
                : f32(img(km, lp + 1, c) - img(km, lm, c))
              : left
                ? f32(img(km, lp, c) - img(km, lm - 1, c))
                : 0;
            const gradIy = down
              ? up
                ? f32(img(kp + 1, lm, c) - img(km - 1, lm, c)) * 2
                : f32(img(kp + 1, lm, c) - img(km, lm, c))
              : up
                ? f32(img(kp, lm, c) - img(km - 1, lm, c))
                : 0;
            Ia[c] = f32(Ia[c] + f32(w * img(km, lm, c)));
            Jx[c] = f32(Jx[c] - f32(w * f32(gradIx * rx)));
            Jy[c] = f32(Jy[c] - f32(w * f32(gradIy * ry)));
          }
          s = f32(s + w);
        }
      }
      for (let c = 0; c < C; c++) {
        const norm = f32(f32(Math.sqrt(f32(f32(Jx[c] * Jx[c]) + f32(Jy[c] * Jy[c])))) + tiny);
        const mean = f32(Ia[c] / s);
        const k = ((i - 1) * W + (j - 1)) * C + c;
        if (exactOpenCv) {
          const sat = f32(f32(mean + f32(f32(Jx[c] + Jy[c]) / norm)) + 0.5);
          out[k] = Math.min(255, Math.max(0, roundHalfEven(sat)));
        } else {
          out[k] = Math.min(255, Math.max(0, mean + f32(Jx[c] + Jy[c]) / norm));
        }
      }
      flag[p] = BAND;
      inward.push(p, dist);
    }
  }

  const result: Raster = { height: H, width: W, channels: C, data: Float32Array.from(image.data) };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (!mask.data[y * W + x]) continue;
      for (let c = 0; c < C; c++) result.data[(y * W + x) * C + c] = out[(y * W + x) * C + c] / 255;
    }
  }
  return result;
}

/** Fast march over `state` (INSIDE = not reached yet) from the pixels in `queue`; `finish(p)` marks a popped
 *  pixel. OpenCV's icvCalcFMM: a pixel's T is computed once, when it is first reached. */
function march(state: Uint8Array, T: Float32Array, queue: PixelQueue, EW: number, finish: (p: number) => void): void {
  for (let q = queue.pop(); q >= 0; q = queue.pop()) {
    finish(q);
    for (const p of [q - EW, q - 1, q + EW, q + 1]) {
      if (state[p] !== INSIDE) continue; // the padded border is never INSIDE
      const dist = arrivalTime(state, T, p, EW);
      T[p] = dist;
      state[p] = BAND;
      queue.push(p, T[p]);
    }
  }
}

/** Eikonal update |grad T| = 1 at p from the four quadrants of neighbours (OpenCV's min4 of FastMarching_solve). */
function arrivalTime(state: Uint8Array, T: Float32Array, p: number, EW: number): number {
  const up = p - EW;
  const down = p + EW;
  return Math.min(
    solve(state, T, up, p - 1),
    solve(state, T, down, p - 1),
    solve(state, T, up, p + 1),
    solve(state, T, down, p + 1),
  );
}

function solve(state: Uint8Array, T: Float32Array, a: number, b: number): number {
  const ta = T[a];
  const tb = T[b];
  const m = Math.min(ta, tb);
  let sol: number;
  if (state[a] !== INSIDE) {
    if (state[b] !== INSIDE)
      sol = Math.abs(ta - tb) >= 1 ? 1 + m : (ta + tb + Math.sqrt(2 - (ta - tb) * (ta - tb))) * 0.5;
    else sol = 1 + ta;
  } else if (state[b] !== INSIDE) {
    sol = 1 + tb;
  } else {
    sol = 1 + m;
  }
  return Math.fround(sol); // OpenCV stores T as float32
}
