/**
 * Seeded pseudo-random numbers for reproducible simulations and tests (no Math.random).
 * Mulberry32 (Tommy Ettinger, public domain): 32-bit state, period 2^32; normals by Box–Muller.
 */

/** A seeded generator of uniform and normal deviates. */
export interface Prng {
  /** Uniform on [0, 1). */
  next(): number;
  /** Standard normal deviate. */
  normal(): number;
}

/** Creates a Mulberry32 generator; the same seed always gives the same sequence. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  let spare: number | undefined;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
