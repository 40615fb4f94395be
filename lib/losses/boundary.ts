// Boundary loss L_B (paper Eq. 8, Kervadec et al.) and mask expansion loss L_X (Eq. 9):
//   L_B = sum_p phi(p) m_hat(p),   L_X = sum_p (phi(p) - alpha) m_hat(p)
// phi: signed distance to the boundary of m_G normalised to [-1, 1], negative inside, positive outside
// (lib/image/distance.ts normalizedSignedDistance); m_hat: the segmenter's soft mask of the selected segment.
// Minimising L_X drives m_hat to 1 where phi < alpha and to 0 where phi > alpha, so the optimal mask is the level
// set {phi < alpha}: larger alpha = a larger dilation of m_G. Sign: as defined under Eq. 8 and in Kervadec et al.
// (negative inside m_G); the paper's Sec. III-D.3 restates it with the sign flipped, which would shrink the mask.
// Reduction: the mean over pixels and batch, as the reference implementation (boundary-loss SurfaceLoss:
// einsum(...).mean()), rather than the raw sum of the integral: it only rescales the loss, keeps it independent of
// the resolution, and keeps lambda_X = 1000 commensurate with the other losses.
import * as tf from '@tensorflow/tfjs';

function checkShapes(phi: tf.Tensor4D, softMask: tf.Tensor4D, where: string): void {
  if (!tf.util.arraysEqual(phi.shape, softMask.shape) || phi.shape[3] !== 1) {
    throw new Error(`${where}: phi [${phi.shape}] and soft mask [${softMask.shape}] must both be [B,H,W,1]`);
  }
}

/** phi, softMask [B,H,W,1] -> mean_p phi(p) m_hat(p) */
export function boundaryLoss(phi: tf.Tensor4D, softMask: tf.Tensor4D): tf.Scalar {
  checkShapes(phi, softMask, 'boundaryLoss');
  return tf.tidy(() => tf.mean(tf.mul(phi, softMask)) as tf.Scalar);
}

/** phi, softMask [B,H,W,1] -> mean_p (phi(p) - alpha) m_hat(p) */
export function maskExpansionLoss(phi: tf.Tensor4D, softMask: tf.Tensor4D, alpha: number): tf.Scalar {
  checkShapes(phi, softMask, 'maskExpansionLoss');
  if (!Number.isFinite(alpha)) throw new Error(`maskExpansionLoss: alpha must be finite, got ${alpha}`);
  return tf.tidy(() => tf.mean(tf.mul(tf.sub(phi, alpha), softMask)) as tf.Scalar);
}
