// Helpers for tests that compare with reference values committed in test/fixtures/*.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export interface ArrayFixture {
  shape: number[];
  data: number[];
}

export function readFixture<T = any>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', file), 'utf8')) as T;
}

export function tensorOf<R extends tf.Rank = tf.Rank>(a: ArrayFixture): tf.Tensor<R> {
  return tf.tensor(a.data, a.shape as number[], 'float32') as unknown as tf.Tensor<R>;
}

/** max |a - b|, with a shape check. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor | ArrayFixture): number {
  const bt = b instanceof tf.Tensor ? b : tensorOf(b);
  if (!tf.util.arraysEqual(a.shape, bt.shape)) throw new Error(`shape [${a.shape}] vs reference [${bt.shape}]`);
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, bt))).dataSync()[0]);
  if (!(b instanceof tf.Tensor)) bt.dispose();
  return d;
}

/** max |a| (to express an error relative to a value's scale) */
export function maxAbs(a: tf.Tensor | ArrayFixture): number {
  const t = a instanceof tf.Tensor ? a : tensorOf(a);
  const m = tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);
  if (!(a instanceof tf.Tensor)) t.dispose();
  return m;
}

/**
 * Central finite differences of a scalar function f at x, in float32 through tfjs, for every element.
 * Returns the numeric gradient as a flat Float64Array.
 */
export function finiteDifferenceGrad(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, h = 1e-2): Float64Array {
  const base = x.dataSync().slice();
  const g = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const at = (delta: number) => {
      const v = base.slice();
      v[i] += delta;
      return tf.tidy(() => f(tf.tensor(v, x.shape)).dataSync()[0]);
    };
    g[i] = (at(h) - at(-h)) / (2 * h);
  }
  return g;
}
