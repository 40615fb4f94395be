// Convolution wrappers with PyTorch semantics on NHWC tensors.
// Weight layouts (tfjs): conv [kh,kw,in,out]  (torch [out,in,kh,kw] -> permute 2,3,1,0)
//                        transposed conv [kh,kw,out,in]  (torch [in,out,kh,kw] -> permute 2,3,1,0)
import * as tf from '@tensorflow/tfjs';

export interface ConvOptions {
  stride?: number;
  /** zero padding on each side of H and W (PyTorch `padding`) */
  pad?: number;
  dilation?: number;
}

/** [B,H,W,in] -> [B,H',W',out] */
export function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D | null, opts: ConvOptions = {}): tf.Tensor4D {
  const { stride = 1, pad = 0, dilation = 1 } = opts;
  if (x.shape[3] !== w.shape[2]) {
    throw new Error(`conv2d: input has ${x.shape[3]} channels, weight expects ${w.shape[2]}`);
  }
  return tf.tidy(() => {
    const padding: 'valid' | [[number, number], [number, number], [number, number], [number, number]] =
      pad === 0
        ? 'valid'
        : [
            [0, 0],
            [pad, pad],
            [pad, pad],
            [0, 0],
          ];
    const y = tf.conv2d(x, w, stride, padding, 'NHWC', dilation);
    return b ? tf.add(y, b) : y;
  });
}

/**
 * Transposed conv, kernel k, stride s, PyTorch padding (k - s) / 2: output is exactly s times larger.
 * (PyTorch ConvTranspose2d(k=4, s=2, p=1) == tfjs conv2dTranspose 'same' with stride 2.)
 * [B,H,W,in] -> [B,sH,sW,out]
 */
export function conv2dTranspose(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D | null, stride: number): tf.Tensor4D {
  const [batch, h, wd, cin] = x.shape;
  if (cin !== w.shape[3]) throw new Error(`conv2dTranspose: input has ${cin} channels, weight expects ${w.shape[3]}`);
  if ((w.shape[0] - stride) % 2 !== 0) throw new Error('conv2dTranspose: kernel - stride must be even');
  return tf.tidy(() => {
    const y = tf.conv2dTranspose(x, w, [batch, h * stride, wd * stride, w.shape[2]], stride, 'same');
    return b ? tf.add(y, b) : y;
  });
}
