// What the image helpers display: a tf tensor [H, W, 1 | 3], a Raster (lib/image/raster.ts), a binary Mask
// (black 0 / white 1), or a pasted-object Sprite (lib/data/paste.ts, shown on white outside its mask).
// Rasters and masks are read directly, so notebooks can show pixel data without making tensors.
import * as tf from '@tensorflow/tfjs';
import type { Mask, Raster } from '../image/raster';
import type { Sprite } from '../data/paste';

export type Picture = tf.Tensor | Raster | Mask | Sprite;

export interface RgbBytes {
  height: number;
  width: number;
  bytes: Buffer; // [H * W * 3] 8-bit RGB
}

function toByte(v: number, index: number): number {
  if (Number.isNaN(v)) throw new Error(`image ${index}: contains NaN`);
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}

// values: HWC floats in [0, 1] with 1 or 3 channels; `inside(p)` false paints pixel p white (sprites).
function rgbFromValues(values: ArrayLike<number>, height: number, width: number, channels: number, index: number,
  inside: (p: number) => boolean = () => true): RgbBytes {
  if (height < 1 || width < 1) throw new Error(`image ${index}: empty size ${height}x${width}`);
  if (values.length !== height * width * channels) {
    throw new Error(`image ${index}: ${values.length} values for ${height}x${width}x${channels}`);
  }
  const bytes = Buffer.alloc(height * width * 3);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++) {
      bytes[p * 3 + c] = inside(p) ? toByte(values[p * channels + (channels === 1 ? 0 : c)], index) : 255;
    }
  }
  return { height, width, bytes };
}

export async function pictureRgb(picture: Picture, index: number): Promise<RgbBytes> {
  if (picture instanceof tf.Tensor) {
    if (picture.rank !== 3 || (picture.shape[2] !== 1 && picture.shape[2] !== 3)) {
      throw new Error(`image ${index}: expected shape [H, W, 1] or [H, W, 3], got [${picture.shape.join(', ')}]`);
    }
    const [height, width, channels] = picture.shape as [number, number, number];
    if (height === 0 || width === 0) throw new Error(`image ${index}: empty shape [${picture.shape.join(', ')}]`);
    return rgbFromValues(await picture.data(), height, width, channels, index);
  }
  if ('rgb' in picture) {
    const sprite = picture;
    return rgbFromValues(sprite.rgb, sprite.height, sprite.width, 3, index, (p) => sprite.mask[p] === 1);
  }
  if ('channels' in picture) {
    if (picture.channels !== 1 && picture.channels !== 3) {
      throw new Error(`image ${index}: a raster to show needs 1 or 3 channels, got ${picture.channels}`);
    }
    return rgbFromValues(picture.data, picture.height, picture.width, picture.channels, index);
  }
  const mask = picture;
  for (let p = 0; p < mask.data.length; p++) {
    if (mask.data[p] > 1) throw new Error(`image ${index}: mask is not binary (value ${mask.data[p]} at pixel ${p})`);
  }
  return rgbFromValues(mask.data, mask.height, mask.width, 1, index);
}
