// Picks and initialises the tfjs backend: tfjs-node-gpu > tfjs-node > wasm > cpu, the first that loads.
//
//   const info = await initBackend();                        // automatic
//   await initBackend({ backend: 'wasm', threads: 2 });      // forced
//   TFJS_BACKEND=cpu TFJS_THREADS=1 npm test                 // forced from the environment
//
// On wasm it registers the training kernels tfjs-wasm lacks or runs slowly (Conv2DBackpropFilter, a fast
// Conv2DBackpropInput, fused instance norm, a one-pass MirrorPad gradient, spectral norm's power iteration and
// sigma as single kernels) and runs the threaded-SIMD
// binary with `threads` workers. On every backend it registers gradients that tfjs-core gets wrong or
// lacks: Conv2D with dilation (tfjs-core asserts dilation 1) and MirrorPad (tfjs-core's drops the borders), and
// Relu / Relu6 gradients that use one fused kernel where the native one is registered.
import * as tf from '@tensorflow/tfjs';
import { registerActivationGradients } from './activationGradient';
import { conv2dBackpropFilterWasm } from './conv2dBackpropFilter';
import { conv2dBackpropInputWasm } from './conv2dBackpropInput';
import { dilatedKernelBackends, registerConv2DGradient } from './conv2dGradient';
import { castWasm, identityWasm } from './identity';
import {
  INSTANCE_NORM,
  INSTANCE_NORM_GRAD,
  instanceNormGradWasm,
  instanceNormWasm,
  registerInstanceNormGradient,
} from './instanceNorm';
import { depthwiseConv2dNativeBackpropFilterWasm, depthwiseConv2dNativeBackpropInputWasm } from './depthwiseConv';
import { MIRROR_PAD_GRAD, mirrorPadGradWasm, registerMirrorPadGradient } from './mirrorPadGradient';
import {
  loadNativeAddon,
  NATIVE_KERNEL_NAMES,
  nativeVersion,
  setNativeThreads,
  useNativeAdam,
  useNativeKernels,
} from './native';
import {
  registerSpectralNormGradient,
  SPECTRAL_POWER_ITERATION,
  SPECTRAL_SIGMA,
  SPECTRAL_SIGMA_GRAD,
  spectralPowerIterationWasm,
  spectralSigmaGradWasm,
  spectralSigmaWasm,
} from './spectralNorm';
import { unrefWorkers, withNodeWorkerFiles } from './wasmThreads';

export const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendOptions {
  /** Force one backend; default: env TFJS_BACKEND, else the first of BACKENDS that loads. */
  backend?: BackendName;
  /** wasm worker threads; default: env TFJS_THREADS, else the number of CPU cores (at most 4). */
  threads?: number;
  /** Print the choice (default true). */
  log?: boolean;
}

export interface BackendInfo {
  /** 'tensorflow-gpu' and 'tensorflow' both show up in tfjs as the backend named 'tensorflow'. */
  name: BackendName;
  tfjsBackend: string;
  threads: number;
  /** Why this backend, and why the better ones were not used. */
  reasons: string[];
  /** True when oneDNN kernels from the native addon (native/) replace some wasm kernels. */
  native: boolean;
  /** Kernels registered by this module; native ones are named `native:<Kernel>`. */
  customKernels: string[];
}

/** Kernels this module registers for wasm; tests check each one is exercised. */
export const WASM_KERNELS = {
  Conv2DBackpropFilter: conv2dBackpropFilterWasm,
  Conv2DBackpropInput: conv2dBackpropInputWasm,
  [INSTANCE_NORM]: instanceNormWasm,
  [INSTANCE_NORM_GRAD]: instanceNormGradWasm,
  [MIRROR_PAD_GRAD]: mirrorPadGradWasm,
  DepthwiseConv2dNativeBackpropInput: depthwiseConv2dNativeBackpropInputWasm,
  DepthwiseConv2dNativeBackpropFilter: depthwiseConv2dNativeBackpropFilterWasm,
  Identity: identityWasm,
  Cast: castWasm,
  [SPECTRAL_POWER_ITERATION]: spectralPowerIterationWasm,
  [SPECTRAL_SIGMA]: spectralSigmaWasm,
  [SPECTRAL_SIGMA_GRAD]: spectralSigmaGradWasm,
} as const;

let current: BackendInfo | undefined;

export async function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const forced = options.backend ?? parseBackend(process.env.TFJS_BACKEND);
  const threads = options.threads ?? parseThreads(process.env.TFJS_THREADS) ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`initBackend: threads must be a positive integer, got ${String(options.threads)}`);
  }
  if (forced !== undefined && !BACKENDS.includes(forced)) {
    throw new Error(`initBackend: unknown backend '${String(forced)}'; choose one of ${BACKENDS.join(', ')}`);
  }
  if (current) {
    if (
      (forced === undefined || forced === current.name) &&
      (options.threads === undefined || threads === current.threads)
    ) {
      return current;
    }
    throw new Error(
      `initBackend: already initialised as ${current.name} with ${current.threads} thread(s); ` +
        'a process can initialise its backend once (wasm threads cannot be restarted)',
    );
  }
  // The cpu backend prints a banner advertising tfjs-node on its first use; initBackend logs its own choice.
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
  registerConv2DGradient();
  registerMirrorPadGradient();
  registerInstanceNormGradient();
  registerActivationGradients();
  registerSpectralNormGradient();
  const reasons: string[] = [];
  const candidates = forced ? [forced] : BACKENDS;
  for (const name of candidates) {
    const native = name === 'wasm' ? nativeKernelsWanted() : { use: false };
    const failure = await tryBackend(name, native.use ? 1 : threads);
    if (failure === undefined) {
      reasons.push(forced ? `${name}: forced` : `${name}: loaded`);
      if (native.use) {
        useNativeKernels(true);
        setNativeThreads(threads);
        const adam = nativeAdamWanted();
        useNativeAdam(adam);
        reasons.push(
          `native oneDNN ${nativeVersion()} kernels (${NATIVE_KERNEL_NAMES.join(', ')}) on ${threads} ` +
            `OpenMP thread(s); wasm itself single-threaded; fused native Adam update ${adam ? 'on' : 'off'}`,
        );
      } else if (native.why) reasons.push(native.why);
      current = {
        name,
        tfjsBackend: tf.getBackend(),
        threads: native.use ? threads : name === 'wasm' ? wasmThreadCount() : name === 'cpu' ? 1 : threads,
        reasons,
        native: native.use,
        customKernels:
          name !== 'wasm'
            ? []
            : [...Object.keys(WASM_KERNELS), ...(native.use ? NATIVE_KERNEL_NAMES.map((k) => `native:${k}`) : [])],
      };
      if (options.log !== false) console.log(describeBackend(current));
      return current;
    }
    reasons.push(`${name}: ${failure}`);
  }
  throw new Error(`initBackend: no backend could be initialised (${reasons.join('; ')})`);
}

export function describeBackend(info: BackendInfo): string {
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  return `tfjs backend: ${info.name} (${threads}) — ${info.reasons.join('; ')}`;
}

/** Returns undefined on success, else why the backend could not be used. */
async function tryBackend(name: BackendName, threads: number): Promise<string | undefined> {
  try {
    if (name === 'tensorflow-gpu' || name === 'tensorflow') {
      // Optional dependencies: absent where their install step could not download libtensorflow.
      require(name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
      return (await tf.setBackend('tensorflow')) ? undefined : 'setBackend failed';
    }
    if (name === 'wasm') return await initWasm(threads);
    return (await tf.setBackend('cpu')) ? undefined : 'setBackend failed';
  } catch (e) {
    return `not available (${firstLine(e)})`;
  }
}

async function initWasm(threads: number): Promise<string | undefined> {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  for (const [kernelName, kernelFunc] of Object.entries(WASM_KERNELS)) {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  dilatedKernelBackends.add('wasm');
  const multithread = threads > 1;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', multithread);
  wasm.setThreadsCount(threads);
  // The wasm module sizes its thread pool from os.cpus().length / 2 when it is instantiated and ignores
  // setThreadsCount in Node; report 2*threads cores while it starts.
  const os = require('node:os') as typeof import('os');
  const cpus = os.cpus;
  const real = cpus();
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]);
  try {
    const ok = multithread ? await withNodeWorkerFiles(() => tf.setBackend('wasm')) : await tf.setBackend('wasm');
    if (!ok) return 'setBackend failed';
  } finally {
    os.cpus = cpus;
  }
  if (multithread) unrefWorkers((tf.backend() as unknown as { wasm: object }).wasm);
  return undefined;
}

/** Whether wasm gets the oneDNN kernels: unless TFJS_NATIVE=0, wherever the addon loads. */
function nativeKernelsWanted(): { use: boolean; why?: string } {
  const env = process.env.TFJS_NATIVE;
  if (env !== undefined && env !== '' && env !== '0' && env !== '1') {
    throw new Error(`TFJS_NATIVE='${env}' must be 0 (plain wasm kernels) or 1 (native oneDNN kernels, the default)`);
  }
  if (env === '0') return { use: false, why: 'native oneDNN kernels: off (TFJS_NATIVE=0)' };
  const failure = loadNativeAddon();
  if (failure === undefined) return { use: true };
  if (env === '1') throw new Error(`initBackend: TFJS_NATIVE=1 but ${failure}`);
  return { use: false, why: `${failure}; using the plain wasm kernels` };
}

/** Whether lib/train/adam.ts takes the fused native update where the native kernels are on: unless TFJS_NATIVE_ADAM=0
 *  (the same numbers bit for bit, one addon call per parameter instead of ~11 tf kernels). */
function nativeAdamWanted(): boolean {
  const env = process.env.TFJS_NATIVE_ADAM;
  if (env !== undefined && env !== '' && env !== '0' && env !== '1') {
    throw new Error(`TFJS_NATIVE_ADAM='${env}' must be 0 (Adam as tf ops) or 1 (one fused native call, the default)`);
  }
  return env !== '0';
}

function wasmThreadCount(): number {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  return wasm.getThreadsCount();
}

function defaultThreads(): number {
  const os = require('node:os') as typeof import('os');
  return Math.min(4, Math.max(1, os.cpus().length));
}

function parseBackend(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new Error(`TFJS_BACKEND='${value}' is not a backend; choose one of ${BACKENDS.join(', ')}`);
  }
  return value as BackendName;
}

function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TFJS_THREADS='${value}' must be a positive integer`);
  return n;
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}
