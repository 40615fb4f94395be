// Feature-matching loss (paper Eq. 3): sum over discriminator layers i of (1/N^i) ||D^i(real) - D^i(fake)||_1,
// i.e. the mean absolute difference of each layer's activation, summed over layers (EdgeConnect: L1Loss per layer).
// The real activations are targets: pass them computed outside the gradient, or they will be differentiated too.
import * as tf from '@tensorflow/tfjs';

export function checkFeatureLists(fake: tf.Tensor[], real: tf.Tensor[], where: string): void {
  if (fake.length === 0 || fake.length !== real.length) {
    throw new Error(`${where}: need the same non-zero number of layers, got ${fake.length} and ${real.length}`);
  }
  fake.forEach((f, i) => {
    if (!tf.util.arraysEqual(f.shape, real[i].shape)) {
      throw new Error(`${where}: layer ${i} shapes differ: [${f.shape}] vs [${real[i].shape}]`);
    }
  });
}

export function featureMatchingLoss(fakeFeatures: tf.Tensor[], realFeatures: tf.Tensor[]): tf.Scalar {
  checkFeatureLists(fakeFeatures, realFeatures, 'featureMatchingLoss');
  return tf.tidy(() => tf.addN(fakeFeatures.map((f, i) => tf.mean(tf.abs(tf.sub(f, realFeatures[i]))))) as tf.Scalar);
}
