// Simple copy-paste (the paper's ref. [32]): the object's pixels replace the background's under its mask,
// with no blending. Parts of the object outside the image are clipped.
import { type Raster, type Mask, assertRaster, createMask } from '../image/raster';

export interface Sprite {
  height: number;
  width: number;
  rgb: Float32Array; // [h * w * 3]
  mask: Uint8Array; // [h * w]
}

/** Call `visit(s, t)` for every sprite pixel s under its mask that lands inside an H x W image at pixel t, the
 *  sprite's top-left corner at (top, left). Both indices are row-major pixel indices. */
export function eachPastedPixel(
  sprite: Sprite,
  top: number,
  left: number,
  H: number,
  W: number,
  visit: (s: number, t: number) => void,
): void {
  for (let y = 0; y < sprite.height; y++) {
    const ty = top + y;
    if (ty < 0 || ty >= H) continue;
    for (let x = 0; x < sprite.width; x++) {
      const tx = left + x;
      const s = y * sprite.width + x;
      if (tx < 0 || tx >= W || !sprite.mask[s]) continue;
      visit(s, ty * W + tx);
    }
  }
}

/** Paste `sprite` with its top-left corner at (top, left). Returns the composite and the visible object mask. */
export function pasteSprite(
  background: Raster,
  sprite: Sprite,
  top: number,
  left: number,
): { image: Raster; mask: Mask } {
  assertRaster(background, 'pasteSprite', 3);
  const { height: H, width: W } = background;
  const data = background.data.slice();
  const mask = createMask(H, W);
  eachPastedPixel(sprite, top, left, H, W, (s, t) => {
    data[3 * t] = sprite.rgb[3 * s];
    data[3 * t + 1] = sprite.rgb[3 * s + 1];
    data[3 * t + 2] = sprite.rgb[3 * s + 2];
    mask.data[t] = 1;
  });
  return { image: { height: H, width: W, channels: 3, data }, mask };
}
