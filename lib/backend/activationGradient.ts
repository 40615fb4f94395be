// Relu, Relu6 and LeakyRelu gradients in one pass each. Relu / Relu6: dx = dy * [0 < x <= max] with max = Infinity
// for Relu and 6 for Relu6 (NaN where x is NaN), exactly what tfjs-core's gradients compute from Step, LessEqual, Cast
// and Multiply kernels (three to six kernel calls and their temporaries per activation: the pretrained segmenter has
// 33 of them, and tfjs-wasm's LessEqual against a scalar took ~2 ms on a [4,128,128,16] tensor). LeakyRelu (the
// discriminators'): dx = x > 0 ? dy : alpha dy, tfjs-core's where(greater(x, 0), dy, mul(dy, alpha)). Registered for
// every backend; the gradients call a 'ClippedReluGrad' / 'LeakyReluGrad' kernel where one is registered (wasm with
// the native kernels, lib/backend/native.ts), else compose tfjs-core's own ops.
import * as tf from '@tensorflow/tfjs';

export const CLIPPED_RELU_GRAD = 'ClippedReluGrad';
export const LEAKY_RELU_GRAD = 'LeakyReluGrad';

/** Registers the Relu, Relu6 and LeakyRelu gradients (idempotent; initBackend calls it). */
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
  registerLeakyReluGradient();
}

/** The LeakyRelu gradient dx = x > 0 ? dy : alpha dy (the discriminators' activations): one 'LeakyReluGrad' kernel
 *  where registered, else tfjs-core 4.22's where(greater(x, 0), dy, mul(dy, alpha)) (three kernels, and tfjs-wasm's
 *  Greater against a scalar took ~5 ms on a [4,128,128,16] tensor). */
function registerLeakyReluGradient(): void {
  tf.registerGradient({
    kernelName: 'LeakyRelu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const g = dy as tf.Tensor;
      const { alpha } = attrs as unknown as { alpha: number };
      const fused =
        x.dtype === 'float32' && g.dtype === 'float32' && tf.getKernel(LEAKY_RELU_GRAD, tf.getBackend()) !== undefined;
      return {
        x: () =>
          fused
            ? (tf.engine().runKernel(LEAKY_RELU_GRAD, { dy: g, x }, { alpha }) as tf.Tensor)
            : tf.where(tf.greater(x, 0), g, tf.mul(g, alpha)),
      };
    },
  });
}

/** tfjs-core 4.22's Relu / Relu6 gradient. */
function composedGradient(dy: tf.Tensor, x: tf.Tensor, max: number): tf.Tensor {
  const mask = max === Infinity ? tf.step(x) : tf.mul(tf.lessEqual(x, max), tf.step(x));
  return tf.mul(dy, tf.cast(mask, 'float32'));
}
