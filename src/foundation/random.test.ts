import { describe, expect, it } from 'vitest';
import { createPrng, drawIndex, mulberry32 } from './random.js';

describe('seeded random numbers', () => {
  it('mulberry32: equal seeds give equal sequences, different seeds different ones, all in [0, 1) with mean ½', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(mulberry32(43)()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it('createPrng: its uniforms are mulberry32, its normals have mean 0 and variance 1', () => {
    const rng = createPrng(7);
    const same = mulberry32(7);
    expect([rng.next(), rng.next()]).toEqual([same(), same()]);
    const zs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = zs.reduce((s, z) => s + z, 0) / zs.length;
    const variance = zs.reduce((s, z) => s + (z - mean) ** 2, 0) / (zs.length - 1);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.96);
    expect(variance).toBeLessThan(1.04);
  });

  it('drawIndex follows the given probabilities', () => {
    const rnd = mulberry32(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[drawIndex([0.2, 0.5, 0.3], rnd)]++;
    expect(counts.map((c) => Math.round(c / 300))).toEqual([20, 50, 30]);
  });
});
