// How clean the vtest test set's masks are (lib/data/vtest.ts), measured on frames of its test range.
//
// A silhouette S is cleaned from the raw foreground F = {p : sum_c |frame_c(p) - plate_c(p)| > 60}. Against F,
// cleaning drops |F \ S| / |F| (what the opening removed: noise, the tape line, fragments under MIN_AREA) and
// adds |S \ F| / |S| (what closing and hole filling added: parts of a person coloured like the background).
// Whether the hole's truth, the plate, is right is checked just outside the silhouettes, where frame and plate
// should agree: on the ring R = {p : 1 < dist(p, S) <= RING_OUTER} (the test hole is S grown by one pixel),
//   ring PSNR   = 10 log10(1 / mean_{p in R, c} (frame_c(p) - plate_c(p))^2), values in [0, 1],
//   ring share  = |R ∩ F| / |R|, what the threshold still calls foreground there (shadows, person parts S misses).
// The frames are the stored JPEGs (quality 95) the test set reads, so F here is F of what the test set sees.
import type { Mask } from '../image/raster';
import { distanceToMask } from '../image/distance';
import { type VtestTestRange, foreground } from './vtest';

/** Outer radius of the ring checked outside the silhouettes, frame pixels. */
export const RING_OUTER = 4;

export interface VtestMaskQuality {
  frames: number;
  silhouettePixels: number;
  rawPixels: number;
  /** |F \ S| / |F| */
  droppedShare: number;
  /** |S \ F| / |S| */
  addedShare: number;
  ringPixels: number;
  /** dB; plate against frame on the ring */
  ringPsnr: number;
  /** |R ∩ F| / |R| */
  ringForegroundShare: number;
}

/** The measures of the header, pooled over the given frames of the test range. */
export async function vtestMaskQuality(range: VtestTestRange, frames: readonly number[]): Promise<VtestMaskQuality> {
  if (frames.length === 0) throw new Error('vtestMaskQuality: no frames given');
  const { height: H, width: W } = range.index;
  let silhouette = 0,
    raw = 0,
    dropped = 0,
    added = 0,
    ring = 0,
    ringRaw = 0,
    squared = 0;
  for (const f of frames) {
    const { rgb, mask } = await range.frame(f);
    const s: Mask = { height: H, width: W, data: mask.map((v) => (v ? 1 : 0)) }; // stored as 0/255
    const fg = foreground(rgb, range.plate, H, W);
    const dist = s.data.some((v) => v) ? distanceToMask(s) : null;
    for (let p = 0; p < H * W; p++) {
      silhouette += s.data[p];
      raw += fg.data[p];
      if (fg.data[p] && !s.data[p]) dropped++;
      if (s.data[p] && !fg.data[p]) added++;
      if (dist && dist[p] > 1 && dist[p] <= RING_OUTER) {
        ring++;
        ringRaw += fg.data[p];
        for (let c = 0; c < 3; c++) squared += ((rgb[3 * p + c] - range.plate[3 * p + c]) / 255) ** 2;
      }
    }
  }
  return {
    frames: frames.length,
    silhouettePixels: silhouette,
    rawPixels: raw,
    droppedShare: raw ? dropped / raw : 0,
    addedShare: silhouette ? added / silhouette : 0,
    ringPixels: ring,
    ringPsnr: ring ? 10 * Math.log10(1 / (squared / (3 * ring))) : NaN,
    ringForegroundShare: ring ? ringRaw / ring : 0,
  };
}
