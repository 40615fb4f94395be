// Instance normalisation as one wasm kernel (forward) and one gradient kernel, instead of the ~10
// tfjs ops (moments, sub, add, sqrt, div and their gradients) it takes when composed; EdgeConnect's
// generator normalises after 21 of its 23 convolutions. Statistics in float64, per sample and channel
// over H and W, biased variance (PyTorch InstanceNorm2d(affine=False)):
//   y = (x - mean) / sqrt(var + eps)
//   dx = (dy - mean(dy) - y * mean(dy * y)) / sqrt(var + eps)
// lib/nn/instanceNorm.ts uses these where the backend has them and composes tf ops elsewhere.
import * as tf from '@tensorflow/tfjs';
import { heapTensor, type TensorInfo, type WasmBackend } from './wasmKernelCalls';

export const INSTANCE_NORM = 'InstanceNorm';
export const INSTANCE_NORM_GRAD = 'InstanceNormGrad';

export function registerInstanceNormGradient(): void {
  tf.registerGradient({
    kernelName: INSTANCE_NORM,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      return { x: () => tf.engine().runKernel(INSTANCE_NORM_GRAD, { dy: dy as tf.Tensor, x }, attrs) as tf.Tensor };
    },
  });
}

/** Per-(sample, channel) mean and 1/sqrt(var + eps) of x [N,H,W,C], as [N*C] arrays. */
function statistics(x: Float32Array, [N, H, W, C]: number[], eps: number): { mean: Float64Array; rstd: Float64Array } {
  const mean = new Float64Array(N * C);
  const rstd = new Float64Array(N * C);
  const sum = new Float64Array(C);
  const sumSq = new Float64Array(C);
  const P = H * W;
  for (let n = 0; n < N; n++) {
    sum.fill(0);
    sumSq.fill(0);
    for (let i = n * P * C, end = (n + 1) * P * C; i < end; i += C) {
      for (let c = 0; c < C; c++) {
        const v = x[i + c];
        sum[c] += v;
        sumSq[c] += v * v;
      }
    }
    for (let c = 0; c < C; c++) {
      const m = sum[c] / P;
      mean[n * C + c] = m;
      rstd[n * C + c] = 1 / Math.sqrt(Math.max(sumSq[c] / P - m * m, 0) + eps);
    }
  }
  return { mean, rstd };
}

export function instanceNormWasm(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackend;
  attrs: { eps: number };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const shape = inputs.x.shape;
  if (shape.length !== 4) throw new Error(`InstanceNorm: x must be [N,H,W,C], got [${shape}]`);
  const [N, H, W, C] = shape;
  return heapTensor(backend, shape, (y) => {
    const x = backend.typedArrayFromHeap(inputs.x);
    const { mean, rstd } = statistics(x, shape, attrs.eps);
    for (let n = 0; n < N; n++)
      for (let i = n * H * W * C, end = (n + 1) * H * W * C; i < end; i += C)
        for (let c = 0; c < C; c++) y[i + c] = (x[i + c] - mean[n * C + c]) * rstd[n * C + c];
  });
}

export function instanceNormGradWasm(args: {
  inputs: { dy: TensorInfo; x: TensorInfo };
  backend: WasmBackend;
  attrs: { eps: number };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const shape = inputs.x.shape;
  const [N, H, W, C] = shape;
  const P = H * W;
  return heapTensor(backend, shape, (dx) => {
    const x = backend.typedArrayFromHeap(inputs.x);
    const dy = backend.typedArrayFromHeap(inputs.dy);
    const { mean, rstd } = statistics(x, shape, attrs.eps);
    const meanDy = new Float64Array(C);
    const meanDyY = new Float64Array(C);
    for (let n = 0; n < N; n++) {
      const o = n * C;
      meanDy.fill(0);
      meanDyY.fill(0);
      for (let i = n * P * C, end = (n + 1) * P * C; i < end; i += C)
        for (let c = 0; c < C; c++) {
          const g = dy[i + c];
          meanDy[c] += g;
          meanDyY[c] += g * (x[i + c] - mean[o + c]) * rstd[o + c];
        }
      for (let c = 0; c < C; c++) {
        meanDy[c] /= P;
        meanDyY[c] /= P;
      }
      for (let i = n * P * C, end = (n + 1) * P * C; i < end; i += C)
        for (let c = 0; c < C; c++) {
          const yHat = (x[i + c] - mean[o + c]) * rstd[o + c];
          dx[i + c] = (dy[i + c] - meanDy[c] - yHat * meanDyY[c]) * rstd[o + c];
        }
    }
  });
}
