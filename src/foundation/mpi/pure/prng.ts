/**
 * Seeded pseudo-random numbers for tests and simulations: mulberry32 (Tommy Ettinger, 2017,
 * public domain), 32-bit state, period 2^32. Not for cryptography.
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
