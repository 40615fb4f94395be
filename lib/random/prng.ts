// Seeded pseudo-random numbers. Library code never calls Math.random: every random choice flows from a seed,
// so the same seed gives the same data, byte for byte.
//
// Generator: sfc32 (Chris Doty-Humphrey's "small fast chaotic" PRNG, PractRand-clean), seeded through splitmix32.
// `deriveSeed(seed, ...keys)` hashes a seed with integer keys so item i of a dataset gets its own independent
// stream: items can be generated in any order (random access, caching) and still be identical.

/** splitmix32 finaliser: a well-mixed 32-bit hash of a 32-bit integer. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A 32-bit seed derived from a base seed and integer keys (e.g. deriveSeed(seed, itemIndex, attempt)). */
export function deriveSeed(seed: number, ...keys: number[]): number {
  let h = mix32(seed >>> 0);
  for (const k of keys) h = mix32((h ^ mix32(k >>> 0)) + 0x632be5ab);
  return h;
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Prng: seed must be a finite number, got ${seed}`);
    const s = Math.floor(seed) >>> 0;
    this.a = mix32(s);
    this.b = mix32(s ^ 0x2545f491);
    this.c = mix32(s ^ 0x6a09e667);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.uint32(); // warm up
  }

  /** Uniform integer in [0, 2^32). */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi) (hi exclusive, like numpy's randint). */
  int(lo: number, hi: number): number {
    if (!(hi > lo)) throw new Error(`Prng.int: empty range [${lo}, ${hi})`);
    return lo + Math.floor(this.next() * (hi - lo));
  }

  /** Standard normal sample (Box-Muller). */
  normal(mean = 0, std = 1): number {
    const u = 1 - this.next(); // (0, 1]
    const v = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Prng.pick: empty list');
    return items[this.int(0, items.length)];
  }
}
