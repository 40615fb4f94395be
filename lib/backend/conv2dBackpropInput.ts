// A fast Conv2DBackpropInput for the wasm backend (tfjs' own runs at ~4 GFLOP/s). It is also the forward
// pass of conv2dTranspose, so the generator's decoder runs through it.
//
//   dx[n, yo*sh + i*dh - pt, xo*sw + j*dw - pl, ci] += W[i,j,ci,co] * dy[n,yo,xo,co]
//
// Stride 1: dx is an ordinary convolution of dy with the filter rotated by 180 degrees and its channel
//   axes swapped, padded by (effective kernel - 1 - pad); XNNPACK's Conv2D does the work.
// Stride > 1: cols[n] = dy[n] (Ho*Wo x Co) times W^T (Co x K) on XNNPACK, then a scatter-add (col2im)
//   of the K = kh*kw*Ci columns into dx.
// Accepts an optional `dilations` attribute (tfjs' own kernel has none), used by our Conv2D gradient.
import * as tf from '@tensorflow/tfjs';
import type { ConvAttrs } from './conv2dBackpropFilter';
import { callWasmKernel, disposeAll, heapTensor, type TensorInfo, type WasmBackend } from './wasmKernelCalls';

export function conv2dBackpropInputWasm(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: ConvAttrs & { inputShape: [number, number, number, number] };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { filterHeight: kh, filterWidth: kw, inChannels: Ci, outChannels: Co } = info;
  const { top: pt, bottom: pb, left: pl, right: pr } = info.padInfo;
  const kEffH = (kh - 1) * info.dilationHeight + 1;
  const kEffW = (kw - 1) * info.dilationWidth + 1;
  const rotatedPad = [kEffH - 1 - pt, kEffH - 1 - pb, kEffW - 1 - pl, kEffW - 1 - pr];
  const unitStride = info.strideHeight === 1 && info.strideWidth === 1;
  if (unitStride && rotatedPad.every((p) => p >= 0)) {
    return viaRotatedConv(backend, dy, filter, [kh, kw, Ci, Co], rotatedPad, [info.dilationHeight, info.dilationWidth]);
  }
  return viaCol2im(backend, dy, filter, info);
}

function viaRotatedConv(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  [kh, kw, Ci, Co]: number[],
  [top, bottom, left, right]: number[],
  dilations: [number, number],
): TensorInfo {
  // rotated[kh-1-i, kw-1-j, co, ci] = W[i, j, ci, co]
  const rotated = heapTensor(backend, [kh, kw, Co, Ci], (r) => {
    const w = backend.typedArrayFromHeap(filter);
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let ci = 0; ci < Ci; ci++)
          for (let co = 0; co < Co; co++)
            r[(((kh - 1 - i) * kw + (kw - 1 - j)) * Co + co) * Ci + ci] = w[((i * kw + j) * Ci + ci) * Co + co];
  });
  const dx = callWasmKernel(
    'Conv2D',
    backend,
    { x: dy, filter: rotated },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations,
    },
  );
  disposeAll(backend, rotated); // also frees the XNNPACK operator cached for this filter
  return dx;
}

function viaCol2im(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: Ci, outChannels: Co } = info;
  const { outHeight: Ho, outWidth: Wo, filterHeight: kh, filterWidth: kw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top: pt, left: pl } = info.padInfo;
  const K = kh * kw * Ci;
  const P = Ho * Wo;
  // filterT: [Co, K], so that cols = dy[n] x filterT needs no transpose flag (slow on tfjs-wasm).
  const filterT = heapTensor(backend, [Co, K], (t) => {
    const w = backend.typedArrayFromHeap(filter); // [K, Co]
    for (let k = 0; k < K; k++) for (let co = 0; co < Co; co++) t[co * K + k] = w[k * Co + co];
  });
  const dyImage = heapTensor(backend, [P, Co]);
  const dx = heapTensor(backend, [N, H, W, Ci], (v) => v.fill(0));
  for (let n = 0; n < N; n++) {
    backend.typedArrayFromHeap(dyImage).set(backend.typedArrayFromHeap(dy).subarray(n * P * Co, (n + 1) * P * Co));
    const cols = callWasmKernel(
      'BatchMatMul',
      backend,
      { a: dyImage, b: filterT },
      { transposeA: false, transposeB: false },
    );
    const c = backend.typedArrayFromHeap(cols); // [1, P, K] laid out as [Ho, Wo, kh, kw, Ci]
    const out = backend.typedArrayFromHeap(dx);
    for (let yo = 0; yo < Ho; yo++) {
      for (let xo = 0; xo < Wo; xo++) {
        const src0 = (yo * Wo + xo) * K;
        for (let i = 0; i < kh; i++) {
          const yi = yo * sh + i * dh - pt;
          if (yi < 0 || yi >= H) continue;
          for (let j = 0; j < kw; j++) {
            const xi = xo * sw + j * dw - pl;
            if (xi < 0 || xi >= W) continue;
            const dst = ((n * H + yi) * W + xi) * Ci;
            const src = src0 + (i * kw + j) * Ci;
            for (let ci = 0; ci < Ci; ci++) out[dst + ci] += c[src + ci];
          }
        }
      }
    }
    disposeAll(backend, cols);
  }
  disposeAll(backend, filterT, dyImage);
  return dx;
}
