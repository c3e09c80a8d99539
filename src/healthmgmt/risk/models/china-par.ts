/**
 * China-PAR 10-year ASCVD risk equations.
 *
 * Source: Yang X, Li J, Hu D, et al. Predicting the 10-year risks of atherosclerotic cardiovascular
 * disease in Chinese population: the China-PAR project. Circulation 2016;134:1430–1440,
 * doi:10.1161/CIRCULATIONAHA.116.022367 (Supplemental Tables 1–2). Categories and the lifetime-risk
 * rule: 中国心血管病风险评估和管理指南 (Chinese guideline on the assessment and management of
 * cardiovascular risk), 中国循环杂志 2019;34(1):4–28.
 *
 * Coefficients: `china-par-coefficients.ts` holds two sets — the paper-example set (default: it reproduces
 * the paper's worked examples and Table 2) and the official calculator's three-decimal coefficients;
 * docs/risk-models.md explains why both exist.
 */
import { CHINA_PAR_DEFAULT_COEFFICIENTS, chinaParCoefficients, type ChinaParCoefficientSet } from './china-par-coefficients.js';
import type { Sex } from './units.js';
import { TC_MMOL_PER_MGDL_CHINA_PAR } from './units.js';

/** Geographic region, split at the Yangtze River as in the paper. */
export type ChinaRegion = 'north' | 'south';

/** Inputs of the China-PAR equations, in the units the platform stores. */
export interface ChinaParInput {
  readonly sex: Sex;
  readonly ageYears: number;
  /** Office systolic blood pressure, mmHg. */
  readonly sbpMmHg: number;
  /** Antihypertensive medication taken in the last two weeks. */
  readonly bpTreated: boolean;
  /** Total cholesterol, mmol/L (converted to mg/dL with the paper's factor 0.0259). */
  readonly tcMmolL: number;
  /** HDL cholesterol, mmol/L. */
  readonly hdlMmolL: number;
  /** Waist circumference, cm. */
  readonly waistCm: number;
  readonly currentSmoker: boolean;
  readonly diabetes: boolean;
  readonly region: ChinaRegion;
  /** Urban residence (used by the men's equation only). */
  readonly urban: boolean;
  /** Family history of ASCVD in parents or siblings (men's equation only). */
  readonly familyHistoryAscvd: boolean;
  /** Coefficient set; default `paper-example` (reproduces the paper); `calculator` for the official calculator's. */
  readonly coefficients?: ChinaParCoefficientSet;
}

/** 2019 Chinese guideline 10-year categories: < 5 % low, 5–9.9 % intermediate, ≥ 10 % high. */
export type ChinaParCategory = 'low' | 'intermediate' | 'high';

/** One term of the linear predictor (coefficient × value), for explanations. */
export interface RiskTerm {
  readonly name: string;
  readonly value: number;
}

/** Result of {@link chinaPar10YearRisk}. */
export interface ChinaParResult {
  /** 10-year ASCVD risk as a probability 0..1. */
  readonly risk: number;
  readonly category: ChinaParCategory;
  /** Individual sum Σ coefficient × value (the paper's "IndX'B"). */
  readonly individualSum: number;
  readonly terms: readonly RiskTerm[];
  /** Names of inputs outside the range the equations were derived or validated on. */
  readonly outOfRange: readonly string[];
  /** The coefficient set used. */
  readonly coefficients: ChinaParCoefficientSet;
  /**
   * The 2019 guideline asks for a lifetime-risk assessment (age 20–59, 10-year risk < 10 %). The lifetime
   * equations are not published in a usable form, so `lifetimeRisk` is always null: when this flag is true
   * the caller must say that the lifetime assessment the guideline asks for was not done.
   */
  readonly lifetimeAssessmentIndicated: boolean;
  readonly lifetimeRisk: null;
}

/** Validated ranges: age from the derivation cohorts (35–74); the rest from the official calculator's input limits. */
export const CHINA_PAR_RANGES = Object.freeze({
  ageYears: [35, 74],
  sbpMmHg: [70, 200],
  tcMmolL: [2, 11],
  hdlMmolL: [0.5, 4],
  waistCm: [50, 130],
} as const);

/** 2019 Chinese guideline: lifetime risk ≥ 32.8 % is "high lifetime risk". */
export const CHINA_PAR_LIFETIME_HIGH_RISK = 0.328;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive finite number, got ${value}`);
  return value;
}

function rangeFlags(input: ChinaParInput): string[] {
  const flags: string[] = [];
  for (const [name, [low, high]] of Object.entries(CHINA_PAR_RANGES)) {
    const value = input[name as keyof typeof CHINA_PAR_RANGES];
    if (value < low || value > high) flags.push(name);
  }
  return flags;
}

/**
 * Category of a 10-year risk (probability) per the 2019 Chinese guideline:
 * < 5 % low, 5 %–< 10 % intermediate, ≥ 10 % high.
 */
export function chinaParCategory(risk: number): ChinaParCategory {
  if (risk < 0.05) return 'low';
  if (risk < 0.1) return 'intermediate';
  return 'high';
}

/**
 * 10-year ASCVD risk by the China-PAR equations (Yang et al., Circulation 2016).
 * Risk = 1 − S10^exp(IndX'B − mean). Throws RangeError naming the field for non-positive or
 * non-finite measurements; values outside the validated ranges are computed and listed in `outOfRange`.
 */
export function chinaPar10YearRisk(input: ChinaParInput): ChinaParResult {
  const set = input.coefficients ?? CHINA_PAR_DEFAULT_COEFFICIENTS;
  const c = chinaParCoefficients(input.sex, set);
  const lnAge = Math.log(positive('ageYears', input.ageYears));
  const lnSbp = Math.log(positive('sbpMmHg', input.sbpMmHg));
  // The paper's unit: mg/dL = mmol/L ÷ 0.0259 (Yang 2016, Methods).
  const lnTc = Math.log(positive('tcMmolL', input.tcMmolL) / TC_MMOL_PER_MGDL_CHINA_PAR);
  const lnHdl = Math.log(positive('hdlMmolL', input.hdlMmolL) / TC_MMOL_PER_MGDL_CHINA_PAR);
  const lnWaist = Math.log(positive('waistCm', input.waistCm));
  const smoker = input.currentSmoker ? 1 : 0;
  const fh = input.familyHistoryAscvd ? 1 : 0;
  const treated = input.bpTreated;
  const terms: RiskTerm[] = [
    { name: 'ln(age)', value: c.lnAge * lnAge },
    { name: treated ? 'ln(treated SBP)' : 'ln(untreated SBP)', value: (treated ? c.lnSbpTreated : c.lnSbpUntreated) * lnSbp },
    { name: 'ln(TC)', value: c.lnTc * lnTc },
    { name: 'ln(HDL-C)', value: c.lnHdl * lnHdl },
    { name: 'ln(waist)', value: c.lnWaist * lnWaist },
    { name: 'current smoker', value: c.smoker * smoker },
    { name: 'diabetes', value: c.diabetes * (input.diabetes ? 1 : 0) },
    { name: 'northern China', value: c.north * (input.region === 'north' ? 1 : 0) },
    { name: 'urban', value: c.urban * (input.urban ? 1 : 0) },
    { name: 'family history of ASCVD', value: c.familyHistory * fh },
    {
      name: treated ? 'ln(age) × ln(treated SBP)' : 'ln(age) × ln(untreated SBP)',
      value: (treated ? c.lnAgeXLnSbpTreated : c.lnAgeXLnSbpUntreated) * lnAge * lnSbp,
    },
    { name: 'ln(age) × smoker', value: c.lnAgeXSmoker * lnAge * smoker },
    { name: 'ln(age) × family history', value: c.lnAgeXFamilyHistory * lnAge * fh },
  ];
  const individualSum = terms.reduce((sum, term) => sum + term.value, 0);
  // Cox model, Yang 2016 Supplemental Table 2: risk = 1 − S10^exp(IndX'B − MeanX'B).
  const risk = 1 - Math.pow(c.baselineSurvival10, Math.exp(individualSum - c.meanSum));
  return {
    risk,
    category: chinaParCategory(risk),
    individualSum,
    terms,
    outOfRange: rangeFlags(input),
    coefficients: set,
    lifetimeAssessmentIndicated: chinaParLifetimeAssessmentIndicated(input.ageYears, risk),
    lifetimeRisk: null,
  };
}

/**
 * Whether the 2019 Chinese guideline asks for a lifetime-risk assessment: age 20–59 and a 10-year
 * risk below 10 % (low or intermediate). The lifetime equations themselves (Liu F et al., Sci Bull
 * 2018;63:779–787) are not implemented: their coefficients are not published in a usable form
 * (docs/risk-models.md lists what was searched).
 */
export function chinaParLifetimeAssessmentIndicated(ageYears: number, tenYearRisk: number): boolean {
  return ageYears >= 20 && ageYears < 60 && tenYearRisk < 0.1;
}
