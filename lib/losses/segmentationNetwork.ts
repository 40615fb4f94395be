// The joint network's total loss (paper Sec. III-D, Eq. 10): L_SN = L_PS + L_E + L_S + L_I + lambda_X L_X.
// L_PS is the segmenter's own loss (lib/losses/panoptic.ts, or the pretrained segmenter's in
// lib/models/pretrainedSegmenter.ts), L_E, L_S, L_I the inpainters' (lib/losses/inpainting.ts, Eq. 1, 4, 5) and L_X
// the mask expansion loss (lib/losses/boundary.ts, Eq. 9); lambda_X = 1000 (lib/losses/weights.ts). lib/train/stages.ts
// differentiates it w.r.t. all four networks.
import type * as tf from '@tensorflow/tfjs';
import { type LossWeights, weightedSum } from './weights';

/** L_SN = L_PS + L_E + L_S + L_I + lambda_X L_X (Eq. 10) */
export function segmentationNetworkLoss(
  l: { ps: tf.Scalar; e: tf.Scalar; s: tf.Scalar; i: tf.Scalar; x: tf.Scalar },
  w: LossWeights,
): tf.Scalar {
  return weightedSum([
    [l.ps, 1],
    [l.e, 1],
    [l.s, 1],
    [l.i, 1],
    [l.x, w.lambdaX],
  ]);
}
