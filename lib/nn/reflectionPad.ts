// Reflection padding (PyTorch nn.ReflectionPad2d), NHWC: tf.mirrorPad in 'reflect' mode, one kernel.
// tfjs-core 4.22's MirrorPad gradient is wrong (it drops the reflected borders' contributions); importing
// this module registers the corrected one from lib/backend/mirrorPadGradient.ts, on every backend.
import * as tf from '@tensorflow/tfjs';
import { registerMirrorPadGradient } from '../backend/mirrorPadGradient';

registerMirrorPadGradient();

/** [B,H,W,C] -> [B,H+2p,W+2p,C] */
export function reflectionPad2d(x: tf.Tensor4D, p: number): tf.Tensor4D {
  if (p === 0) return x;
  const [, h, w] = x.shape;
  if (p >= h || p >= w) throw new Error(`reflectionPad: pad ${p} must be smaller than the height ${h} and width ${w}`);
  return tf.mirrorPad(
    x,
    [
      [0, 0],
      [p, p],
      [p, p],
      [0, 0],
    ],
    'reflect',
  );
}
