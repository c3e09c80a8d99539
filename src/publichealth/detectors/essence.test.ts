import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../foundation/random.js';
import { essenceEwma, essenceEwmaDetails, essenceLevel, essenceLevelOfStatistic, ptUpper, qtUpper, round5 } from './essence-ewma.js';
import { essenceRegression, essenceRegressionDetails, essenceSwitchDetails } from './essence-regression.js';

const daily = (observed: number[]) => ({ observed, frequency: 365 as const });

describe('Student-t helpers', () => {
  it('match R qt/pt', () => {
    expect(qtUpper(0.99, 6)).toBeCloseTo(3.142668, 6); // R: qt(0.99, 6)
    expect(round5(qtUpper(0.95, 27))).toBe(1.70329); // R: round(qt(0.95, 27), 5)
    expect(ptUpper(2, 10)).toBeCloseTo(0.03669402, 8); // R: 1 - pt(2, 10)
    expect(ptUpper(-2, 10)).toBeCloseTo(1 - 0.03669402, 8);
  });
});

describe('colour from the statistic (detector rows without p-values)', () => {
  it('agrees with the colour of the p-value on both sides of, and at, the critical values', () => {
    for (const df of [6, 19, 27]) {
      for (const q of [qtUpper(0.95, df), qtUpper(0.99, df)])
        for (const t of [q * (1 - 1e-6), q * (1 - 1e-12), q, q * (1 + 1e-12), q * (1 + 1e-6)])
          expect(essenceLevelOfStatistic(t, df), `df ${df}, t ${t}`).toBe(essenceLevel(ptUpper(t, df)));
      for (const t of [-40, -1, 0, 1.5, 2.2, 3, 8, NaN]) expect(essenceLevelOfStatistic(t, df)).toBe(essenceLevel(ptUpper(t, df)));
    }
  });

  it('essenceEwma and essenceRegression give the detail rows\' thresholds and alarms on random series', () => {
    const rand = mulberry32(11);
    let red = 0;
    for (let s = 0; s < 40; s++) {
      const level = 0.3 + 20 * rand();
      const y = Array.from({ length: 200 }, (_, t) => Math.round(level * (1 + 0.5 * Math.sin(t / 9)) * (rand() < 0.05 ? 3 : 0.5 + rand())));
      const slim = (rows: readonly { index: number; observed: number; threshold: number | null; alarm: boolean }[]) =>
        rows.map(({ index, observed, threshold, alarm }) => ({ index, observed, threshold, alarm }));
      const ewma = essenceEwma(daily(y));
      expect(ewma).toEqual(slim(essenceEwmaDetails(daily(y))));
      const reg = essenceRegression(daily(y), { startWeekday: 3 });
      expect(reg).toEqual(slim(essenceRegressionDetails(daily(y), { startWeekday: 3 })));
      red += ewma.filter((r) => r.alarm).length + reg.filter((r) => r.alarm).length;
    }
    expect(red).toBeGreaterThan(20);
  });
});

describe('essenceEwma (Rnssp alert_ewma)', () => {
  it('starts after a 7-day baseline and the 2-day guard band; a flat series is blue', () => {
    const rows = essenceEwmaDetails(daily(new Array(40).fill(5)));
    expect(rows[0].index).toBe(9);
    expect(rows.every((r) => r.expected === 5 && r.statistic === 0 && r.pValue === 0.5 && r.level === 'blue')).toBe(true);
  });

  it('first row by hand: baseline days 0..6, EWMA seeded with y[0]', () => {
    const y = [3, 5, 4, 6, 2, 4, 5, 3, 6, 9, 4, 5, 6, 4, 5, 3, 4, 5, 6, 5, 4, 3, 5, 6, 4, 5, 4, 6, 5, 4, 5];
    const row = essenceEwmaDetails(daily(y))[0];
    const base = y.slice(0, 7);
    const m = base.reduce((a, b) => a + b) / 7;
    const s = Math.sqrt(base.reduce((a, b) => a + (b - m) ** 2, 0) / 6);
    const uW = round5(qtUpper(0.95, 6));
    const stat = (w: number) => {
      let z = y[0];
      for (let i = 1; i <= 9; i++) z = w * y[i] + (1 - w) * z;
      const corr = Math.sqrt(w / (2 - w) + 1 / 7 - (2 * (1 - w) ** 3 * (1 - (1 - w) ** 7)) / 7);
      const c = (0.1289 - (0.2414 - 0.1826 * (1 - w) ** 4) * Math.log(0.5)) * (w / uW);
      return (z - m) / Math.max((w / uW) * (0.01 + 0.05 * (1 - w) ** 2), s * corr + c);
    };
    const best = Math.max(stat(0.4), stat(0.9));
    expect(row.expected).toBeCloseTo(m, 12);
    expect(row.statistic).toBeCloseTo(best, 10);
    expect(row.pValue).toBeCloseTo(ptUpper(best, 6), 12);
  });

  it('a spike is red, and the threshold is the count that turns it red', () => {
    const y = Array.from({ length: 60 }, (_, i) => 4 + (i % 3));
    y[50] = 25;
    const rows = essenceEwmaDetails(daily(y));
    const spike = rows.find((r) => r.index === 50)!;
    expect(spike.level).toBe('red');
    expect(spike.alarm).toBe(true);
    const quiet = rows.find((r) => r.index === 45)!;
    expect(quiet.level).toBe('blue');
    // Just above the threshold is red, just below is not.
    const above = [...y];
    above[45] = Math.ceil(quiet.threshold! + 1e-9);
    expect(essenceEwma(daily(above)).find((r) => r.index === 45)!.alarm).toBe(true);
    const below = [...y];
    below[45] = Math.floor(quiet.threshold! - 1e-9);
    expect(essenceEwma(daily(below)).find((r) => r.index === 45)!.alarm).toBe(false);
  });
});

describe('essenceRegression (Rnssp alert_regression) and the switch', () => {
  // Trend plus a weekday pattern; day 0 is a Monday.
  const effect = [0, 3, 2, 2, 1, 4, -3, -5]; // index by ISO weekday
  const clean = Array.from({ length: 70 }, (_, i) => 20 + 0.2 * i + effect[(i % 7) + 1]);

  it('forecasts an exact trend + weekday pattern and starts after an 11-day baseline', () => {
    const rows = essenceRegressionDetails(daily(clean), { startWeekday: 1 });
    expect(rows[0].index).toBe(13);
    for (const r of rows) expect(r.expected).toBeCloseTo(clean[r.index], 8);
    expect(rows.every((r) => r.adjustedRSquared > 0.99 && r.level === 'blue')).toBe(true);
  });

  it('flags a jump red and the switch keeps the regression where R² ≥ 0.6', () => {
    const y = [...clean];
    y[60] += 10;
    const reg = essenceRegressionDetails(daily(y), { startWeekday: 1 }).find((r) => r.index === 60)!;
    expect(reg.level).toBe('red');
    expect(y[60]).toBeGreaterThan(reg.threshold!);
    const sw = essenceSwitchDetails(daily(y), { startWeekday: 1 });
    expect(sw[0]).toMatchObject({ index: 9, detector: 'ewma' });
    expect(sw.find((r) => r.index === 60)).toMatchObject({ detector: 'regression', level: 'red' });
  });

  it('needs daily data', () => {
    expect(() => essenceRegressionDetails({ observed: clean, frequency: 52 })).toThrow(/daily/);
  });
});
