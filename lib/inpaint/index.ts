// Classical inpainters (the baselines: Telea, mean colour) and the interface the experiment harness calls.
export type { TeleaOptions } from './telea';
export { inpaintTelea } from './telea';
export { checkInpaintInput } from '../image/raster';
export { inpaintMeanFill } from './meanFill';
export type { Inpainter, InpaintContext, ClassicalInpainterName } from './inpainter';
export { CLASSICAL_INPAINTERS, LEARNED_INPAINTER, classicalInpainter } from './inpainter';
