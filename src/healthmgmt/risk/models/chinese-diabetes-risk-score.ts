/**
 * Chinese Diabetes Risk Score (CDRS, 中国糖尿病风险评分表).
 *
 * Source: Zhou X, Qiao Q, Ji L, et al. Nonlaboratory-based risk assessment algorithm for undiagnosed
 * type 2 diabetes developed on a nation-wide diabetes survey. Diabetes Care 2013;36:3944–3952,
 * doi:10.2337/dc13-0593; point table as printed in the Chinese guideline for the prevention and
 * treatment of type 2 diabetes (中国2型糖尿病防治指南, 2017 and 2020 editions): total ≥ 25 → OGTT.
 */
import type { Sex } from './units.js';

/** Inputs of the CDRS. */
export interface CdrsInput {
  readonly ageYears: number;
  readonly sex: Sex;
  readonly waistCm: number;
  readonly bmiKgM2: number;
  readonly sbpMmHg: number;
  /** Diabetes in parents or siblings. */
  readonly familyHistoryDiabetes: boolean;
}

/** Points of each item, as in the guideline's table. */
export interface CdrsPoints {
  readonly age: number;
  readonly sex: number;
  readonly waist: number;
  readonly bmi: number;
  readonly sbp: number;
  readonly familyHistory: number;
}

/** Result of {@link chineseDiabetesRiskScore}. */
export interface CdrsResult {
  /** Total points, 0–51. */
  readonly score: number;
  readonly points: CdrsPoints;
  /** Total ≥ 25: high risk of undiagnosed diabetes; an OGTT is recommended. */
  readonly ogttRecommended: boolean;
  readonly category: 'high' | 'low';
  readonly outOfRange: readonly string[];
}

/** The guideline's cut-off: a total of 25 or more → OGTT. */
export const CDRS_OGTT_THRESHOLD = 25;

/** A band: points apply from `from` (inclusive) up to the next band's `from`. */
type Bands = readonly (readonly [from: number, points: number])[];

// Guideline table, age (years): 20–24 0, 25–34 4, 35–39 8, 40–44 11, 45–49 12, 50–54 13, 55–59 15, 60–64 16, 65–74 18.
const AGE: Bands = [[0, 0], [25, 4], [35, 8], [40, 11], [45, 12], [50, 13], [55, 15], [60, 16], [65, 18]];
// BMI (kg/m²): < 22 0, 22–23.9 1, 24–29.9 3, ≥ 30 5.
const BMI: Bands = [[0, 0], [22, 1], [24, 3], [30, 5]];
// Waist (cm), men: < 75 0, 75–79.9 3, 80–84.9 5, 85–89.9 7, 90–94.9 8, ≥ 95 10.
const WAIST_MEN: Bands = [[0, 0], [75, 3], [80, 5], [85, 7], [90, 8], [95, 10]];
// Waist (cm), women: < 70 0, 70–74.9 3, 75–79.9 5, 80–84.9 7, 85–89.9 8, ≥ 90 10.
const WAIST_WOMEN: Bands = [[0, 0], [70, 3], [75, 5], [80, 7], [85, 8], [90, 10]];
// SBP (mmHg): < 110 0, 110–119 1, 120–129 3, 130–139 6, 140–149 7, 150–159 8, ≥ 160 10.
const SBP: Bands = [[0, 0], [110, 1], [120, 3], [130, 6], [140, 7], [150, 8], [160, 10]];
// Sex: women 0, men 2. Family history of diabetes: no 0, yes 6.
const MALE_POINTS = 2;
const FAMILY_HISTORY_POINTS = 6;

/** Validated population of the score: adults 20–74 years. */
export const CDRS_RANGES = Object.freeze({ ageYears: [20, 74], waistCm: [40, 200], bmiKgM2: [10, 70], sbpMmHg: [60, 260] } as const);

function band(bands: Bands, value: number): number {
  let points = 0;
  for (const [from, p] of bands) if (value >= from) points = p;
  return points;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative finite number, got ${value}`);
  return value;
}

/**
 * Chinese Diabetes Risk Score (Zhou et al., Diabetes Care 2013): sum of age, sex, waist, BMI, SBP and
 * family-history points; ≥ 25 recommends an OGTT. Bands are closed below (e.g. BMI 24.0 scores 3).
 */
export function chineseDiabetesRiskScore(input: CdrsInput): CdrsResult {
  const points: CdrsPoints = {
    age: band(AGE, nonNegative('ageYears', input.ageYears)),
    sex: input.sex === 'male' ? MALE_POINTS : 0,
    waist: band(input.sex === 'male' ? WAIST_MEN : WAIST_WOMEN, nonNegative('waistCm', input.waistCm)),
    bmi: band(BMI, nonNegative('bmiKgM2', input.bmiKgM2)),
    sbp: band(SBP, nonNegative('sbpMmHg', input.sbpMmHg)),
    familyHistory: input.familyHistoryDiabetes ? FAMILY_HISTORY_POINTS : 0,
  };
  const score = points.age + points.sex + points.waist + points.bmi + points.sbp + points.familyHistory;
  const outOfRange: string[] = [];
  for (const [name, [low, high]] of Object.entries(CDRS_RANGES)) {
    const value = input[name as keyof typeof CDRS_RANGES];
    if (value < low || value > high) outOfRange.push(name);
  }
  const ogttRecommended = score >= CDRS_OGTT_THRESHOLD;
  return { score, points, ogttRecommended, category: ogttRecommended ? 'high' : 'low', outOfRange };
}
