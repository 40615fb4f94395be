// Metric inputs: a Raster (HWC Float32Array in [0, 1], lib/image) is primary; a tfjs [H, W, C] tensor is accepted
// and copied into one.
import * as tf from '@tensorflow/tfjs';
import { type Raster, type Mask, assertRaster, assertBinaryMask, maskArea } from '../image/raster';

export type MetricImage = Raster | tf.Tensor3D;

export function asRaster(x: MetricImage, where: string): Raster {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 3) throw new Error(`${where}: expected a [H, W, C] tensor, got shape [${x.shape}]`);
    const [height, width, channels] = x.shape;
    return { height, width, channels, data: Float32Array.from(x.dataSync()) };
  }
  assertRaster(x, where);
  return x;
}

/** Both images as rasters of the same size and channel count, with every value a finite number in [0, 1]. */
export function checkedPair(a: MetricImage, b: MetricImage, where: string): [Raster, Raster] {
  const ra = asRaster(a, where);
  const rb = asRaster(b, where);
  if (ra.height !== rb.height || ra.width !== rb.width || ra.channels !== rb.channels) {
    throw new Error(
      `${where}: image sizes differ: ` +
        `${ra.height}x${ra.width}x${ra.channels} vs ${rb.height}x${rb.width}x${rb.channels}`,
    );
  }
  checkUnitRange(ra, where);
  checkUnitRange(rb, where);
  return [ra, rb];
}

export function checkUnitRange(r: Raster, where: string): void {
  for (let i = 0; i < r.data.length; i++) {
    const v = r.data[i];
    if (!(v >= 0 && v <= 1)) throw new Error(`${where}: pixel values must lie in [0, 1]; found ${v} at index ${i}`);
  }
}

/** A mask for masked-region scores: binary, same size as the image, not empty. */
export function checkedScoreMask(m: Mask, height: number, width: number, where: string): Mask {
  assertBinaryMask(m, where, height, width);
  if (maskArea(m) === 0) throw new Error(`${where}: mask is empty, there is no region to score`);
  return m;
}
