// Exact Euclidean distance transform and the signed distance map of a mask.
//
// EDT: Felzenszwalb & Huttenlocher, "Distance Transforms of Sampled Functions" (2012): the 1-D squared distance
// transform (lower envelope of parabolas) along columns, then along rows. Exact, O(H*W). Same definition as
// scipy.ndimage.distance_transform_edt: each nonzero pixel gets the distance to the nearest zero pixel.
//
// Signed distance: the boundary-loss reference code (LIVIAETS/boundary-loss, utils.one_hot2dist) computes
//   phi = edt(~m) * ~m - (edt(m) - 1) * m
// i.e. outside pixels: + distance to the nearest inside pixel (>= 1); inside pixels: -(distance to the nearest
// outside pixel - 1), so the inner border ring is exactly 0. Negative inside, positive outside (paper Fig. 3).
import { type Mask, type Raster, assertBinaryMask, assertNonTrivialMask } from './raster';

const INF = 1e20;

/** In-place 1-D squared distance transform of f[offset + k*stride], k < n (scratch arrays of length >= n+1).
 *  INF (1e20) marks "no feature"; it stays ~1e20 after adding squared distances, which is all we need. */
function dt1d(
  f: Float64Array,
  offset: number,
  stride: number,
  n: number,
  d: Float64Array,
  v: Int32Array,
  z: Float64Array,
  g: Float64Array,
): void {
  for (let q = 0; q < n; q++) g[q] = f[offset + q * stride];
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = (g[q] + q * q - (g[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (g[q] + q * q - (g[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const p = v[k];
    d[q] = (q - p) * (q - p) + g[p];
  }
  for (let q = 0; q < n; q++) f[offset + q * stride] = d[q];
}

/** Squared EDT: for pixels with seed[i] = 0 -> 0; others -> squared distance to the nearest seed-0 pixel. */
function squaredEdt(isFeature: (i: number) => boolean, H: number, W: number): Float64Array {
  const f = new Float64Array(H * W);
  for (let i = 0; i < H * W; i++) f[i] = isFeature(i) ? 0 : INF;
  const n = Math.max(H, W);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const g = new Float64Array(n);
  for (let x = 0; x < W; x++) dt1d(f, x, W, H, d, v, z, g); // columns
  for (let y = 0; y < H; y++) dt1d(f, y * W, 1, W, d, v, z, g); // rows
  return f;
}

/** scipy.ndimage.distance_transform_edt(m): each pixel with m = 1 gets the distance to the nearest m = 0 pixel;
 *  m = 0 pixels get 0. Throws on a full mask (no zero pixel to measure to). [H*W] float64. */
export function euclideanDistanceTransform(m: Mask): Float64Array {
  assertBinaryMask(m, 'euclideanDistanceTransform');
  let zeros = 0;
  for (let i = 0; i < m.data.length; i++) zeros += 1 - m.data[i];
  if (zeros === 0) throw new Error('euclideanDistanceTransform: mask is full (no 0 pixel to measure distance to)');
  const sq = squaredEdt((i) => m.data[i] === 0, m.height, m.width);
  const out = new Float64Array(sq.length);
  for (let i = 0; i < sq.length; i++) out[i] = Math.sqrt(sq[i]);
  return out;
}

/** Distance of every pixel to the nearest pixel with m = 1 (0 inside m). Throws on an empty mask. */
export function distanceToMask(m: Mask): Float64Array {
  assertBinaryMask(m, 'distanceToMask');
  let ones = 0;
  for (let i = 0; i < m.data.length; i++) ones += m.data[i];
  if (ones === 0) throw new Error('distanceToMask: mask is empty (no 1 pixel to measure distance to)');
  const sq = squaredEdt((i) => m.data[i] === 1, m.height, m.width);
  const out = new Float64Array(sq.length);
  for (let i = 0; i < sq.length; i++) out[i] = Math.sqrt(sq[i]);
  return out;
}

/** Signed distance in pixels, boundary-loss convention (see top): [H*W] float64. Throws on empty/full masks. */
export function signedDistance64(m: Mask): Float64Array {
  assertNonTrivialMask(m, 'signedDistance');
  const outside = distanceToMask(m); // edt(~m)
  const inside = euclideanDistanceTransform(m); // edt(m)
  const phi = new Float64Array(m.data.length);
  for (let i = 0; i < phi.length; i++) phi[i] = m.data[i] ? -(inside[i] - 1) : outside[i];
  return phi;
}

/** Signed distance map in pixels as a one-channel raster [H, W, 1]. */
export function signedDistance(m: Mask): Raster {
  return { height: m.height, width: m.width, channels: 1, data: Float32Array.from(signedDistance64(m)) };
}

/** Signed distance divided by its largest absolute value, so it lies in [-1, 1] with one scale for both signs:
 *  the zero level set stays put and thresholding at alpha equals thresholding the pixel map at
 *  alpha * scale (returned), which is how the mask expansion loss's alpha maps to a dilation in pixels. */
export function normalizedSignedDistance(m: Mask): { map: Raster; scale: number } {
  const phi = signedDistance64(m);
  let scale = 0;
  for (let i = 0; i < phi.length; i++) scale = Math.max(scale, Math.abs(phi[i]));
  const data = new Float32Array(phi.length);
  for (let i = 0; i < phi.length; i++) data[i] = phi[i] / scale;
  return { map: { height: m.height, width: m.width, channels: 1, data }, scale };
}
