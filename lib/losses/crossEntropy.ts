// Pixel-wise cross-entropy (L_SC of Eq. 4, and the semantic part of L_PS): mean over pixels of
// -sum_k target_k log softmax(logits)_k. Targets are one-hot (or any probability distribution) over classes.
import * as tf from '@tensorflow/tfjs';

/** logits, target [B,H,W,K] -> scalar */
export function pixelCrossEntropy(logits: tf.Tensor4D, target: tf.Tensor4D): tf.Scalar {
  if (!tf.util.arraysEqual(logits.shape, target.shape)) {
    throw new Error(`pixelCrossEntropy: logits [${logits.shape}] and target [${target.shape}] differ`);
  }
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits, -1)), -1))) as tf.Scalar);
}

/** Binary cross-entropy on logits, numerically stable: max(z,0) - z t + log(1 + exp(-|z|)), mean over elements.
 *  positiveWeight scales the loss on pixels with t = 1 (for rare positives). */
export function binaryCrossEntropyWithLogits(logits: tf.Tensor, target: tf.Tensor, positiveWeight = 1): tf.Scalar {
  if (!tf.util.arraysEqual(logits.shape, target.shape)) {
    throw new Error(`binaryCrossEntropyWithLogits: logits [${logits.shape}] and target [${target.shape}] differ`);
  }
  return tf.tidy(() => {
    const perPixel = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, target)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    const weight = tf.add(1, tf.mul(positiveWeight - 1, target));
    return tf.mean(tf.mul(perPixel, weight)) as tf.Scalar;
  });
}
