// Reconstruction loss L_IR (paper Eq. 7): ||I_G - I_I||_1 / N_M, the L1 sum divided by the number of masked pixels
// (times the channel count). N_M over a batch, two readings:
//   'batch' (EdgeConnect): mean absolute error over the whole batch divided by the batch's mean(mask), so every
//           masked pixel weighs the same and an image with a small hole counts little;
//   'image' (Eq. 7 per image, then the batch mean): every image weighs the same, whatever its hole's size.
// With one image they are equal.
import * as tf from '@tensorflow/tfjs';

export type L1Normalisation = 'batch' | 'image';

/** output, target [B,H,W,C]; mask [B,H,W,1] (1 = hole). Throws on an all-zero mask (per image with 'image'). */
export function maskedL1Loss(
  output: tf.Tensor4D,
  target: tf.Tensor4D,
  mask: tf.Tensor4D,
  per: L1Normalisation = 'batch',
): tf.Scalar {
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
    if (per === 'image') {
      const perImageMask = tf.mean(mask, [1, 2, 3]); // [B]
      const empty = (perImageMask.dataSync() as Float32Array).findIndex((v) => v <= 0);
      if (empty >= 0)
        throw new Error(`maskedL1Loss: the mask of image ${empty} is empty (no masked pixel to normalise by)`);
      return tf.mean(tf.div(tf.mean(tf.abs(tf.sub(output, target)), [1, 2, 3]), perImageMask)) as tf.Scalar;
    }
    return tf.div(tf.mean(tf.abs(tf.sub(output, target))), maskMean) as tf.Scalar;
  });
}
