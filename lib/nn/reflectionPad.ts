// Reflection padding (PyTorch nn.ReflectionPad2d) built from slice/reverse/concat, because the
// gradient of tfjs-core 4.22 mirrorPad is wrong. NHWC.
import * as tf from '@tensorflow/tfjs';

function reflectAxis(x: tf.Tensor4D, p: number, axis: 1 | 2): tf.Tensor4D {
  const n = x.shape[axis];
  if (p >= n) throw new Error(`reflectionPad: pad ${p} must be smaller than the size ${n} of axis ${axis}`);
  const begin = (i: number) => (axis === 1 ? [0, i, 0, 0] : [0, 0, i, 0]);
  const size = axis === 1 ? [-1, p, -1, -1] : [-1, -1, p, -1];
  // before: x[1..p] reversed; after: x[n-1-p..n-2] reversed (the edge row itself is not repeated)
  const before = tf.reverse(tf.slice(x, begin(1), size), axis);
  const after = tf.reverse(tf.slice(x, begin(n - 1 - p), size), axis);
  return tf.concat([before, x, after], axis);
}

/** [B,H,W,C] -> [B,H+2p,W+2p,C] */
export function reflectionPad2d(x: tf.Tensor4D, p: number): tf.Tensor4D {
  if (p === 0) return x;
  return tf.tidy(() => reflectAxis(reflectAxis(x, p, 1), p, 2));
}
