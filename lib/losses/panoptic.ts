// L_PS for our stand-in segmenter (lib/models/segmenter.ts): pixel-wise cross-entropy on the semantic classes plus
// binary cross-entropy on the instance-boundary map that separates touching instances.
import * as tf from '@tensorflow/tfjs';
import { pixelCrossEntropy, binaryCrossEntropyWithLogits } from './crossEntropy';
import type { SegmenterOutput } from '../models/segmenter';

export interface PanopticTargets {
  /** one-hot semantic classes [B,H,W,K] */
  semantic: tf.Tensor4D;
  /** instance boundary [B,H,W,1] (instanceBoundaryTarget, lib/data/labels.ts) */
  boundary: tf.Tensor4D;
}

/**
 * L_PS = CE(semantic) + boundaryWeight * BCE(boundary). Boundary pixels are rare; positiveWeight > 1 weighs them up.
 * Returns the total and its terms.
 */
export function panopticSegmentationLoss(
  out: SegmenterOutput,
  target: PanopticTargets,
  { boundaryWeight = 1, positiveWeight = 1 } = {},
): { loss: tf.Scalar; terms: { semantic: tf.Scalar; boundary: tf.Scalar } } {
  const semantic = pixelCrossEntropy(out.semanticLogits, target.semantic);
  const boundary = binaryCrossEntropyWithLogits(out.boundaryLogits, target.boundary, positiveWeight);
  const loss = tf.tidy(() => tf.add(semantic, tf.mul(boundary, boundaryWeight)) as tf.Scalar);
  return { loss, terms: { semantic, boundary } };
}
