/**
 * Seeded pseudo-random numbers for reproducible analyses, simulations and tests (no Math.random):
 * the MPI's synthetic pairs, the space-time scan's Monte Carlo replications, the risk model's
 * training splits. Mulberry32 (Tommy Ettinger, 2017, public domain): 32-bit state, period 2^32; normal
 * deviates by Box–Muller. Not for cryptography. (The district simulator uses its own xoshiro128**
 * streams, src/simulate/random.ts, for a longer period and independent per-village streams.)
 */

/**
 * A generator of uniform numbers in [0, 1) from a 32-bit seed.
 * @param seed any integer; equal seeds give equal sequences
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded generator of uniform and normal deviates. */
export interface Prng {
  /** Uniform on [0, 1). */
  next(): number;
  /** Standard normal deviate. */
  normal(): number;
}

/** Mulberry32 uniforms with Box–Muller normals; the same seed always gives the same sequence. */
export function createPrng(seed: number): Prng {
  const next = mulberry32(seed);
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    // Box–Muller: two uniforms give two independent standard normals.
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { next, normal };
}

/**
 * Draw an index from a discrete distribution.
 * @param probs probabilities summing to 1
 * @param rnd uniform [0, 1) source
 */
export function drawIndex(probs: readonly number[], rnd: () => number): number {
  let x = rnd();
  for (let i = 0; i < probs.length; i++) {
    x -= probs[i];
    if (x < 0) return i;
  }
  return probs.length - 1;
}
