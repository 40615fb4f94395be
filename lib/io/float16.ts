// IEEE 754 binary16 ("half") <-> float32, for shipping generator weights at half the size. Round to nearest, ties
// to even, as numpy's astype(float16) and every FPU: exponent bias 15, 10 mantissa bits, largest finite 65504,
// subnormals down to 2^-24. Relative rounding error of a normal value is at most 2^-11.
// Node 20 has no Float16Array: the bits are computed from the float32 bits.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 value -> binary16 bits (0..0xffff); overflow gives +-Infinity, NaN stays NaN. */
export function float16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf, or a quiet NaN
  const e = exp - 127 + 15; // the half's biased exponent
  if (e >= 31) return sign | 0x7c00; // |value| >= 2^16: beyond 65504 + half an ulp
  if (e <= 0) {
    // subnormal half (or zero): value = m * 2^(exp-150) with the implicit bit, in units of 2^-24 that is m >> (14 - e)
    if (e < -10) return sign; // |value| < 2^-25: rounds to zero
    const m = mant | 0x800000;
    const shift = 14 - e; // 14..24
    let half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const tie = 1 << (shift - 1);
    if (rest > tie || (rest === tie && half & 1)) half++; // a carry into bit 10 is the smallest normal, correctly
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // a carry may reach the exponent (up to Infinity): correct
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** binary16 bits -> its value (exact in float32 and float64). */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Float32 values -> little-endian binary16 bytes (2 per value). */
export function encodeFloat16(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const h = float16Bits(values[i]);
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >>> 8;
  }
  return out;
}

/** Little-endian binary16 bytes -> float32 values. */
export function decodeFloat16(bytes: Uint8Array): Float32Array {
  if (bytes.length % 2) throw new Error(`decodeFloat16: ${bytes.length} bytes is not a whole number of 2-byte values`);
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = float16Value(bytes[2 * i] | (bytes[2 * i + 1] << 8));
  return out;
}
