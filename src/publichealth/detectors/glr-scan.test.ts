import { describe, expect, it } from 'vitest';
import { glrScanAllStarts, glrScanLowerHull } from './glr-scan.js';

// A small seeded generator (Park–Miller) so that the series are the same on every run.
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

/** Poisson draws by inversion of the CDF (enough for test data). */
function poisson(rand: () => number, lambda: number): number {
  let k = 0;
  let p = Math.exp(-lambda);
  let f = p;
  const u = rand();
  while (u > f && k < 1000) {
    k++;
    p *= lambda / k;
    f += p;
  }
  return k;
}

function series(seed: number, level: number, n: number): { y: number[]; mu0: number[] } {
  const rand = rng(seed);
  const mu0: number[] = [];
  const y: number[] = [];
  for (let t = 0; t < n; t++) {
    const mu = level * (1 + 0.5 * Math.cos((2 * Math.PI * t) / 365)) * (t % 7 === 0 ? 0.7 : 1.05);
    mu0.push(mu);
    // Outbreaks (×3 for 10 periods) every 150 periods, and a slow drift upwards in the last third.
    const shift = (t % 150 < 10 ? 3 : 1) * (t > (2 * n) / 3 ? 1.3 : 1);
    y.push(poisson(rand, mu * shift));
  }
  return { y, mu0 };
}

describe('GLR window search: convex-hull formulation = every start', () => {
  const cases = [
    { seed: 1, level: 0.05 },
    { seed: 2, level: 0.8 },
    { seed: 3, level: 4 },
    { seed: 4, level: 25 },
  ];
  for (const { seed, level } of cases)
    for (const cARL of [3, 5, 50]) {
      it(`level ${level}, c.ARL ${cARL}: same alarms, GLR within 1e-9`, () => {
        const { y, mu0 } = series(seed, level, 720);
        const all = glrScanAllStarts(y, mu0, cARL, false);
        const hull = glrScanLowerHull(y, mu0, cARL);
        expect(hull.map((p) => p.alarm)).toEqual(all.map((p) => p.alarm));
        hull.forEach((p, i) => expect(Math.abs(p.glr - all[i].glr)).toBeLessThanOrEqual(1e-9 * Math.max(1, all[i].glr)));
        // Each case must be meaningful: some periods with a positive statistic; alarms where c.ARL is low.
        expect(all.some((p) => p.glr > 0)).toBe(true);
        if (cARL === 3 && level >= 0.8) expect(all.some((p) => p.alarm)).toBe(true);
      });
    }
});
