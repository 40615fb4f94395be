// Small helpers for writing wasm kernels in TypeScript: allocate outputs on the wasm heap, view tensors
// as Float32Arrays without copying, and call the backend's own (XNNPACK) kernels directly.
import * as tf from '@tensorflow/tfjs';

export type TensorInfo = tf.TensorInfo;

/** The parts of tfjs-backend-wasm's BackendWasm that our kernels use. */
export interface WasmBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: tf.DataId): boolean;
}

/** A float32 tensor on the wasm heap, filled by `fill` through a view of its memory. */
export function heapTensor(backend: WasmBackend, shape: number[], fill?: (view: Float32Array) => void): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  if (fill) fill(backend.typedArrayFromHeap(out));
  return out;
}

/** Calls a kernel registered for wasm (e.g. the XNNPACK Conv2D) from inside another wasm kernel. */
export function callWasmKernel(
  name: string,
  backend: WasmBackend,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`wasm kernel ${name} is not registered`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
}

export function disposeAll(backend: WasmBackend, ...infos: TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}
