// A correct gradient for MirrorPad (reflection padding). tfjs-core 4.22's MirrorPad gradient only slices
// the centre of dy and drops the reflected borders' contributions, so every EdgeConnect layer behind a
// reflection pad would get a wrong gradient. Registered for every backend; it calls a one-pass
// 'MirrorPadGrad' kernel where one is registered (wasm), else composes tf ops.
//
// For an axis of length n padded by (a, b), padded index t maps to source index u = t - a folded back:
//   reflect:   u < 0 -> -u,      u >= n -> 2(n-1) - u
//   symmetric: u < 0 -> -u - 1,  u >= n -> 2n - 1 - u
// and dx[source] accumulates dy over every padded index that maps to it.
import * as tf from '@tensorflow/tfjs';
import { heapTensor, type TensorInfo, type WasmBackend } from './wasmKernelCalls';

type Paddings = [number, number][];
interface MirrorPadAttrs {
  paddings: Paddings;
  mode: 'reflect' | 'symmetric';
}

export const MIRROR_PAD_GRAD = 'MirrorPadGrad';

/** Registers the gradient (idempotent; lib/nn/reflectionPad.ts calls it at import). */
export function registerMirrorPadGradient(): void {
  tf.registerGradient({
    kernelName: 'MirrorPad',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const { paddings, mode } = attrs as unknown as MirrorPadAttrs;
      return {
        x: () =>
          tf.getKernel(MIRROR_PAD_GRAD, tf.getBackend())
            ? (tf.engine().runKernel(MIRROR_PAD_GRAD, { dy: dy as tf.Tensor }, {
                paddings,
                mode,
                xShape: x.shape,
              } as unknown as tf.NamedAttrMap) as tf.Tensor)
            : foldWithOps(dy as tf.Tensor, x.shape, paddings, mode),
      };
    },
  });
}

/** Source index of padded index t on an axis of length n with leading pad a. */
export function foldIndex(t: number, a: number, n: number, mode: 'reflect' | 'symmetric'): number {
  const u = t - a;
  if (u < 0) return mode === 'reflect' ? -u : -u - 1;
  if (u >= n) return mode === 'reflect' ? 2 * (n - 1) - u : 2 * n - 1 - u;
  return u;
}

/** dx for rank-4 NHWC with padding on H and W only: one pass over dy, accumulating into dx. */
export function mirrorPadGradWasm(args: {
  inputs: { dy: TensorInfo };
  backend: WasmBackend;
  attrs: MirrorPadAttrs & { xShape: number[] };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { paddings, mode, xShape } = attrs;
  if (xShape.length !== 4 || paddings[0].some((p) => p !== 0) || paddings[3].some((p) => p !== 0)) {
    throw new Error('MirrorPadGrad: only H and W padding of rank-4 NHWC tensors is supported');
  }
  const [N, H, W, C] = xShape;
  const [Hp, Wp] = [inputs.dy.shape[1], inputs.dy.shape[2]];
  const srcRow = Int32Array.from({ length: Hp }, (_, t) => foldIndex(t, paddings[1][0], H, mode));
  const srcCol = Int32Array.from({ length: Wp }, (_, t) => foldIndex(t, paddings[2][0], W, mode));
  return heapTensor(backend, xShape, (dx) => {
    const dy = backend.typedArrayFromHeap(inputs.dy);
    dx.fill(0);
    let s = 0;
    for (let n = 0; n < N; n++)
      for (let y = 0; y < Hp; y++) {
        const row = (n * H + srcRow[y]) * W;
        for (let x = 0; x < Wp; x++) {
          const d = (row + srcCol[x]) * C;
          for (let c = 0; c < C; c++) dx[d + c] += dy[s++];
        }
      }
  });
}

/** The same fold with tf ops, for backends without the kernel (any rank, any padded axes). */
function foldWithOps(dy: tf.Tensor, xShape: number[], paddings: Paddings, mode: 'reflect' | 'symmetric'): tf.Tensor {
  return tf.tidy(() => {
    let g = dy;
    paddings.forEach(([a, b], axis) => {
      if (a === 0 && b === 0) return;
      const n = xShape[axis];
      const len = g.shape[axis];
      const sliceAxis = (start: number, size: number) => {
        const begin = g.shape.map((_, i) => (i === axis ? start : 0));
        const sizes = g.shape.map((s, i) => (i === axis ? size : s));
        return tf.slice(g, begin, sizes);
      };
      const padAxis = (t: tf.Tensor, before: number, after: number) =>
        tf.pad(t, t.shape.map((_, i) => (i === axis ? [before, after] : [0, 0])) as [number, number][]);
      const skip = mode === 'reflect' ? 1 : 0; // reflect does not repeat the edge element
      let out = sliceAxis(a, n);
      if (a > 0) out = tf.add(out, padAxis(tf.reverse(sliceAxis(0, a), axis), skip, n - a - skip));
      if (b > 0) out = tf.add(out, padAxis(tf.reverse(sliceAxis(len - b, b), axis), n - b - skip, skip));
      g = out;
    });
    return g;
  });
}
