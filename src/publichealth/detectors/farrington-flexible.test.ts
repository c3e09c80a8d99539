import { describe, expect, it } from 'vitest';
import fixture from '../../../test/fixtures/surveillance/farrington-flexible.json' with { type: 'json' };
import {
  farringtonFlexible,
  farringtonFlexibleDefaultRange,
  flexibleBaseline,
  FARRINGTON_FLEXIBLE_DEFAULTS,
  noufaily,
  type FarringtonFlexibleOptions,
} from './farrington-flexible.js';
import type { CountSeries, DetectionRow, Frequency } from './types.js';

// R `surveillance` farringtonFlexible output (scripts/r/surveillance-reference-farrington.R).
interface Case {
  series: string;
  preset?: string;
  options: Record<string, unknown>;
  range: { start: number; end: number } | null;
  expected: { index: number[]; threshold: (number | null)[]; alarm: boolean[] };
}
const seriesOf = (name: string): CountSeries => {
  const s = (fixture.series as Record<string, { frequency: number; observed: number[] }>)[name];
  return { observed: s.observed, frequency: s.frequency as Frequency };
};

/** Asserts R agreement: same evaluated periods, identical alarms, thresholds within 1e-3 relative, null for NA. */
function expectAgreement(rows: DetectionRow[], expected: Case['expected']): void {
  expect(rows.map((r) => r.index)).toEqual(expected.index);
  expect(rows.map((r) => r.alarm)).toEqual(expected.alarm);
  rows.forEach((r, i) => {
    const want = expected.threshold[i];
    if (want === null) return expect(r.threshold).toBeNull();
    const diff = Math.abs((r.threshold as number) - want);
    expect(diff <= 1e-12 || diff / Math.abs(want) < 1e-3, `period ${r.index}: ${r.threshold} vs R ${want}`).toBe(true);
  });
}

describe('farringtonFlexible agrees with R surveillance', () => {
  for (const c of fixture.cases as Case[]) {
    const name = `${c.preset ?? 'farringtonFlexible'} ${c.series} ${JSON.stringify(c.options)}`;
    it(`${name}${c.range ? ` range ${c.range.start}..${c.range.end}` : ''}`, () => {
      const options = { ...(c.options as Partial<FarringtonFlexibleOptions>), ...(c.range ? { range: c.range } : {}) };
      const rows =
        c.preset === 'noufaily'
          ? noufaily(seriesOf(c.series), { ...(c.options.b !== undefined ? { b: c.options.b as number } : {}), range: options.range })
          : farringtonFlexible(seriesOf(c.series), options);
      expectAgreement(rows, c.expected);
    });
  }
});

describe('farringtonFlexible properties', () => {
  const series = seriesOf('outbreaks');
  const range = { start: 300, end: 415 };

  for (const thresholdMethod of ['delta', 'nbPlugin', 'muan'] as const) {
    it(`${thresholdMethod}: the threshold does not grow with alpha`, () => {
      const strict = farringtonFlexible(series, { range, b: 3, thresholdMethod, alpha: 0.001 });
      const loose = farringtonFlexible(series, { range, b: 3, thresholdMethod, alpha: 0.2 });
      strict.forEach((r, i) => {
        if (r.threshold === null) return expect(loose[i].threshold).toBeNull();
        expect(r.threshold).toBeGreaterThanOrEqual(loose[i].threshold as number);
      });
      // …and strictly for the continuous delta threshold.
      if (thresholdMethod === 'delta') expect(strict.some((r, i) => (r.threshold ?? 0) > (loose[i].threshold ?? 0))).toBe(true);
    });
  }

  it('nbPlugin thresholds are integers (negative-binomial quantiles); alarm means count > threshold', () => {
    for (const r of noufaily(series, { b: 3 })) {
      if (r.threshold === null) continue;
      expect(Number.isInteger(r.threshold)).toBe(true);
      expect(r.alarm).toBe(r.observed > r.threshold);
    }
  });

  it('the low-count rule gives a null threshold and no alarm', () => {
    const observed = new Array<number>(300).fill(0);
    observed[299] = 4; // 4 cases in the last 4 weeks < 5
    const [row] = farringtonFlexible({ observed, frequency: 52 }, { b: 3, range: { start: 299, end: 299 } });
    expect(row).toEqual({ index: 299, observed: 4, threshold: null, alarm: false });
  });

  it('noPeriods = 10 splits each year into the 7-week window and nine 5-week blocks, leaving out 26 weeks', () => {
    const observed = series.observed;
    const base = flexibleBaseline(observed, 400, 52, { ...FARRINGTON_FLEXIBLE_DEFAULTS, b: 3, noPeriods: 10, pastWeeksNotIncluded: 26 });
    expect(base.time[0]).toBe(400 - 3 * 52 - 3);
    expect(base.time[base.time.length - 1]).toBe(400 - 27);
    const sizes = new Array<number>(10).fill(0);
    base.level?.forEach((l, i) => base.time[i] >= 400 - 2 * 52 - 3 && base.time[i] < 400 - 52 - 3 && sizes[l]++);
    expect(sizes).toEqual([7, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(farringtonFlexibleDefaultRange(series)).toEqual({ start: 5 * 52 + 3, end: 415 });
  });

  it('refuses periods whose reference values would lie before the series, as R does', () => {
    expect(() => farringtonFlexible(series, { range: { start: 99, end: 109 } })).toThrow(RangeError);
    expect(() => farringtonFlexible(series, { b: 1, range: { start: 55, end: 56 } })).not.toThrow();
  });
});
