/**
 * Deterministic PRNG for the demo-data generator.
 * All demo content modules take an `Rng` instead of calling Math.random(), so the same seed
 * always regenerates the same demo database (reproducible screenshots, stable tests).
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Uniform element of a non-empty array (throws on an empty one: that is a bug in a data table). */
  pick<T>(a: readonly T[]): T;
  /** true with probability p. */
  chance(p: number): boolean;
  /** Gaussian sample (Box–Muller). */
  normal(mean: number, sd: number): number;
}

/** mulberry32: tiny, fast, good enough statistical quality for demo data; 32-bit state. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => {
    const lo = Math.ceil(Math.min(min, max));
    const hi = Math.floor(Math.max(min, max));
    return lo + Math.floor(next() * (hi - lo + 1));
  };
  return {
    next,
    int,
    pick<T>(a: readonly T[]): T {
      if (a.length === 0) throw new Error('rng.pick: empty array');
      return a[int(0, a.length - 1)] as T;
    },
    chance: (p: number): boolean => next() < p,
    normal(mean: number, sd: number): number {
      // 1 - next() is in (0, 1], so log() never sees 0.
      const u1 = 1 - next();
      const u2 = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
  };
}
