// L_PS for our stand-in segmenter (lib/models/segmenter.ts): pixel-wise cross-entropy on the semantic classes plus
// binary cross-entropy on the instance-boundary map that separates touching instances.
import * as tf from '@tensorflow/tfjs';
import { pixelCrossEntropy, binaryCrossEntropyWithLogits } from './crossEntropy';
import { SegmenterOutput } from '../models/segmenter';

/**
 * Instance-boundary target of one image from its instance-id map [H*W] (0 = no instance, e.g. stuff): 1 on pixels
 * of an instance with a 4-neighbour in a different instance (id > 0). Cutting these pixels out of the class map
 * splits touching instances into separate connected components.
 */
export function instanceBoundaryTarget(instanceIds: ArrayLike<number>, height: number, width: number): Uint8Array {
  if (instanceIds.length !== height * width) {
    throw new Error(`instanceBoundaryTarget: ${instanceIds.length} ids for a ${height}x${width} image`);
  }
  const out = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const id = instanceIds[i];
      if (id <= 0) continue;
      const differs = (j: number) => instanceIds[j] > 0 && instanceIds[j] !== id;
      if ((x > 0 && differs(i - 1)) || (x < width - 1 && differs(i + 1)) ||
        (y > 0 && differs(i - width)) || (y < height - 1 && differs(i + width))) out[i] = 1;
    }
  }
  return out;
}

export interface PanopticTargets {
  /** one-hot semantic classes [B,H,W,K] */
  semantic: tf.Tensor4D;
  /** instance boundary [B,H,W,1] (instanceBoundaryTarget) */
  boundary: tf.Tensor4D;
}

/**
 * L_PS = CE(semantic) + boundaryWeight * BCE(boundary). Boundary pixels are rare; positiveWeight > 1 weighs them up.
 * Returns the total and its terms.
 */
export function panopticSegmentationLoss(out: SegmenterOutput, target: PanopticTargets,
  { boundaryWeight = 1, positiveWeight = 1 } = {}): { loss: tf.Scalar; terms: { semantic: tf.Scalar; boundary: tf.Scalar } } {
  const semantic = pixelCrossEntropy(out.semanticLogits, target.semantic);
  const boundary = binaryCrossEntropyWithLogits(out.boundaryLogits, target.boundary, positiveWeight);
  const loss = tf.tidy(() => tf.add(semantic, tf.mul(boundary, boundaryWeight)) as tf.Scalar);
  return { loss, terms: { semantic, boundary } };
}
