// Training the selfie segmenter on the wasm backend: our DepthwiseConv2dNativeBackpropInput/Filter kernels
// (lib/backend/depthwiseConv.ts; tfjs-wasm 4.22 has none, so tf.grad threw "not registered") against tfjs' cpu
// kernels, and the whole network's forward pass and weight gradients on wasm against cpu.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNELS } from '../lib/backend/index';
import { loadPretrainedSegmenter } from '../lib/models/pretrainedSegmenter';
import { initWasmAndCpu, maxAbs, maxAbsDiff, runOn, size, testValues } from './backendHarness';

type Shape4 = [number, number, number, number];
interface Case {
  x: Shape4;
  w: Shape4;
  stride: number;
  pad: 'same' | 'valid';
}
const CASES: Case[] = [
  { x: [2, 9, 7, 3], w: [3, 3, 3, 1], stride: 1, pad: 'same' },
  { x: [1, 10, 10, 4], w: [5, 5, 4, 1], stride: 2, pad: 'same' }, // the segmenter's stride-2 5x5 (asymmetric pad)
  { x: [2, 8, 9, 2], w: [3, 3, 2, 2], stride: 2, pad: 'valid' }, // channel multiplier 2
  { x: [1, 7, 6, 3], w: [2, 4, 3, 3], stride: 1, pad: 'same' }, // even, non-square kernel
];

before(initWasmAndCpu);

describe('depthwise conv gradient kernels on wasm', () => {
  test('are registered and ours', () => {
    for (const name of ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']) {
      assert.equal(tf.getKernel(name, 'wasm')?.kernelFunc, (WASM_KERNELS as Record<string, unknown>)[name]);
    }
  });

  for (const c of CASES) {
    test(`equal the cpu backend: x[${c.x}] w[${c.w}] stride ${c.stride} ${c.pad}`, async () => {
      const xv = testValues(size(c.x), 1);
      const wv = testValues(size(c.w), 2);
      const gv = testValues(size(c.x) * c.w[3], 3);
      const f = () => {
        const x = tf.tensor4d(xv, c.x);
        const w = tf.tensor4d(wv, c.w);
        const conv = (a: tf.Tensor, b: tf.Tensor) =>
          tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
        const y = conv(x, w);
        const g = tf.tensor(gv.subarray(0, y.size), y.shape);
        return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), g)))([x, w])];
      };
      const cpu = await runOn('cpu', f);
      const wasm = await runOn('wasm', f);
      ['y', 'dx', 'dW'].forEach((what, k) => {
        const diff = maxAbsDiff(wasm[k], cpu[k]);
        assert.ok(maxAbs(cpu[k]) > 0.1, `${what} is not trivially zero`);
        assert.ok(diff <= 2e-5 * maxAbs(cpu[k]), `${what}: max |wasm - cpu| = ${diff}`);
      });
    });
  }
});

describe('the selfie segmenter on wasm', () => {
  test('forward pass and weight gradients equal the cpu backend; no tensors leak', async () => {
    const seg = await loadPretrainedSegmenter();
    const image = testValues(2 * 16 * 16 * 3, 4).map((v) => v + 0.5);
    const weight = testValues(2 * 16 * 16, 5);
    const vars = seg.params.trainableVariables();
    const f = () => {
      const x = tf.tensor4d(image, [2, 16, 16, 3]);
      const g = tf.tensor4d(weight, [2, 16, 16, 1]);
      const p = seg.personProbability(x);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(seg.personProbability(x), g)) as tf.Scalar, vars);
      return [p, ...vars.map((v) => grads[v.name])];
    };
    const cpu = await runOn('cpu', f);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const wasm = await runOn('wasm', f);
    assert.equal(tf.memory().numTensors, before, 'no tensors leak on wasm');
    assert.ok(maxAbsDiff(wasm[0], cpu[0]) < 1e-5, `P(person): max |wasm - cpu| = ${maxAbsDiff(wasm[0], cpu[0])}`);
    const scale = Math.max(...cpu.slice(1).map(maxAbs));
    let worst = 0;
    for (let k = 1; k < cpu.length; k++) worst = Math.max(worst, maxAbsDiff(wasm[k], cpu[k]));
    assert.ok(scale > 1e-3, 'the gradients are not trivially zero');
    assert.ok(worst <= 1e-3 * scale, `weight gradients: max |wasm - cpu| = ${worst} (largest gradient ${scale})`);
    seg.dispose();
  });
});
