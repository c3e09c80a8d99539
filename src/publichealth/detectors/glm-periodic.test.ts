import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../foundation/random.js';
import { fitPoissonGlm } from './glm.js';
import { fitPeriodicPoisson } from './glm-periodic.js';

/** Harmonic row (1, cos(2πst/p), sin(2πst/p), s = 1…S) of period number t. */
const harmonic = (t: number, p: number, S: number): number[] => {
  const row = [1];
  for (let s = 1; s <= S; s++) row.push(Math.cos((2 * s * Math.PI * t) / p), Math.sin((2 * s * Math.PI * t) / p));
  return row;
};

function seasonal(seed: number, n: number, p: number, level: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const lambda = level * Math.exp(0.6 * Math.cos((2 * Math.PI * (i + 1)) / p) + 0.2 * Math.sin((4 * Math.PI * (i + 1)) / p));
    let k = 0;
    let q = rand();
    const l = Math.exp(-lambda);
    while (q > l) {
      k++;
      q *= rand();
    }
    return k;
  });
}

describe('fitPeriodicPoisson (phase totals)', () => {
  for (const [p, n, S, level] of [
    [52, 200, 1, 4],
    [52, 157, 2, 0.3],
    [365, 1108, 1, 2],
    [365, 800, 2, 12],
  ] as const) {
    it(`the coefficients of fitPoissonGlm on every row (p = ${p}, n = ${n}, S = ${S}, level ${level})`, () => {
      const y = seasonal(p + n + S, n, p, level);
      const x = Array.from({ length: n }, (_, i) => harmonic(i + 1, p, S));
      const general = fitPoissonGlm({ x, y });
      const beta = fitPeriodicPoisson(y, n, p, (r) => harmonic(r === 0 ? p : r, p, S));
      expect(beta).not.toBeNull();
      general.coefficients.forEach((b, j) => expect(Math.abs((beta as Float64Array)[j] - b)).toBeLessThan(1e-11 * Math.max(1, Math.abs(b))));
      // And not the fit of another series: the intercept moves with the level.
      const other = fitPeriodicPoisson(y.map((v) => 2 * v), n, p, (r) => harmonic(r === 0 ? p : r, p, S)) as Float64Array;
      expect(other[0] - (beta as Float64Array)[0]).toBeCloseTo(Math.log(2), 10);
    });
  }

  it('refuses (null) when too few phases are observed to identify the harmonics', () => {
    expect(fitPeriodicPoisson([3, 4], 2, 52, (r) => harmonic(r === 0 ? 52 : r, 52, 1))).toBeNull();
  });
});
