// The oneDNN depthwise convolution (grouped, one group per input channel) and the native AvgPoolGrad
// (lib/backend/native.ts) against independent references: tfjs' cpu backend over the pretrained segmenter's
// shapes scaled down (3x3 and 5x5 kernels, strides 1 and 2, 'same' pads, odd sizes, batch 1, channel multiplier 2,
// 1 and 2 OpenMP threads; dilation 2 forward only, as tfjs-core has no dilated depthwise gradient; global average
// pools), central finite differences, and the whole selfie segmenter's weight gradients against the plain wasm kernels
// they replace (lib/backend/depthwiseConv.ts, tfjs-wasm's AvgPoolGrad: what TFJS_NATIVE=0 runs), with no tensor leak.
// Skipped, saying why, where the addon is not built.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, WASM_KERNELS } from '../lib/backend/index';
import { loadNativeAddon, type NativeKernelName, setNativeThreads, useNativeKernels } from '../lib/backend/native';
import { loadPretrainedSegmenter } from '../lib/models/pretrainedSegmenter';
import { maxAbs, maxAbsDiff, runOn, size, testValues } from './backendHarness';

const unavailable = process.env.TFJS_NATIVE === '0' ? 'TFJS_NATIVE=0' : loadNativeAddon();
const skip = unavailable ? `native kernels unavailable: ${unavailable}` : false;
if (skip) console.log(`# skipping the native depthwise / pooling tests: ${skip}`);

type Shape4 = [number, number, number, number];
interface ConvCase {
  x: Shape4;
  w: Shape4;
  stride: number;
  pad: 'same' | 'valid';
  dilation: number;
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 16, 16, 16], w: [3, 3, 16, 1], stride: 2, pad: 'same', dilation: 1 }, // depthwise (128 -> 64 px)
  { x: [1, 9, 9, 16], w: [3, 3, 16, 1], stride: 1, pad: 'same', dilation: 1 }, // depthwise_2, batch 1, odd size
  { x: [2, 11, 11, 72], w: [3, 3, 72, 1], stride: 2, pad: 'same', dilation: 1 }, // depthwise_1, odd size
  { x: [1, 8, 8, 96], w: [5, 5, 96, 1], stride: 1, pad: 'same', dilation: 1 }, // depthwise_4..7
  { x: [2, 9, 7, 24], w: [5, 5, 24, 1], stride: 2, pad: 'same', dilation: 1 }, // depthwise_3 (asymmetric pads)
  { x: [2, 8, 9, 3], w: [3, 3, 3, 2], stride: 2, pad: 'valid', dilation: 1 }, // channel multiplier 2
  { x: [1, 7, 6, 3], w: [2, 4, 3, 3], stride: 1, pad: 'same', dilation: 1 }, // even, non-square kernel
];

const convLabel = (c: ConvCase) => `x[${c.x}] w[${c.w}] stride ${c.stride} ${c.pad} dilation ${c.dilation}`;

/** Error relative to the reference's largest magnitude: float32 sums in another order. */
function assertClose(actual: Float32Array, expected: Float32Array, what: string, rel = 2e-5): void {
  assert.ok(maxAbs(expected) > 0.05, `${what}: the reference is trivially small`);
  const tol = rel * Math.max(1, maxAbs(expected));
  const err = maxAbsDiff(actual, expected);
  assert.ok(err <= tol, `${what}: max abs error ${err.toExponential(2)} > ${tol.toExponential(2)}`);
}

const KERNELS: NativeKernelName[] = [
  'DepthwiseConv2dNative',
  'DepthwiseConv2dNativeBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'AvgPoolGrad',
];

before(async () => {
  if (skip) return;
  const info = await initBackend({ backend: 'wasm', threads: 1, log: false });
  assert.equal(info.native, true, 'initBackend did not register the native kernels');
  for (const k of KERNELS) assert.ok(info.customKernels.includes(`native:${k}`), `native:${k} not registered`);
});

/** y, dL/dx, dL/dW of L = sum(depthwiseConv2d(x, w) * g). */
function depthwiseAndGrads(c: ConvCase, xv: Float32Array, wv: Float32Array, gv: Float32Array): tf.Tensor[] {
  const f = (a: tf.Tensor, b: tf.Tensor) =>
    tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dilation);
  const [x, w] = [tf.tensor4d(xv, c.x), tf.tensor4d(wv, c.w)];
  const y = f(x, w);
  const g = tf.tensor(gv.subarray(0, y.size), y.shape);
  return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), g)))([x, w])];
}

describe('native depthwiseConv2d and its gradients match the cpu backend', { skip }, () => {
  test('the wasm kernels are the native ones, not the TypeScript fallbacks', () => {
    for (const name of ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']) {
      assert.notEqual(tf.getKernel(name, 'wasm')?.kernelFunc, (WASM_KERNELS as Record<string, unknown>)[name], name);
    }
  });
  for (const threads of [1, 2]) {
    for (const c of CONV_CASES) {
      test(`${convLabel(c)}, ${threads} thread(s)`, async () => {
        setNativeThreads(threads);
        try {
          const [xv, wv, gv] = [testValues(size(c.x), 1), testValues(size(c.w), 2), testValues(size(c.x) * c.w[3], 3)];
          await tf.setBackend('wasm');
          const before = tf.memory().numTensors;
          const ours = await runOn('wasm', () => depthwiseAndGrads(c, xv, wv, gv));
          assert.equal(tf.memory().numTensors, before, 'tensors leaked');
          const reference = await runOn('cpu', () => depthwiseAndGrads(c, xv, wv, gv));
          assert.equal(ours[1].length, size(c.x), 'dL/dx size');
          assert.equal(ours[2].length, size(c.w), 'dL/dW size');
          ['forward', 'dL/dx', 'dL/dW'].forEach((what, i) => assertClose(ours[i], reference[i], what));
        } finally {
          setNativeThreads(1);
        }
      });
    }
  }

  test('dilation 2 (forward)', async () => {
    const c: ConvCase = { x: [1, 9, 9, 8], w: [3, 3, 8, 1], stride: 1, pad: 'same', dilation: 2 };
    const [xv, wv] = [testValues(size(c.x), 4), testValues(size(c.w), 5)];
    const run = () => [tf.depthwiseConv2d(tf.tensor4d(xv, c.x), tf.tensor4d(wv, c.w), 1, 'same', 'NHWC', 2)];
    const ours = await runOn('wasm', run);
    assert.equal(ours[0].length, size(c.x));
    assertClose(ours[0], (await runOn('cpu', run))[0], 'forward');
  });

  test('dL/dx and dL/dW of L = sum(depthwiseConv2d(x, w)^2) match central differences (5x5, stride 2)', async () => {
    await tf.setBackend('wasm');
    const c: ConvCase = { x: [1, 7, 7, 3], w: [5, 5, 3, 1], stride: 2, pad: 'same', dilation: 1 };
    const [xv, wv] = [testValues(size(c.x), 21), testValues(size(c.w), 22)];
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad)));
    const lossAt = (x: Float32Array, w: Float32Array) =>
      tf.tidy(() => loss(tf.tensor4d(x, c.x), tf.tensor4d(w, c.w)).dataSync()[0]);
    const [dx, dw] = tf.tidy(() =>
      tf
        .grads(loss)([tf.tensor4d(xv, c.x), tf.tensor4d(wv, c.w)])
        .map((t) => t.dataSync()),
    );
    const eps = 1e-2; // L is quadratic in each argument: a central difference is exact up to rounding
    for (const [values, grad, which] of [
      [xv, dx, 'x'],
      [wv, dw, 'w'],
    ] as const) {
      for (let i = 0; i < values.length; i += 2) {
        const [plus, minus] = [Float32Array.from(values), Float32Array.from(values)];
        plus[i] += eps;
        minus[i] -= eps;
        const fd =
          which === 'x'
            ? (lossAt(plus, wv) - lossAt(minus, wv)) / (2 * eps)
            : (lossAt(xv, plus) - lossAt(xv, minus)) / (2 * eps);
        assert.ok(
          Math.abs(fd - grad[i]) <= 2e-3 * Math.max(1, Math.abs(fd)),
          `dL/d${which}[${i}] = ${grad[i]}, finite difference ${fd}`,
        );
      }
    }
  });
});

interface PoolCase {
  x: Shape4;
  window: [number, number];
  stride: [number, number];
  pad: 'same' | 'valid';
}
const POOL_CASES: PoolCase[] = [
  { x: [2, 16, 16, 16], window: [16, 16], stride: [16, 16], pad: 'valid' }, // squeeze-excitation: global pools
  { x: [1, 32, 32, 24], window: [32, 32], stride: [32, 32], pad: 'valid' }, // batch 1
  { x: [2, 9, 7, 5], window: [3, 2], stride: [2, 3], pad: 'valid' }, // odd sizes, overlapping rows, unread columns
  { x: [1, 6, 6, 3], window: [2, 2], stride: [1, 1], pad: 'valid' },
  { x: [2, 7, 7, 4], window: [3, 3], stride: [2, 2], pad: 'same' }, // padded windows: tfjs-wasm's kernel
];

describe('native AvgPoolGrad matches the cpu backend', { skip }, () => {
  for (const c of POOL_CASES) {
    test(`x[${c.x}] window ${c.window} stride ${c.stride} ${c.pad}`, async () => {
      const xv = testValues(size(c.x), 31).map((v, i) => v + (i % 3)); // global means well away from 0
      const area = c.window[0] * c.window[1];
      const run = () => {
        const f = (a: tf.Tensor) => tf.avgPool(a as tf.Tensor4D, c.window, c.stride, c.pad);
        const x = tf.tensor4d(xv, c.x);
        const y = f(x);
        const g = tf.tensor(
          testValues(y.size, 32).map((v) => v * area),
          y.shape,
        ); // dL/dx = g / area
        return [y, tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), g)))(x)];
      };
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const ours = await runOn('wasm', run);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      const reference = await runOn('cpu', run);
      assert.equal(ours[1].length, size(c.x), 'dL/dx size');
      assertClose(ours[0], reference[0], 'forward', 1e-5);
      assertClose(ours[1], reference[1], 'dL/dx', 1e-5);
    });
  }

  test('dL/dx of L = sum(avgPool(x)^2) matches central differences', async () => {
    await tf.setBackend('wasm');
    const shape: Shape4 = [1, 5, 6, 2];
    const xv = testValues(size(shape), 33);
    const loss = (a: tf.Tensor) => tf.sum(tf.square(tf.avgPool(a as tf.Tensor4D, [3, 2], [2, 2], 'valid')));
    const lossAt = (x: Float32Array) => tf.tidy(() => loss(tf.tensor4d(x, shape)).dataSync()[0]);
    const dx = tf.tidy(() => tf.grad(loss)(tf.tensor4d(xv, shape)).dataSync());
    const eps = 1e-2;
    for (let i = 0; i < xv.length; i++) {
      const [plus, minus] = [Float32Array.from(xv), Float32Array.from(xv)];
      plus[i] += eps;
      minus[i] -= eps;
      const fd = (lossAt(plus) - lossAt(minus)) / (2 * eps);
      assert.ok(Math.abs(fd - dx[i]) <= 1e-3 * Math.max(1, Math.abs(fd)), `dL/dx[${i}] = ${dx[i]}, fd ${fd}`);
    }
  });
});

describe('the selfie segmenter with the native kernels', { skip }, () => {
  // Compared with the depthwise and pooling kernels native and everything else plain: the dense native Conv2D
  // rounds differently from XNNPACK's, which moves a few activations across relu / relu6 kinks and so changes the
  // first layers' gradients by ~1 % of their largest (tested by itself in test/native.test.ts).
  test('weight gradients with native depthwise / pooling kernels equal the plain ones, repeat, no leak', async () => {
    await tf.setBackend('wasm');
    const seg = loadPretrainedSegmenter();
    const vars = seg.params.trainableVariables();
    const image = tf.tensor4d(
      testValues(16 * 16 * 3, 41).map((v) => v + 0.5),
      [1, 16, 16, 3],
    );
    const weight = tf.tensor4d(testValues(16 * 16, 42), [1, 16, 16, 1]);
    const gradients = () => {
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(seg.temperedLogits(image), weight)) as tf.Scalar,
        vars,
      );
      const out = vars.map((v) => grads[v.name].dataSync() as Float32Array);
      tf.dispose([value, ...Object.values(grads)]);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked by one forward + backward');
      return out;
    };
    try {
      const allNative = gradients();
      assert.ok(
        allNative.every((g, i) => maxAbsDiff(g, gradients()[i]) === 0),
        'two runs differ',
      );
      useNativeKernels(false);
      useNativeKernels(true, KERNELS);
      const native = gradients();
      useNativeKernels(false, KERNELS);
      const plain = gradients();
      vars.forEach((v, k) => {
        assert.ok(maxAbs(plain[k]) > 0, `d loss / d ${v.name} is zero`);
        const err = maxAbsDiff(native[k], plain[k]);
        assert.ok(
          err <= 1e-4 * maxAbs(plain[k]),
          `d loss / d ${v.name}: max |native - plain| = ${err} (largest ${maxAbs(plain[k])})`,
        );
      });
    } finally {
      useNativeKernels(true);
      tf.dispose([image, weight]);
      seg.dispose();
    }
  });
});
