// Classical inpainting baselines and the inpainter interface the experiment harness calls.
export type { TeleaOptions } from './telea';
export { inpaintTelea, checkInpaintInput } from './telea';
export { inpaintMeanFill } from './meanFill';
export type { Inpainter, ClassicalInpainterName } from './inpainter';
export { CLASSICAL_INPAINTERS, classicalInpainter } from './inpainter';
