// How a predicted object mask m compares with the ground truth m_G (the segmenter's evaluation, issue "A pretrained
// segmenter"; the learned masks of Fig. 3 / Sec. III-D):
//   iou             |m ∩ m_G| / |m ∪ m_G|
//   boundary F      F-score of the boundary pixels (DAVIS' F measure): a boundary pixel of one mask is matched
//                   when a boundary pixel of the other lies within `tolerance` px (Euclidean);
//                   precision over m's boundary, recall over m_G's, F = 2PR / (P + R)
//   coverage        |m ∩ m_G| / |m_G|, the share of the object the mask removes
//   areaRatio       |m| / |m_G|
//   meanOffset      mean over m's boundary pixels of the signed distance to m_G (px; > 0 outside m_G, 0 on its
//                   boundary): how far m reaches beyond m_G, e.g. +2 for m_G dilated by 2 px
// Boundary pixels: mask pixels with a 4-neighbour inside the image that is not in the mask (the image border is
// not a boundary). m_G must be non-empty; an empty m scores 0 (meanOffset NaN).
import { type Mask, assertBinaryMask, maskArea } from '../image/raster';
import { distanceToMask, signedDistance64 } from '../image/distance';

export interface MaskMetrics {
  iou: number;
  boundaryF: number;
  boundaryPrecision: number;
  boundaryRecall: number;
  coverage: number;
  areaRatio: number;
  meanOffset: number;
}

/** 1 on the mask pixels that touch a non-mask pixel (4-neighbourhood, inside the image). */
export function boundaryOf(m: Mask): Mask {
  const { height: h, width: w, data } = m;
  const out = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!data[i]) continue;
      out[i] =
        (x > 0 && !data[i - 1]) || (x < w - 1 && !data[i + 1]) || (y > 0 && !data[i - w]) || (y < h - 1 && !data[i + w])
          ? 1
          : 0;
    }
  }
  return { height: h, width: w, data: out };
}

export function maskMetrics(m: Mask, mG: Mask, tolerance = 1): MaskMetrics {
  assertBinaryMask(m, 'maskMetrics (m)');
  assertBinaryMask(mG, 'maskMetrics (m_G)', m.height, m.width);
  if (!(tolerance >= 0)) throw new Error(`maskMetrics: tolerance must be >= 0 px, got ${tolerance}`);
  const areaG = maskArea(mG);
  if (areaG === 0) throw new Error('maskMetrics: the ground-truth mask m_G is empty');
  let inter = 0;
  for (let i = 0; i < m.data.length; i++) inter += m.data[i] & mG.data[i];
  const area = maskArea(m);
  const base = { iou: inter / (area + areaG - inter), coverage: inter / areaG, areaRatio: area / areaG };
  if (area === 0) return { ...base, boundaryF: 0, boundaryPrecision: 0, boundaryRecall: 0, meanOffset: NaN };
  const b = boundaryOf(m);
  const bG = boundaryOf(mG);
  const matched = (from: Mask, toDistance: Float64Array) => {
    let n = 0;
    let hit = 0;
    for (let i = 0; i < from.data.length; i++) {
      if (!from.data[i]) continue;
      n++;
      if (toDistance[i] <= tolerance) hit++;
    }
    return n === 0 ? 0 : hit / n;
  };
  // a mask filling the image has no boundary: nothing is within reach of it
  const distanceTo = (x: Mask) =>
    maskArea(x) > 0 ? distanceToMask(x) : new Float64Array(x.data.length).fill(Infinity);
  const precision = matched(b, distanceTo(bG));
  const recall = matched(bG, distanceTo(b));
  const phi = areaG < mG.data.length ? signedDistance64(mG) : null;
  let offset = 0;
  let n = 0;
  for (let i = 0; i < b.data.length; i++) {
    if (!b.data[i] || !phi) continue;
    offset += phi[i];
    n++;
  }
  return {
    ...base,
    boundaryPrecision: precision,
    boundaryRecall: recall,
    boundaryF: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    meanOffset: n === 0 ? NaN : offset / n,
  };
}
