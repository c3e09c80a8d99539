/**
 * Pure risk models of the health-management domain (DESIGN.md: pure engines — no I/O, no clock,
 * no process.env). Documented with sources and validation in docs/risk-models.md.
 */
export type { Sex } from './units.js';
export { CHOLESTEROL_MGDL_PER_MMOLL, cholesterolMgDlToMmolL, cholesterolMmolLToMgDl } from './units.js';

export type { ChinaParCategory, ChinaParInput, ChinaParResult, ChinaRegion, RiskTerm } from './china-par.js';
export {
  CHINA_PAR_LIFETIME_HIGH_RISK,
  CHINA_PAR_RANGES,
  chinaPar10YearRisk,
  chinaParCategory,
  chinaParLifetimeAssessmentIndicated,
} from './china-par.js';
export type { LifetimeRiskFactor, LifetimeRiskFactorInput, LifetimeRiskFactorResult } from './lifetime-risk-factors.js';
export { LIFETIME_HIGH_FACTORS, LIFETIME_RULE_AGE_BELOW, lifetimeRiskByFactors } from './lifetime-risk-factors.js';
export type { ChinaParCoefficients, ChinaParCoefficientSet } from './china-par-coefficients.js';
export {
  CHINA_PAR_CALCULATOR_MEN,
  CHINA_PAR_CALCULATOR_WOMEN,
  CHINA_PAR_COEFFICIENT_SETS,
  CHINA_PAR_DEFAULT_COEFFICIENTS,
  CHINA_PAR_PAPER_MEN,
  CHINA_PAR_PAPER_WOMEN,
  chinaParCoefficients,
} from './china-par-coefficients.js';

export type { PceCategory, PceEquationName, PceInput, PceRace, PceResult } from './pooled-cohort.js';
export { PCE_EQUATIONS, PCE_RANGES, pceCategory, pceEquationFor, pooledCohort10YearRisk } from './pooled-cohort.js';

export type { CdrsInput, CdrsPoints, CdrsResult } from './chinese-diabetes-risk-score.js';
export { CDRS_OGTT_THRESHOLD, CDRS_RANGES, chineseDiabetesRiskScore } from './chinese-diabetes-risk-score.js';

export type {
  BpReading,
  Dispense,
  FollowUp,
  GlucoseReading,
  GuidelineRules,
  IsoDate,
  Trigger,
  TriggerCode,
  TriggerInput,
} from './guideline-triggers.js';
export { DEFAULT_GUIDELINE_RULES, bpControlled, evaluateGuidelineTriggers } from './guideline-triggers.js';

export type { FeatureContribution, LogisticModel, LogisticTrainOptions } from './logistic-regression.js';
export {
  linearPredictor,
  originalScaleCoefficients,
  predictProbability,
  sigmoid,
  topContributions,
  trainLogisticRegression,
} from './logistic-regression.js';

export type { Calibration, ReliabilityRow } from './model-metrics.js';
export { auc, brierScore, calibration, reliabilityTable } from './model-metrics.js';

export type { Prng } from '../../../foundation/random.js';
export { createPrng } from '../../../foundation/random.js';
