// Identity, and Cast to the dtype a tensor already has, on the wasm backend without a copy: the output shares the
// input's memory (reference counted), as tfjs-wasm's own Reshape does. Safe because no kernel writes into a tensor's
// memory after creating it (the fused Adam update, which writes weights in place, leaves shared memory to the tf ops).
// tfjs-wasm's Identity and Cast copy, and backprop runs them ~1,000 and ~200 times per training step (tfjs-core's
// gradients cast every saved float32 operand to float32, e.g. mul(dy, cast(b, 'float32'))).
import type * as tf from '@tensorflow/tfjs';
import type { TensorInfo, WasmBackend } from './wasmKernelCalls';

export function identityWasm(args: { inputs: { x: TensorInfo }; backend: WasmBackend }): TensorInfo {
  const { x } = args.inputs;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Cast: shared memory when the dtype does not change, else tfjs-wasm's element-wise copy into the new type. */
export function castWasm(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackend;
  attrs: { dtype: tf.DataType };
}): TensorInfo {
  const {
    inputs: { x },
    backend,
    attrs: { dtype },
  } = args;
  if (dtype === x.dtype) return identityWasm(args);
  const out = backend.makeOutput(x.shape, dtype);
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x));
  return out;
}
