import { describe, expect, it } from 'vitest';
import fixture from '../../../test/fixtures/surveillance/farrington.json' with { type: 'json' };
import { farrington, farringtonDefaultRange, farringtonReferenceIndices, type FarringtonOptions } from './farrington.js';
import type { CountSeries, DetectionRow, Frequency } from './types.js';

// R `surveillance` algo.farrington output (scripts/r/surveillance-reference-farrington.R).
interface Case {
  series: string;
  options: Record<string, unknown>;
  range: { start: number; end: number } | null;
  expected: { index: number[]; threshold: (number | null)[]; alarm: boolean[] };
}
const seriesOf = (name: string): CountSeries => {
  const s = (fixture.series as Record<string, { frequency: number; observed: number[] }>)[name];
  return { observed: s.observed, frequency: s.frequency as Frequency };
};

/** Asserts R agreement: same evaluated periods, identical alarms, thresholds within 1e-3 relative. */
function expectAgreement(rows: DetectionRow[], expected: Case['expected']): number {
  expect(rows.map((r) => r.index)).toEqual(expected.index);
  expect(rows.map((r) => r.alarm)).toEqual(expected.alarm);
  let worst = 0;
  rows.forEach((r, i) => {
    const want = expected.threshold[i];
    if (want === null) return expect(r.threshold).toBeNull();
    const rel = Math.abs((r.threshold as number) - want) / Math.max(Math.abs(want), 1e-12);
    worst = Math.max(worst, Math.abs((r.threshold as number) - want) <= 1e-12 ? 0 : rel);
  });
  expect(worst).toBeLessThan(1e-3);
  return worst;
}

describe('farrington agrees with R surveillance', () => {
  for (const c of fixture.cases as Case[]) {
    it(`${c.series} ${JSON.stringify(c.options)}${c.range ? ` range ${c.range.start}..${c.range.end}` : ''}`, () => {
      const options = { ...(c.options as Partial<FarringtonOptions>), ...(c.range ? { range: c.range } : {}) };
      expectAgreement(farrington(seriesOf(c.series), options), c.expected);
    });
  }
});

describe('farrington properties', () => {
  const series = seriesOf('outbreaks');
  const range = { start: 300, end: 415 };

  it('threshold decreases as alpha grows (wider interval for smaller alpha)', () => {
    const strict = farrington(series, { range, alpha: 0.001 });
    const loose = farrington(series, { range, alpha: 0.1 });
    strict.forEach((r, i) => {
      if (r.threshold === 0) return; // low-count rule: no interval computed
      expect(r.threshold as number).toBeGreaterThan(loose[i].threshold as number);
    });
  });

  it('alarms only where the count exceeds the threshold and the last 4 weeks hold ≥ 5 cases', () => {
    for (const r of farrington(series, { range })) {
      const last4 = series.observed.slice(r.index - 3, r.index + 1).reduce((a, b) => a + b, 0);
      expect(r.alarm).toBe(r.observed > (r.threshold as number) && last4 >= 5);
    }
  });

  it('uses the same weeks of past years as reference values and R\'s default range', () => {
    expect(farringtonReferenceIndices(300, 52, 2, 1)).toEqual([195, 196, 197, 247, 248, 249]);
    expect(farringtonDefaultRange(series)).toEqual({ start: 5 * 52 - 3 - 1, end: 415 });
    expect(() => farrington(series, { range: { start: 10, end: 500 } })).toThrow(RangeError);
  });

  it('a constant Poisson-like baseline gives the 2/3-power interval of Farrington 1996 by hand', () => {
    // Baseline all 10: μ̂ = 10, φ = 1 (floored), Var(μ̂) = μ/n with n = 3·3 (b = 3, w = 1, no trend).
    const observed = new Array<number>(200).fill(10);
    const [row] = farrington({ observed, frequency: 52 }, { b: 3, w: 1, trend: false, range: { start: 199, end: 199 } });
    const z = 1.959963984540054;
    const mu = 10;
    const byHand = Math.pow(Math.pow(mu, 2 / 3) + z * (2 / 3) * Math.pow(mu, -1 / 3) * Math.sqrt(mu + mu / 9), 1.5);
    expect(Math.abs((row.threshold as number) - byHand) / byHand).toBeLessThan(1e-6);
  });
});
