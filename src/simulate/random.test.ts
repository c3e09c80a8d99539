import { describe, expect, it } from 'vitest';
import { allocate, hashString, Rng } from './random.js';
import { IdFactory, scrambleId } from './ids.js';

function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

describe('Rng (xoshiro128**)', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 100 }, () => a.nextUint32());
    const sb = Array.from({ length: 100 }, () => b.nextUint32());
    const sc = Array.from({ length: 100 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('derives independent, reproducible streams per label', () => {
    const x = Rng.derive(1, 'village:330109001001').float();
    expect(Rng.derive(1, 'village:330109001001').float()).toBe(x);
    expect(Rng.derive(1, 'village:330109001002').float()).not.toBe(x);
    expect(Rng.derive(2, 'village:330109001001').float()).not.toBe(x);
  });

  it('floats are uniform on [0, 1)', () => {
    const r = new Rng(7);
    const xs = Array.from({ length: 100_000 }, () => r.float());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const { mean, variance } = moments(xs);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 2);
  });

  it('int covers both ends inclusively', () => {
    const r = new Rng(3);
    const seen = new Set(Array.from({ length: 2000 }, () => r.int(1, 6)));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('normal has the requested mean and standard deviation', () => {
    const r = new Rng(11);
    const { mean, variance } = moments(Array.from({ length: 100_000 }, () => r.normal(120, 15)));
    expect(mean).toBeCloseTo(120, 0);
    expect(Math.sqrt(variance)).toBeCloseTo(15, 0);
  });

  it.each([0.3, 4, 25, 80])('poisson(%s) has mean ≈ variance ≈ lambda', (lambda) => {
    const r = new Rng(5);
    const { mean, variance } = moments(Array.from({ length: 50_000 }, () => r.poisson(lambda)));
    expect(Math.abs(mean - lambda)).toBeLessThan(0.03 * lambda + 0.01);
    expect(Math.abs(variance - lambda)).toBeLessThan(0.06 * lambda + 0.02);
  });

  it('poisson(0) is 0', () => {
    expect(new Rng(1).poisson(0)).toBe(0);
  });

  it.each([[20, 0.3], [500, 0.12]])('binomial(%s, %s) has mean np and variance np(1-p)', (n, p) => {
    const r = new Rng(9);
    const { mean, variance } = moments(Array.from({ length: 30_000 }, () => r.binomial(n, p)));
    expect(Math.abs(mean - n * p) / (n * p)).toBeLessThan(0.02);
    expect(Math.abs(variance - n * p * (1 - p)) / (n * p * (1 - p))).toBeLessThan(0.06);
  });

  it('categorical follows the weights', () => {
    const r = new Rng(13);
    const counts = [0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[r.categorical([1, 2, 3])]++;
    expect(counts[0] / 60_000).toBeCloseTo(1 / 6, 2);
    expect(counts[1] / 60_000).toBeCloseTo(2 / 6, 2);
    expect(counts[2] / 60_000).toBeCloseTo(3 / 6, 2);
  });

  it('shuffle is a permutation', () => {
    const xs = Array.from({ length: 50 }, (_, i) => i);
    const ys = new Rng(1).shuffle(xs.slice());
    expect(ys).not.toEqual(xs);
    expect(ys.slice().sort((a, b) => a - b)).toEqual(xs);
  });
});

describe('helpers', () => {
  it('hashString is FNV-1a (test vectors)', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });

  it('allocate splits exactly and proportionally', () => {
    expect(allocate(10, [1, 1, 1])).toEqual([4, 3, 3]);
    const parts = allocate(20_000, [0.3, 1.7, 2.2, 0.9]);
    expect(parts.reduce((s, x) => s + x, 0)).toBe(20_000);
    expect(parts[2]).toBe(Math.round((20_000 * 2.2) / 5.1));
  });
});

describe('ids', () => {
  it('are UUID-shaped, deterministic and unique across streams', () => {
    expect(scrambleId(1, 2, 3)).toBe(scrambleId(1, 2, 3));
    expect(scrambleId(1, 2, 3)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const seen = new Set<string>();
    for (let stream = 0; stream < 20; stream++) {
      const f = new IdFactory(99, stream);
      for (let i = 0; i < 10_000; i++) seen.add(f.next());
    }
    expect(seen.size).toBe(200_000);
  });
});
