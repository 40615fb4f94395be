// The fused Relu / Relu6 gradient (lib/backend/activationGradient.ts, native kernel ClippedReluGrad) against tfjs'
// cpu backend, where the same gradient composes tfjs-core's Step / LessEqual / Cast / Multiply: equal bit for bit,
// at the kinks (x = 0, x = 6), for NaN inputs and infinite upstream gradients, on wasm with and without the native
// kernel; the kernel is the one that runs; no tensor leak. Skipped, saying why, where the addon is not built.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/index';
import { CLIPPED_RELU_GRAD } from '../lib/backend/activationGradient';
import { loadNativeAddon, useNativeKernels } from '../lib/backend/native';
import { runOn, testValues } from './backendHarness';

const unavailable = process.env.TFJS_NATIVE === '0' ? 'TFJS_NATIVE=0' : loadNativeAddon();
const skip = unavailable ? `native kernels unavailable: ${unavailable}` : false;
if (skip) console.log(`# skipping the native activation gradient tests: ${skip}`);

before(async () => {
  if (skip) return;
  const info = await initBackend({ backend: 'wasm', threads: 1, log: false });
  assert.ok(info.customKernels.includes(`native:${CLIPPED_RELU_GRAD}`), `native:${CLIPPED_RELU_GRAD} not registered`);
});

const SHAPE = [2, 9, 7, 5];
const N = SHAPE.reduce((a, b) => a * b, 1);
/** x over [-4, 10) with the kinks and NaN planted; dy with infinities where the mask is 0 and where it is 1 */
const XV = testValues(N, 81).map((v, i) => [0, 6, NaN, -0][i % 23] ?? 14 * v + 3);
const GV = testValues(N, 82).map((v, i) => (i % 31 === 0 ? Infinity : i % 37 === 0 ? -Infinity : v));

const gradients = () => {
  const [x, g] = [tf.tensor(XV, SHAPE), tf.tensor(GV, SHAPE)];
  const loss = (f: (a: tf.Tensor) => tf.Tensor) => (a: tf.Tensor) => tf.sum(tf.mul(f(a), g));
  return [tf.grad(loss(tf.relu))(x), tf.grad(loss(tf.relu6))(x)];
};

/** NaN-aware bitwise equality (Object.is: NaN equals NaN, +0 and -0 differ). */
function assertSame(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}] (x = ${XV[i]}): ${actual[i]} vs ${expected[i]}`);
  }
}

describe('fused Relu / Relu6 gradients', { skip }, () => {
  test("equal the cpu backend's composed gradients bit for bit, with and without the native kernel", async () => {
    const reference = await runOn('cpu', gradients);
    assert.ok(reference[1].some(Number.isNaN) && reference[1].some((v) => v === 0), 'NaN and masked entries exist');
    for (const on of [true, false]) {
      useNativeKernels(on, [CLIPPED_RELU_GRAD]);
      try {
        await tf.setBackend('wasm');
        const before = tf.memory().numTensors;
        const ours = await runOn('wasm', gradients);
        assert.equal(tf.memory().numTensors, before, 'tensors leaked');
        assertSame(ours[0], reference[0], `relu' (native ${on})`);
        assertSame(ours[1], reference[1], `relu6' (native ${on})`);
      } finally {
        useNativeKernels(true, [CLIPPED_RELU_GRAD]);
      }
    }
  });

  test('the native kernel runs on wasm, and nothing of the composed gradient', async () => {
    await tf.setBackend('wasm');
    const info = await tf.profile(() => tf.dispose(gradients()));
    const names = new Set(info.kernels.map((k) => k.name));
    assert.equal(info.kernels.filter((k) => k.name === CLIPPED_RELU_GRAD).length, 2, 'one fused call per activation');
    for (const composed of ['Step', 'LessEqual']) assert.ok(!names.has(composed), `${composed} ran`);
  });
});
