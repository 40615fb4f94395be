// Separable 2-D smoothing of a float64 plane, matching scipy.ndimage (used by skimage's SSIM): a 1-D kernel run
// along rows then columns, borders in scipy's 'reflect' mode (d c b a | a b c d | d c b a).

/** scipy.ndimage._gaussian_kernel1d: exp(-x^2 / (2 sigma^2)) for |x| <= radius = floor(truncate * sigma + 0.5),
 *  normalised to sum 1. skimage's SSIM uses truncate 3.5, so sigma 1.5 gives 11 taps. */
export function gaussianKernel1d(sigma: number, truncate = 3.5): Float64Array {
  if (!(sigma > 0)) throw new Error(`gaussianKernel1d: sigma must be > 0, got ${sigma}`);
  const radius = Math.floor(truncate * sigma + 0.5);
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp((-0.5 * i * i) / (sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** scipy.ndimage.uniform_filter with an odd size: equal weights 1/size. */
export function uniformKernel1d(size: number): Float64Array {
  if (!Number.isInteger(size) || size < 1 || size % 2 !== 1)
    throw new Error(`uniformKernel1d: size must be a positive odd integer, got ${size}`);
  return new Float64Array(size).fill(1 / size);
}

/** scipy 'reflect' index: half-sample symmetric, period 2n. */
function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - 1 - j;
  return j;
}

/** Correlates a [H * W] plane with `kernel` (odd length, centred) along x, then along y. */
export function separableFilter(
  plane: Float64Array,
  height: number,
  width: number,
  kernel: Float64Array,
): Float64Array {
  const r = (kernel.length - 1) >> 1;
  const tmp = new Float64Array(height * width);
  const out = new Float64Array(height * width);
  const row = new Float64Array(width + 2 * r); // one padded row / column, so the inner loop has no branches
  for (let y = 0; y < height; y++) {
    for (let x = -r; x < width + r; x++) row[x + r] = plane[y * width + reflectIndex(x, width)];
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = 0; k < kernel.length; k++) s += kernel[k] * row[x + k];
      tmp[y * width + x] = s;
    }
  }
  const col = new Float64Array(height + 2 * r);
  for (let x = 0; x < width; x++) {
    for (let y = -r; y < height + r; y++) col[y + r] = tmp[reflectIndex(y, height) * width + x];
    for (let y = 0; y < height; y++) {
      let s = 0;
      for (let k = 0; k < kernel.length; k++) s += kernel[k] * col[y + k];
      out[y * width + x] = s;
    }
  }
  return out;
}
