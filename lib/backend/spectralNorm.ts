// Spectral normalisation's two pieces (lib/nn/spectralNorm.ts) as wasm kernels that call the registered kernels
// directly, instead of ~25 taped tf ops per discriminator conv and call (55 calls per joint step, each op with its
// tape node and saved-tensor clones, ~60 us apiece for these tiny tensors):
//   SpectralNormPowerIteration(w, u, v) -> [u', v']: one power iteration, v' = normalize(W_mat^T u),
//       u' = normalize(W_mat v'), normalize(x) = x / max(sqrt(sum(pow(abs(x), 2))), eps) as tf.norm composes it.
//       It has no gradient (torch.no_grad); as one kernel it is not recorded on the tape at all.
//   SpectralNormSigma(w, u, v) -> sigma = sum((v^T W_mat^T) * u), with a registered gradient
//       dw = reshape(v^T (dsigma u)) (SpectralNormSigmaGrad), none to u, v (the power-iteration state).
// Each runs the very kernels, inputs and attributes the composed ops run (BatchMatMul, Abs, Pow, Sum, Sqrt,
// Maximum, RealDiv, Multiply), so the numbers are the same bit for bit: tfjs-wasm's Pow is not x * x (it differs in
// the last bit for ~9 % of inputs), which rules out a hand-written fused loop. The one op left out is the
// Sum gradient's multiplication by ones (x * 1 = x exactly). The caller divides w by sigma with tf.div, so the
// gradient reaching w is accumulated in the composed order (RealDiv's term, then sigma's, per call).
import * as tf from '@tensorflow/tfjs';
import { callWasmKernel, disposeAll, type TensorInfo, type WasmBackend } from './wasmKernelCalls';

export const SPECTRAL_POWER_ITERATION = 'SpectralNormPowerIteration';
export const SPECTRAL_SIGMA = 'SpectralNormSigma';
export const SPECTRAL_SIGMA_GRAD = 'SpectralNormSigmaGrad';
/** torch's eps of the power iteration's normalisation */
export const SPECTRAL_NORM_EPS = 1e-12;

type Args = { inputs: { w: TensorInfo; u: TensorInfo; v: TensorInfo }; backend: WasmBackend };

/** the same memory under another shape (a reshape, as tfjs-wasm's own: no copy) */
const as = (t: TensorInfo, shape: number[]): TensorInfo => ({ dataId: t.dataId, shape, dtype: t.dtype });

function scalar(backend: WasmBackend, value: number): TensorInfo {
  const t = backend.makeOutput([], 'float32');
  backend.typedArrayFromHeap(t)[0] = value;
  return t;
}

/** x / max(norm(x), eps), tf.norm's kernels: Pow against scalar(2, 'int32') cast to float32, Sum over all axes. */
function normalize(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const call = (name: string, inputs: Record<string, TensorInfo>, attrs?: Record<string, unknown>) =>
    callWasmKernel(name, backend, inputs, attrs);
  const [two, eps] = [scalar(backend, 2), scalar(backend, SPECTRAL_NORM_EPS)];
  const abs = call('Abs', { x });
  const squares = call('Pow', { a: abs, b: two });
  const sum = call('Sum', { x: squares }, { axis: null, keepDims: false });
  const norm = call('Sqrt', { x: sum });
  const denominator = call('Maximum', { a: norm, b: eps });
  const y = call('RealDiv', { a: x, b: denominator });
  disposeAll(backend, two, eps, abs, squares, sum, norm, denominator);
  return y;
}

/** [n, out] of a conv weight [kh, kw, in, out] */
const matrixShape = (w: TensorInfo) => [w.shape[0] * w.shape[1] * w.shape[2], w.shape[3]];

export function spectralPowerIterationWasm({ inputs: { w, u, v }, backend }: Args): TensorInfo[] {
  const [n, out] = matrixShape(w);
  const wt = as(w, [n, out]);
  const wu = callWasmKernel('BatchMatMul', backend, { a: wt, b: as(u, [out, 1]) }, mm(false));
  const vNew = normalize(backend, as(wu, [n]));
  const wv = callWasmKernel('BatchMatMul', backend, { a: wt, b: as(vNew, [n, 1]) }, mm(true));
  const uNew = normalize(backend, as(wv, [out]));
  disposeAll(backend, wu, wv);
  return [as(uNew, u.shape), as(vNew, v.shape)];
}

export function spectralSigmaWasm({ inputs: { w, u, v }, backend }: Args): TensorInfo {
  const [n, out] = matrixShape(w);
  const wv = callWasmKernel('BatchMatMul', backend, { a: as(v, [1, n]), b: as(w, [n, out]) }, mm(false));
  const products = callWasmKernel('Multiply', backend, { a: wv, b: as(u, [1, out]) });
  const sigma = callWasmKernel('Sum', backend, { x: products }, { axis: null, keepDims: false });
  disposeAll(backend, wv, products);
  return sigma;
}

/** d sigma / dw: the BatchMatMul gradient v^T (dsigma u), shaped as w. */
export function spectralSigmaGradWasm(args: {
  inputs: { dy: TensorInfo; w: TensorInfo; u: TensorInfo; v: TensorInfo };
  backend: WasmBackend;
}): TensorInfo {
  const {
    inputs: { dy, w, u, v },
    backend,
  } = args;
  const [n, out] = matrixShape(w);
  const dwv = callWasmKernel('Multiply', backend, { a: as(u, [1, out]), b: as(dy, [1, 1]) });
  const dwt = callWasmKernel(
    'BatchMatMul',
    backend,
    { a: as(v, [1, n]), b: dwv },
    { transposeA: true, transposeB: false },
  );
  disposeAll(backend, dwv);
  return as(dwt, w.shape);
}

const mm = (transposeA: boolean) => ({ transposeA, transposeB: false });

/** The gradient of SpectralNormSigma (idempotent; initBackend and lib/nn/spectralNorm.ts call it). */
export function registerSpectralNormGradient(): void {
  tf.registerGradient({
    kernelName: SPECTRAL_SIGMA,
    inputsToSave: ['w', 'u', 'v'],
    gradFunc: (dy, saved) => {
      const [w, u, v] = saved;
      return { w: () => tf.engine().runKernel(SPECTRAL_SIGMA_GRAD, { dy: dy as tf.Tensor, w, u, v }) as tf.Tensor };
    },
  });
}
