/** Hand-computed checks of EARS, CUSUM and GLR (the R agreement lives in r-agreement.test.ts). */
import { describe, expect, it } from 'vitest';
import { cusum } from './cusum.js';
import { earsC } from './ears.js';
import { glrnb } from './glrnb.js';
import { qnorm } from './glm.js';

const weekly = (observed: number[]) => ({ observed, frequency: 52 as const });

describe('earsC', () => {
  const y = [2, 2, 3, 5, 2, 5, 6, 4, 3, 1, 2, 1, 4, 2];
  it('C1 upper bound is the baseline mean + z(1−α)·sd of the previous 7 periods', () => {
    const rows = earsC(weekly(y));
    expect(rows[0].index).toBe(7);
    const base = y.slice(0, 7);
    const m = base.reduce((a, b) => a + b) / 7;
    const s = Math.sqrt(base.reduce((a, b) => a + (b - m) ** 2, 0) / 6);
    expect(rows[0].threshold).toBeCloseTo(m + qnorm(0.999) * s, 10);
    expect(rows[0].threshold).toBeCloseTo(8.881218, 5); // R surveillance 1.20.3
  });

  it('C2 skips two periods; C3 starts four periods after C1 and floors at 0', () => {
    expect(earsC(weekly(y), { method: 'C2' })[0].index).toBe(9);
    const c3 = earsC(weekly([...y, 4, 3, 4]), { method: 'C3' });
    expect(c3[0].index).toBe(11);
    // R: indices 12..16 (1-based) give 3.771808, 7.526898, 5.526898, 7.825458, 6.578388.
    expect(c3.slice(0, 5).map((r) => Number(r.threshold!.toFixed(6)))).toEqual([3.771808, 7.526898, 5.526898, 7.825458, 6.578388]);
  });

  it('minSigma floors the standard deviation (sparse data)', () => {
    const zeros = [0, 0, 0, 0, 0, 0, 0, 5];
    expect(earsC(weekly(zeros))[0]).toMatchObject({ threshold: 0, alarm: true });
    expect(earsC(weekly(zeros), { minSigma: 1 })[0].threshold).toBeCloseTo(qnorm(0.999), 12);
  });

  it('rejects a range before the first full baseline', () => {
    expect(() => earsC(weekly(y), { range: { start: 3, end: 10 } })).toThrow(/first evaluable/);
  });
});

describe('cusum', () => {
  it('standard transform: ceiling of m + √m(h + k − S)', () => {
    const rows = cusum(weekly([3, 3, 3, 3, 12, 2]), { range: { start: 4, end: 5 } });
    // m = 3: first bound ceil(3 + √3·3.3) = 9; S = 9/√3 − 1.04 = 4.156 ≥ 2.26 → alarm; no reset:
    // next bound ceil(3 + √3(3.3 − 4.156)) = 2, S = 4.156 − 1/√3 − 1.04 = 2.539 → alarm again.
    expect(rows[0]).toMatchObject({ threshold: 9, alarm: true });
    expect(rows[1]).toMatchObject({ threshold: 2, alarm: true });
  });

  it('rossi transform squares the root even past the vertex, as R does', () => {
    // R surveillance 1.20.3: cusum(m = 4, trans = "rossi") on 16, 14, 4 → 11.58519, 2.739466, 1.577816
    const rows = cusum(weekly([4, 16, 14, 4]), { m: 4, trans: 'rossi', range: { start: 1, end: 3 } });
    expect(rows.map((r) => Number(r.threshold!.toFixed(5)))).toEqual([11.58519, 2.73947, 1.57782]);
  });
});

describe('glrnb (Poisson)', () => {
  it('GLR statistic with known mu0 and restart after an alarm', () => {
    const mu0 = [2, 2, 2, 2];
    const rows = glrnb(weekly([1, 2, 9, 8, 2]), { mu0, range: { start: 1, end: 4 } });
    // n = 1: y = 2 = μ → 0.  n = 2: best window {2}: 9 log(9/2) − 7 = 6.5367 ≥ 5 → alarm, restart.
    expect(rows[0].threshold).toBe(0);
    expect(rows[1].threshold).toBeCloseTo(9 * Math.log(4.5) - 7, 12);
    expect(rows[1].alarm).toBe(true);
    expect(rows[2].threshold).toBeCloseTo(8 * Math.log(4) - 6, 12);
    expect(rows[3].threshold).toBe(0);
  });

  it('ret = "cases" gives the smallest count that raises an alarm', () => {
    const rows = glrnb(weekly([1, 2]), { mu0: [2], ret: 'cases', range: { start: 1, end: 1 } });
    // 9 log(9/2) − 7 = 6.54 ≥ 5 but 8 log 4 − 6 = 5.09 ≥ 5 and 7 log 3.5 − 5 = 3.77 < 5 → 8.
    expect(rows[0].threshold).toBe(8);
  });
});
