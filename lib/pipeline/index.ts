// Inference with the trained networks: the inpainting network (edge -> segmentation -> image inpainter) on a given
// hole, object removal on photographs of any size, and removal with a learned mask (the joint network).
export type { CheckpointPaths, CheckpointRecord, LearnedInpainters, InpainterPart } from './learnedInpainters';
export { loadLearnedInpainters, INPAINTER_PARTS } from './learnedInpainters';
export type { RemovalResult, PipelineInputs } from './inpaintingNetwork';
export { removeObject, edgeConnectInpainter, pipelineInputs, compositeHole } from './inpaintingNetwork';
export type { ShippedManifest, ShippedWeights, TrainingRecord, GeneratorStage } from '../io/shippedWeights';
export {
  exportGeneratorWeights,
  loadShippedWeights,
  readShippedManifest,
  shippedWeightsDir,
  shippedWeightsPaths,
  stepsIncludingInit,
} from '../io/shippedWeights';
export type { Remover, JointRemovalNetwork } from './jointRemoval';
export { jointRemover, loadJointRemovalNetwork, segmenterMask, segmenterMaskRemover } from './jointRemoval';
