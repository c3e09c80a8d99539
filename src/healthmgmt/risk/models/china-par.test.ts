import { describe, expect, it } from 'vitest';
import { chinaPar10YearRisk, chinaParCategory, chinaParLifetimeAssessmentIndicated, type ChinaParInput } from './china-par.js';
import {
  CHINA_PAR_CALCULATOR_MEN,
  CHINA_PAR_COEFFICIENT_SETS,
  CHINA_PAR_DEFAULT_COEFFICIENTS,
  CHINA_PAR_PAPER_MEN,
  CHINA_PAR_PAPER_WOMEN,
  type ChinaParCoefficientSet,
} from './china-par-coefficients.js';

// Yang 2016 worked example (Supplemental Table 1, Table 2): untreated SBP 130, TC 210 mg/dL,
// HDL 55 mg/dL, waist 80 cm, non-smoker, diabetes, urban northern China, no family history.
const MGDL = 1 / 0.0259; // the paper's conversion, so mmol/L inputs map back to the example's mg/dL
function example(sex: 'male' | 'female', ageYears: number, coefficients: ChinaParCoefficientSet = 'paper-example'): ChinaParInput {
  return {
    sex, ageYears, sbpMmHg: 130, bpTreated: false, tcMmolL: 210 / MGDL, hdlMmolL: 55 / MGDL, waistCm: 80,
    currentSmoker: false, diabetes: true, region: 'north', urban: true, familyHistoryAscvd: false, coefficients,
  };
}
const pct = (risk: number) => risk * 100;
/** The same input with no coefficient set given, so the library's default applies. */
const noSet = (input: ChinaParInput): ChinaParInput => ({ ...input, coefficients: undefined });

describe('China-PAR, paper-example coefficients (default): the paper\'s worked examples', () => {
  it('the default set is paper-example, listed first; calculator stays available', () => {
    expect(CHINA_PAR_DEFAULT_COEFFICIENTS).toBe('paper-example');
    expect(CHINA_PAR_COEFFICIENT_SETS).toEqual(['paper-example', 'calculator']);
    const byDefault = chinaPar10YearRisk(noSet(example('male', 60)));
    expect(byDefault.coefficients).toBe('paper-example');
    expect(byDefault.risk).toBe(chinaPar10YearRisk(example('male', 60, 'paper-example')).risk);
    expect(chinaPar10YearRisk(example('male', 60, 'calculator')).risk).not.toBe(byDefault.risk);
  });

  it('reproduces the printed men\'s individual sum 142.04 and its terms', () => {
    const result = chinaPar10YearRisk(example('male', 60));
    expect(result.individualSum).toBeCloseTo(142.04, 1);
    const printed = [130.88, 127.28, 3.32, -2.78, -3.12, 0, 0.36, 0.48, -0.16, 0, -114.21, 0, 0];
    result.terms.forEach((term, i) => expect(term.value).toBeCloseTo(printed[i], 2));
  });

  it('reproduces the printed women\'s individual sum 119.22', () => {
    expect(chinaPar10YearRisk(example('female', 60)).individualSum).toBeCloseTo(119.22, 1);
  });

  // Table 2 of Yang 2016: the same profile at 40/50/60/70 years.
  const table2 = {
    male: { 40: 2.2, 50: 5.4, 60: 11.0, 70: 19.6 },
    female: { 40: 2.4, 50: 5.4, 60: 10.1, 70: 17.1 },
  } as const;
  for (const sex of ['male', 'female'] as const) {
    for (const [age, printed] of Object.entries(table2[sex])) {
      it(`${sex} aged ${age}: ${printed} % within 0.1 percentage point, with no coefficients given and with paper-example`, () => {
        expect(Math.abs(pct(chinaPar10YearRisk(noSet(example(sex, Number(age)))).risk) - printed)).toBeLessThanOrEqual(0.1);
        expect(Math.abs(pct(chinaPar10YearRisk(example(sex, Number(age))).risk) - printed)).toBeLessThanOrEqual(0.1);
      });
    }
  }

  it('the recovered men\'s coefficients round to the printed two-decimal ones', () => {
    expect(CHINA_PAR_PAPER_MEN.lnAge.toFixed(2)).toBe('31.97');
    expect(CHINA_PAR_PAPER_MEN.lnSbpUntreated.toFixed(2)).toBe('26.15');
    expect(CHINA_PAR_PAPER_MEN.lnTc.toFixed(2)).toBe('0.62');
    expect(CHINA_PAR_PAPER_MEN.lnHdl.toFixed(2)).toBe('-0.69');
    expect(CHINA_PAR_PAPER_MEN.lnWaist.toFixed(2)).toBe('-0.71');
    expect(CHINA_PAR_PAPER_MEN.lnAgeXLnSbpUntreated.toFixed(2)).toBe('-5.73');
    expect(CHINA_PAR_PAPER_WOMEN.baselineSurvival10.toFixed(2)).toBe('0.99');
  });

  it('the three-decimal (T/JPMA 024—2024) men\'s coefficients agree with the ones recovered from the worked example', () => {
    // Two independent routes to the same unrounded coefficients: within 0.0005 (three-decimal rounding) plus the
    // recovery's own error (a two-decimal term divided by its value: at most 0.005 / ln 55 = 0.0013 for HDL).
    const keys = ['lnAge', 'lnSbpUntreated', 'lnTc', 'lnHdl', 'lnWaist', 'lnAgeXLnSbpUntreated'] as const;
    for (const k of keys) expect(Math.abs(CHINA_PAR_CALCULATOR_MEN[k] - CHINA_PAR_PAPER_MEN[k]), k).toBeLessThanOrEqual(0.0005 + 0.0013);
    // and each rounds to the paper's printed two decimals
    expect([CHINA_PAR_CALCULATOR_MEN.lnSbpTreated, CHINA_PAR_CALCULATOR_MEN.smoker, CHINA_PAR_CALCULATOR_MEN.familyHistory].map((v) => v.toFixed(2))).toEqual(['27.39', '3.96', '6.22']);
  });
});

describe('China-PAR: 2019 Chinese guideline example', () => {
  // Appendix example: 40-year-old man, northern urban, waist 80, TC 5.2, HDL 1.3 mmol/L, BP 145/80
  // untreated, no diabetes, non-smoker, family history → 4.7 % (low) on the official calculator.
  const guideline: ChinaParInput = {
    sex: 'male', ageYears: 40, sbpMmHg: 145, bpTreated: false, tcMmolL: 5.2, hdlMmolL: 1.3, waistCm: 80,
    currentSmoker: false, diabetes: false, region: 'north', urban: true, familyHistoryAscvd: true,
  };
  it('calculator coefficients: low risk, within 0.1 percentage point of 4.7 % (ours 4.72 %)', () => {
    const result = chinaPar10YearRisk({ ...guideline, coefficients: 'calculator' });
    expect(result.coefficients).toBe('calculator');
    expect(result.category).toBe('low');
    expect(Math.abs(pct(result.risk) - 4.7)).toBeLessThanOrEqual(0.1);
  });

  it('paper-example coefficients (default): low risk but 0.17 point above 4.7 % (the calculator set matches the guideline better)', () => {
    const result = chinaPar10YearRisk({ ...guideline, coefficients: 'paper-example' });
    expect(chinaPar10YearRisk(guideline).risk).toBe(result.risk);
    expect(result.category).toBe('low');
    expect(pct(result.risk) - 4.7).toBeGreaterThan(0.1);
    expect(pct(result.risk) - 4.7).toBeLessThanOrEqual(0.2);
  });
});

// Outputs of the official calculator (cvdrisk.com.cn), recorded by a third party
// (github.com/original123/cardiovascular-risk-demo, docs/research/*.jsonl), ages 35–74 only.
// sex(1 m, 2 f), age, north, urban, waist cm, TC mg/dL, HDL mg/dL, SBP, treated, diabetes, smoker, family history, risk %
const CALCULATOR: readonly (readonly number[])[] = [
  [1, 40, 1, 0, 90, 150, 22, 135, 0, 0, 0, 1, 5.3],
  [1, 45, 1, 1, 85, 180, 40, 90, 1, 1, 0, 1, 2.2],
  [1, 44, 1, 0, 55, 90, 50, 105, 1, 0, 0, 0, 1.7],
  [1, 46, 0, 0, 90, 240, 125, 180, 0, 1, 1, 0, 8.7],
  [1, 38, 1, 0, 105, 90, 75, 90, 0, 1, 1, 0, 0.2],
  [1, 38, 1, 1, 65, 380, 75, 115, 1, 1, 1, 1, 9.9],
  [1, 47, 1, 0, 75, 280, 125, 105, 1, 1, 0, 0, 2.7],
  [1, 48, 1, 0, 75, 380, 125, 115, 0, 1, 1, 0, 3.9],
  [1, 49, 1, 1, 105, 280, 40, 105, 1, 0, 1, 1, 5.7],
  [1, 43, 0, 1, 125, 90, 50, 90, 1, 1, 0, 0, 0.3],
  [1, 47, 1, 0, 125, 220, 30, 180, 0, 0, 0, 0, 14.0],
  [1, 51, 0, 1, 105, 120, 22, 90, 0, 1, 1, 0, 1.4],
  [1, 41, 0, 1, 125, 220, 40, 90, 0, 0, 1, 0, 0.3],
  [1, 44, 0, 0, 90, 150, 30, 75, 0, 0, 0, 1, 0.2],
  [1, 51, 1, 1, 95, 280, 75, 145, 1, 1, 1, 1, 18.5],
  [1, 50, 1, 0, 105, 380, 100, 90, 0, 1, 1, 1, 2.1],
  [1, 52, 1, 1, 125, 150, 30, 145, 0, 0, 0, 0, 5.7],
  [1, 37, 1, 0, 105, 320, 100, 145, 0, 1, 1, 1, 8.1],
  [1, 48, 1, 1, 105, 320, 50, 180, 0, 0, 0, 1, 16.3],
  [1, 37, 0, 1, 90, 280, 125, 105, 1, 1, 0, 1, 1.0],
  [1, 59, 1, 1, 105, 380, 125, 145, 1, 0, 0, 1, 8.9],
  [1, 51, 0, 0, 125, 320, 50, 75, 1, 0, 0, 1, 0.8],
  [1, 49, 0, 0, 95, 320, 100, 90, 1, 0, 0, 0, 0.8],
  [1, 41, 1, 0, 75, 180, 125, 105, 1, 1, 1, 1, 3.3],
  [1, 57, 0, 0, 65, 120, 100, 105, 1, 0, 1, 1, 2.3],
  [1, 47, 0, 1, 85, 280, 50, 75, 1, 0, 0, 1, 0.6],
  [1, 48, 0, 0, 85, 200, 60, 160, 0, 0, 0, 0, 4.6],
  [1, 55, 0, 1, 115, 220, 50, 115, 1, 0, 0, 0, 3.0],
  [1, 50, 0, 0, 95, 200, 100, 125, 0, 0, 1, 0, 1.8],
  [1, 50, 0, 0, 55, 150, 100, 105, 1, 1, 0, 1, 2.7],
  [1, 42, 0, 0, 65, 240, 100, 115, 0, 0, 0, 0, 0.6],
  [1, 44, 1, 0, 75, 240, 75, 145, 0, 1, 1, 1, 12.1],
  [1, 47, 1, 1, 125, 150, 75, 160, 1, 1, 0, 0, 8.9],
  [1, 35, 0, 1, 75, 380, 100, 115, 1, 0, 1, 1, 3.0],
  [1, 40, 0, 0, 90, 200, 40, 120, 0, 0, 0, 0, 0.8],
  [1, 40, 0, 1, 90, 200, 40, 120, 0, 0, 0, 0, 0.7],
  [1, 40, 1, 0, 90, 200, 40, 120, 0, 0, 0, 0, 1.3],
  [1, 40, 1, 1, 90, 200, 40, 120, 0, 0, 0, 0, 1.1],
  [1, 50, 0, 0, 90, 200, 40, 120, 0, 0, 0, 0, 2.3],
  [1, 50, 0, 1, 90, 200, 40, 120, 0, 0, 0, 0, 1.9],
  [1, 50, 1, 0, 90, 200, 40, 120, 0, 0, 0, 0, 3.6],
  [1, 50, 1, 1, 90, 200, 40, 120, 0, 0, 0, 0, 3.1],
  [1, 59, 0, 0, 90, 200, 40, 120, 0, 0, 0, 0, 4.8],
  [1, 59, 1, 1, 90, 200, 40, 120, 0, 0, 0, 0, 6.5],
  [1, 60, 0, 0, 90, 200, 40, 120, 0, 0, 0, 0, 5.1],
  [1, 60, 1, 1, 90, 200, 40, 120, 0, 0, 0, 0, 6.9],
  [1, 70, 0, 0, 90, 200, 40, 120, 0, 0, 0, 0, 10.1],
  [1, 70, 0, 1, 90, 200, 40, 120, 0, 0, 0, 0, 8.6],
  [1, 70, 1, 0, 90, 200, 40, 120, 0, 0, 0, 0, 15.7],
  [1, 70, 1, 1, 90, 200, 40, 120, 0, 0, 0, 0, 13.5],
  [1, 40, 0, 0, 110, 300, 30, 160, 1, 1, 1, 1, 39.2],
  [1, 40, 1, 1, 110, 300, 30, 160, 1, 1, 1, 1, 49.2],
  [1, 50, 0, 0, 110, 300, 30, 160, 1, 1, 1, 1, 32.5],
  [1, 50, 1, 1, 110, 300, 30, 160, 1, 1, 1, 1, 41.5],
  [1, 60, 0, 0, 110, 300, 30, 160, 1, 1, 1, 1, 27.7],
  [1, 60, 1, 0, 110, 300, 30, 160, 1, 1, 1, 1, 40.7],
  [1, 70, 0, 0, 110, 300, 30, 160, 1, 1, 1, 1, 24.1],
  [1, 70, 1, 1, 110, 300, 30, 160, 1, 1, 1, 1, 31.4],
  [2, 38, 1, 0, 105, 90, 100, 135, 0, 1, 1, 0, 4.7],
  [2, 48, 1, 0, 75, 90, 75, 90, 0, 0, 0, 0, 0.7],
  [2, 57, 0, 1, 125, 380, 22, 160, 1, 1, 1, 0, 35.0],
  [2, 51, 1, 1, 90, 320, 125, 198, 0, 0, 0, 0, 10.7],
  [2, 53, 1, 0, 125, 220, 30, 90, 0, 1, 0, 0, 5.5],
  [2, 56, 0, 1, 125, 220, 75, 145, 1, 0, 0, 0, 8.0],
  [2, 53, 1, 1, 115, 200, 40, 160, 1, 0, 1, 1, 24.0],
  [2, 38, 1, 1, 85, 200, 40, 90, 0, 0, 1, 0, 0.5],
  [2, 47, 1, 0, 95, 150, 50, 105, 0, 0, 0, 1, 1.6],
  [2, 47, 0, 0, 85, 320, 100, 135, 1, 0, 1, 0, 3.8],
  [2, 51, 1, 0, 75, 240, 75, 90, 1, 1, 0, 1, 2.4],
  [2, 58, 0, 1, 75, 120, 125, 105, 0, 0, 1, 0, 2.3],
  [2, 47, 0, 1, 95, 320, 75, 125, 1, 1, 1, 0, 6.5],
  [2, 41, 0, 1, 95, 280, 125, 180, 1, 0, 1, 0, 8.9],
  [2, 41, 1, 0, 55, 90, 60, 198, 1, 0, 1, 0, 10.8],
  [2, 57, 0, 1, 95, 280, 75, 115, 1, 1, 1, 0, 9.3],
  [2, 58, 0, 1, 105, 200, 100, 145, 1, 0, 0, 1, 6.4],
  [2, 54, 0, 1, 125, 320, 60, 90, 1, 0, 1, 1, 3.8],
  [2, 43, 1, 1, 65, 280, 125, 105, 1, 0, 0, 0, 0.8],
  [2, 43, 1, 1, 125, 150, 60, 135, 0, 0, 0, 1, 3.8],
  [2, 41, 1, 0, 90, 380, 30, 125, 1, 0, 1, 1, 4.8],
  [2, 48, 1, 0, 90, 90, 40, 105, 0, 0, 1, 1, 2.7],
  [2, 59, 1, 1, 115, 150, 22, 90, 1, 1, 1, 0, 16.7],
  [2, 58, 0, 0, 105, 320, 75, 105, 0, 1, 0, 0, 4.7],
  [2, 55, 1, 1, 75, 280, 60, 198, 1, 1, 0, 0, 23.8],
  [2, 56, 1, 0, 95, 90, 75, 160, 1, 1, 1, 0, 28.7],
  [2, 35, 1, 0, 75, 200, 75, 125, 1, 0, 0, 1, 1.1],
  [2, 39, 1, 0, 90, 380, 50, 135, 0, 1, 0, 1, 3.2],
  [2, 41, 0, 1, 125, 280, 100, 180, 1, 1, 0, 1, 14.6],
  [2, 35, 1, 1, 55, 280, 40, 145, 0, 0, 1, 1, 1.4],
  [2, 45, 1, 0, 115, 240, 50, 135, 0, 1, 0, 1, 7.2],
  [2, 57, 0, 0, 125, 380, 40, 75, 0, 1, 1, 1, 4.9],
  [2, 38, 0, 1, 55, 200, 75, 115, 1, 1, 1, 1, 1.1],
  [2, 36, 1, 1, 95, 180, 30, 105, 0, 0, 0, 0, 0.5],
  [2, 47, 1, 0, 75, 200, 30, 198, 0, 0, 0, 1, 9.5],
  [2, 58, 1, 1, 105, 90, 60, 135, 1, 1, 0, 1, 16.5],
  [2, 40, 0, 0, 100, 300, 30, 160, 1, 1, 1, 1, 13.6],
  [2, 40, 1, 0, 100, 300, 30, 160, 1, 1, 1, 1, 22.3],
  [2, 50, 0, 0, 100, 300, 30, 160, 1, 1, 1, 1, 20.0],
  [2, 50, 1, 0, 100, 300, 30, 160, 1, 1, 1, 1, 31.9],
  [2, 59, 0, 0, 100, 300, 30, 160, 1, 1, 1, 1, 26.3],
  [2, 59, 1, 0, 100, 300, 30, 160, 1, 1, 1, 1, 40.9],
  [2, 60, 0, 0, 100, 300, 30, 160, 1, 1, 1, 1, 27.0],
  [2, 60, 1, 0, 100, 300, 30, 160, 1, 1, 1, 1, 41.9],
  [2, 40, 0, 0, 85, 200, 40, 120, 0, 0, 0, 0, 0.7],
  [2, 40, 1, 0, 85, 200, 40, 120, 0, 0, 0, 0, 1.2],
  [2, 50, 0, 0, 85, 200, 40, 120, 0, 0, 0, 0, 1.7],
  [2, 50, 1, 0, 85, 200, 40, 120, 0, 0, 0, 0, 2.9],
  [2, 59, 0, 0, 85, 200, 40, 120, 0, 0, 0, 0, 3.2],
  [2, 59, 1, 0, 85, 200, 40, 120, 0, 0, 0, 0, 5.5],
  [2, 60, 0, 0, 85, 200, 40, 120, 0, 0, 0, 0, 3.4],
  [2, 60, 1, 0, 85, 200, 40, 120, 0, 0, 0, 0, 5.8],];

function compareWithCalculator(coefficients: ChinaParCoefficientSet) {
  return CALCULATOR.map((row) => {
    const [sex, age, north, urban, waist, tc, hdl, sbp, treated, dm, smoker, fh, official] = row;
    const input: ChinaParInput = {
      sex: sex === 1 ? 'male' : 'female', ageYears: age, sbpMmHg: sbp, bpTreated: treated === 1,
      tcMmolL: tc / MGDL, hdlMmolL: hdl / MGDL, waistCm: waist, currentSmoker: smoker === 1, diabetes: dm === 1,
      region: north === 1 ? 'north' : 'south', urban: urban === 1, familyHistoryAscvd: fh === 1, coefficients,
    };
    return { sex: input.sex, official, ours: pct(chinaPar10YearRisk(input).risk) };
  });
}
function meanAbsoluteError(rows: readonly { official: number; ours: number }[]): number {
  return rows.reduce((sum, row) => sum + Math.abs(row.ours - row.official), 0) / rows.length;
}

describe('China-PAR, calculator coefficients: the official online calculator', () => {
  const compared = compareWithCalculator('calculator');
  for (const sex of ['male', 'female'] as const) {
    it(`${sex}: every official output within 0.1 percentage point (mean absolute error ≤ 0.05)`, () => {
      const rows = compared.filter((row) => row.sex === sex);
      expect(rows.length).toBeGreaterThan(50);
      // The calculator displays one decimal, so 0.05 is its own rounding; women measure 0.09 at most.
      for (const row of rows) expect(Math.abs(row.ours - row.official), `official ${row.official}`).toBeLessThanOrEqual(0.1);
      expect(meanAbsoluteError(rows)).toBeLessThanOrEqual(0.05);
    });
  }

  it('same category wherever the official value is not within 0.1 point of a cut-off', () => {
    for (const row of compared) {
      if (Math.abs(row.official - 5) < 0.1 || Math.abs(row.official - 10) < 0.1) continue;
      expect(chinaParCategory(row.ours / 100)).toBe(chinaParCategory(row.official / 100));
    }
  });

  it('the paper\'s Table 2: women within 0.11 point (70 y: 17.20 vs 17.1); men 0.1–0.4 point low at 60 and 70 years (the paper and the calculator disagree)', () => {
    const men = [40, 50, 60, 70].map((age) => pct(chinaPar10YearRisk(example('male', age, 'calculator')).risk));
    const women = [40, 50, 60, 70].map((age) => pct(chinaPar10YearRisk(example('female', age, 'calculator')).risk));
    [2.4, 5.4, 10.1, 17.1].forEach((printed, i) => expect(Math.abs(women[i] - printed)).toBeLessThanOrEqual(0.11));
    expect(Math.abs(men[0] - 2.2)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(men[1] - 5.4)).toBeLessThanOrEqual(0.1);
    expect(11.0 - men[2]).toBeGreaterThan(0.1);
    expect(11.0 - men[2]).toBeLessThan(0.3);
    expect(19.6 - men[3]).toBeGreaterThan(0.2);
    expect(19.6 - men[3]).toBeLessThan(0.4);
  });
});

describe('China-PAR, paper-example coefficients: the official online calculator', () => {
  const compared = compareWithCalculator('paper-example');
  it('men: mean absolute error ≤ 0.15 percentage point, none above 0.6', () => {
    const rows = compared.filter((r) => r.sex === 'male');
    expect(meanAbsoluteError(rows)).toBeLessThanOrEqual(0.15);
    for (const row of rows) expect(Math.abs(row.ours - row.official)).toBeLessThanOrEqual(0.6);
  });

  it('women: mean absolute error ≤ 0.35 percentage point, none above 1.2', () => {
    const rows = compared.filter((r) => r.sex === 'female');
    expect(meanAbsoluteError(rows)).toBeLessThanOrEqual(0.35);
    for (const row of rows) expect(Math.abs(row.ours - row.official)).toBeLessThanOrEqual(1.2);
  });
});

describe('China-PAR: categories, ranges and errors', () => {
  it('cuts at 5 % and 10 %', () => {
    expect(chinaParCategory(0.0499)).toBe('low');
    expect(chinaParCategory(0.05)).toBe('intermediate');
    expect(chinaParCategory(0.0999)).toBe('intermediate');
    expect(chinaParCategory(0.1)).toBe('high');
  });

  it('women\'s risk ignores urban residence and family history', () => {
    const base = example('female', 55);
    const other = { ...base, urban: false, familyHistoryAscvd: true };
    expect(chinaPar10YearRisk(other).risk).toBe(chinaPar10YearRisk(base).risk);
  });

  it('flags inputs outside the validated ranges, by name', () => {
    const result = chinaPar10YearRisk({ ...example('male', 30), sbpMmHg: 210, waistCm: 140 });
    expect(result.outOfRange).toEqual(['ageYears', 'sbpMmHg', 'waistCm']);
    expect(chinaPar10YearRisk(example('male', 60)).outOfRange).toEqual([]);
  });

  it('throws a RangeError naming a non-positive measurement', () => {
    expect(() => chinaPar10YearRisk({ ...example('male', 60), hdlMmolL: 0 })).toThrow(/hdlMmolL/);
    expect(() => chinaPar10YearRisk({ ...example('male', 60), sbpMmHg: Number.NaN })).toThrow(/sbpMmHg/);
  });

  it('says in every result whether the guideline\'s lifetime assessment is due, and gives no lifetime risk', () => {
    const young = chinaPar10YearRisk({ ...example('male', 45, 'calculator'), diabetes: false });
    expect(young.risk).toBeLessThan(0.1);
    expect(young.lifetimeAssessmentIndicated).toBe(true);
    expect(young.lifetimeRisk).toBeNull();
    expect(chinaPar10YearRisk(example('male', 60, 'calculator')).lifetimeAssessmentIndicated).toBe(false);
  });

  it('asks for lifetime risk at 20–59 years with 10-year risk below 10 %', () => {
    expect(chinaParLifetimeAssessmentIndicated(45, 0.06)).toBe(true);
    expect(chinaParLifetimeAssessmentIndicated(60, 0.06)).toBe(false);
    expect(chinaParLifetimeAssessmentIndicated(45, 0.1)).toBe(false);
    expect(chinaParLifetimeAssessmentIndicated(19, 0.01)).toBe(false);
  });
});
