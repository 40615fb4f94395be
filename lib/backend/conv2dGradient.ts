// Conv2D gradient that supports dilation. tfjs-core 4.22's own gradient asserts dilation == 1, so the
// EdgeConnect residual blocks (3x3, dilation 2) could not be trained at all. Registered for every backend.
//
// Dilation 1, or on wasm (whose kernels are ours and accept a `dilations` attribute): the
// Conv2DBackpropInput / Conv2DBackpropFilter kernels. Dilation > 1 elsewhere (tfjs' kernels ignore
// dilations): dx as a convolution of dy with the rotated filter (stride must be 1, as tfjs requires),
// dW as one matrix product per filter tap.
import * as tf from '@tensorflow/tfjs';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
interface Conv2DAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Backends whose Conv2DBackpropInput/Filter kernels are ours and accept `dilations`. */
export const dilatedKernelBackends = new Set<string>();

export function registerConv2DGradient(): void {
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
      const info = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, strides, dilations, pad, dimRoundingMode);
      const dilated = info.dilationHeight > 1 || info.dilationWidth > 1;
      const dy4 = dy as tf.Tensor4D;
      return {
        x: () =>
          dilated && !dilatedKernelBackends.has(tf.getBackend())
            ? inputGradDilated(dy4, filter, info)
            : (tf.engine().runKernel('Conv2DBackpropInput', { dy: dy4, filter }, {
                strides,
                pad,
                dataFormat: 'NHWC',
                dimRoundingMode,
                inputShape: x.shape,
                dilations,
              } as unknown as tf.NamedAttrMap) as tf.Tensor),
        filter: () =>
          dilated && !dilatedKernelBackends.has(tf.getBackend())
            ? filterGradPerTap(x, dy4, info)
            : (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy4 }, {
                strides,
                pad,
                dataFormat: 'NHWC',
                dimRoundingMode,
                filterShape: filter.shape,
                dilations,
              } as unknown as tf.NamedAttrMap) as tf.Tensor),
      };
    },
  });
}

/** dx for a stride-1 dilated conv: dy convolved with the 180-degree rotated, channel-swapped filter. */
function inputGradDilated(dy: tf.Tensor4D, filter: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  if (info.strideHeight !== 1 || info.strideWidth !== 1) {
    throw new Error('Conv2D gradient: dilation > 1 needs stride 1 (as tfjs requires for the forward pass)');
  }
  const kEffH = (info.filterHeight - 1) * info.dilationHeight + 1;
  const kEffW = (info.filterWidth - 1) * info.dilationWidth + 1;
  const { top, bottom, left, right } = info.padInfo;
  const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]); // [kh, kw, Co, Ci]
  const pads: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [kEffH - 1 - top, kEffH - 1 - bottom],
    [kEffW - 1 - left, kEffW - 1 - right],
    [0, 0],
  ];
  return tf.conv2d(dy, rotated, 1, pads, 'NHWC', [info.dilationHeight, info.dilationWidth]);
}

/** dW[i,j] = (x shifted by tap (i,j), strided)^T x dy, for backends without a dilated filter-grad kernel. */
function filterGradPerTap(x: tf.Tensor4D, dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const { batchSize: N, inChannels: Ci, outChannels: Co, outHeight: Ho, outWidth: Wo } = info;
  const { top, bottom, left, right } = info.padInfo;
  const xPadded = tf.pad(x, [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]);
  const dy2d = tf.reshape(dy, [N * Ho * Wo, Co]);
  const taps: tf.Tensor2D[] = [];
  for (let i = 0; i < info.filterHeight; i++) {
    for (let j = 0; j < info.filterWidth; j++) {
      const y0 = i * info.dilationHeight;
      const x0 = j * info.dilationWidth;
      const shifted = tf.stridedSlice(
        xPadded,
        [0, y0, x0, 0],
        [N, y0 + (Ho - 1) * info.strideHeight + 1, x0 + (Wo - 1) * info.strideWidth + 1, Ci],
        [1, info.strideHeight, info.strideWidth, 1],
      ); // [N, Ho, Wo, Ci]
      taps.push(tf.matMul(tf.reshape(shifted, [N * Ho * Wo, Ci]), dy2d, true, false)); // [Ci, Co]
    }
  }
  return tf.reshape(tf.stack(taps), [info.filterHeight, info.filterWidth, Ci, Co]);
}
