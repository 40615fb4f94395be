// Reconstruction loss L_IR (paper Eq. 7): ||I_G - I_I||_1 / N_M. As EdgeConnect: mean absolute error over the whole
// image divided by mean(mask), i.e. the L1 sum divided by the number of masked pixels (times the channel count).
import * as tf from '@tensorflow/tfjs';

/** output, target [B,H,W,C]; mask [B,H,W,1] (1 = hole). Throws on an all-zero mask. */
export function maskedL1Loss(output: tf.Tensor4D, target: tf.Tensor4D, mask: tf.Tensor4D): tf.Scalar {
  if (!tf.util.arraysEqual(output.shape, target.shape)) {
    throw new Error(`maskedL1Loss: output [${output.shape}] and target [${target.shape}] differ`);
  }
  const [b, h, w] = output.shape;
  if (!tf.util.arraysEqual(mask.shape, [b, h, w, 1])) {
    throw new Error(`maskedL1Loss: mask must be [${[b, h, w, 1]}], got [${mask.shape}]`);
  }
  return tf.tidy(() => {
    const maskMean = tf.mean(mask);
    if (maskMean.dataSync()[0] <= 0) throw new Error('maskedL1Loss: mask is empty (no masked pixel to normalise by)');
    return tf.div(tf.mean(tf.abs(tf.sub(output, target))), maskMean) as tf.Scalar;
  });
}
