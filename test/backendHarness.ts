// Helpers for tests that run the same computation on the wasm backend (with our kernels) and on tfjs'
// reference cpu backend, and compare.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { useNativeKernels } from '../lib/backend/native';

/** Initialises wasm (threads from TFJS_THREADS, default 2) once; cpu is always registered. */
export async function initWasmAndCpu(): Promise<void> {
  const info = await initBackend({ backend: 'wasm', threads: Number(process.env.TFJS_THREADS ?? 2), log: false });
  // These tests check the TypeScript wasm kernels; test/native.test.ts checks the oneDNN ones replacing them.
  if (info.native) useNativeKernels(false);
}

/** Runs `fn` on `backend` and returns its results as plain arrays (tensors are disposed). */
export async function runOn(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf
    .tidy(() => fn())
    .map((t) => {
      const values = t.dataSync() as Float32Array;
      t.dispose();
      return values;
    });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Deterministic values in [-0.5, 0.5) (a small LCG; tests must not depend on Math.random). */
export function testValues(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}

export const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
