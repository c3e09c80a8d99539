/**
 * ACC/AHA Pooled Cohort Equations (PCE), 10-year risk of a first hard ASCVD event.
 *
 * Source: Goff DC Jr, Lloyd-Jones DM, Bennett G, et al. 2013 ACC/AHA guideline on the assessment of
 * cardiovascular risk. Circulation 2014;129(25 Suppl 2):S49–S73, doi:10.1161/01.cir.0000437741.48606.98,
 * Appendix 7 / Table A (coefficients, group mean of the sum, 10-year baseline survival, worked example).
 * Categories: 2019 ACC/AHA primary-prevention guideline (Arnett DK et al., Circulation 2019;140:e596).
 */
import type { Sex } from './units.js';

/** Race as the equations use it; `other` uses the white equations, as the 2013 guideline advises. */
export type PceRace = 'white' | 'african-american' | 'other';

/** Inputs, in the units of the published equations (cholesterol in mg/dL; see units.ts to convert). */
export interface PceInput {
  readonly sex: Sex;
  readonly race: PceRace;
  readonly ageYears: number;
  readonly tcMgDl: number;
  readonly hdlMgDl: number;
  readonly sbpMmHg: number;
  readonly bpTreated: boolean;
  readonly currentSmoker: boolean;
  readonly diabetes: boolean;
}

/** 2019 ACC/AHA categories: < 5 % low, 5–7.4 % borderline, 7.5–19.9 % intermediate, ≥ 20 % high. */
export type PceCategory = 'low' | 'borderline' | 'intermediate' | 'high';

/** Result of {@link pooledCohort10YearRisk}. */
export interface PceResult {
  /** 10-year ASCVD risk as a probability 0..1. */
  readonly risk: number;
  readonly category: PceCategory;
  /** Individual sum Σ coefficient × value. */
  readonly individualSum: number;
  /** Which of the four race–sex equations was used. */
  readonly equation: PceEquationName;
  readonly outOfRange: readonly string[];
}

export type PceEquationName = 'white-female' | 'african-american-female' | 'white-male' | 'african-american-male';

interface PceCoefficients {
  lnAge: number;
  lnAgeSquared: number;
  lnTc: number;
  lnAgeXLnTc: number;
  lnHdl: number;
  lnAgeXLnHdl: number;
  lnSbpTreated: number;
  lnAgeXLnSbpTreated: number;
  lnSbpUntreated: number;
  lnAgeXLnSbpUntreated: number;
  smoker: number;
  lnAgeXSmoker: number;
  diabetes: number;
  meanSum: number;
  baselineSurvival10: number;
}

const ZERO = {
  lnAge: 0, lnAgeSquared: 0, lnTc: 0, lnAgeXLnTc: 0, lnHdl: 0, lnAgeXLnHdl: 0, lnSbpTreated: 0,
  lnAgeXLnSbpTreated: 0, lnSbpUntreated: 0, lnAgeXLnSbpUntreated: 0, smoker: 0, lnAgeXSmoker: 0, diabetes: 0,
};

/** Goff 2013, Table A: the four race–sex equations. */
export const PCE_EQUATIONS: Readonly<Record<PceEquationName, Readonly<PceCoefficients>>> = Object.freeze({
  'white-female': {
    ...ZERO, lnAge: -29.799, lnAgeSquared: 4.884, lnTc: 13.54, lnAgeXLnTc: -3.114, lnHdl: -13.578, lnAgeXLnHdl: 3.149,
    lnSbpTreated: 2.019, lnSbpUntreated: 1.957, smoker: 7.574, lnAgeXSmoker: -1.665, diabetes: 0.661,
    meanSum: -29.18, baselineSurvival10: 0.9665,
  },
  'african-american-female': {
    ...ZERO, lnAge: 17.114, lnTc: 0.94, lnHdl: -18.92, lnAgeXLnHdl: 4.475, lnSbpTreated: 29.291, lnAgeXLnSbpTreated: -6.432,
    lnSbpUntreated: 27.82, lnAgeXLnSbpUntreated: -6.087, smoker: 0.691, diabetes: 0.874,
    meanSum: 86.61, baselineSurvival10: 0.9533,
  },
  'white-male': {
    ...ZERO, lnAge: 12.344, lnTc: 11.853, lnAgeXLnTc: -2.664, lnHdl: -7.99, lnAgeXLnHdl: 1.769, lnSbpTreated: 1.797,
    lnSbpUntreated: 1.764, smoker: 7.837, lnAgeXSmoker: -1.795, diabetes: 0.658,
    meanSum: 61.18, baselineSurvival10: 0.9144,
  },
  'african-american-male': {
    ...ZERO, lnAge: 2.469, lnTc: 0.302, lnHdl: -0.307, lnSbpTreated: 1.916, lnSbpUntreated: 1.809, smoker: 0.549,
    diabetes: 0.645, meanSum: 19.54, baselineSurvival10: 0.8954,
  },
});

/** Ranges the equations were derived for (age 40–79) and the ACC/AHA Risk Estimator's accepted inputs. */
export const PCE_RANGES = Object.freeze({
  ageYears: [40, 79],
  tcMgDl: [130, 320],
  hdlMgDl: [20, 100],
  sbpMmHg: [90, 200],
} as const);

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive finite number, got ${value}`);
  return value;
}

/** 2019 ACC/AHA risk category of a 10-year PCE risk (probability). */
export function pceCategory(risk: number): PceCategory {
  if (risk < 0.05) return 'low';
  if (risk < 0.075) return 'borderline';
  if (risk < 0.2) return 'intermediate';
  return 'high';
}

/** The race–sex equation a subject is scored with. */
export function pceEquationFor(sex: Sex, race: PceRace): PceEquationName {
  const aa = race === 'african-american';
  if (sex === 'female') return aa ? 'african-american-female' : 'white-female';
  return aa ? 'african-american-male' : 'white-male';
}

/**
 * 10-year ASCVD risk by the Pooled Cohort Equations (Goff et al. 2013/2014).
 * Risk = 1 − S10^exp(Σβx − mean). Throws RangeError naming a non-positive input; values outside the
 * derivation ranges are still computed and listed in `outOfRange`.
 */
export function pooledCohort10YearRisk(input: PceInput): PceResult {
  const equation = pceEquationFor(input.sex, input.race);
  const c = PCE_EQUATIONS[equation];
  const lnAge = Math.log(positive('ageYears', input.ageYears));
  const lnTc = Math.log(positive('tcMgDl', input.tcMgDl));
  const lnHdl = Math.log(positive('hdlMgDl', input.hdlMgDl));
  const lnSbp = Math.log(positive('sbpMmHg', input.sbpMmHg));
  const smoker = input.currentSmoker ? 1 : 0;
  const sbpTerm = input.bpTreated
    ? c.lnSbpTreated * lnSbp + c.lnAgeXLnSbpTreated * lnAge * lnSbp
    : c.lnSbpUntreated * lnSbp + c.lnAgeXLnSbpUntreated * lnAge * lnSbp;
  // Goff 2013 Table A: Σ of ln(age), ln(age)², ln(TC), ln(age)×ln(TC), ln(HDL), ln(age)×ln(HDL), SBP terms, smoking, diabetes.
  const individualSum =
    c.lnAge * lnAge + c.lnAgeSquared * lnAge * lnAge + c.lnTc * lnTc + c.lnAgeXLnTc * lnAge * lnTc + c.lnHdl * lnHdl +
    c.lnAgeXLnHdl * lnAge * lnHdl + sbpTerm + c.smoker * smoker + c.lnAgeXSmoker * lnAge * smoker +
    c.diabetes * (input.diabetes ? 1 : 0);
  const risk = 1 - Math.pow(c.baselineSurvival10, Math.exp(individualSum - c.meanSum));
  const outOfRange: string[] = [];
  for (const [name, [low, high]] of Object.entries(PCE_RANGES)) {
    const value = input[name as keyof typeof PCE_RANGES];
    if (value < low || value > high) outOfRange.push(name);
  }
  return { risk, category: pceCategory(risk), individualSum, equation, outOfRange };
}
