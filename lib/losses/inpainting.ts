// Generator-side losses of the three inpainters (paper Eq. 1, 4, 5) and the segmentation network's total (Eq. 10).
// `fake` is the discriminator's output on the generator's output (run in training mode, as PyTorch does);
// `realFeatures` are its activations on the ground truth, targets only (EdgeConnect detaches them).
import * as tf from '@tensorflow/tfjs';
import { hingeGeneratorLoss } from './gan';
import { featureMatchingLoss } from './featureMatching';
import { styleLoss } from './style';
import { maskedL1Loss, L1Normalisation } from './reconstruction';
import { pixelCrossEntropy } from './crossEntropy';
import { LossWeights } from './weights';
import { DiscriminatorOutput } from '../models/discriminator';

export interface WeightedLoss<T extends string> {
  loss: tf.Scalar;
  terms: Record<T, tf.Scalar>;
}

function weightedSum(pairs: [tf.Scalar, number][]): tf.Scalar {
  return tf.tidy(() => tf.addN(pairs.map(([l, w]) => tf.mul(l, w))) as tf.Scalar);
}

/** L_E = lambda_EG L_EG + lambda_EF L_EF */
export function edgeInpainterLoss(fake: DiscriminatorOutput, realFeatures: tf.Tensor4D[], w: LossWeights): WeightedLoss<'gan' | 'featureMatching'> {
  const gan = hingeGeneratorLoss(fake.logits);
  const featureMatching = featureMatchingLoss(fake.features, realFeatures);
  return { loss: weightedSum([[gan, w.lambdaEG], [featureMatching, w.lambdaEF]]), terms: { gan, featureMatching } };
}

/** L_S = lambda_SG L_SG + lambda_SC L_SC; logits = the segmentation inpainter's [B,H,W,K], target one-hot [B,H,W,K] */
export function segmentationInpainterLoss(fake: DiscriminatorOutput, logits: tf.Tensor4D, target: tf.Tensor4D,
  w: LossWeights): WeightedLoss<'gan' | 'crossEntropy'> {
  const gan = hingeGeneratorLoss(fake.logits);
  const crossEntropy = pixelCrossEntropy(logits, target);
  return { loss: weightedSum([[gan, w.lambdaSG], [crossEntropy, w.lambdaSC]]), terms: { gan, crossEntropy } };
}

/** L_I = lambda_IG L_IG + lambda_IF L_IF + lambda_IS L_IS + lambda_IR L_IR; output/target [B,H,W,3], mask [B,H,W,1];
 *  l1Per: N_M of L_IR per batch (EdgeConnect) or per image (lib/losses/reconstruction.ts) */
export function imageInpainterLoss(fake: DiscriminatorOutput, realFeatures: tf.Tensor4D[], output: tf.Tensor4D,
  target: tf.Tensor4D, mask: tf.Tensor4D, w: LossWeights, l1Per: L1Normalisation = 'batch'): WeightedLoss<'gan' | 'featureMatching' | 'style' | 'reconstruction'> {
  const gan = hingeGeneratorLoss(fake.logits);
  const featureMatching = featureMatchingLoss(fake.features, realFeatures);
  const style = styleLoss(fake.features, realFeatures);
  const reconstruction = maskedL1Loss(output, target, mask, l1Per);
  const loss = weightedSum([[gan, w.lambdaIG], [featureMatching, w.lambdaIF], [style, w.lambdaIS], [reconstruction, w.lambdaIR]]);
  return { loss, terms: { gan, featureMatching, style, reconstruction } };
}

/** L_SN = L_PS + L_E + L_S + L_I + lambda_X L_X (Eq. 10) */
export function segmentationNetworkLoss(l: { ps: tf.Scalar; e: tf.Scalar; s: tf.Scalar; i: tf.Scalar; x: tf.Scalar },
  w: LossWeights): tf.Scalar {
  return weightedSum([[l.ps, 1], [l.e, 1], [l.s, 1], [l.i, 1], [l.x, w.lambdaX]]);
}
