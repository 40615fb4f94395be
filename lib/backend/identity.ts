// Identity on the wasm backend without a copy: the output shares the input's memory (reference counted), as
// tfjs-wasm's own Reshape does. Safe because no kernel writes into a tensor's memory after creating it (the fused
// Adam update, which writes weights in place, leaves shared memory to the tf ops).
// tfjs-wasm's Identity copies, and backprop runs it ~1,000 times per training step (image stage).
import type { TensorInfo, WasmBackend } from './wasmKernelCalls';

export function identityWasm(args: { inputs: { x: TensorInfo }; backend: WasmBackend }): TensorInfo {
  const { x } = args.inputs;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
