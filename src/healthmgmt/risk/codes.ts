/**
 * Code systems and URLs of the risk-intervention loop (one place, so nobody types a URL twice).
 */

/** RiskAssessment.method / Task.reasonCode: which model or rule set produced the assessment. */
export const RISK_MODEL_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/risk-model';
/** Task.code: the intervention asked of the family-doctor team. */
export const INTERVENTION_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/risk-intervention';
/** Task.reasonCode for guideline triggers (codes of `TriggerCode`). */
export const TRIGGER_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/chronic-care-trigger';
/** HL7 risk-probability (RiskAssessment.prediction.qualitativeRisk): negligible | low | moderate | high | certain. */
export const RISK_PROBABILITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/risk-probability';
/** Extension on RiskAssessment: the model inputs, as a JSON string (valueString). */
export const RISK_INPUTS_EXTENSION = 'https://healthy-brain.org/fhir/StructureDefinition/risk-inputs';
/** Extension on RiskAssessment: the explanation (top contributions or equation terms), as a JSON string. */
export const RISK_EXPLANATION_EXTENSION = 'https://healthy-brain.org/fhir/StructureDefinition/risk-explanation';

/** Models and rule sets the assessment job runs. */
export type RiskModelCode = 'china-par' | 'cdrs' | 'bp-uncontrolled-lr' | 'guideline-triggers';

/** Human-readable method with the citation of each model (RiskAssessment.method.text). */
export const MODEL_CITATIONS: Record<RiskModelCode, string> = {
  'china-par': 'China-PAR 10-year ASCVD risk: Yang X et al., Circulation 2016;134:1430–1440; categories per the 2019 Chinese guideline on CVD risk assessment',
  cdrs: 'Chinese Diabetes Risk Score: Zhou X et al., Diabetes Care 2013;36:3944–3952; ≥ 25 points → OGTT',
  'bp-uncontrolled-lr': 'L2 logistic regression (Hastie, Tibshirani, Friedman, ESL 2nd ed. §4.4) trained on this platform: BP uncontrolled at the next visit within 12 months',
  'guideline-triggers': 'Chronic-care guideline triggers: National Basic Public Health Service Standard, 3rd ed. (2017); Chinese hypertension guideline 2018',
};

/** Interventions a Task can ask for. */
export type InterventionCode = 'urgent-referral' | 'referral' | 'follow-up-2w' | 'refill-call' | 'follow-up-visit' | 'bp-control-visit' | 'statin-counselling' | 'ogtt';

export const INTERVENTION_TEXT: Record<InterventionCode, string> = {
  'urgent-referral': 'Urgent referral (same day)',
  referral: 'Referral after two uncontrolled readings, check within 2 weeks',
  'follow-up-2w': 'Follow-up visit within 2 weeks',
  'refill-call': 'Call about a missed refill',
  'follow-up-visit': 'Overdue face-to-face follow-up',
  'bp-control-visit': 'BP-control visit within 2 weeks (high predicted risk of uncontrolled BP)',
  'statin-counselling': 'Lifestyle and statin counselling (high 10-year ASCVD risk)',
  ogtt: 'Oral glucose tolerance test (diabetes risk score ≥ 25)',
};

/** Task statuses that count as open: a new Task for the same reason is not created while one is. */
export const OPEN_TASK_STATUSES = ['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold'] as const;
/** Task statuses that do not count as an intervention given. */
export const VOID_TASK_STATUSES = ['cancelled', 'rejected', 'entered-in-error'] as const;
