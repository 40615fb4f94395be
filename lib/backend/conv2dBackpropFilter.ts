// Conv2DBackpropFilter for the wasm backend, which has none (training a conv net on wasm fails without it).
//
//   dW[i,j,ci,co] = sum_{n,yo,xo} x[n, yo*sh + i*dh - pt, xo*sw + j*dw - pl, ci] * dy[n,yo,xo,co]
//
// As a matrix product: dW[K, Co] = patchesT[K, rows] x dy[rows, Co] with K = kh*kw*Ci and rows = N*Ho*Wo.
// We write the transposed im2col matrix straight into the wasm heap and let XNNPACK's BatchMatMul do the
// FLOPs. The transposed layout is deliberate: on tfjs-wasm 4.22 BatchMatMul with transposeA/transposeB
// runs ~10x slower than without (measured 3.4 vs 44 GFLOP/s at [576 x 16384] x [16384 x 64]).
// Large inputs are processed in blocks of output rows so the patch matrix stays under MAX_PATCH_FLOATS.
// Accepts an optional `dilations` attribute (tfjs' own kernel has none), used by our Conv2D gradient.
import * as tf from '@tensorflow/tfjs';
import { callWasmKernel, disposeAll, heapTensor, type TensorInfo, type WasmBackend } from './wasmKernelCalls';

const MAX_PATCH_FLOATS = 1 << 23; // 32 MiB of patches per block

export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
}

export function conv2dBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: ConvAttrs & { filterShape: [number, number, number, number] };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [N, H, W, Ci] = x.shape;
  const { outHeight: Ho, outWidth: Wo, filterHeight: kh, filterWidth: kw, outChannels: Co } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top: pt, left: pl } = info.padInfo;
  const K = kh * kw * Ci;
  const blocks = N * Ho; // one block = one output row (Wo positions) of one image
  const blocksPerChunk = Math.max(1, Math.floor(MAX_PATCH_FLOATS / (K * Wo)));
  // x, zero-padded and channel-major: xT[ci][n][y][x]. The patch rows below then read contiguous
  // (stride 1) or evenly strided runs without bounds checks; x's own NHWC layout would read with a
  // stride of Ci floats, which made this copy 3/4 of the kernel's time.
  const Hp = Math.max(H + pt, (Ho - 1) * sh + (kh - 1) * dh + 1);
  const Wp = Math.max(W + pl, (Wo - 1) * sw + (kw - 1) * dw + 1);
  const xT = channelMajorPadded(backend.typedArrayFromHeap(x), N, H, W, Ci, Hp, Wp, pt, pl);
  const planeStride = N * Hp * Wp;
  // Heap views are taken right after each allocation: an allocation may grow (and, without threads,
  // detach) the wasm memory under older views.
  const dW = new Float32Array(K * Co);
  for (let b0 = 0; b0 < blocks; b0 += blocksPerChunk) {
    const b1 = Math.min(blocks, b0 + blocksPerChunk);
    const rows = (b1 - b0) * Wo;
    // patchesT: [K, rows]
    const patchesT = heapTensor(backend, [K, rows], (p) => {
      let o = 0;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          for (let ci = 0; ci < Ci; ci++) {
            for (let b = b0; b < b1; b++, o += Wo) {
              const n = Math.floor(b / Ho);
              const src = ci * planeStride + (n * Hp + (b % Ho) * sh + i * dh) * Wp + j * dw;
              if (sw === 1) for (let xo = 0; xo < Wo; xo++) p[o + xo] = xT[src + xo];
              else for (let xo = 0; xo < Wo; xo++) p[o + xo] = xT[src + xo * sw];
            }
          }
        }
      }
    });
    // dy rows of this chunk: [rows, Co]
    const dyChunk =
      rows === N * Ho * Wo
        ? { dataId: dy.dataId, shape: [rows, Co], dtype: dy.dtype }
        : heapTensor(backend, [rows, Co], (v) =>
            v.set(backend.typedArrayFromHeap(dy).subarray(b0 * Wo * Co, b1 * Wo * Co)),
          );
    const prod = callWasmKernel(
      'BatchMatMul',
      backend,
      { a: patchesT, b: dyChunk },
      { transposeA: false, transposeB: false },
    );
    const part = backend.typedArrayFromHeap(prod); // [1, K, Co]
    for (let k = 0; k < part.length; k++) dW[k] += part[k];
    disposeAll(backend, patchesT, prod);
    if (dyChunk.dataId !== dy.dataId) disposeAll(backend, dyChunk);
  }
  return heapTensor(backend, [kh, kw, Ci, Co], (v) => v.set(dW));
}

let scratch = new Float32Array(0);

/** [N,H,W,C] -> zero-padded [C,N,Hp,Wp], in a scratch buffer reused across calls. */
function channelMajorPadded(
  x: Float32Array,
  N: number,
  H: number,
  W: number,
  C: number,
  Hp: number,
  Wp: number,
  top: number,
  left: number,
): Float32Array {
  const size = C * N * Hp * Wp;
  if (scratch.length < size) scratch = new Float32Array(size);
  const out = scratch.subarray(0, size);
  out.fill(0);
  const plane = N * Hp * Wp;
  let s = 0;
  for (let n = 0; n < N; n++)
    for (let y = 0; y < H; y++) {
      const row = (n * Hp + y + top) * Wp + left;
      for (let xi = 0; xi < W; xi++) for (let c = 0; c < C; c++) out[c * plane + row + xi] = x[s++];
    }
  return out;
}
