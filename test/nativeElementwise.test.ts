// The native elementwise kernels (lib/backend/native.ts): Add / Sub / Multiply / RealDiv with broadcasting,
// LeakyRelu and its fused gradient (lib/backend/activationGradient.ts), Slice, and Sum over the last axis, against
// tfjs' cpu backend and the plain wasm kernels they replace: equal bit for bit, special values included (NaN,
// infinities, -0, subnormals); the native kernels are the ones that run; no tensor leak. Skipped, saying why, where
// the addon is not built.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/index';
import { LEAKY_RELU_GRAD } from '../lib/backend/activationGradient';
import { broadcastDims, loadNativeAddon, type NativeKernelName, useNativeKernels } from '../lib/backend/native';
import { runOn, size, testValues } from './backendHarness';

const unavailable = process.env.TFJS_NATIVE === '0' ? 'TFJS_NATIVE=0' : loadNativeAddon();
const skip = unavailable ? `native kernels unavailable: ${unavailable}` : false;
if (skip) console.log(`# skipping the native elementwise kernel tests: ${skip}`);

before(async () => {
  if (skip) return;
  const info = await initBackend({ backend: 'wasm', threads: 1, log: false });
  for (const k of ['Add', 'Multiply', 'LeakyRelu', LEAKY_RELU_GRAD, 'Slice']) {
    assert.ok(info.customKernels.includes(`native:${k}`), `native:${k} not registered`);
  }
});

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e-40, -3e-39, 3.4e38];
/** values in [-4, 4) with the special ones planted every few entries */
const values = (n: number, seed: number) =>
  testValues(n, seed).map((v, i) => (i % 7 === 3 ? SPECIAL[((i / 7 + seed) % SPECIAL.length) | 0] : 8 * v));

/** NaN-aware bitwise equality (Object.is: NaN equals NaN, +0 and -0 differ). */
function assertSame(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** the same computation on cpu, on wasm with the named native kernels and without them: all equal bit for bit */
async function assertAllSame(names: NativeKernelName[], fn: () => tf.Tensor[], what: string): Promise<void> {
  const reference = await runOn('cpu', fn);
  for (const on of [true, false]) {
    useNativeKernels(on, names);
    try {
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const ours = await runOn('wasm', fn);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      ours.forEach((o, i) => assertSame(o, reference[i], `${what} ${i} (native ${on})`));
    } finally {
      useNativeKernels(true, names);
    }
  }
}

const PAIRS: [number[], number[]][] = [
  [
    [2, 5, 4, 3],
    [2, 5, 4, 3],
  ], // same shape
  [[2, 5, 4, 3], [3]], // a bias
  [[3], [2, 5, 4, 3]], // broadcast on the left
  [
    [2, 5, 4, 3],
    [2, 1, 1, 3],
  ], // per sample and channel (instance statistics)
  [
    [2, 5, 4, 1],
    [2, 5, 4, 3],
  ], // a mask times an image
  [[2, 5, 4, 3], []], // a scalar
  [[], [7]],
  [
    [5, 1],
    [3, 1, 4],
  ], // both broadcast, ranks differ
  [
    [1, 1],
    [1, 1, 1],
  ],
];

describe('native Add / Sub / Multiply / RealDiv', { skip }, () => {
  for (const [as, bs] of PAIRS) {
    test(`[${as}] op [${bs}] equals the cpu backend and tfjs-wasm bit for bit`, async () => {
      const av = values(size(as), 1);
      const bv = values(size(bs), 2);
      const fn = () => {
        const [a, b] = [tf.tensor(av, as), tf.tensor(bv, bs)];
        return [tf.add(a, b), tf.sub(a, b), tf.mul(a, b), tf.div(a, b), tf.div(b, a)];
      };
      await assertAllSame(['Add', 'Sub', 'Multiply', 'RealDiv'], fn, `[${as}] op [${bs}]`);
    });
  }

  test('int32 operands run the wasm kernels', async () => {
    await tf.setBackend('wasm');
    const out = tf.tidy(() => tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')).arraySync());
    assert.deepEqual(out, [4, 6]);
  });

  test('broadcastDims merges contiguous axes and drops size-1 ones', () => {
    assert.deepEqual([...broadcastDims([4, 8, 8, 16], [16], [4, 8, 8, 16])], [2, 256, 16, 16, 1, 0, 1]);
    assert.deepEqual([...broadcastDims([4, 8, 8, 16], [4, 8, 8, 16], [4, 8, 8, 16])], [1, 4096, 1, 1]);
    assert.deepEqual(
      [...broadcastDims([4, 1, 1, 16], [4, 8, 8, 16], [4, 8, 8, 16])],
      [3, 4, 64, 16, 16, 0, 1, 1024, 16, 1],
    );
    assert.deepEqual([...broadcastDims([], [], [])], [1, 1, 0, 0]);
  });
});

describe('native LeakyRelu and its fused gradient', { skip }, () => {
  const shape = [2, 9, 7, 5];
  const xv = values(size(shape), 3);
  const gv = values(size(shape), 4);
  const run = () => {
    const [x, g] = [tf.tensor(xv, shape), tf.tensor(gv, shape)];
    const f = (a: tf.Tensor) => tf.leakyRelu(a, 0.2);
    return [f(x), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), g)))(x)];
  };

  test("the gradient equals the cpu backend's composed one bit for bit, with and without the native kernels", async () => {
    await assertAllSame(['LeakyRelu', LEAKY_RELU_GRAD], () => [run()[1]], "leakyRelu'");
  });

  test("the forward pass equals tfjs-wasm's kernel: x < 0 ? x fround(alpha) : x in float32", async () => {
    // (tfjs' cpu backend multiplies by the double alpha before rounding: a last-bit difference for most x < 0)
    const expected = xv.map((v) => (v < 0 ? Math.fround(v * Math.fround(0.2)) : v));
    for (const on of [true, false]) {
      useNativeKernels(on, ['LeakyRelu']);
      try {
        const [ours] = await runOn('wasm', () => [tf.leakyRelu(tf.tensor(xv, shape), 0.2)]);
        assertSame(ours, expected, `leakyRelu (native ${on})`);
      } finally {
        useNativeKernels(true, ['LeakyRelu']);
      }
    }
  });

  test('the native kernels run on wasm, and nothing of the composed gradient', async () => {
    await tf.setBackend('wasm');
    const info = await tf.profile(() => tf.dispose(run()));
    const names = info.kernels.map((k) => k.name);
    assert.equal(names.filter((k) => k === LEAKY_RELU_GRAD).length, 1, 'one fused gradient call');
    for (const composed of ['Greater', 'Select']) assert.ok(!names.includes(composed), `${composed} ran`);
  });
});

describe('native Slice and Sum over the last axis', { skip }, () => {
  test('slices of rank 1 to 5 equal the cpu backend', async () => {
    const cases: [number[], number[], number[]][] = [
      [[10], [3], [4]],
      [
        [4, 6],
        [1, 2],
        [2, -1],
      ],
      [
        [4, 5, 6, 8],
        [0, 0, 0, 3],
        [-1, -1, -1, 1],
      ], // one channel (the person logits' target)
      [
        [4, 5, 6, 8],
        [1, 2, 3, 0],
        [2, 3, 3, 8],
      ],
      [
        [2, 3, 4, 5, 6],
        [1, 0, 2, 1, 3],
        [1, 3, 2, 3, 2],
      ],
    ];
    const xv = values(2 * 3 * 4 * 5 * 6 * 4, 5);
    const fn = () => cases.map(([s, b, e]) => tf.slice(tf.tensor(xv.subarray(0, size(s)), s), b, e));
    await assertAllSame(['Slice'], fn, 'slice');
  });

  test('a sum over the last axis is the double-precision running sum rounded to float32', async () => {
    const shape = [3, 4, 5, 8];
    const xv = testValues(size(shape), 6).map((v) => 1000 * v);
    await tf.setBackend('wasm');
    const ours = tf.tidy(() => tf.sum(tf.tensor(xv, shape), -1).dataSync());
    const expected = new Float32Array(size(shape) / 8);
    for (let o = 0; o < expected.length; o++) {
      let acc = 0;
      for (let r = 0; r < 8; r++) acc += xv[o * 8 + r];
      expected[o] = acc;
    }
    assertSame(ours as Float32Array, expected, 'sum');
  });
});
