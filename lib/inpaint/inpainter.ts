// What the experiment harness calls to fill a hole: any function from (image, mask) to the inpainted image.
// Classical fills are registered here by name; the learned inpainter (checkpoints of lib/train) is wrapped into
// the same shape by edgeConnectInpainter (./edgeConnect.ts). It may return a Promise, because tfjs reads tensors
// back asynchronously.
import type { Mask, Raster } from '../image/raster';
import type { PanopticLabels } from '../data/labels';
import { inpaintTelea } from './telea';
import { inpaintMeanFill } from './meanFill';

/** What the caller knows about the image besides its pixels; inpainters that take a segmentation cue read it. */
export interface InpaintContext {
  /** panoptic labels of the image (the test triplet's ground truth); only the part outside the hole may be used */
  labels?: PanopticLabels;
}

/** image [H, W, 3] in [0, 1] and a binary hole mask (1 = fill) -> image [H, W, 3]; pixels outside the mask kept. */
export type Inpainter = (image: Raster, mask: Mask, context?: InpaintContext) => Raster | Promise<Raster>;

export const CLASSICAL_INPAINTERS = {
  telea: (image: Raster, mask: Mask): Raster => inpaintTelea(image, mask, { radius: 3 }),
  meanFill: inpaintMeanFill,
} satisfies Record<string, Inpainter>;

/** The harness's name for our learned pipeline (./edgeConnect.ts: EdgeConnect-style inpainters fed a segmentation
 *  cue); 'ours', not 'edgeconnect', which names the published EdgeConnect baseline of Table V. It needs checkpoints,
 *  so it is not in the list above. */
export const LEARNED_INPAINTER = 'ours';

export type ClassicalInpainterName = keyof typeof CLASSICAL_INPAINTERS;

export function classicalInpainter(name: string): Inpainter {
  if (!(name in CLASSICAL_INPAINTERS)) {
    throw new Error(
      `unknown classical inpainter '${name}' (expected one of ${Object.keys(CLASSICAL_INPAINTERS).join(', ')})`,
    );
  }
  return CLASSICAL_INPAINTERS[name as ClassicalInpainterName];
}
