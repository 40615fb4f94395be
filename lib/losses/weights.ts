// Loss weights and the mask-expansion alpha, as the paper gives them (Sec. IV-A and Eq. 10; the same figures are
// transcribed in data/paper/tables.json "hyperparameters"), and the weighted sum every total loss is.
// lambda_E* and lambda_I* come from EdgeConnect; lambda_S* were set empirically by the authors; alpha = 0.03 is the
// best value of Table IV.
import * as tf from '@tensorflow/tfjs';

export const paperLossWeights = {
  lambdaEG: 1, // edge inpainter: hinge GAN (Eq. 1)
  lambdaEF: 10, // edge inpainter: feature matching
  lambdaSG: 0.1, // segmentation inpainter: hinge GAN (Eq. 4)
  lambdaSC: 1, // segmentation inpainter: pixel-wise cross-entropy
  lambdaIG: 0.1, // image inpainter: hinge GAN (Eq. 5)
  lambdaIF: 0.1, // image inpainter: feature matching
  lambdaIS: 250, // image inpainter: style (Gram) loss
  lambdaIR: 1, // image inpainter: L1 reconstruction / N_M
  lambdaX: 1000, // mask expansion loss in L_SN (Eq. 10)
  alpha: 0.03, // mask expansion offset (Eq. 9, Table IV)
};

export type LossWeights = typeof paperLossWeights;

/** sum_k w_k L_k over [loss, weight] pairs */
export function weightedSum(pairs: [tf.Scalar, number][]): tf.Scalar {
  return tf.tidy(() => tf.addN(pairs.map(([l, w]) => tf.mul(l, w))) as tf.Scalar);
}
