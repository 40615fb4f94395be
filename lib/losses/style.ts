// Style loss (paper Eq. 6) on Gram matrices. EdgeConnect computes it on VGG19 activations; VGG19's ImageNet weights
// cannot be downloaded here, and the paper states that L_IS reuses L_IF's activations, so we use the image
// discriminator's activations (the same list that feature matching gets).
// Gram matrix and reduction as EdgeConnect's StyleLoss: G = F F^T / (C*H*W) per sample, loss = mean |G_a - G_b|
// per layer, summed over layers.
import * as tf from '@tensorflow/tfjs';
import { checkFeatureLists } from './featureMatching';

/** [B,H,W,C] -> [B,C,C] */
export function gramMatrix(x: tf.Tensor4D): tf.Tensor3D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    const f = tf.reshape(x, [b, h * w, c]);
    return tf.div(tf.matMul(f, f, true, false), c * h * w) as tf.Tensor3D;
  });
}

export function styleLoss(fakeFeatures: tf.Tensor4D[], realFeatures: tf.Tensor4D[]): tf.Scalar {
  checkFeatureLists(fakeFeatures, realFeatures, 'styleLoss');
  return tf.tidy(
    () =>
      tf.addN(
        fakeFeatures.map((f, i) => tf.mean(tf.abs(tf.sub(gramMatrix(f), gramMatrix(realFeatures[i]))))),
      ) as tf.Scalar,
  );
}
