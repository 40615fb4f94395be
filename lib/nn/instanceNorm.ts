// Instance normalisation as PyTorch InstanceNorm2d(affine=False, track_running_stats=False):
// per sample and channel, biased variance, eps 1e-5. NHWC, statistics over H and W.
import * as tf from '@tensorflow/tfjs';

export const INSTANCE_NORM_EPS = 1e-5;

/** [B,H,W,C] -> [B,H,W,C] */
export function instanceNorm(x: tf.Tensor4D, eps = INSTANCE_NORM_EPS): tf.Tensor4D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [1, 2], true);
    return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))) as tf.Tensor4D;
  });
}
