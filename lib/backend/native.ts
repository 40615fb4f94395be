// oneDNN kernels from the native addon (native/, built by scripts/build-native.sh) registered on the wasm
// backend: Conv2D, Conv2DBackpropInput (also conv2dTranspose's forward pass), Conv2DBackpropFilter, the same three
// for depthwise convolutions (oneDNN grouped convolutions, one group per input channel; the pretrained segmenter's),
// AvgPoolGrad (unpadded windows: the segmenter's global pools), BatchMatMul, our fused InstanceNorm with its
// gradient (lib/backend/instanceNorm.ts), MirrorPad on H and W with its gradient (lib/backend/mirrorPadGradient.ts),
// and Concat, SplitV and Sum (tfjs-wasm copies channel-axis blocks one JS subarray at a time and transposes before
// reducing leading axes), the fused Relu / Relu6 gradient (lib/backend/activationGradient.ts) and Transpose (a
// strided copy; tfjs-wasm's takes ~10 ns per float, e.g. in resizeBilinearDifferentiable), float32 Add / Sub /
// Multiply / RealDiv with broadcasting, LeakyRelu with its fused gradient and Slice (tfjs-wasm's broadcasting add,
// comparison against a scalar, LeakyRelu and strided Slice take 1-6 ms on the joint stage's [4,128,128,16] or
// [4,64,64,8] tensors; each element is the same single IEEE operation). Besides the kernels, a fused Adam update (nativeAdamUpdate, for lib/train/adam.ts): one call per parameter instead of ~11 tf ops.
// The addon reads and writes the tensors in place on the wasm heap (Float32Array views at each
// tensor's memory offset). Views are taken after the output is allocated: an allocation can grow the heap,
// which on the single-threaded build detaches older views (the addon then throws on their length 0).
// A case the addon does not take (other dtypes, empty tensors, pads oneDNN cannot express) runs the kernel
// it replaced.
import * as tf from '@tensorflow/tfjs';
import { CLIPPED_RELU_GRAD, LEAKY_RELU_GRAD } from './activationGradient';
import type { ConvAttrs } from './conv2dBackpropFilter';
import { INSTANCE_NORM, INSTANCE_NORM_GRAD } from './instanceNorm';
import { foldIndex, MIRROR_PAD_GRAD } from './mirrorPadGradient';
import type { TensorInfo, WasmBackend } from './wasmKernelCalls';
import { repoPath } from '../io/repoRoot';

interface Addon {
  conv2d(x: Float32Array, w: Float32Array, y: Float32Array, shape: Int32Array): void;
  conv2dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, shape: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, shape: Int32Array): void;
  batchMatMul(a: Float32Array, b: Float32Array, c: Float32Array, dims: Int32Array): void;
  avgPoolGrad(dy: Float32Array, dx: Float32Array, dims: Int32Array): void;
  clippedReluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, max: number): void;
  instanceNorm(x: Float32Array, y: Float32Array, dims: Int32Array, eps: number): void;
  instanceNormGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, dims: Int32Array, eps: number): void;
  joinBlocks(joined: Float32Array, parts: Float32Array[], outer: number, inners: Int32Array, toJoined: boolean): void;
  sumMiddle(x: Float32Array, y: Float32Array, dims: Int32Array): void;
  foldPixels(
    padded: Float32Array,
    x: Float32Array,
    dims: Int32Array,
    srcRow: Int32Array,
    srcCol: Int32Array,
    toPadded: boolean,
  ): void;
  transpose(x: Float32Array, y: Float32Array, shape: Int32Array, perm: Int32Array): void;
  leakyRelu(x: Float32Array, y: Float32Array, alpha: number): void;
  leakyReluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, alpha: number): void;
  binary(a: Float32Array, b: Float32Array, out: Float32Array, op: number, dims: Int32Array): void;
  slice(x: Float32Array, y: Float32Array, xShape: Int32Array, box: Int32Array): void;
  adamUpdate(w: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, coefficients: Float32Array): void;
  setThreads(n: number): void;
  threads(): number;
  version(): string;
}

export const NATIVE_KERNEL_NAMES = [
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNative',
  'DepthwiseConv2dNativeBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'AvgPoolGrad',
  'BatchMatMul',
  INSTANCE_NORM,
  INSTANCE_NORM_GRAD,
  'Concat',
  'SplitV',
  'Sum',
  'MirrorPad',
  MIRROR_PAD_GRAD,
  CLIPPED_RELU_GRAD,
  'Transpose',
  'LeakyRelu',
  LEAKY_RELU_GRAD,
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
  'Slice',
] as const;
export type NativeKernelName = (typeof NATIVE_KERNEL_NAMES)[number];
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs: Record<string, unknown> };
type Kernel = (args: KernelArgs) => TensorInfo | TensorInfo[];

// from the repository root, not __dirname: a notebook loads lib through the notebooks/lib symlink
const ADDON_FILE = repoPath('native', 'build', 'Release', 'tfjs_onednn.node');
let addon: Addon | undefined;
let loadFailure: string | undefined;

/** Loads the addon once; returns undefined, or why it cannot be used (with what to do). */
export function loadNativeAddon(): string | undefined {
  if (addon || loadFailure) return loadFailure;
  // OpenMP threads that spin while waiting for work take the cores from everything else (the wasm thread, other
  // trainings): under load, 2-thread steps took 1.4 s instead of 0.16 s. libgomp reads this when it loads.
  process.env.OMP_WAIT_POLICY ??= 'passive';
  try {
    addon = require(ADDON_FILE) as Addon;
  } catch (e) {
    const why = String(e instanceof Error ? e.message : e).split('\n')[0];
    loadFailure = `native oneDNN kernels not built (${why}); build them with: bash scripts/build-native.sh`;
  }
  return loadFailure;
}

export function nativeVersion(): string {
  return requireAddon().version();
}

/** OpenMP threads oneDNN uses. */
export function setNativeThreads(n: number): void {
  requireAddon().setThreads(n);
}

function requireAddon(): Addon {
  if (loadNativeAddon() !== undefined || !addon) throw new Error(loadFailure);
  return addon;
}

let adamOn = false;

/** The fused Adam update (nativeAdamUpdate) on or off; initBackend turns it on with the native kernels. */
export function useNativeAdam(on: boolean): void {
  if (on) requireAddon();
  adamOn = on;
}

/**
 * One Adam step of one parameter in one addon call: w, m and v updated in place on the wasm heap with the float32
 * operations of lib/train/adam.ts's tf ops in their order, so bit for bit what they give. coefficients: float32
 * [b1, 1 - b1, b2, 1 - b2, 1 - b2^t, eps, lr / (1 - b1^t)]. Returns false, having done nothing, where it does not
 * apply: the fused update off, another backend, not float32, sizes that differ, or w, m or v not held by this
 * tensor alone on the wasm heap (a shared buffer, e.g. a clone's, would change with it).
 */
export function nativeAdamUpdate(
  w: tf.Variable,
  m: tf.Variable,
  v: tf.Variable,
  g: tf.Tensor,
  coefficients: Float32Array,
): boolean {
  if (!adamOn || tf.getBackend() !== 'wasm' || !float32(w, m, v, g)) return false;
  if (m.size !== w.size || v.size !== w.size || g.size !== w.size) return false;
  const backend = tf.backend() as unknown as WasmBackend;
  if ([w, m, v].some((t) => backend.refCount(t.dataId) !== 1) || backend.refCount(g.dataId) < 1) return false;
  const [vw, vm, vv, vg] = [w, m, v, g].map((t) => backend.typedArrayFromHeap(t)); // no allocation in between
  (addon as Addon).adamUpdate(vw, vm, vv, vg, coefficients);
  return true;
}

/** The wasm kernels the native ones replace, kept to run the cases the addon does not take. */
const replaced = new Map<NativeKernelName, Kernel>();
/** Native kernels with no wasm kernel before them: off = unregistered (their callers then compose tf ops). */
const ADDED: ReadonlySet<NativeKernelName> = new Set([CLIPPED_RELU_GRAD, LEAKY_RELU_GRAD]);

/**
 * Registers the native kernels on 'wasm' (on = true) or puts back the ones they replaced (on = false), all of them
 * or those named. initBackend calls it; tests and benchmarks switch back and forth to compare within one process.
 */
export function useNativeKernels(on: boolean, names: readonly NativeKernelName[] = NATIVE_KERNEL_NAMES): void {
  requireAddon();
  for (const name of names) {
    if (!replaced.has(name) && !ADDED.has(name)) {
      const kernel = tf.getKernel(name, 'wasm');
      if (!kernel) throw new Error(`useNativeKernels: no wasm kernel ${name} to replace (initialise wasm first)`);
      replaced.set(name, kernel.kernelFunc as unknown as Kernel);
    }
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    const kernelFunc = on ? NATIVE_KERNELS[name] : replaced.get(name);
    if (kernelFunc) {
      tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
    }
  }
}

/** [N, H, W, Ci, Ho, Wo, Co, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr, G] with the bottom/right pads trimmed to
 *  what the last window reads; undefined where that would be negative (input rows no window reads).
 *  G: groups, 1 for a dense conv, Ci for a depthwise one (computeConv2DInfo(..., depthwise = true)). */
function convShape(info: tf.backend_util.Conv2DInfo, depthwise: boolean): Int32Array | undefined {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const { top: pt, left: pl } = info.padInfo;
  const pb = (Ho - 1) * sh + (kh - 1) * dh + 1 - H - pt;
  const pr = (Wo - 1) * sw + (kw - 1) * dw + 1 - W - pl;
  if (Math.min(pt, pl, pb, pr) < 0 || N * H * W * Ci * Ho * Wo * Co === 0) return undefined;
  return Int32Array.from([N, H, W, Ci, Ho, Wo, Co, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr, depthwise ? Ci : 1]);
}

type Shape4 = [number, number, number, number];
type ConvKernel = 'Conv2D' | 'DepthwiseConv2dNative';

/** Conv2DInfo of a dense or depthwise convolution (filter [kh, kw, Ci, Co] or [kh, kw, C, Q]). */
function convInfo(xShape: Shape4, filterShape: Shape4, attrs: ConvAttrs, depthwise: boolean) {
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
}

const float32 = (...ts: TensorInfo[]) => ts.every((t) => t.dtype === 'float32');

/** y = conv(x, filter): Conv2D, or DepthwiseConv2dNative (kind) with one group per input channel. */
const convForward =
  (kind: ConvKernel) =>
  (args: KernelArgs): TensorInfo => {
    const {
      inputs: { x, filter },
      backend,
    } = args;
    const attrs = args.attrs as unknown as ConvAttrs & { dataFormat?: string };
    const depthwise = kind === 'DepthwiseConv2dNative';
    const info = convInfo(x.shape as Shape4, filter.shape as Shape4, attrs, depthwise);
    const shape = convShape(info, depthwise);
    if (!shape || !float32(x, filter) || (attrs.dataFormat ?? 'NHWC') !== 'NHWC') return fallback(kind, args);
    const y = backend.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.outChannels], 'float32');
    const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
    (addon as Addon).conv2d(view(x), view(filter), view(y), shape);
    return y;
  };

/** dx = conv^T(dy, filter), dense or depthwise. */
const convBackpropInput =
  (kind: ConvKernel) =>
  (args: KernelArgs): TensorInfo => {
    const {
      inputs: { dy, filter },
      backend,
    } = args;
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: Shape4 };
    const depthwise = kind === 'DepthwiseConv2dNative';
    const shape = convShape(convInfo(attrs.inputShape, filter.shape as Shape4, attrs, depthwise), depthwise);
    if (!shape || !float32(dy, filter)) return fallback(`${kind}BackpropInput`, args);
    const dx = backend.makeOutput(attrs.inputShape, 'float32');
    const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
    (addon as Addon).conv2dBackpropInput(view(dy), view(filter), view(dx), shape);
    return dx;
  };

/** dfilter = d<conv(x, filter), dy>/dfilter, dense or depthwise. */
const convBackpropFilter =
  (kind: ConvKernel) =>
  (args: KernelArgs): TensorInfo => {
    const {
      inputs: { x, dy },
      backend,
    } = args;
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: Shape4 };
    const depthwise = kind === 'DepthwiseConv2dNative';
    const shape = convShape(convInfo(x.shape as Shape4, attrs.filterShape, attrs, depthwise), depthwise);
    if (!shape || !float32(x, dy)) return fallback(`${kind}BackpropFilter`, args);
    const dw = backend.makeOutput(attrs.filterShape, 'float32');
    const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
    (addon as Addon).conv2dBackpropFilter(view(x), view(dy), view(dw), shape);
    return dw;
  };

/** The gradient of an average pool whose windows all lie inside the input (no padding); others run tfjs-wasm's. */
function avgPoolGrad(args: KernelArgs): TensorInfo {
  const {
    inputs: { dy, input },
    backend,
  } = args;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(input.shape as Shape4, filterSize, strides, 1, pad, dimRoundingMode);
  const { top, bottom, left, right } = info.padInfo;
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const inside =
    top === 0 && bottom === 0 && left === 0 && right === 0 && (Ho - 1) * sh + kh <= H && (Wo - 1) * sw + kw <= W;
  if (!inside || !float32(dy, input) || N * H * W * C === 0) return fallback('AvgPoolGrad', args);
  const dx = backend.makeOutput(input.shape, 'float32');
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  (addon as Addon).avgPoolGrad(view(dy), view(dx), Int32Array.from([N, H, W, C, Ho, Wo, kh, kw, sh, sw]));
  return dx;
}

function batchMatMul(args: KernelArgs): TensorInfo {
  const {
    inputs: { a, b },
    backend,
  } = args;
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const Kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchShapeA = a.shape.slice(0, -2);
  const batchShapeB = b.shape.slice(0, -2);
  const batchA = batchShapeA.reduce((p, v) => p * v, 1);
  const batchB = batchShapeB.reduce((p, v) => p * v, 1);
  if (ra < 2 || rb < 2 || K !== Kb || M * N * K === 0 || !float32(a, b)) {
    return fallback('BatchMatMul', args); // also reports shape errors the way tfjs does
  }
  const batchShape = tf.backend_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB);
  const batch = batchShape.reduce((p, v) => p * v, 1);
  // The addon pairs batch entries one to one or broadcasts a single one ([3,1] x [1,3] batches are neither).
  if (batch !== Math.max(batchA, batchB) || (batchA !== batchB && Math.min(batchA, batchB) !== 1)) {
    return fallback('BatchMatMul', args);
  }
  const c = backend.makeOutput([...batchShape, M, N], 'float32');
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  const dims = Int32Array.from([batchA, batchB, M, N, K, +transposeA, +transposeB]);
  (addon as Addon).batchMatMul(view(a), view(b), view(c), dims);
  return c;
}

/** [N, H*W, C] of a 4-D float32 tensor with elements, else undefined. */
function normDims(t: TensorInfo): Int32Array | undefined {
  const [N, H, W, C] = t.shape;
  const usable = t.shape.length === 4 && t.dtype === 'float32' && N * H * W * C > 0;
  return usable ? Int32Array.from([N, H * W, C]) : undefined;
}

function instanceNorm(args: KernelArgs): TensorInfo {
  const {
    inputs: { x },
    backend,
  } = args;
  const dims = normDims(x);
  if (!dims) return fallback(INSTANCE_NORM, args);
  const y = backend.makeOutput(x.shape, 'float32');
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  (addon as Addon).instanceNorm(view(x), view(y), dims, args.attrs.eps as number);
  return y;
}

function instanceNormGrad(args: KernelArgs): TensorInfo {
  const {
    inputs: { dy, x },
    backend,
  } = args;
  const dims = normDims(x);
  if (!dims || dy.dtype !== 'float32') return fallback(INSTANCE_NORM_GRAD, args);
  const dx = backend.makeOutput(x.shape, 'float32');
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  (addon as Addon).instanceNormGrad(view(dy), view(x), view(dx), dims, args.attrs.eps as number);
  return dx;
}

const sizeOf = (shape: number[]) => shape.reduce((p, v) => p * v, 1);

function concat(args: KernelArgs): TensorInfo | TensorInfo[] {
  const { backend } = args;
  const inputs = args.inputs as unknown as TensorInfo[];
  const axis = tf.util.parseAxisParam(args.attrs.axis as number, inputs[0].shape)[0];
  const parts = inputs.filter((t) => sizeOf(t.shape) > 0);
  if (parts.length < 2 || !float32(...parts)) return fallback('Concat', args);
  tf.backend_util.assertParamsConsistent(
    inputs.map((t) => t.shape),
    axis,
  );
  const out = backend.makeOutput(
    tf.backend_util.computeOutShape(
      inputs.map((t) => t.shape),
      axis,
    ),
    'float32',
  );
  const inners = Int32Array.from(parts.map((t) => sizeOf(t.shape.slice(axis))));
  const views = parts.map((t) => backend.typedArrayFromHeap(t));
  const outer = sizeOf(parts[0].shape.slice(0, axis));
  (addon as Addon).joinBlocks(backend.typedArrayFromHeap(out), views, outer, inners, true);
  return out;
}

function splitV(args: KernelArgs): TensorInfo | TensorInfo[] {
  const {
    inputs: { x },
    backend,
  } = args;
  const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
  const a = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, a);
  if (!float32(x) || sizeOf(x.shape) === 0 || sizes.some((s) => s === 0)) return fallback('SplitV', args);
  const outs = sizes.map((s) =>
    backend.makeOutput(
      x.shape.map((d, i) => (i === a ? s : d)),
      'float32',
    ),
  );
  const inner = sizeOf(x.shape.slice(a + 1));
  const views = outs.map((t) => backend.typedArrayFromHeap(t));
  const inners = Int32Array.from(sizes.map((s) => s * inner));
  (addon as Addon).joinBlocks(backend.typedArrayFromHeap(x), views, sizeOf(x.shape.slice(0, a)), inners, false);
  return outs;
}

/** Sum over axes that form one contiguous run (e.g. a bias gradient over N, H, W); others run tfjs-wasm's. */
function sum(args: KernelArgs): TensorInfo | TensorInfo[] {
  const {
    inputs: { x },
    backend,
  } = args;
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
  const contiguous = axes.length > 0 && axes.every((v, i) => v === axes[0] + i);
  if (!contiguous || !float32(x) || sizeOf(x.shape) === 0) return fallback('Sum', args);
  const first = axes[0];
  const last = axes[axes.length - 1];
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const y = backend.makeOutput(keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i)), 'float32');
  const dims = Int32Array.from([
    sizeOf(x.shape.slice(0, first)),
    sizeOf(x.shape.slice(first, last + 1)),
    sizeOf(x.shape.slice(last + 1)),
  ]);
  (addon as Addon).sumMiddle(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(y), dims);
  return y;
}

/** y = x with its axes permuted (y's axis i is x's axis perm[i]), float32 of any rank. */
function transpose(args: KernelArgs): TensorInfo {
  const {
    inputs: { x },
    backend,
  } = args;
  const { perm } = args.attrs as { perm: number[] };
  if (!float32(x) || sizeOf(x.shape) === 0) return fallback('Transpose', args);
  const y = backend.makeOutput(
    perm.map((a) => x.shape[a]),
    'float32',
  );
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  (addon as Addon).transpose(view(x), view(y), Int32Array.from(x.shape), Int32Array.from(perm));
  return y;
}

type MirrorPadAttrs = { paddings: [number, number][]; mode: 'reflect' | 'symmetric' };

/** [N, H, W, C, Hp, Wp] and the padded-to-source row and column maps, if only H and W are padded. */
function foldMaps(xShape: number[], { paddings, mode }: MirrorPadAttrs) {
  if (xShape.length !== 4 || [...paddings[0], ...paddings[3]].some((p) => p !== 0)) return undefined;
  const [N, H, W, C] = xShape;
  const [Hp, Wp] = [H + paddings[1][0] + paddings[1][1], W + paddings[2][0] + paddings[2][1]];
  if (N * H * W * C === 0) return undefined;
  return {
    dims: Int32Array.from([N, H, W, C, Hp, Wp]),
    rows: Int32Array.from({ length: Hp }, (_, t) => foldIndex(t, paddings[1][0], H, mode)),
    cols: Int32Array.from({ length: Wp }, (_, t) => foldIndex(t, paddings[2][0], W, mode)),
    paddedShape: [N, Hp, Wp, C],
  };
}

function mirrorPad(args: KernelArgs): TensorInfo {
  const {
    inputs: { x },
    backend,
  } = args;
  const maps = foldMaps(x.shape, args.attrs as unknown as MirrorPadAttrs);
  if (!maps || !float32(x)) return fallback('MirrorPad', args);
  const y = backend.makeOutput(maps.paddedShape, 'float32');
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  (addon as Addon).foldPixels(view(y), view(x), maps.dims, maps.rows, maps.cols, true);
  return y;
}

function mirrorPadGrad(args: KernelArgs): TensorInfo {
  const {
    inputs: { dy },
    backend,
  } = args;
  const attrs = args.attrs as unknown as MirrorPadAttrs & { xShape: number[] };
  const maps = foldMaps(attrs.xShape, attrs);
  if (!maps || !float32(dy)) return fallback(MIRROR_PAD_GRAD, args);
  const dx = backend.makeOutput(attrs.xShape, 'float32');
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  (addon as Addon).foldPixels(view(dy), view(dx), maps.dims, maps.rows, maps.cols, false);
  return dx;
}

/** An activation's gradient from dy and x (lib/backend/activationGradient.ts), float32 only (its caller checks):
 *  clippedReluGrad dx = dy * [0 < x <= max] (Relu, Relu6), leakyReluGrad dx = x > 0 ? dy : alpha dy. */
const activationGradient =
  (op: 'clippedReluGrad' | 'leakyReluGrad', attr: 'max' | 'alpha') =>
  (args: KernelArgs): TensorInfo => {
    const {
      inputs: { dy, x },
      backend,
    } = args;
    const dx = backend.makeOutput(x.shape, 'float32');
    const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
    (addon as Addon)[op](view(dy), view(x), view(dx), args.attrs[attr] as number);
    return dx;
  };

/** y = x < 0 ? alpha x : x, float32 (tfjs-wasm's takes ~6 ms on [4,128,128,16]; int32 runs it). */
function leakyRelu(args: KernelArgs): TensorInfo {
  const {
    inputs: { x },
    backend,
  } = args;
  if (!float32(x) || sizeOf(x.shape) === 0) return fallback('LeakyRelu', args);
  const y = backend.makeOutput(x.shape, 'float32');
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  (addon as Addon).leakyRelu(view(x), view(y), args.attrs.alpha as number);
  return y;
}

type BinaryKernel = 'Add' | 'Sub' | 'Multiply' | 'RealDiv';
const BINARY_OPS: Record<BinaryKernel, number> = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3 };

/**
 * [k, shape[k], aStride[k], bStride[k]] of a broadcast a op b: the output's axes with size-1 axes dropped and
 * neighbours merged where both inputs step through them contiguously (or both broadcast), each input's stride 0 on
 * the axes it broadcasts along.
 */
export function broadcastDims(aShape: number[], bShape: number[], outShape: number[]): Int32Array {
  const r = outShape.length;
  const strides = (shape: number[]) => {
    const s = [...new Array(r - shape.length).fill(1), ...shape];
    const out = new Array<number>(r);
    for (let i = r - 1, step = 1; i >= 0; step *= s[i], i--) out[i] = s[i] === 1 ? 0 : step;
    return out;
  };
  const [sa, sb] = [strides(aShape), strides(bShape)];
  const axes: { n: number; a: number; b: number }[] = [];
  for (let i = r - 1; i >= 0; i--) {
    if (outShape[i] === 1) continue;
    const inner = axes[axes.length - 1];
    if (inner && sa[i] === inner.a * inner.n && sb[i] === inner.b * inner.n) {
      inner.n *= outShape[i];
    } else axes.push({ n: outShape[i], a: sa[i], b: sb[i] });
  }
  if (axes.length === 0) axes.push({ n: 1, a: 0, b: 0 });
  axes.reverse();
  return Int32Array.from([axes.length, ...axes.map((x) => x.n), ...axes.map((x) => x.a), ...axes.map((x) => x.b)]);
}

/** Elementwise float32 a op b with broadcasting in one pass (tfjs-wasm's broadcasting add of a bias to
 *  [4,128,128,16] takes ~0.9 ms); other dtypes run tfjs-wasm's. The same IEEE operation per element. */
const binary =
  (kind: BinaryKernel) =>
  (args: KernelArgs): TensorInfo => {
    const {
      inputs: { a, b },
      backend,
    } = args;
    if (!float32(a, b)) return fallback(kind, args);
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    if (sizeOf(shape) === 0) return fallback(kind, args);
    const out = backend.makeOutput(shape, 'float32');
    const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
    (addon as Addon).binary(view(a), view(b), view(out), BINARY_OPS[kind], broadcastDims(a.shape, b.shape, shape));
    return out;
  };

function slice(args: KernelArgs): TensorInfo {
  const {
    inputs: { x },
    backend,
  } = args;
  const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
  const [start, extent] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, size);
  if (!float32(x) || sizeOf(extent) === 0 || x.shape.length === 0) return fallback('Slice', args);
  const y = backend.makeOutput(extent, 'float32');
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  (addon as Addon).slice(view(x), view(y), Int32Array.from(x.shape), Int32Array.from([...start, ...extent]));
  return y;
}

const NATIVE_KERNELS: Record<NativeKernelName, Kernel> = {
  LeakyRelu: leakyRelu,
  [LEAKY_RELU_GRAD]: activationGradient('leakyReluGrad', 'alpha'),
  Add: binary('Add'),
  Sub: binary('Sub'),
  Multiply: binary('Multiply'),
  RealDiv: binary('RealDiv'),
  Slice: slice,
  [CLIPPED_RELU_GRAD]: activationGradient('clippedReluGrad', 'max'),
  MirrorPad: mirrorPad,
  [MIRROR_PAD_GRAD]: mirrorPadGrad,
  Concat: concat,
  SplitV: splitV,
  Sum: sum,
  Transpose: transpose,
  [INSTANCE_NORM]: instanceNorm,
  [INSTANCE_NORM_GRAD]: instanceNormGrad,
  Conv2D: convForward('Conv2D'),
  Conv2DBackpropInput: convBackpropInput('Conv2D'),
  Conv2DBackpropFilter: convBackpropFilter('Conv2D'),
  DepthwiseConv2dNative: convForward('DepthwiseConv2dNative'),
  DepthwiseConv2dNativeBackpropInput: convBackpropInput('DepthwiseConv2dNative'),
  DepthwiseConv2dNativeBackpropFilter: convBackpropFilter('DepthwiseConv2dNative'),
  AvgPoolGrad: avgPoolGrad,
  BatchMatMul: batchMatMul,
};

function fallback(name: NativeKernelName, args: KernelArgs): TensorInfo {
  return (replaced.get(name) as Kernel)(args) as TensorInfo;
}
