// Generator-side losses of the three inpainters (paper Sec. III-B): L_E of the edge inpainter (Eq. 1), L_S of the
// segmentation inpainter (Eq. 4), L_I of the image inpainter (Eq. 5), each a weighted sum of the terms in this folder
// (hinge GAN Eq. 2, feature matching Eq. 3, style Eq. 6, L1 reconstruction Eq. 7, pixel-wise cross-entropy).
// `fake` is the discriminator's output on the generator's output (run in training mode, as PyTorch does);
// `realFeatures` are its activations on the ground truth, targets only (EdgeConnect detaches them).
import type * as tf from '@tensorflow/tfjs';
import { hingeGeneratorLoss } from './gan';
import { featureMatchingLoss } from './featureMatching';
import { styleLoss } from './style';
import { maskedL1Loss, type L1Normalisation } from './reconstruction';
import { pixelCrossEntropy } from './crossEntropy';
import { type LossWeights, weightedSum } from './weights';
import type { DiscriminatorOutput } from '../models/discriminator';

export interface WeightedLoss<T extends string> {
  loss: tf.Scalar;
  terms: Record<T, tf.Scalar>;
}

/** L_E = lambda_EG L_EG + lambda_EF L_EF (Eq. 1) */
export function edgeInpainterLoss(
  fake: DiscriminatorOutput,
  realFeatures: tf.Tensor4D[],
  w: LossWeights,
): WeightedLoss<'gan' | 'featureMatching'> {
  const gan = hingeGeneratorLoss(fake.logits);
  const featureMatching = featureMatchingLoss(fake.features, realFeatures);
  return {
    loss: weightedSum([
      [gan, w.lambdaEG],
      [featureMatching, w.lambdaEF],
    ]),
    terms: { gan, featureMatching },
  };
}

/** L_S = lambda_SG L_SG + lambda_SC L_SC (Eq. 4); logits = the segmentation inpainter's [B,H,W,K], target
 *  one-hot [B,H,W,K] */
export function segmentationInpainterLoss(
  fake: DiscriminatorOutput,
  logits: tf.Tensor4D,
  target: tf.Tensor4D,
  w: LossWeights,
): WeightedLoss<'gan' | 'crossEntropy'> {
  const gan = hingeGeneratorLoss(fake.logits);
  const crossEntropy = pixelCrossEntropy(logits, target);
  return {
    loss: weightedSum([
      [gan, w.lambdaSG],
      [crossEntropy, w.lambdaSC],
    ]),
    terms: { gan, crossEntropy },
  };
}

/** L_I = lambda_IG L_IG + lambda_IF L_IF + lambda_IS L_IS + lambda_IR L_IR (Eq. 5); output/target [B,H,W,3],
 *  mask [B,H,W,1]; l1Per: N_M of L_IR per batch (EdgeConnect) or per image (lib/losses/reconstruction.ts) */
export function imageInpainterLoss(
  fake: DiscriminatorOutput,
  realFeatures: tf.Tensor4D[],
  output: tf.Tensor4D,
  target: tf.Tensor4D,
  mask: tf.Tensor4D,
  w: LossWeights,
  l1Per: L1Normalisation = 'batch',
): WeightedLoss<'gan' | 'featureMatching' | 'style' | 'reconstruction'> {
  const gan = hingeGeneratorLoss(fake.logits);
  const featureMatching = featureMatchingLoss(fake.features, realFeatures);
  const style = styleLoss(fake.features, realFeatures);
  const reconstruction = maskedL1Loss(output, target, mask, l1Per);
  const loss = weightedSum([
    [gan, w.lambdaIG],
    [featureMatching, w.lambdaIF],
    [style, w.lambdaIS],
    [reconstruction, w.lambdaIR],
  ]);
  return { loss, terms: { gan, featureMatching, style, reconstruction } };
}
