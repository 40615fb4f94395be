// Depthwise convolution gradients for the wasm backend, which has none: on tfjs-wasm 4.22 tf.grad through
// tf.depthwiseConv2d throws "'DepthwiseConv2dNativeBackpropInput' not registered for backend 'wasm'" (and the
// same for ...BackpropFilter), so the pretrained segmenter (lib/models/pretrainedSegmenter.ts) cannot be trained.
// With channel multiplier q in [0, Q) (output channel c*Q + q), y[n,yo,xo,c*Q+q] = sum_{i,j} x[n,y,x,c] w[i,j,c,q]
// at y = yo*sh + i*dh - pt, x = xo*sw + j*dw - pl (zero outside the image), so
//   dx[n,y,x,c]  = sum_{yo,xo,i,j,q} dy[n,yo,xo,c*Q+q] w[i,j,c,q]     (scattered from each output position)
//   dW[i,j,c,q]  = sum_{n,yo,xo}     x[n,y,x,c] dy[n,yo,xo,c*Q+q]
// Plain loops over the wasm heap: a depthwise conv does kh*kw multiply-adds per output value, so these run in
// milliseconds at the segmenter's sizes and need no XNNPACK call.
import * as tf from '@tensorflow/tfjs';
import type { ConvAttrs } from './conv2dBackpropFilter';
import { heapTensor, type TensorInfo, type WasmBackend } from './wasmKernelCalls';

type Shape4 = [number, number, number, number];

function depthwiseInfo(xShape: Shape4, filterShape: Shape4, attrs: ConvAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
}

/** Calls visit(xOffset, dyOffset, wOffset) for every (n, yo, xo, i, j) tap that lands inside the image. */
function forEachTap(info: tf.backend_util.Conv2DInfo, visit: (xo: number, dyo: number, wo: number) => void): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo, outChannels: Co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const { top: pt, left: pl } = info.padInfo;
  for (let n = 0; n < N; n++) {
    for (let yo = 0; yo < Ho; yo++) {
      for (let i = 0; i < kh; i++) {
        const y = yo * sh + i * dh - pt;
        if (y < 0 || y >= H) continue;
        for (let xo = 0; xo < Wo; xo++) {
          const dyOffset = ((n * Ho + yo) * Wo + xo) * Co;
          for (let j = 0; j < kw; j++) {
            const x = xo * sw + j * dw - pl;
            if (x < 0 || x >= W) continue;
            visit(((n * H + y) * W + x) * C, dyOffset, (i * kw + j) * C * (Co / C));
          }
        }
      }
    }
  }
}

export function depthwiseConv2dNativeBackpropInputWasm(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: ConvAttrs & { inputShape: Shape4 };
}): TensorInfo {
  const {
    inputs: { dy, filter },
    backend,
    attrs,
  } = args;
  const info = depthwiseInfo(attrs.inputShape, filter.shape as Shape4, attrs);
  const C = info.inChannels;
  const Q = info.outChannels / C;
  return heapTensor(backend, attrs.inputShape, (dx) => {
    dx.fill(0);
    const g = backend.typedArrayFromHeap(dy);
    const w = backend.typedArrayFromHeap(filter);
    forEachTap(info, (xOff, dyOff, wOff) => {
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let q = 0; q < Q; q++) s += g[dyOff + c * Q + q] * w[wOff + c * Q + q];
        dx[xOff + c] += s;
      }
    });
  });
}

export function depthwiseConv2dNativeBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: ConvAttrs & { filterShape: Shape4 };
}): TensorInfo {
  const {
    inputs: { x, dy },
    backend,
    attrs,
  } = args;
  const info = depthwiseInfo(x.shape as Shape4, attrs.filterShape, attrs);
  const C = info.inChannels;
  const Q = info.outChannels / C;
  return heapTensor(backend, attrs.filterShape, (out) => {
    const dW = new Float64Array(out.length); // sums over N*Ho*Wo positions: float64 keeps them exact enough
    const xv = backend.typedArrayFromHeap(x);
    const g = backend.typedArrayFromHeap(dy);
    forEachTap(info, (xOff, dyOff, wOff) => {
      for (let c = 0; c < C; c++) {
        const xc = xv[xOff + c];
        for (let q = 0; q < Q; q++) dW[wOff + c * Q + q] += xc * g[dyOff + c * Q + q];
      }
    });
    out.set(dW);
  });
}
