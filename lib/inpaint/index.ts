// Inpainters: classical baselines, the learned EdgeConnect-style pipeline, and the interface the experiment harness
// calls.
export type { TeleaOptions } from './telea';
export { inpaintTelea } from './telea';
export { checkInpaintInput } from '../image/raster';
export { inpaintMeanFill } from './meanFill';
export type { Inpainter, InpaintContext, ClassicalInpainterName } from './inpainter';
export { CLASSICAL_INPAINTERS, LEARNED_INPAINTER, classicalInpainter } from './inpainter';
export type { CheckpointPaths, CheckpointRecord, LearnedInpainters, InpainterPart } from './learnedInpainters';
export { loadLearnedInpainters, INPAINTER_PARTS } from './learnedInpainters';
export type { RemovalResult, PipelineInputs } from './edgeConnect';
export { removeObject, edgeConnectInpainter, pipelineInputs, compositeHole } from './edgeConnect';
export type { ShippedManifest, ShippedWeights, TrainingRecord, GeneratorStage } from './shippedWeights';
export {
  exportGeneratorWeights,
  loadShippedWeights,
  readShippedManifest,
  shippedWeightsDir,
  shippedWeightsPaths,
  stepsIncludingInit,
} from './shippedWeights';
