// The fused native Adam update (lib/backend/native.ts nativeAdamUpdate, used by lib/train/adam.ts) against the same
// Adam as tf ops on wasm and on tfjs' cpu backend (an independent float32 implementation of every op): five steps on
// parameters of several shapes, weights and both moments equal bit for bit; the fused path is the one that runs
// (one addon call, no tf kernel, no tensor made); a parameter whose memory another tensor shares takes the tf ops,
// and that tensor keeps its values. Skipped, saying why, where the addon is not built.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/index';
import { loadNativeAddon, useNativeAdam } from '../lib/backend/native';
import { Adam, type AdamConfig } from '../lib/train/adam';
import { testValues } from './backendHarness';

const unavailable = process.env.TFJS_NATIVE === '0' ? 'TFJS_NATIVE=0' : loadNativeAddon();
const skip = unavailable ? `native kernels unavailable: ${unavailable}` : false;
if (skip) console.log(`# skipping the native Adam tests: ${skip}`);

before(async () => {
  if (!skip) await initBackend({ backend: 'wasm', threads: 1, log: false });
});

/** a conv filter, a bias, a depthwise filter, an odd-sized tensor, a scalar-like one */
const SHAPES: Record<string, number[]> = {
  conv: [3, 3, 16, 16],
  bias: [16],
  depthwise: [5, 5, 24, 1],
  odd: [7, 3, 11],
  one: [1],
};
const CONFIG: AdamConfig = { lr: 2e-3, beta1: 0.5, beta2: 0.999 };
const STEPS = 5;

/** A variable holding its own memory (tf.variable(t) shares t's until t is disposed). */
function variable(values: Float32Array, shape: number[], name?: string): tf.Variable {
  const t = tf.tensor(values, shape);
  const v = tf.variable(t, true, name);
  t.dispose();
  return v;
}

/** Weights, moments and step count after STEPS updates of Adam on `backend`, gradients a fixed sequence with
 *  values of very different sizes (so sqrt(v) and eps both matter), zeros included. */
async function train(backend: string, native: boolean): Promise<Map<string, Float32Array>> {
  await tf.setBackend(backend);
  useNativeAdam(native);
  const before = tf.memory().numTensors;
  const params = new Map(
    Object.entries(SHAPES).map(([name, shape], i) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return [name, variable(testValues(n, 10 + i), shape, `adamTest.${backend}.${native}.${name}`)];
    }),
  );
  const adam = new Adam(params, CONFIG);
  for (let step = 0; step < STEPS; step++) {
    const grads = new Map(
      [...params].map(([name, p], i) => {
        const scale = 10 ** (((i + step) % 7) - 4);
        const g = testValues(p.size, 100 * step + i).map((v, j) => (j % 13 === 0 ? 0 : v * scale));
        return [name, tf.tensor(g, p.shape)];
      }),
    );
    adam.apply(grads);
    tf.dispose([...grads.values()]);
  }
  const out = new Map<string, Float32Array>();
  for (const [name, p] of params) out.set(name, p.dataSync() as Float32Array);
  for (const [name, t] of adam.state()) out.set(name, t.dataSync() as Float32Array);
  assert.equal(adam.step, STEPS);
  adam.dispose();
  tf.dispose([...params.values()]);
  assert.equal(tf.memory().numTensors, before, `tensors leaked (${backend}, native ${native})`);
  useNativeAdam(false);
  return out;
}

function assertSame(actual: Map<string, Float32Array>, expected: Map<string, Float32Array>, what: string): void {
  assert.deepEqual([...actual.keys()], [...expected.keys()]);
  for (const [name, e] of expected) {
    const a = actual.get(name) as Float32Array;
    assert.equal(a.length, e.length, `${what} ${name}: length`);
    for (let i = 0; i < e.length; i++) {
      assert.ok(Object.is(a[i], e[i]), `${what} ${name}[${i}]: ${a[i]} vs ${e[i]}`);
    }
  }
}

describe('fused native Adam update', { skip }, () => {
  test('equals Adam as tf ops on wasm and on the cpu backend bit for bit, and repeats exactly', async () => {
    const fused = await train('wasm', true);
    assertSame(fused, await train('wasm', false), 'native vs wasm tf ops');
    assertSame(fused, await train('cpu', false), 'native vs cpu tf ops');
    assertSame(fused, await train('wasm', true), 'native run twice');
    // the weights did move, by about lr per step (more where the gradients' scale jumps 10x between steps)
    const start = testValues(16, 11);
    const moved = Math.max(...(fused.get('bias') as Float32Array).map((v, i) => Math.abs(v - start[i])));
    assert.ok(moved > CONFIG.lr && moved <= 2 * STEPS * CONFIG.lr, `bias moved by ${moved}`);
  });

  test('on wasm one fused call per parameter (no tf kernel, no tensor); off or on cpu, the tf ops', async () => {
    for (const [backend, native, expectKernels] of [
      ['wasm', true, false],
      ['wasm', false, true],
      ['cpu', true, true],
    ] as const) {
      await tf.setBackend(backend);
      useNativeAdam(native);
      const p = variable(testValues(48, 3), [4, 12]);
      const g = tf.tensor(testValues(48, 4), [4, 12]);
      const adam = new Adam(new Map([['p', p]]), CONFIG);
      const before = tf.memory().numTensors;
      const info = await tf.profile(() => adam.apply(new Map([['p', g]])));
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      assert.equal(
        info.kernels.length > 0,
        expectKernels,
        `${backend}, native ${native}: ` + `${info.kernels.map((k) => k.name).join(', ') || 'no kernel'}`,
      );
      assert.deepEqual(p.shape, [4, 12]);
      adam.dispose();
      tf.dispose([p, g]);
      useNativeAdam(false);
    }
  });

  test('a parameter sharing its memory (a clone) takes the tf ops; the clone keeps its values', async () => {
    await tf.setBackend('wasm');
    const values = testValues(30, 5);
    const run = (native: boolean) => {
      useNativeAdam(native);
      const p = variable(values, [5, 6]);
      const clone = p.clone(); // shares p's memory on wasm (lib/backend/identity.ts)
      const g = tf.tensor(testValues(30, 6), [5, 6]);
      const adam = new Adam(new Map([['p', p]]), CONFIG);
      adam.apply(new Map([['p', g]]));
      const out = [p.dataSync() as Float32Array, clone.dataSync() as Float32Array];
      adam.dispose();
      tf.dispose([p, clone, g]);
      useNativeAdam(false);
      return out;
    };
    const [p, clone] = run(true);
    const [pReference] = run(false);
    assert.deepEqual(clone, values, 'the clone changed');
    assert.deepEqual(p, pReference);
    assert.notDeepEqual(p, values);
  });
});
