import { describe, expect, it } from 'vitest';
import { cidarsMpm, mpmFirstIndex, mpmDefaults, quantileType7 } from './cidars-mpm.js';

describe('quantileType7 (R quantile type 7)', () => {
  it('interpolates between order statistics', () => {
    expect(quantileType7([4, 1, 3, 2], 0.8)).toBeCloseTo(3.4, 12); // R: quantile(1:4, 0.8) = 3.4
    expect(quantileType7([5, 1, 9], 0.5)).toBe(5);
    expect(quantileType7([7], 0.9)).toBe(7);
  });
});

describe('cidarsMpm', () => {
  // Weekly series, 3 years + 2 weeks; the 9 baseline weeks of the last week hold 1..9.
  const f = 52;
  const y = new Array<number>(3 * f + 2).fill(0);
  const t = y.length - 1;
  let v = 1;
  for (let j = 1; j <= 3; j++) for (let o = -1; o <= 1; o++) y[t - j * f + o] = v++;

  it('thresholds at the percentile of the same and adjacent weeks of the previous years', () => {
    y[t] = 6;
    const rows = cidarsMpm({ observed: y, frequency: 52 }, { range: { start: t, end: t } });
    expect(rows).toEqual([{ index: t, observed: 6, threshold: 5, alarm: true }]); // median of 1..9 = 5
    const p80 = cidarsMpm({ observed: y, frequency: 52 }, { percentile: 0.8, range: { start: t, end: t } });
    expect(p80[0].threshold).toBeCloseTo(7.4, 12); // 1 + 0.8·8
    expect(p80[0].alarm).toBe(false);
  });

  it('uses 7-day window totals on daily data by default', () => {
    const series = { observed: Array.from({ length: 3 * 365 + 30 }, () => 1), frequency: 365 as const };
    const opts = mpmDefaults(series);
    expect(opts).toEqual({ window: 7, adjacent: 1, years: 3, percentile: 0.5 });
    const rows = cidarsMpm(series);
    expect(rows[0].index).toBe(mpmFirstIndex(series, opts));
    expect(rows[0].index).toBe(3 * 365 + 7 + 6);
    expect(rows.every((r) => r.observed === 7 && r.threshold === 7 && !r.alarm)).toBe(true);
  });

  it('rejects a range without a full baseline', () => {
    expect(() => cidarsMpm({ observed: y, frequency: 52 }, { range: { start: 10, end: 20 } })).toThrow(/range/);
  });
});
