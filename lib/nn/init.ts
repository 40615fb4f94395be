// Deterministic weight initialisation (EdgeConnect: conv weights ~ normal(0, 0.02), biases 0).
// Every tensor gets its own seed derived from (model seed, parameter name), so adding a parameter
// does not change the initial values of the others.
import * as tf from '@tensorflow/tfjs';

/** 32-bit FNV-1a hash of a string, mixed with a numeric seed. */
export function seedFor(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** normal(0, std) tensor, reproducible from (seed, name). */
export function seededNormal(shape: number[], std: number, seed: number, name: string): tf.Tensor {
  return tf.randomNormal(shape, 0, std, 'float32', seedFor(seed, name));
}

/** Random unit vector (PyTorch spectral_norm initialises u and v this way). */
export function seededUnitVector(length: number, seed: number, name: string): tf.Tensor1D {
  return tf.tidy(() => {
    const v = tf.randomNormal([length], 0, 1, 'float32', seedFor(seed, name)) as tf.Tensor1D;
    return tf.div(v, tf.maximum(tf.norm(v), 1e-12));
  });
}
