// Instance normalisation as PyTorch InstanceNorm2d(affine=False, track_running_stats=False):
// per sample and channel, biased variance, eps 1e-5. NHWC, statistics over H and W.
// On wasm this is one fused kernel with a fused gradient (lib/backend/instanceNorm.ts, registered by
// initBackend); elsewhere it is composed from tf ops.
import * as tf from '@tensorflow/tfjs';
import { INSTANCE_NORM } from '../backend/instanceNorm';

export const INSTANCE_NORM_EPS = 1e-5;

/** [B,H,W,C] -> [B,H,W,C] */
export function instanceNorm(x: tf.Tensor4D, eps = INSTANCE_NORM_EPS): tf.Tensor4D {
  if (tf.getKernel(INSTANCE_NORM, tf.getBackend())) {
    return tf.engine().runKernel(INSTANCE_NORM, { x }, { eps }) as tf.Tensor4D;
  }
  return instanceNormComposed(x, eps);
}

/** The same with tf ops (the reference the fused kernel is tested against). */
export function instanceNormComposed(x: tf.Tensor4D, eps = INSTANCE_NORM_EPS): tf.Tensor4D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [1, 2], true);
    return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))) as tf.Tensor4D;
  });
}
