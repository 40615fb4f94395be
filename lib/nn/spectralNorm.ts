// Spectral normalisation exactly as torch.nn.utils.spectral_norm (n_power_iterations=1, eps=1e-12, dim=0):
// in training, each forward runs one power iteration that updates the state vectors u, v (no gradient
// through them), then W / sigma with sigma = u . (W_mat v). In eval, the stored u, v are used as they are.
//
// W_mat is PyTorch's weight.reshape(out, -1), i.e. rows = output channels. Our conv weight is
// [kh,kw,in,out], so Wt = reshape(W, [kh*kw*in, out]) is W_mat transposed with its columns in
// (kh,kw,in) order instead of torch's (in,kh,kw): u (length out) is identical to torch's weight_u,
// v (length kh*kw*in) is torch's weight_v permuted into (kh,kw,in) order.
//
// On wasm both the power iteration and sigma are single kernels (lib/backend/spectralNorm.ts: the same kernels the
// composed ops below run, called directly, so the same numbers bit for bit); elsewhere they are composed from tf ops.
import * as tf from '@tensorflow/tfjs';
import {
  registerSpectralNormGradient,
  SPECTRAL_NORM_EPS,
  SPECTRAL_POWER_ITERATION,
  SPECTRAL_SIGMA,
} from '../backend/spectralNorm';

export { SPECTRAL_NORM_EPS };
registerSpectralNormGradient();

function normalize(x: tf.Tensor1D): tf.Tensor1D {
  return tf.div(x, tf.maximum(tf.norm(x), SPECTRAL_NORM_EPS));
}

/** One power iteration on Wt = W_mat^T [n, out]; writes the new u [out] and v [n] into the state. */
export function powerIteration(wt: tf.Tensor2D, u: tf.Variable, v: tf.Variable): void {
  tf.tidy(() => {
    const vNew = normalize(tf.squeeze(tf.matMul(wt, tf.reshape(u, [-1, 1])), [1]) as tf.Tensor1D); // W_mat^T u
    const uNew = normalize(tf.squeeze(tf.matMul(wt, tf.reshape(vNew, [-1, 1]), true), [1]) as tf.Tensor1D); // W_mat v
    v.assign(vNew);
    u.assign(uNew);
  });
}

/** Spectrally normalised conv weight [kh,kw,in,out]. */
export function spectralNormWeight(w: tf.Tensor4D, u: tf.Variable, v: tf.Variable, training: boolean): tf.Tensor4D {
  const out = w.shape[3];
  const n = w.shape[0] * w.shape[1] * w.shape[2];
  if (u.size !== out || v.size !== n) {
    throw new Error(`spectralNorm: state sizes u ${u.size}, v ${v.size} do not match weight [${w.shape}]`);
  }
  const fused = [w, u, v].every((t) => t.dtype === 'float32') && tf.getKernel(SPECTRAL_SIGMA, tf.getBackend());
  if (fused) {
    if (training) {
      const [uNew, vNew] = tf.engine().runKernel(SPECTRAL_POWER_ITERATION, { w, u, v }) as tf.Tensor[];
      v.assign(vNew);
      u.assign(uNew);
      tf.dispose([uNew, vNew]);
    }
    return tf.tidy(() => tf.div(w, tf.engine().runKernel(SPECTRAL_SIGMA, { w, u, v }) as tf.Scalar) as tf.Tensor4D);
  }
  return tf.tidy(() => {
    const wt = tf.reshape(w, [n, out]) as tf.Tensor2D;
    if (training) powerIteration(wt, u, v);
    // u, v are read from the state variables, so no gradient flows through the power iteration (as torch.no_grad)
    const wv = tf.matMul(tf.reshape(v, [1, n]), wt); // [1, out] = (W_mat v)^T
    const sigma = tf.sum(tf.mul(wv, tf.reshape(u, [1, out])));
    return tf.div(w, sigma) as tf.Tensor4D;
  });
}
