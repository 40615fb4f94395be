// The native Transpose kernel (lib/backend/native.ts, a strided copy) against tfjs' cpu backend: equal bit for bit for
// ranks 1 to 5, axes of size 1, the identity and the reversal, the permutations resizeBilinearDifferentiable uses and
// ones that move the last axis (strided innermost copies); int32 runs the wasm kernel; the native kernel is the one
// that runs; no tensor leak. Skipped, saying why, where the addon is not built.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/index';
import { loadNativeAddon } from '../lib/backend/native';
import { runOn, testValues } from './backendHarness';

const unavailable = process.env.TFJS_NATIVE === '0' ? 'TFJS_NATIVE=0' : loadNativeAddon();
const skip = unavailable ? `native kernels unavailable: ${unavailable}` : false;
if (skip) console.log(`# skipping the native Transpose tests: ${skip}`);

before(async () => {
  if (skip) return;
  const info = await initBackend({ backend: 'wasm', threads: 1, log: false });
  assert.ok(info.customKernels.includes('native:Transpose'), 'native:Transpose not registered');
});

const CASES: [number[], number[]][] = [
  [[7], [0]],
  [
    [3, 5],
    [1, 0],
  ],
  [
    [2, 6, 5, 3],
    [1, 0, 2, 3],
  ], // resizeBilinearDifferentiable's three
  [
    [5, 2, 6, 3],
    [2, 1, 0, 3],
  ],
  [
    [7, 2, 6, 3],
    [1, 2, 0, 3],
  ],
  [
    [2, 6, 5, 3],
    [0, 3, 1, 2],
  ], // NHWC -> NCHW: the innermost copy strided
  [
    [2, 6, 5, 3],
    [3, 2, 1, 0],
  ],
  [
    [2, 6, 5, 3],
    [0, 1, 2, 3],
  ],
  [
    [1, 6, 1, 3],
    [2, 3, 0, 1],
  ], // axes of size 1
  [
    [3, 1, 4, 2, 5],
    [4, 0, 3, 2, 1],
  ],
  [
    [2, 3, 4, 5, 2],
    [0, 2, 1, 4, 3],
  ],
];

describe('native Transpose', { skip }, () => {
  test('equals the cpu backend bit for bit (ranks 1-5, size-1 axes, strided copies); no leak', async () => {
    for (const [shape, perm] of CASES) {
      const n = shape.reduce((a, b) => a * b, 1);
      const f = () => [tf.transpose(tf.tensor(testValues(n, n), shape), perm)];
      const reference = await runOn('cpu', f);
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const ours = await runOn('wasm', f);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      assert.deepEqual(ours[0], reference[0], `${shape} perm ${perm}`);
      const y = tf.transpose(tf.zeros(shape), perm);
      assert.deepEqual(
        y.shape,
        perm.map((a) => shape[a]),
      );
      y.dispose();
    }
  });

  test('runs for float32 (also in a gradient); int32 takes the wasm kernel, exact', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(testValues(60, 1), [3, 4, 5]);
    const weights = tf.range(0, 60).reshape([5, 3, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.transpose(t, [2, 0, 1]), weights)));
    const info = await tf.profile(() => g(x));
    assert.ok(info.kernels.filter((k) => k.name === 'Transpose').length >= 2, 'forward and backward transposes');
    const ints = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const t = tf.transpose(ints);
    assert.equal(t.dtype, 'int32');
    assert.deepEqual(Array.from(t.dataSync()), [1, 4, 2, 5, 3, 6]);
    tf.dispose([x, weights, ints, t, info.result as tf.Tensor]);
  });
});
