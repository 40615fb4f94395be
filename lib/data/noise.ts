// Seeded value noise and fractal (fBm) noise, evaluated at continuous coordinates. Coordinates are in
// image-relative units, so a scene looks the same at 64x64 and 256x256 (only sampled finer).
import { deriveSeed } from '../random/prng';

/** Hash of an integer lattice point -> [0, 1). */
function lattice(seed: number, ix: number, iy: number): number {
  let h = Math.imul(ix, 0x27d4eb2d) ^ Math.imul(iy, 0x165667b1) ^ seed;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth value noise in [0, 1) with a quintic fade. */
export function valueNoise(seed: number, x: number, y: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = x - ix;
  const fy = y - iy;
  const u = fx * fx * fx * (fx * (fx * 6 - 15) + 10);
  const v = fy * fy * fy * (fy * (fy * 6 - 15) + 10);
  const a = lattice(seed, ix, iy);
  const b = lattice(seed, ix + 1, iy);
  const c = lattice(seed, ix, iy + 1);
  const d = lattice(seed, ix + 1, iy + 1);
  return a + (b - a) * u + (c - a) * v + (a - b - c + d) * u * v;
}

export type Noise2D = (x: number, y: number) => number;

/** Fractal noise: `octaves` octaves of value noise, each at ~twice the frequency and `gain` times the amplitude.
 *  Result roughly in [0, 1], mean 0.5. Octave seeds are derived once, so a call costs `octaves` lookups. */
export function createFbm(seed: number, octaves = 4, gain = 0.5): Noise2D {
  const seeds = Array.from({ length: octaves }, (_, o) => deriveSeed(seed, o));
  let norm = 0;
  for (let o = 0, amp = 1; o < octaves; o++, amp *= gain) norm += amp;
  return (x, y) => {
    let sum = 0;
    let amp = 1;
    let f = 1;
    for (let o = 0; o < octaves; o++) {
      sum += amp * valueNoise(seeds[o], x * f, y * f);
      amp *= gain;
      f *= 2.03; // not exactly 2, so octave lattices do not line up
    }
    return sum / norm;
  };
}
