// RGB -> luma with skimage.color.rgb2gray's weights (ITU-R BT.709), which EdgeConnect uses before Canny.
import { type Raster, assertRaster } from './raster';

export const LUMA_WEIGHTS = [0.2125, 0.7154, 0.0721] as const;

/** The luma of one pixel, in float64: every grayscale conversion in the library goes through this. */
export function luma(r: number, g: number, b: number): number {
  return LUMA_WEIGHTS[0] * r + LUMA_WEIGHTS[1] * g + LUMA_WEIGHTS[2] * b;
}

/** [H, W, 3] -> [H, W, 1]. Computed in float64 and returned as Float64Array so Canny sees the same values
 *  skimage does (float32 rounding can flip non-maximum-suppression ties). */
export function grayscale64(r: Raster): Float64Array {
  assertRaster(r, 'grayscale', 3);
  const n = r.height * r.width;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = luma(r.data[3 * i], r.data[3 * i + 1], r.data[3 * i + 2]);
  }
  return out;
}

export function grayscale(r: Raster): Raster {
  return { height: r.height, width: r.width, channels: 1, data: Float32Array.from(grayscale64(r)) };
}
