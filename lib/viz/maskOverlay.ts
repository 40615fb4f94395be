// Pictures of masks for notebooks: a mask tinted over its image, and the change between two masks
// (what a dilation adds, what an erosion removes).
import { Mask, Raster, assertBinaryMask, assertRaster } from '../image/raster';

export type Rgb = [number, number, number];

/** `image` [H, W, 3] with `colour` blended in at `opacity` where mask = 1. */
export function maskOverlay(image: Raster, mask: Mask, colour: Rgb = [1, 0, 0], opacity = 0.5): Raster {
  assertRaster(image, 'maskOverlay', 3);
  assertBinaryMask(mask, 'maskOverlay', image.height, image.width);
  if (!(opacity >= 0 && opacity <= 1)) throw new Error(`maskOverlay: opacity must be in [0, 1], got ${opacity}`);
  const data = image.data.slice();
  for (let p = 0; p < mask.data.length; p++) {
    if (!mask.data[p]) continue;
    for (let c = 0; c < 3; c++) data[3 * p + c] = (1 - opacity) * data[3 * p + c] + opacity * colour[c];
  }
  return { height: image.height, width: image.width, channels: 3, data };
}

export const MASK_CHANGE_COLOURS: Record<'kept' | 'added' | 'removed' | 'outside', Rgb> = {
  kept: [1, 1, 1], // in both masks
  added: [1, 0.45, 0], // only in `changed` (dilation)
  removed: [0.2, 0.45, 1], // only in `reference` (erosion)
  outside: [0, 0, 0],
};

/** [H, W, 3] picture of `changed` against `reference`, coloured by MASK_CHANGE_COLOURS. */
export function maskChange(reference: Mask, changed: Mask): Raster {
  assertBinaryMask(reference, 'maskChange');
  assertBinaryMask(changed, 'maskChange', reference.height, reference.width);
  const data = new Float32Array(reference.data.length * 3);
  for (let p = 0; p < reference.data.length; p++) {
    const a = reference.data[p];
    const b = changed.data[p];
    const colour = MASK_CHANGE_COLOURS[a && b ? 'kept' : b ? 'added' : a ? 'removed' : 'outside'];
    data.set(colour, 3 * p);
  }
  return { height: reference.height, width: reference.width, channels: 3, data };
}
