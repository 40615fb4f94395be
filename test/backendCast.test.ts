// Cast on wasm (lib/backend/identity.ts): to the dtype a tensor already has it shares the input's memory (and
// outlives it); to another dtype it runs tfjs-wasm's conversion (a typed-array copy: float32 <-> int32 equal to
// tfjs' cpu backend); no tensor leak.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/index';
import { runOn } from './backendHarness';

before(async () => {
  await initBackend({ backend: 'wasm', threads: 1, log: false });
});

test("wasm Cast to the same dtype shares its input's memory and outlives it", async () => {
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const x = tf.tensor1d([1.5, -2, 3]);
  const y = tf.cast(x, 'float32');
  assert.equal(y.dataId, x.dataId);
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1.5, -2, 3]);
  y.dispose();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});

test('wasm Cast between float32 and int32 converts as the cpu backend does', async () => {
  const values = [1.5, -2.7, 0, 3, -0.2];
  const fn = () => {
    const x = tf.tensor1d(values);
    const i = tf.cast(x, 'int32');
    return [i, tf.cast(i, 'float32')];
  };
  const ours = await runOn('wasm', fn);
  const reference = await runOn('cpu', fn);
  ours.forEach((o, k) => assert.deepEqual(Array.from(o), Array.from(reference[k]), `output ${k}`));
});
