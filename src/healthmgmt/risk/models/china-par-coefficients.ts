/**
 * The two coefficient sets of the China-PAR 10-year equations (Yang X et al., Circulation
 * 2016;134:1430–1440, Supplemental Tables 1–2). Sex-specific Cox models on ln(age), ln(SBP) treated /
 * untreated with ln(age) interactions, ln(TC), ln(HDL-C) (mg/dL), ln(waist), smoking, diabetes, northern
 * China and, for men, urban residence, family history and their ln(age) interactions.
 *
 * Why two sets (docs/risk-models.md, "Which coefficients"): the paper prints two decimals, which do not
 * reproduce its own worked example, and the official calculator (cvdrisk.com.cn) disagrees with the
 * paper's Table 2 for men by up to 0.3 percentage point.
 *  - `paper-example` (the default): the paper's two-decimal values with six men's coefficients recovered
 *    from the men's worked example and the women's baseline survival solved from the women's; they
 *    reproduce the paper's worked examples and Table 2 to 0.1 point — the contract of issue 7 — and the
 *    official calculator less well (guideline example 4.87 % vs 4.7 %).
 *  - `calculator`: three-decimal coefficients as printed in the Jiangsu group standard T/JPMA 024—2024
 *    (社区人群心血管病风险筛查技术规范), appendices C/D, which cites Yang 2016 — read from a public
 *    transcription, not from the standard itself. They reproduce the 2019 guideline's published example
 *    (4.7 %) and 110 outputs of the official calculator within its 0.1-point display rounding, but the
 *    paper's Table 2 for men at 60 and 70 years 0.18 and 0.29 point low.
 */

/** Coefficients, mean individual sum and 10-year baseline survival of one sex. */
export interface ChinaParCoefficients {
  readonly lnAge: number;
  readonly lnSbpTreated: number;
  readonly lnSbpUntreated: number;
  readonly lnTc: number;
  readonly lnHdl: number;
  readonly lnWaist: number;
  readonly smoker: number;
  readonly diabetes: number;
  readonly north: number;
  readonly urban: number;
  readonly familyHistory: number;
  readonly lnAgeXLnSbpTreated: number;
  readonly lnAgeXLnSbpUntreated: number;
  readonly lnAgeXSmoker: number;
  readonly lnAgeXFamilyHistory: number;
  readonly meanSum: number;
  readonly baselineSurvival10: number;
}

/** Name of a coefficient set (the names are the CLI's `--coefficients` values, a contract). */
export type ChinaParCoefficientSet = 'paper-example' | 'calculator';
/** The default everywhere (library, CLI, assessment job): the set that reproduces the paper (issue 7). */
export const CHINA_PAR_DEFAULT_COEFFICIENTS: ChinaParCoefficientSet = 'paper-example';
/** Every set, the default first. */
export const CHINA_PAR_COEFFICIENT_SETS: readonly ChinaParCoefficientSet[] = [CHINA_PAR_DEFAULT_COEFFICIENTS, 'calculator'];

/** Men, T/JPMA 024—2024 appendix (three decimals); mean 140.68 and S10 0.9707 as in Yang 2016 Suppl. Table 2. */
export const CHINA_PAR_CALCULATOR_MEN: ChinaParCoefficients = Object.freeze({
  lnAge: 31.967,
  lnSbpTreated: 27.388,
  lnSbpUntreated: 26.148,
  lnTc: 0.621,
  lnHdl: -0.695,
  lnWaist: -0.712,
  smoker: 3.955,
  diabetes: 0.357,
  north: 0.475,
  urban: -0.164,
  familyHistory: 6.221,
  lnAgeXLnSbpTreated: -6.018,
  lnAgeXLnSbpUntreated: -5.731,
  lnAgeXSmoker: -0.939,
  lnAgeXFamilyHistory: -1.534,
  meanSum: 140.68,
  baselineSurvival10: 0.9707,
});

/** Women, T/JPMA 024—2024 appendix (three decimals; S10 0.9851; the paper prints 0.99). */
export const CHINA_PAR_CALCULATOR_WOMEN: ChinaParCoefficients = Object.freeze({
  lnAge: 24.874,
  lnSbpTreated: 20.709,
  lnSbpUntreated: 19.982,
  lnTc: 0.058,
  lnHdl: -0.217,
  lnWaist: 1.475,
  smoker: 0.495,
  diabetes: 0.567,
  north: 0.544,
  urban: 0,
  familyHistory: 0,
  lnAgeXLnSbpTreated: -4.528,
  lnAgeXLnSbpUntreated: -4.36,
  lnAgeXSmoker: 0,
  lnAgeXFamilyHistory: 0,
  meanSum: 117.26,
  baselineSurvival10: 0.9851,
});

// Men's worked example (Yang 2016 Supplemental Table 1): age 60, untreated SBP 130, TC 210 mg/dL,
// HDL 55 mg/dL, waist 80 cm; printed coefficient × value: 130.88, 127.28, 3.32, −2.78, −3.12, −114.21.
const LN60 = Math.log(60);
const LN130 = Math.log(130);

/** Men, Yang 2016 Supplemental Table 1 (two decimals; six continuous ones recovered from the worked example). */
export const CHINA_PAR_PAPER_MEN: ChinaParCoefficients = Object.freeze({
  lnAge: 130.88 / LN60, // printed 31.97
  lnSbpTreated: 27.39,
  lnSbpUntreated: 127.28 / LN130, // printed 26.15
  lnTc: 3.32 / Math.log(210), // printed 0.62
  lnHdl: -2.78 / Math.log(55), // printed −0.69
  lnWaist: -3.12 / Math.log(80), // printed −0.71
  smoker: 3.96,
  diabetes: 0.36,
  north: 0.48,
  urban: -0.16,
  familyHistory: 6.22,
  lnAgeXLnSbpTreated: -6.02,
  lnAgeXLnSbpUntreated: -114.21 / (LN60 * LN130), // printed −5.73
  lnAgeXSmoker: -0.94,
  lnAgeXFamilyHistory: -1.53,
  meanSum: 140.68,
  baselineSurvival10: 0.9707, // Supplemental Table 2 worked formula (Table 1 prints 0.97)
});

/** Women, Yang 2016 Supplemental Table 1; urban and family history are not in the women's equation. */
export const CHINA_PAR_PAPER_WOMEN: ChinaParCoefficients = Object.freeze({
  lnAge: 24.87,
  lnSbpTreated: 20.71,
  lnSbpUntreated: 19.98,
  lnTc: 0.06,
  lnHdl: -0.22,
  lnWaist: 1.48,
  smoker: 0.49,
  diabetes: 0.57,
  north: 0.54,
  urban: 0,
  familyHistory: 0,
  lnAgeXLnSbpTreated: -4.53,
  lnAgeXLnSbpUntreated: -4.36,
  lnAgeXSmoker: 0,
  lnAgeXFamilyHistory: 0,
  meanSum: 117.26,
  // Printed 0.99; solved from the women's worked example: 1 − S^exp(119.22 − 117.26) = 0.101.
  baselineSurvival10: Math.pow(1 - 0.101, 1 / Math.exp(119.22 - 117.26)),
});

/** The coefficients of one sex in one set. */
export function chinaParCoefficients(sex: 'male' | 'female', set: ChinaParCoefficientSet = CHINA_PAR_DEFAULT_COEFFICIENTS): ChinaParCoefficients {
  if (set === 'calculator') return sex === 'male' ? CHINA_PAR_CALCULATOR_MEN : CHINA_PAR_CALCULATOR_WOMEN;
  return sex === 'male' ? CHINA_PAR_PAPER_MEN : CHINA_PAR_PAPER_WOMEN;
}
