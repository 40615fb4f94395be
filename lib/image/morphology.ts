// Binary dilation / erosion by a Euclidean disk, via distance transforms (exact for any radius, O(H*W)).
//
// dilate(m, d), d >= 0: {p : dist(p, m) <= d}             = dilation by the closed disk of radius d
// dilate(m, d), d < 0:  {p in m : dist(p, ~m) > |d|}      = erosion by the closed disk of radius |d|
// A closed disk of radius < 1 is a single pixel, so |d| < 1 changes nothing here.
//
// thresholdSignedDistance(m, d) = {p : phi(p) <= d} with phi the boundary-loss signed distance
// (lib/image/distance.ts). For d >= 0 it equals dilate(m, d) exactly. For d < 0 it keeps the pixels with
// dist(p, ~m) >= 1 + |d| (phi's inner border ring is 0, not -1), which is one ring more than the disk erosion;
// and it is the only one of the two that responds to fractional d such as -0.5 (the paper's d = -2 px at 256^2
// scaled to 64^2): it removes the inner border ring.
//
// dilateSquare(map, h, w, r): dilation of a plain [H*W] binary map by the (2r+1)^2 square (Chebyshev distance <= r),
// the window the joint network's soft mask lives in (lib/models/differentiableMask.ts).
import { type Mask, assertNonTrivialMask } from './raster';
import { euclideanDistanceTransform, distanceToMask, signedDistance64 } from './distance';

export function dilate(m: Mask, d: number): Mask {
  if (!Number.isFinite(d)) throw new Error(`dilate: distance must be finite, got ${d}`);
  assertNonTrivialMask(m, 'dilate');
  const out: Mask = { height: m.height, width: m.width, data: new Uint8Array(m.data.length) };
  if (d >= 0) {
    const dist = distanceToMask(m);
    for (let i = 0; i < dist.length; i++) out.data[i] = dist[i] <= d ? 1 : 0;
  } else {
    const dist = euclideanDistanceTransform(m);
    for (let i = 0; i < dist.length; i++) out.data[i] = m.data[i] && dist[i] > -d ? 1 : 0;
  }
  return out;
}

export function erode(m: Mask, d: number): Mask {
  return dilate(m, -d);
}

export function thresholdSignedDistance(m: Mask, d: number): Mask {
  if (!Number.isFinite(d)) throw new Error(`thresholdSignedDistance: distance must be finite, got ${d}`);
  const phi = signedDistance64(m);
  const out: Mask = { height: m.height, width: m.width, data: new Uint8Array(m.data.length) };
  for (let i = 0; i < phi.length; i++) out.data[i] = phi[i] <= d ? 1 : 0;
  return out;
}

/** Square (Chebyshev) dilation of a binary map by r pixels, separable running max. */
export function dilateSquare(mask: Uint8Array, height: number, width: number, r: number): Uint8Array {
  const rows = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let d = Math.max(0, x - r); d <= Math.min(width - 1, x + r) && !v; d++) v = mask[y * width + d];
      rows[y * width + x] = v;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      let v = 0;
      for (let d = Math.max(0, y - r); d <= Math.min(height - 1, y + r) && !v; d++) v = rows[d * width + x];
      out[y * width + x] = v;
    }
  }
  return out;
}
