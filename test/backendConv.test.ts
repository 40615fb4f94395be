// Our wasm convolution gradient kernels against independent references:
//  - tfjs' cpu backend (its own Conv2DBackpropInput/Filter kernels) for dilation 1;
//  - for dilation > 1, the cpu backend on the equivalent undilated conv with a zero-inserted filter
//    (so the reference does not use our dilated Conv2D gradient at all);
//  - central finite differences of a float64 convolution written out in plain loops.
// Tolerance: 2e-5 relative to the reference's largest magnitude (float32 summation order differs).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNELS } from '../lib/backend';
import { initWasmAndCpu, maxAbs, maxAbsDiff, runOn, size, testValues } from './backendHarness';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride: number;
  pad: Pad;
  dilation: number;
}

const explicit = (t: number, b: number, l: number, r: number): Pad => [
  [0, 0],
  [t, b],
  [l, r],
  [0, 0],
];

const CASES: Case[] = [
  { x: [2, 9, 7, 3], w: [3, 3, 3, 5], stride: 1, pad: 'same', dilation: 1 },
  { x: [1, 8, 8, 4], w: [3, 3, 4, 4], stride: 1, pad: 'valid', dilation: 1 },
  { x: [3, 11, 6, 2], w: [7, 7, 2, 3], stride: 1, pad: explicit(3, 3, 3, 3), dilation: 1 },
  { x: [2, 7, 9, 3], w: [3, 4, 3, 2], stride: 1, pad: explicit(0, 2, 1, 2), dilation: 1 }, // asymmetric pads
  { x: [1, 6, 7, 2], w: [4, 4, 2, 3], stride: 1, pad: 'same', dilation: 1 }, // even kernel: 'same' pads 1 / 2
  { x: [2, 9, 7, 3], w: [3, 3, 3, 5], stride: 2, pad: 'same', dilation: 1 },
  { x: [2, 10, 10, 4], w: [4, 4, 4, 6], stride: 2, pad: explicit(1, 1, 1, 1), dilation: 1 },
  { x: [1, 13, 9, 3], w: [4, 4, 3, 2], stride: 2, pad: 'valid', dilation: 1 },
  { x: [2, 10, 10, 4], w: [4, 4, 4, 1], stride: 1, pad: explicit(1, 1, 1, 1), dilation: 1 }, // PatchGAN last layer
  { x: [2, 9, 7, 3], w: [3, 3, 3, 5], stride: 1, pad: 'same', dilation: 2 },
  { x: [2, 12, 11, 4], w: [3, 3, 4, 4], stride: 1, pad: 'valid', dilation: 2 }, // EdgeConnect res block
  { x: [1, 10, 10, 2], w: [3, 3, 2, 3], stride: 1, pad: explicit(2, 1, 0, 2), dilation: 2 },
  { x: [1, 15, 14, 2], w: [3, 2, 2, 3], stride: 1, pad: 'valid', dilation: 3 },
];

const label = (c: Case) => `x[${c.x}] w[${c.w}] stride ${c.stride} pad ${JSON.stringify(c.pad)} dilation ${c.dilation}`;

/** y, dL/dx, dL/dW for L = sum(g * conv(x, w)). */
function convAndGrads(
  c: Case,
  xv: Float32Array,
  wv: Float32Array,
  gv: Float32Array,
  dilation = c.dilation,
  wShape = c.w,
) {
  const x = tf.tensor4d(xv, c.x);
  const w = tf.tensor4d(wv, wShape);
  const f = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, c.stride, c.pad, 'NHWC', dilation);
  const y = f(x, w);
  const g = tf.tensor(gv.subarray(0, y.size), y.shape);
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), g)))([
    x,
    w,
  ]);
  return [y, dx, dw];
}

/** The filter of a dilated conv with zeros inserted between taps: an undilated conv that computes the same. */
function zeroInserted(
  wv: Float32Array,
  [kh, kw, ci, co]: number[],
  d: number,
): { values: Float32Array; shape: [number, number, number, number] } {
  const KH = (kh - 1) * d + 1;
  const KW = (kw - 1) * d + 1;
  const out = new Float32Array(KH * KW * ci * co);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < ci * co; k++) out[(i * d * KW + j * d) * ci * co + k] = wv[(i * kw + j) * ci * co + k];
  return { values: out, shape: [KH, KW, ci, co] };
}

function tapsOf(dwBig: Float32Array, [kh, kw, ci, co]: number[], d: number): Float32Array {
  const KW = (kw - 1) * d + 1;
  const out = new Float32Array(kh * kw * ci * co);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < ci * co; k++) out[(i * kw + j) * ci * co + k] = dwBig[(i * d * KW + j * d) * ci * co + k];
  return out;
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  const tol = 2e-5 * Math.max(1, maxAbs(expected));
  const err = maxAbsDiff(actual, expected);
  assert.ok(err <= tol, `${what}: max abs error ${err.toExponential(2)} > ${tol.toExponential(2)}`);
}

describe('wasm conv2d gradients match independent references', () => {
  before(initWasmAndCpu);

  for (const c of CASES) {
    test(label(c), async () => {
      const xv = testValues(size(c.x), 1);
      const wv = testValues(size(c.w), 2);
      const gv = testValues(4096, 3);
      const ours = await runOn('wasm', () => convAndGrads(c, xv, wv, gv));
      let reference: Float32Array[];
      if (c.dilation === 1) {
        reference = await runOn('cpu', () => convAndGrads(c, xv, wv, gv));
      } else {
        const big = zeroInserted(wv, c.w, c.dilation);
        const [y, dx, dwBig] = await runOn('cpu', () => convAndGrads(c, xv, big.values, gv, 1, big.shape));
        reference = [y, dx, tapsOf(dwBig, c.w, c.dilation)];
      }
      assertClose(ours[0], reference[0], 'forward');
      assertClose(ours[1], reference[1], 'dL/dx');
      assertClose(ours[2], reference[2], 'dL/dW');
      if (c.dilation > 1) {
        // the tf-op fallback our Conv2D gradient uses on backends without our kernels
        const cpu = await runOn('cpu', () => convAndGrads(c, xv, wv, gv));
        assertClose(cpu[1], reference[1], 'dL/dx (cpu fallback)');
        assertClose(cpu[2], reference[2], 'dL/dW (cpu fallback)');
      }
    });
  }

  test('filter gradient over several patch blocks (input larger than one im2col block)', async () => {
    // K = 7*7*24 = 1176 patch values per position, 56 positions per output row: 2^23 / (1176 * 56) = 127
    // output rows fit in one block, and there are 3 * 56 = 168, so the kernel accumulates two blocks.
    const c: Case = { x: [3, 56, 56, 24], w: [7, 7, 24, 2], stride: 1, pad: 'same', dilation: 1 };
    const xv = testValues(size(c.x), 4);
    const wv = testValues(size(c.w), 5);
    const gv = testValues(3 * 56 * 56 * 2, 6);
    const ours = await runOn('wasm', () => convAndGrads(c, xv, wv, gv));
    const reference = await runOn('cpu', () => convAndGrads(c, xv, wv, gv));
    assertClose(ours[2], reference[2], 'dL/dW');
  });
});

describe('conv2dTranspose (forward = Conv2DBackpropInput) on wasm matches cpu', () => {
  before(initWasmAndCpu);
  const cases: { x: [number, number, number, number]; w: [number, number, number, number]; stride: number }[] = [
    { x: [2, 8, 8, 6], w: [4, 4, 3, 6], stride: 2 }, // the EdgeConnect decoder layer
    { x: [1, 5, 7, 4], w: [4, 4, 2, 4], stride: 2 },
    { x: [3, 6, 5, 2], w: [3, 3, 3, 2], stride: 1 },
  ];
  for (const c of cases) {
    test(`x[${c.x}] w[${c.w}] stride ${c.stride}`, async () => {
      const out: [number, number, number, number] = [c.x[0], c.x[1] * c.stride, c.x[2] * c.stride, c.w[2]];
      const xv = testValues(size(c.x), 7);
      const wv = testValues(size(c.w), 8);
      const gv = testValues(size(out), 9);
      const run = () => {
        const x = tf.tensor4d(xv, c.x);
        const w = tf.tensor4d(wv, c.w);
        const g = tf.tensor4d(gv, out);
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, out, c.stride, 'same');
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), g)))([x, w]);
        return [f(x, w), dx, dw];
      };
      const ours = await runOn('wasm', run);
      const reference = await runOn('cpu', run);
      assertClose(ours[0], reference[0], 'forward');
      assertClose(ours[1], reference[1], 'dL/dx');
      assertClose(ours[2], reference[2], 'dL/dW');
    });
  }
});

describe('wasm conv2d gradients match finite differences of a float64 convolution', () => {
  before(initWasmAndCpu);

  /** sum(g * conv(x, w)) in float64 with plain loops (stride, dilation, explicit pads). */
  function loss64(c: Case & { pad: Pad }, x: Float64Array, w: Float64Array, g: Float32Array): number {
    const [N, H, W, Ci] = c.x;
    const [kh, kw, , Co] = c.w;
    const info = tf.backend_util.computeConv2DInfo(c.x, c.w, c.stride, c.dilation, c.pad);
    const { outHeight: Ho, outWidth: Wo } = info;
    const { top, left } = info.padInfo;
    let total = 0;
    for (let n = 0; n < N; n++)
      for (let yo = 0; yo < Ho; yo++)
        for (let xo = 0; xo < Wo; xo++)
          for (let co = 0; co < Co; co++) {
            let acc = 0;
            for (let i = 0; i < kh; i++) {
              const yi = yo * c.stride + i * c.dilation - top;
              if (yi < 0 || yi >= H) continue;
              for (let j = 0; j < kw; j++) {
                const xi = xo * c.stride + j * c.dilation - left;
                if (xi < 0 || xi >= W) continue;
                for (let ci = 0; ci < Ci; ci++)
                  acc += x[((n * H + yi) * W + xi) * Ci + ci] * w[((i * kw + j) * Ci + ci) * Co + co];
              }
            }
            total += g[((n * Ho + yo) * Wo + xo) * Co + co] * acc;
          }
    return total;
  }

  const fdCases: Case[] = [CASES[3], CASES[4], CASES[8], CASES[9]];
  for (const c of fdCases) {
    test(label(c), async () => {
      const xv = testValues(size(c.x), 11);
      const wv = testValues(size(c.w), 12);
      const gv = testValues(4096, 13);
      const [, dx, dw] = await runOn('wasm', () => convAndGrads(c, xv, wv, gv));
      const eps = 1e-3;
      const check = (which: 'x' | 'w', analytic: Float32Array, index: number) => {
        const x = Float64Array.from(xv);
        const w = Float64Array.from(wv);
        const v = which === 'x' ? x : w;
        v[index] += eps;
        const up = loss64(c, x, w, gv);
        v[index] -= 2 * eps;
        const down = loss64(c, x, w, gv);
        const numeric = (up - down) / (2 * eps);
        assert.ok(
          Math.abs(numeric - analytic[index]) < 1e-4,
          `d/d${which}[${index}]: ${analytic[index]} vs FD ${numeric}`,
        );
      };
      for (const i of [0, 7, size(c.x) - 1, Math.floor(size(c.x) / 2)]) check('x', dx, i);
      for (const i of [0, 5, size(c.w) - 1, Math.floor(size(c.w) / 3)]) check('w', dw, i);
    });
  }
});

describe('registration', () => {
  before(initWasmAndCpu);
  // Listed by name, so that dropping one from WASM_KERNELS fails here even where a numeric test would
  // still pass through a fallback (tfjs' slow Conv2DBackpropInput, the tf-op MirrorPad fold).
  const expected = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'InstanceNorm', 'InstanceNormGrad', 'MirrorPadGrad'];
  for (const name of expected) {
    test(`${name} on wasm is ours`, () => {
      const ours = (WASM_KERNELS as Record<string, unknown>)[name];
      assert.ok(ours, `${name} is in WASM_KERNELS`);
      assert.equal(tf.getKernel(name, 'wasm')?.kernelFunc, ours);
    });
  }
});
