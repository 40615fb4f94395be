// Fréchet distance (lib/eval/frechet.ts) and the Jacobi eigensolver (lib/eval/symmetricEigen.ts) against
// scipy/numpy values made once by scripts/fixtures/metrics_frechet.py (pytorch-fid's formula with
// scipy.linalg.sqrtm). Measured relative error vs scipy: full-rank covariances 5e-15 (asserted 1e-12); rank-deficient
// ones (fewer samples than dimensions) 9.6e-9 (asserted 1e-7): there the reference itself is only that good, since
// each numerically-zero eigenvalue (~1e-15 * scale) adds sqrt(1e-15 * scale) to the trace term; the sample-space route
// here never forms those eigenvalues, and scipy's sqrtm and numpy's eigh references differ from each other by as much.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Prng } from '../lib/random/prng';
import { symmetricEigen } from '../lib/eval/symmetricEigen';
import { type GaussianStats, frechetDistance, frechetDistanceOfFeatures, gaussianStats } from '../lib/eval/frechet';

interface FeatureCase {
  name: string;
  dim: number;
  f1: number[][];
  f2: number[][];
  frechet: number;
}
interface StatsCase {
  name: string;
  dim: number;
  mu1: number[];
  cov1: number[];
  mu2: number[];
  cov2: number[];
  frechet: number;
}
const fx = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'metrics_frechet.json'), 'utf8')) as {
  features: FeatureCase[];
  stats: StatsCase[];
  symmetricEigen: { dim: number; matrix: number[]; eigenvalues: number[] };
};

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
const rows = (m: number[][]) => m.map((r) => Float64Array.from(r));

test('symmetricEigen: eigenvalues equal numpy eigvalsh to 1e-12', () => {
  const { dim, matrix, eigenvalues } = fx.symmetricEigen;
  const { values } = symmetricEigen(Float64Array.from(matrix), dim, false);
  eigenvalues.forEach((v, i) => assert.ok(Math.abs(values[i] - v) < 1e-12, `eigenvalue ${i}: ${values[i]} vs ${v}`));
});

test('symmetricEigen: A V = V diag(lambda) and V^T V = I to 1e-11 on a random 40x40 symmetric matrix', () => {
  const n = 40;
  const rng = new Prng(3);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) A[i * n + j] = A[j * n + i] = rng.normal();
  const { values, vectors } = symmetricEigen(A, n, true);
  const V = vectors!;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let av = 0;
      let vtv = 0;
      for (let k = 0; k < n; k++) {
        av += A[i * n + k] * V[k * n + j];
        vtv += V[k * n + i] * V[k * n + j];
      }
      worst = Math.max(worst, Math.abs(av - V[i * n + j] * values[j]), Math.abs(vtv - (i === j ? 1 : 0)));
    }
  }
  assert.ok(worst < 1e-11, `worst residual ${worst}`);
  for (let i = 1; i < n; i++) assert.ok(values[i] >= values[i - 1], 'eigenvalues ascending');
});

const statsOf = (c: StatsCase): [GaussianStats, GaussianStats] => [
  { dim: c.dim, mean: Float64Array.from(c.mu1), cov: Float64Array.from(c.cov1) },
  { dim: c.dim, mean: Float64Array.from(c.mu2), cov: Float64Array.from(c.cov2) },
];

for (const c of fx.stats) {
  test(`${c.name}: frechetDistance(stats) matches scipy sqrtm to 1e-12 relative`, () => {
    const [s1, s2] = statsOf(c);
    const got = frechetDistance(s1, s2);
    assert.ok(rel(got, c.frechet) < 1e-12, `got ${got}, scipy ${c.frechet}, rel error ${rel(got, c.frechet)}`);
  });
}

for (const c of fx.features) {
  const tol = Math.min(c.f1.length, c.f2.length) > c.dim ? 1e-12 : 1e-7;
  test(
    `${c.name} (d=${c.dim}, n=${c.f1.length}/${c.f2.length}): features route and d x d route match scipy to ` +
      `${tol} relative`,
    () => {
      const f1 = rows(c.f1);
      const f2 = rows(c.f2);
      const viaFeatures = frechetDistanceOfFeatures(f1, f2);
      const viaStats = frechetDistance(gaussianStats(f1), gaussianStats(f2));
      assert.ok(rel(viaFeatures, c.frechet) < tol, `features route ${viaFeatures} vs scipy ${c.frechet}`);
      assert.ok(rel(viaStats, c.frechet) < tol, `d x d route ${viaStats} vs scipy ${c.frechet}`);
      assert.ok(rel(frechetDistanceOfFeatures(f2, f1), viaFeatures) < 1e-12, 'symmetric in its arguments');
    },
  );
}

test(
  'a wrong shortcut, tr(sqrt(S1) sqrt(S2)) in place of tr(sqrt(S1 S2)), ' + 'does NOT match scipy (rel error > 1e-3)',
  () => {
    for (const c of fx.stats) {
      const [s1, s2] = statsOf(c);
      const d = c.dim;
      const root = (cov: Float64Array) => {
        const e = symmetricEigen(cov, d, true);
        const V = e.vectors!;
        const r = new Float64Array(d * d);
        for (let i = 0; i < d; i++)
          for (let j = 0; j < d; j++)
            for (let k = 0; k < d; k++) r[i * d + j] += V[i * d + k] * Math.sqrt(e.values[k]) * V[j * d + k];
        return r;
      };
      const r1 = root(s1.cov);
      const r2 = root(s2.cov);
      let trProduct = 0;
      let rest = 0;
      for (let i = 0; i < d; i++) {
        for (let k = 0; k < d; k++) trProduct += r1[i * d + k] * r2[k * d + i];
        rest += (s1.mean[i] - s2.mean[i]) ** 2 + s1.cov[i * d + i] + s2.cov[i * d + i];
      }
      const wrong = rest - 2 * trProduct;
      assert.ok(rel(wrong, c.frechet) > 1e-3, `${c.name}: wrong shortcut within ${rel(wrong, c.frechet)}`);
    }
  },
);

test('identical feature sets are at distance 0 (to 1e-9), both routes', () => {
  const rng = new Prng(11);
  const f = Array.from({ length: 6 }, () => Float64Array.from({ length: 20 }, () => rng.normal()));
  assert.ok(frechetDistanceOfFeatures(f, f) < 1e-9);
  const g = Array.from({ length: 30 }, () => Float64Array.from({ length: 4 }, () => rng.normal()));
  assert.ok(frechetDistanceOfFeatures(g, g) < 1e-9);
});

test('bad inputs give errors that name the problem', () => {
  const one = [new Float64Array(3)];
  assert.throws(
    () => frechetDistanceOfFeatures(one, [new Float64Array(3), new Float64Array(3)]),
    /at least 2 feature vectors/,
  );
  assert.throws(
    () =>
      frechetDistanceOfFeatures([new Float64Array(3), new Float64Array(3)], [new Float64Array(4), new Float64Array(4)]),
    /feature sizes differ/,
  );
  assert.throws(() => symmetricEigen(Float64Array.from([1, 2, 3, 4]), 2, false), /not symmetric/);
  assert.throws(() => symmetricEigen(new Float64Array(5), 2, false), /expected 2x2/);
});
