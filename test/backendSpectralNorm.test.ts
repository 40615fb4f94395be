// Spectral norm on wasm as single kernels (lib/backend/spectralNorm.ts) against the same computation composed from
// tf ops (lib/nn/spectralNorm.ts with the kernels unregistered) on the same backend: the power-iteration state,
// the normalised weights and the weight gradient of two training calls in one tape (as a discriminator step sees the
// fake and the real batch) equal bit for bit; the kernels are the ones that run; no tensor leak. Against the cpu
// backend to float rounding.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, WASM_KERNELS } from '../lib/backend/index';
import { SPECTRAL_POWER_ITERATION, SPECTRAL_SIGMA, SPECTRAL_SIGMA_GRAD } from '../lib/backend/spectralNorm';
import { spectralNormWeight } from '../lib/nn/spectralNorm';
import { maxAbsDiff, size, testValues } from './backendHarness';

const KERNELS = [SPECTRAL_POWER_ITERATION, SPECTRAL_SIGMA, SPECTRAL_SIGMA_GRAD];

before(async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
});

/** with the spectral-norm kernels registered on wasm (fused) or not (composed tf ops) */
function withKernels<T>(on: boolean, f: () => T): T {
  const set = (register: boolean) => {
    for (const kernelName of KERNELS) {
      if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
      const kernelFunc = (WASM_KERNELS as Record<string, unknown>)[kernelName] as tf.KernelFunc;
      if (register) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    }
  };
  set(on);
  try {
    return f();
  } finally {
    set(true);
  }
}

const SHAPES: [number, number, number, number][] = [
  [4, 4, 3, 16],
  [4, 4, 32, 64],
  [4, 4, 128, 1],
];

/** two training calls on different inputs in one tape; returns [u, v, wsn of each call, dL/dw] */
function run(shape: [number, number, number, number]): Float32Array[] {
  const [, , cin, cout] = shape;
  const variable = (values: Float32Array, dims: number[], trainable: boolean) =>
    tf.tidy(() => tf.variable(tf.tensor(values, dims), trainable)); // the initial value is disposed
  const w = variable(testValues(size(shape), 1), shape, true);
  const u = variable(testValues(cout, 2), [cout], false);
  const v = variable(testValues(16 * cin, 3), [16 * cin], false);
  const x = [4, 5].map((s) => tf.tensor4d(testValues(2 * 9 * 9 * cin, s), [2, 9, 9, cin]));
  const outs: tf.Tensor[] = [];
  const { value, grads } = tf.variableGrads(() => {
    let loss = tf.scalar(0);
    for (const xi of x) {
      const wsn = spectralNormWeight(w as tf.Tensor as tf.Tensor4D, u, v, true);
      outs.push(tf.keep(wsn.clone()));
      loss = tf.add(loss, tf.sum(tf.square(tf.conv2d(xi, wsn, 2, 'same'))));
    }
    return loss as tf.Scalar;
  }, [w]);
  const result = [u, v, ...outs, grads[w.name]].map((t) => t.dataSync() as Float32Array);
  tf.dispose([w, u, v, ...x, ...outs, value, ...Object.values(grads)]);
  return result;
}

describe('spectral norm kernels on wasm', () => {
  for (const shape of SHAPES) {
    test(`w[${shape}]: state, weights and gradient equal the composed ops bit for bit, no leak`, async () => {
      await tf.setBackend('wasm');
      const composed = withKernels(false, () => run(shape));
      const before = tf.memory().numTensors;
      const fused = run(shape);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      const names = ['u', 'v', 'wsn (1st call)', 'wsn (2nd call)', 'dL/dw'];
      fused.forEach((f, i) => {
        assert.equal(f.length, composed[i].length, names[i]);
        for (let j = 0; j < f.length; j++) {
          assert.ok(Object.is(f[j], composed[i][j]), `${names[i]}[${j}]: ${f[j]} vs ${composed[i][j]}`);
        }
      });
      await tf.setBackend('cpu');
      const cpu = run(shape);
      await tf.setBackend('wasm');
      fused.forEach((f, i) => assert.ok(maxAbsDiff(f, cpu[i]) < 1e-4, `${names[i]} against cpu`));
    });
  }

  test('one kernel each runs, and none of the composed power iteration', async () => {
    await tf.setBackend('wasm');
    const info = await tf.profile(() => {
      run(SHAPES[1]);
    });
    const count = (name: string) => info.kernels.filter((k) => k.name === name).length;
    assert.equal(count(SPECTRAL_POWER_ITERATION), 2);
    assert.equal(count(SPECTRAL_SIGMA), 2);
    assert.equal(count(SPECTRAL_SIGMA_GRAD), 2);
    for (const composed of ['Pow', 'Abs', 'Maximum']) assert.equal(count(composed), 0, `${composed} ran`);
  });
});
