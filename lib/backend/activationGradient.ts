// Relu and Relu6 gradients in one pass: dx = dy * [0 < x <= max] with max = Infinity for Relu and 6 for Relu6
// (NaN where x is NaN), exactly what tfjs-core's gradients compute from Step, LessEqual, Cast and Multiply kernels
// (three to six kernel calls and their temporaries per activation: the pretrained segmenter has 33 of them, and
// tfjs-wasm's LessEqual against a scalar took ~2 ms on a [4,128,128,16] tensor). Registered for every backend; the
// gradient calls a 'ClippedReluGrad' kernel where one is registered (wasm with the native kernels,
// lib/backend/native.ts), else composes tfjs-core's own ops.
import * as tf from '@tensorflow/tfjs';

export const CLIPPED_RELU_GRAD = 'ClippedReluGrad';

/** Registers the Relu and Relu6 gradients (idempotent; initBackend calls it). */
export function registerActivationGradients(): void {
  for (const [kernelName, max] of [
    ['Relu', Infinity],
    ['Relu6', 6],
  ] as const) {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
        const [x] = saved;
        const g = dy as tf.Tensor;
        const fused =
          x.dtype === 'float32' &&
          g.dtype === 'float32' &&
          tf.getKernel(CLIPPED_RELU_GRAD, tf.getBackend()) !== undefined;
        return {
          x: () =>
            fused
              ? (tf.engine().runKernel(CLIPPED_RELU_GRAD, { dy: g, x }, { max }) as tf.Tensor)
              : composedGradient(g, x, max),
        };
      },
    });
  }
}

/** tfjs-core 4.22's Relu / Relu6 gradient. */
function composedGradient(dy: tf.Tensor, x: tf.Tensor, max: number): tf.Tensor {
  const mask = max === Infinity ? tf.step(x) : tf.mul(tf.lessEqual(x, max), tf.step(x));
  return tf.mul(dy, tf.cast(mask, 'float32'));
}
