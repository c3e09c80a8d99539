/**
 * Lifetime ASCVD risk by the Chinese guidelines' risk-factor rule ("余生风险").
 *
 * Sources (the same rule in each):
 * - 中国成人血脂异常防治指南修订联合委员会. 中国成人血脂异常防治指南 (2016 年修订版). 中国循环杂志
 *   2016;31(10):937–953 — figure "ASCVD 危险评估流程图";
 * - 中华医学会心血管病学分会 et al. 中国心血管病一级预防指南. 中华心血管病杂志 2020;48(12):1000–1038
 *   — section 心血管病风险评估;
 * - 中国血脂管理指南修订联合专家委员会. 中国血脂管理指南 (2023 年). 中华心血管病杂志 2023;51(3):221–255,
 *   doi:10.3760/cma.j.cn112148-20230119-00038 — figure 1.
 *
 * The rule: a person whose 10-year ASCVD risk is intermediate (5 %–< 10 %) and who is younger than 55
 * has a high lifetime risk when at least two of these are present —
 *   1. systolic BP ≥ 160 mmHg or diastolic BP ≥ 100 mmHg;
 *   2. non-HDL cholesterol (TC − HDL-C) ≥ 5.2 mmol/L (200 mg/dL);
 *   3. HDL-C < 1.0 mmol/L (40 mg/dL);
 *   4. body-mass index ≥ 28 kg/m²;
 *   5. current smoking —
 * and is then managed as high risk (the 2023 lipid guideline's LDL-C target < 2.6 mmol/L, statin
 * therapy considered). It is a category, not a probability: the China-PAR lifetime equations the 2019
 * guideline cites (Liu F et al., Sci Bull 2018) are not published in a usable form (docs/risk-models.md).
 *
 * Pure: no I/O. A factor whose input is missing (no BMI, no diastolic BP with systolic < 160) is
 * "unknown"; the result is undetermined (null) only when the unknown factors could change it.
 */
import type { ChinaParCategory } from './china-par.js';

/** Inputs of the lifetime rule, in the platform's units. */
export interface LifetimeRiskFactorInput {
  readonly ageYears: number;
  /** The 10-year category (China-PAR, 2019 guideline cut-offs 5 % and 10 %). */
  readonly tenYearCategory: ChinaParCategory;
  readonly sbpMmHg: number;
  readonly dbpMmHg?: number | null;
  readonly tcMmolL: number;
  readonly hdlMmolL: number;
  readonly bmiKgM2?: number | null;
  readonly currentSmoker: boolean;
}

export type LifetimeRiskFactor = 'blood pressure ≥ 160/100' | 'non-HDL-C ≥ 5.2 mmol/L' | 'HDL-C < 1.0 mmol/L' | 'BMI ≥ 28' | 'current smoker';

/** Result of {@link lifetimeRiskByFactors}. */
export interface LifetimeRiskFactorResult {
  /** The rule applies: 10-year risk intermediate and age < 55. */
  readonly applies: boolean;
  /** High lifetime risk (≥ 2 factors); false with fewer; null when it does not apply or missing inputs could decide it. */
  readonly high: boolean | null;
  /** The factors present. */
  readonly factors: readonly LifetimeRiskFactor[];
  /** The factors that could not be judged for want of an input. */
  readonly unknown: readonly LifetimeRiskFactor[];
}

/** Age below which the rule applies (years). */
export const LIFETIME_RULE_AGE_BELOW = 55;
/** Number of factors that make a lifetime risk high. */
export const LIFETIME_HIGH_FACTORS = 2;

const known = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Applies the guidelines' lifetime rule (see the file header for the sources). */
export function lifetimeRiskByFactors(input: LifetimeRiskFactorInput): LifetimeRiskFactorResult {
  const factors: LifetimeRiskFactor[] = [];
  const unknown: LifetimeRiskFactor[] = [];
  const judge = (name: LifetimeRiskFactor, present: boolean | null): void => {
    if (present === null) unknown.push(name);
    else if (present) factors.push(name);
  };
  const dbpHigh = known(input.dbpMmHg) ? input.dbpMmHg >= 100 : null;
  judge('blood pressure ≥ 160/100', input.sbpMmHg >= 160 || dbpHigh);
  // The guideline's cut-offs are in both units; 5.2 and 1.0 mmol/L are the ones it prints. A small
  // tolerance keeps TC 6.4 − HDL 1.2 (5.2 exactly in decimal) from falling below 5.2 in binary floating point.
  judge('non-HDL-C ≥ 5.2 mmol/L', input.tcMmolL - input.hdlMmolL >= 5.2 - 1e-9);
  judge('HDL-C < 1.0 mmol/L', input.hdlMmolL < 1.0);
  judge('BMI ≥ 28', known(input.bmiKgM2) ? input.bmiKgM2 >= 28 : null);
  judge('current smoker', input.currentSmoker);
  const applies = input.tenYearCategory === 'intermediate' && input.ageYears < LIFETIME_RULE_AGE_BELOW;
  let high: boolean | null = null;
  if (applies) {
    if (factors.length >= LIFETIME_HIGH_FACTORS) high = true;
    else if (factors.length + unknown.length < LIFETIME_HIGH_FACTORS) high = false;
  }
  return { applies, high, factors, unknown };
}
