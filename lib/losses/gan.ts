// Hinge GAN losses as EdgeConnect's AdversarialLoss(type='hinge'):
//   discriminator: (mean(relu(1 - D(real))) + mean(relu(1 + D(fake)))) / 2
//   generator:     -mean(D(fake))            (paper Eq. 2: L_EG = -D_E(E_I, I_G))
import * as tf from '@tensorflow/tfjs';

export function hingeDiscriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const real = tf.mean(tf.relu(tf.sub(1, realLogits)));
    const fake = tf.mean(tf.relu(tf.add(1, fakeLogits)));
    return tf.div(tf.add(real, fake), 2) as tf.Scalar;
  });
}

export function hingeGeneratorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(fakeLogits)) as tf.Scalar);
}
