import { describe, expect, it } from 'vitest';
import { pceCategory, pceEquationFor, pooledCohort10YearRisk, type PceInput } from './pooled-cohort.js';
import { cholesterolMmolLToMgDl } from './units.js';

// Goff 2013, Table A worked example: age 55, TC 213 mg/dL, HDL 50 mg/dL, untreated SBP 120 mmHg,
// non-smoker, no diabetes. Printed individual sums and 10-year risks per race–sex group.
const EXAMPLE = { ageYears: 55, tcMgDl: 213, hdlMgDl: 50, sbpMmHg: 120, bpTreated: false, currentSmoker: false, diabetes: false };
const PUBLISHED = [
  { sex: 'female', race: 'white', sum: -29.67, riskPct: 2.1 },
  { sex: 'female', race: 'african-american', sum: 86.16, riskPct: 3.0 },
  { sex: 'male', race: 'white', sum: 60.69, riskPct: 5.3 },
  { sex: 'male', race: 'african-american', sum: 18.97, riskPct: 6.1 },
] as const;

describe('Pooled Cohort Equations: Goff 2013 worked example', () => {
  for (const row of PUBLISHED) {
    it(`${row.race} ${row.sex}: sum ${row.sum}, risk ${row.riskPct} % (to 0.1 point)`, () => {
      const result = pooledCohort10YearRisk({ ...EXAMPLE, sex: row.sex, race: row.race });
      expect(Math.abs(result.individualSum - row.sum)).toBeLessThanOrEqual(0.01);
      // White men compute 5.38 %: the table sums two-decimal rounded terms (60.69 vs 60.70 unrounded).
      expect(Math.abs(result.risk * 100 - row.riskPct)).toBeLessThanOrEqual(0.1);
    });
  }
});

describe('Pooled Cohort Equations: behaviour', () => {
  const base: PceInput = { ...EXAMPLE, sex: 'male', race: 'white' };

  it('scores race "other" with the white equations', () => {
    expect(pceEquationFor('female', 'other')).toBe('white-female');
    expect(pooledCohort10YearRisk({ ...base, race: 'other' }).risk).toBe(pooledCohort10YearRisk(base).risk);
  });

  it('treated SBP uses its own coefficient (higher risk at the same SBP for white men)', () => {
    expect(pooledCohort10YearRisk({ ...base, bpTreated: true }).risk).toBeGreaterThan(pooledCohort10YearRisk(base).risk);
  });

  it('categories cut at 5, 7.5 and 20 %', () => {
    expect(pceCategory(0.0499)).toBe('low');
    expect(pceCategory(0.05)).toBe('borderline');
    expect(pceCategory(0.075)).toBe('intermediate');
    expect(pceCategory(0.2)).toBe('high');
  });

  it('flags out-of-range inputs by name and rejects non-positive ones', () => {
    expect(pooledCohort10YearRisk({ ...base, ageYears: 35, hdlMgDl: 110 }).outOfRange).toEqual(['ageYears', 'hdlMgDl']);
    expect(() => pooledCohort10YearRisk({ ...base, tcMgDl: -1 })).toThrow(/tcMgDl/);
  });

  it('converts mmol/L with 38.67 mg/dL per mmol/L', () => {
    expect(cholesterolMmolLToMgDl(5.5)).toBeCloseTo(212.685, 6);
  });
});

// Independent implementation: the CVrisk R package (Castro V, CRAN 1.1.x), tests/testthat/test-ascvd_10y_accaha.R —
// the Table A profile with untreated SBP 140 instead of 120; its expected percentages (two decimals) are the
// numbers compared here (GPL-3 code, used only for these figures).
describe('Pooled Cohort Equations: CVrisk package test values (SBP 140)', () => {
  const cvrisk = [
    { sex: 'male', race: 'african-american', pct: 7.95 },
    { sex: 'female', race: 'african-american', pct: 5.08 },
    { sex: 'female', race: 'white', pct: 2.76 },
    { sex: 'male', race: 'white', pct: 7.01 },
    { sex: 'male', race: 'other', pct: 7.01 },
  ] as const;
  for (const row of cvrisk) {
    it(`${row.race} ${row.sex}: ${row.pct} % within 0.01 point`, () => {
      const result = pooledCohort10YearRisk({ ...EXAMPLE, sbpMmHg: 140, sex: row.sex, race: row.race });
      expect(Math.abs(result.risk * 100 - row.pct)).toBeLessThanOrEqual(0.01);
    });
  }
});
