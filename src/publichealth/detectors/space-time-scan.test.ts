import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../foundation/random.js';
import { scanLlr, spaceTimePermutationScan, type ScanArea } from './space-time-scan.js';

/** Poisson draw by inversion (small means). */
function poisson(random: () => number, mu: number): number {
  let k = 0;
  let p = Math.exp(-mu);
  let cdf = p;
  const u = random();
  while (u > cdf) {
    k++;
    p *= mu / k;
    cdf += p;
  }
  return k;
}

const grid: ScanArea[] = Array.from({ length: 16 }, (_, i) => ({ id: `v${i}`, x: i % 4, y: Math.floor(i / 4) }));

function nullCounts(seed: number, days = 40, mu = 1.5): number[][] {
  const random = mulberry32(seed);
  return Array.from({ length: days }, () => grid.map(() => poisson(random, mu)));
}

describe('building blocks', () => {
  it('scanLlr is the Poisson GLR of Kulldorff et al. 2005', () => {
    expect(scanLlr(10, 4, 100)).toBeCloseTo(10 * Math.log(10 / 4) + 90 * Math.log(90 / 96), 12);
    expect(scanLlr(3, 4, 100)).toBe(0);
  });
});

describe('spaceTimePermutationScan', () => {
  it('finds an injected 3-day cluster in two neighbouring villages with p < 0.05', () => {
    const counts = nullCounts(7);
    for (const day of [37, 38, 39]) for (const area of [5, 6]) counts[day][area] += 6;
    const [top] = spaceTimePermutationScan(grid, counts, { replications: 199, seed: 3 });
    expect(top.pValue).toBeLessThan(0.05);
    expect(top.areas).toEqual(expect.arrayContaining([5, 6]));
    expect(top.areas.length).toBeLessThanOrEqual(4);
    expect(top.endDay).toBe(39);
    expect(top.startDay).toBeGreaterThanOrEqual(36);
    expect(top.observed).toBeGreaterThan(top.expected * 1.5);
  });

  it('is deterministic for a seed and reports non-overlapping secondary clusters', () => {
    const counts = nullCounts(11);
    const a = spaceTimePermutationScan(grid, counts, { replications: 49, seed: 9 });
    expect(spaceTimePermutationScan(grid, counts, { replications: 49, seed: 9 })).toEqual(a);
    const seen = new Set<number>();
    for (const c of a) {
      expect(c.areas.some((x) => seen.has(x))).toBe(false);
      c.areas.forEach((x) => seen.add(x));
    }
    for (let i = 1; i < a.length; i++) expect(a[i].llr).toBeLessThanOrEqual(a[i - 1].llr);
  });

  it('under the null the primary cluster p-value is roughly uniform', () => {
    const ps = Array.from({ length: 40 }, (_, s) => spaceTimePermutationScan(grid, nullCounts(100 + s), { replications: 99, seed: s + 1 })[0].pValue);
    const mean = ps.reduce((s, p) => s + p, 0) / ps.length;
    expect(mean).toBeGreaterThan(0.3);
    expect(mean).toBeLessThan(0.7);
    expect(ps.filter((p) => p < 0.05).length).toBeLessThanOrEqual(6); // expected 2 of 40
    expect(ps.filter((p) => p > 0.5).length).toBeGreaterThanOrEqual(10);
  });

  it('gives the p-value of a permutation of every case day (reference: shuffled data scored by the scan itself)', () => {
    // The replications draw only the cases of the last maxDays days; the null distribution must be the
    // one of Kulldorff et al. 2005: every case keeps its area, the case days are permuted.
    const counts = nullCounts(21, 30, 1);
    for (const day of [28, 29]) for (const area of [9, 10]) counts[day][area] += 2;
    const observed = spaceTimePermutationScan(grid, counts, { replications: 999, seed: 5 })[0];
    const days: number[] = [];
    const areas: number[] = [];
    counts.forEach((row, d) => row.forEach((v, a) => {
      for (let k = 0; k < v; k++) {
        days.push(d);
        areas.push(a);
      }
    }));
    const random = mulberry32(77);
    const R = 400;
    let exceed = 0;
    for (let r = 0; r < R; r++) {
      for (let i = days.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [days[i], days[j]] = [days[j], days[i]];
      }
      const shuffled = counts.map((row) => row.map(() => 0));
      days.forEach((d, i) => shuffled[d][areas[i]]++);
      const top = spaceTimePermutationScan(grid, shuffled, { replications: 0 })[0];
      if ((top?.llr ?? 0) >= observed.llr) exceed++;
    }
    const reference = (1 + exceed) / (1 + R);
    expect(observed.pValue).toBeGreaterThan(0.01); // a p-value that Monte Carlo error can be judged on
    expect(observed.pValue).toBeLessThan(0.99);
    // Two independent Monte Carlo estimates of one p: difference within 4 standard errors.
    const se = Math.sqrt(reference * (1 - reference) * (1 / R + 1 / 999));
    expect(Math.abs(observed.pValue - reference)).toBeLessThan(4 * se + 0.005);
  });

  it('validates its input', () => {
    expect(() => spaceTimePermutationScan(grid, [[1, 2]])).toThrow(/16 area counts/);
    expect(spaceTimePermutationScan(grid, [grid.map(() => 0)])).toEqual([]);
  });
});
