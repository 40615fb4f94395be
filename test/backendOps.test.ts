// Every op the models train through, forward and gradient, on wasm (with our kernels) against tfjs'
// reference cpu backend; our fused kernels against their tf-op compositions and finite differences.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { foldIndex } from '../lib/backend/mirrorPadGradient';
import { instanceNorm, instanceNormComposed } from '../lib/nn/instanceNorm';
import { reflectionPad2d } from '../lib/nn/reflectionPad';
import { spectralNormWeight } from '../lib/nn/spectralNorm';
import { gramMatrix } from '../lib/losses/style';
import { pixelCrossEntropy } from '../lib/losses/crossEntropy';
import { Generator } from '../lib/models/generator';
import { Discriminator } from '../lib/models/discriminator';
import { initWasmAndCpu, maxAbs, maxAbsDiff, runOn, size, testValues } from './backendHarness';

function assertClose(actual: Float32Array, expected: Float32Array, what: string, rel = 2e-5): void {
  const tol = rel * Math.max(1, maxAbs(expected));
  const err = maxAbsDiff(actual, expected);
  assert.ok(err <= tol, `${what}: max abs error ${err.toExponential(2)} > ${tol.toExponential(2)}`);
}

/** value and gradient of sum(g * f(x)) w.r.t. x */
function valueAndGrad(f: (x: tf.Tensor) => tf.Tensor, xv: Float32Array, shape: number[], seed = 99): tf.Tensor[] {
  const x = tf.tensor(xv, shape);
  const y = f(x);
  const g = tf.tensor(testValues(y.size, seed), y.shape);
  const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), g)))(x);
  return [y, dx];
}

/** Same computation on wasm and cpu; compares every output. */
async function sameOnBothBackends(what: string, run: () => tf.Tensor[], rel = 2e-5): Promise<void> {
  const ours = await runOn('wasm', run);
  const reference = await runOn('cpu', run);
  ours.forEach((o, i) => assertClose(o, reference[i], `${what} [output ${i}]`, rel));
}

describe('ops the models train through: wasm vs cpu, forward and gradient', () => {
  before(initWasmAndCpu);
  const shapes = [
    [1, 5, 7, 3],
    [3, 8, 8, 16],
    [2, 9, 6, 5],
  ];

  for (const shape of shapes) {
    const xv = testValues(size(shape), 21);
    test(`elementwise activations [${shape}]`, () =>
      sameOnBothBackends('relu/leakyRelu/tanh/sigmoid', () => [
        ...valueAndGrad((x) => tf.relu(x), xv, shape),
        ...valueAndGrad((x) => tf.leakyRelu(x, 0.2), xv, shape),
        ...valueAndGrad((x) => tf.div(tf.add(tf.tanh(x), 1), 2), xv, shape),
        ...valueAndGrad((x) => tf.sigmoid(x), xv, shape),
      ]));
    test(`reflection padding p=1,2 [${shape}]`, () =>
      sameOnBothBackends('reflectionPad2d', () => [
        ...valueAndGrad((x) => reflectionPad2d(x as tf.Tensor4D, 1), xv, shape),
        ...valueAndGrad((x) => reflectionPad2d(x as tf.Tensor4D, 2), xv, shape),
      ]));
    test(`instance norm [${shape}]`, () =>
      sameOnBothBackends(
        'instanceNorm',
        () => valueAndGrad((x) => instanceNorm(tf.mul(x, 3) as tf.Tensor4D), xv, shape),
        5e-5,
      ));
    test(`Gram matrix, mean, sum [${shape}]`, () =>
      sameOnBothBackends('gram/mean/sum', () => [
        ...valueAndGrad((x) => gramMatrix(x as tf.Tensor4D), xv, shape),
        ...valueAndGrad((x) => tf.mean(tf.abs(x)), xv, shape),
        ...valueAndGrad((x) => tf.sum(tf.square(x), [1, 2]), xv, shape),
      ]));
    test(`softmax cross-entropy [${shape}]`, () => {
      const target = tf.tidy(() =>
        tf.oneHot(
          tf.tensor1d(
            Array.from({ length: size(shape) / shape[3] }, (_, i) => (i * 7) % shape[3]),
            'int32',
          ),
          shape[3],
        ),
      );
      const t = target.reshape(shape) as tf.Tensor4D;
      return sameOnBothBackends('pixelCrossEntropy', () =>
        valueAndGrad((x) => pixelCrossEntropy(x as tf.Tensor4D, t), xv, shape),
      );
    });
  }

  test('spectral norm power iteration and normalised weight', () => {
    const wv = testValues(4 * 4 * 6 * 5, 31);
    return sameOnBothBackends('spectralNormWeight', () => {
      const u = tf.variable(tf.tensor1d(testValues(5, 32)));
      const v = tf.variable(tf.tensor1d(testValues(96, 33)));
      const out = valueAndGrad((w) => spectralNormWeight(w as tf.Tensor4D, u, v, true), wv, [4, 4, 6, 5]);
      const result = [...out, u.clone(), v.clone()];
      u.dispose();
      v.dispose();
      return result;
    });
  });

  test('EdgeConnect generator (C=4, 2 dilated res blocks, 16x16, batch 2): output, every weight gradient', async () => {
    const xv = testValues(2 * 16 * 16 * 4, 41);
    const run = () => {
      const G = new Generator({ inChannels: 4, outChannels: 3, width: 4, numResBlocks: 2, seed: 3 });
      const x = tf.tensor4d(xv, [2, 16, 16, 4]);
      const vars = G.params.trainableVariables();
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.tanh(G.apply(x)))) as tf.Scalar, vars);
      const out = [value, ...vars.map((v) => grads[v.name])];
      G.params.dispose();
      return out;
    };
    await sameOnBothBackends('generator', run, 1e-4);
  });

  test('SN PatchGAN discriminator (C=4, 32x32, batch 2): logits, features and weight gradients', async () => {
    const xv = testValues(2 * 32 * 32 * 3, 42);
    const run = () => {
      const D = new Discriminator({ inChannels: 3, width: 4, seed: 5 });
      const x = tf.tensor4d(xv, [2, 32, 32, 3]);
      const vars = D.params.trainableVariables();
      const { value, grads } = tf.variableGrads(() => {
        const { logits, features } = D.apply(x, { training: true });
        return tf.addN([tf.mean(logits), ...features.map((f) => tf.mean(tf.abs(f)))]) as tf.Scalar;
      }, vars);
      const out = [value, ...vars.map((v) => grads[v.name])];
      D.params.dispose();
      return out;
    };
    await sameOnBothBackends('discriminator', run, 1e-4);
  });
});

describe('fused kernels against their compositions and finite differences', () => {
  before(initWasmAndCpu);

  test('InstanceNorm kernel is used on wasm, and matches the tf-op composition (forward and gradient)', async () => {
    assert.ok(tf.getKernel('InstanceNorm', 'wasm'), 'the fused kernel is registered on wasm');
    const shape = [3, 7, 5, 6];
    const xv = testValues(size(shape), 51).map((v, i) => v * 4 + (i % 6)); // per-channel offsets
    const fused = await runOn('wasm', () => valueAndGrad((x) => instanceNorm(x as tf.Tensor4D), xv, shape));
    const composed = await runOn('wasm', () => valueAndGrad((x) => instanceNormComposed(x as tf.Tensor4D), xv, shape));
    assertClose(fused[0], composed[0], 'forward', 1e-5);
    assertClose(fused[1], composed[1], 'gradient', 1e-4);
  });

  test('MirrorPad gradient: wasm kernel == tf-op fold on cpu == finite differences != tfjs-core slice', async () => {
    const shape = [2, 5, 6, 3];
    const xv = testValues(size(shape), 61);
    const f = (x: tf.Tensor) => tf.sin(reflectionPad2d(x as tf.Tensor4D, 3));
    const [, wasmGrad] = await runOn('wasm', () => valueAndGrad(f, xv, shape));
    const [, cpuGrad] = await runOn('cpu', () => valueAndGrad(f, xv, shape));
    assertClose(wasmGrad, cpuGrad, 'wasm vs cpu');
    // finite differences in float64 of L = sum(g * sin(pad(x))) for a few entries
    const g = testValues(2 * 11 * 12 * 3, 99);
    const loss = (x: Float64Array) => {
      let total = 0;
      for (let n = 0; n < 2; n++)
        for (let y = 0; y < 11; y++)
          for (let xx = 0; xx < 12; xx++)
            for (let c = 0; c < 3; c++) {
              const src = ((n * 5 + foldIndex(y, 3, 5, 'reflect')) * 6 + foldIndex(xx, 3, 6, 'reflect')) * 3 + c;
              total += g[((n * 11 + y) * 12 + xx) * 3 + c] * Math.sin(x[src]);
            }
      return total;
    };
    for (const i of [0, 4, 17, 50, size(shape) - 1]) {
      const x = Float64Array.from(xv);
      x[i] += 1e-4;
      const up = loss(x);
      x[i] -= 2e-4;
      const numeric = (up - loss(x)) / 2e-4;
      assert.ok(Math.abs(numeric - wasmGrad[i]) < 1e-4, `dx[${i}] ${wasmGrad[i]} vs FD ${numeric}`);
    }
    // tfjs-core's own gradient would be the centre slice of dy: it must differ (border pixels get more)
    const centre = await runOn('cpu', () => {
      const dy = tf.mul(
        tf.cos(reflectionPad2d(tf.tensor4d(xv, shape as [number, number, number, number]), 3)),
        tf.tensor4d(g, [2, 11, 12, 3]),
      );
      return [tf.slice(dy, [0, 3, 3, 0], shape)];
    });
    assert.ok(maxAbsDiff(centre[0], wasmGrad) > 0.1, 'our gradient differs from the centre slice tfjs-core would give');
  });
});

test('trainable code avoids the tfjs-core ops whose gradients are wrong or missing', () => {
  // mirrorPad is allowed: lib/backend/mirrorPadGradient.ts replaces its gradient (and lib/nn/reflectionPad.ts
  // registers it at import). The others have no replacement here.
  const forbidden: [RegExp, string][] = [
    [/halfPixelCenters|resizeBilinear\([^)]*true/, 'resizeBilinear with halfPixelCenters (wrong gradient)'],
    [/(maxPool|avgPool)\([^)]*'same'/, "maxPool/avgPool with 'same' padding (wrong gradient)"],
    [/tf\.greater\(/, 'tf.greater (no gradient; use tf.step)'],
    [/stridedSlice/, 'tf.stridedSlice (use tf.slice)'],
  ];
  const dirs = ['nn', 'models', 'losses', 'train'].map((d) => path.join(__dirname, '..', 'lib', d));
  const offenders: string[] = [];
  for (const dir of dirs) {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      // code only: a comment may name the op it avoids (lib/models/pretrainedSegmenter.ts does)
      const text = fs
        .readFileSync(path.join(dir, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      for (const [pattern, why] of forbidden)
        if (pattern.test(text)) offenders.push(`lib/${path.basename(dir)}/${file}: ${why}`);
    }
  }
  assert.deepEqual(offenders, []);
});
