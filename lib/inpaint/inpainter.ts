// What the experiment harness calls to fill a hole: any function from (image, mask) to the inpainted image.
// Classical fills are registered here by name; a learned inpainter (a checkpoint of lib/train) is wrapped into
// the same shape by its loader. It may return a Promise, because tfjs reads tensors back asynchronously.
import { Mask, Raster } from '../image/raster';
import { inpaintTelea } from './telea';
import { inpaintMeanFill } from './meanFill';

/** image [H, W, 3] in [0, 1] and a binary hole mask (1 = fill) -> image [H, W, 3]; pixels outside the mask kept. */
export type Inpainter = (image: Raster, mask: Mask) => Raster | Promise<Raster>;

export const CLASSICAL_INPAINTERS = {
  telea: (image: Raster, mask: Mask): Raster => inpaintTelea(image, mask, { radius: 3 }),
  meanFill: inpaintMeanFill,
} satisfies Record<string, Inpainter>;

export type ClassicalInpainterName = keyof typeof CLASSICAL_INPAINTERS;

export function classicalInpainter(name: string): Inpainter {
  if (!(name in CLASSICAL_INPAINTERS)) {
    throw new Error(`unknown classical inpainter '${name}' (expected one of ${Object.keys(CLASSICAL_INPAINTERS).join(', ')})`);
  }
  return CLASSICAL_INPAINTERS[name as ClassicalInpainterName];
}
