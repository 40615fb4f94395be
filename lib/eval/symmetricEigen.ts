// Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method, in float64. Jacobi is slow for big
// matrices (about 10 sweeps of n^3 work) but simple and accurate to machine precision, even for the tiny and
// clustered eigenvalues of rank-deficient covariances. The Fréchet distance keeps n small (lib/eval/frechet.ts).

export interface SymmetricEigen {
  values: Float64Array; // [n], ascending
  vectors: Float64Array | null; // [n * n] row-major, column j is the eigenvector of values[j]
}

/** `a` is [n * n] row-major and must be symmetric (checked to 1e-10 relative); it is not modified. */
export function symmetricEigen(a: Float64Array, n: number, wantVectors: boolean, maxSweeps = 60): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`symmetricEigen: matrix has ${a.length} entries, expected ${n}x${n}`);
  const A = Float64Array.from(a);
  let norm2 = 0;
  for (let i = 0; i < A.length; i++) norm2 += A[i] * A[i];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(A[i * n + j] - A[j * n + i]) > 1e-10 * Math.sqrt(norm2))
        throw new Error(`symmetricEigen: matrix is not symmetric at (${i}, ${j})`);
    }
  }
  const V = wantVectors ? new Float64Array(n * n) : null;
  if (V) for (let i = 0; i < n; i++) V[i * n + i] = 1;

  for (let sweep = 0; ; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q] * A[p * n + q];
    if (off <= 1e-30 * norm2 || off === 0) break;
    if (sweep === maxSweeps)
      throw new Error(`symmetricEigen: no convergence after ${maxSweeps} sweeps (off-diagonal ${off})`);
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        // Rotation that zeroes A[p][q] (Numerical Recipes' form, with tau for stability).
        const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        const tau = s / (1 + c);
        A[p * n + p] -= t * apq;
        A[q * n + q] += t * apq;
        A[p * n + q] = A[q * n + p] = 0;
        for (let r = 0; r < n; r++) {
          if (r === p || r === q) continue;
          const g = A[r * n + p];
          const h = A[r * n + q];
          A[r * n + p] = A[p * n + r] = g - s * (h + g * tau);
          A[r * n + q] = A[q * n + r] = h + s * (g - h * tau);
        }
        if (V) {
          for (let r = 0; r < n; r++) {
            const g = V[r * n + p];
            const h = V[r * n + q];
            V[r * n + p] = g - s * (h + g * tau);
            V[r * n + q] = h + s * (g - h * tau);
          }
        }
      }
    }
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[i * n + i] - A[j * n + j]);
  const values = Float64Array.from(order, (i) => A[i * n + i]);
  let vectors: Float64Array | null = null;
  if (V) {
    vectors = new Float64Array(n * n);
    for (let r = 0; r < n; r++) for (let j = 0; j < n; j++) vectors[r * n + j] = V[r * n + order[j]];
  }
  return { values, vectors };
}
