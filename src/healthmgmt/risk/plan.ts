/**
 * What the assessment job decides for one resident on one date (pure): which models apply, their
 * results, and which interventions follow. Rules:
 *
 *  - learned model (hypertension registry): p ≥ strata.highFrom → "BP-control visit within 2 weeks";
 *  - China-PAR (35–74 years, no stroke/MI, TC, HDL, waist and a BP on record): ≥ 10 % (high, 2019
 *    Chinese guideline) → lifestyle and statin counselling within 30 days;
 *  - CDRS (20–74 years, no diabetes, waist, BMI and a BP on record): ≥ 25 points → OGTT within 30 days
 *    (Chinese T2DM guideline 2017/2020);
 *  - guideline triggers (hypertension or diabetes registry): urgent → same-day referral; twice
 *    uncontrolled → referral; uncontrolled → follow-up within 2 weeks; missed refill → refill call;
 *    overdue follow-up → visit. One Task per intervention and resident; the first trigger is its reason.
 *
 * Inputs the platform does not record are assumed and listed in the RiskAssessment's inputs: China-PAR
 * region (`options.region`, Xiaoshan is south of the Yangtze), urban residence (`options.urban`), family
 * history of ASCVD or diabetes (false).
 */
import {
  chinaPar10YearRisk,
  chineseDiabetesRiskScore,
  evaluateGuidelineTriggers,
  lifetimeRiskByFactors,
  predictProbability,
  topContributions,
  type ChinaRegion,
  type IsoDate,
  type LifetimeRiskFactorResult,
  type Trigger,
  type TriggerCode,
} from './models/index.js';
import type { InterventionCode, RiskModelCode } from './codes.js';
import { ageOn, antihypertensiveCoverage, buildFeatures, dayOf, isoOfDay, type ResidentHistory } from './features.js';
import { stratumOf, type TrainedModelFile } from './model-file.js';

export type Stratum = 'low' | 'moderate' | 'high';

export interface PlannedPrediction {
  readonly outcome: string;
  readonly probability?: number;
  readonly stratum: Stratum;
}

export interface PlannedAssessment {
  readonly model: RiskModelCode;
  /** Model version (the learned model's id, or the equation's source year). */
  readonly version: string;
  readonly predictions: readonly PlannedPrediction[];
  readonly inputs: Record<string, unknown>;
  readonly explanation: unknown;
  /** Observation ids the assessment rests on. */
  readonly basis: readonly string[];
  readonly summary: string;
}

export interface PlannedIntervention {
  readonly code: InterventionCode;
  /** Index into the plan's assessments: the Task's focus. */
  readonly assessment: number;
  readonly reason: { readonly system: 'trigger' | 'model'; readonly code: TriggerCode | RiskModelCode; readonly text: string };
  readonly priority: 'routine' | 'urgent' | 'asap' | 'stat';
  readonly dueBy: IsoDate;
}

export interface ResidentPlan {
  readonly assessments: readonly PlannedAssessment[];
  readonly interventions: readonly PlannedIntervention[];
}

export interface PlanOptions {
  readonly model?: TrainedModelFile | null;
  readonly region?: ChinaRegion;
  readonly urban?: boolean;
}

const TRIGGER_INTERVENTION: Record<TriggerCode, { code: InterventionCode; priority: PlannedIntervention['priority'] }> = {
  'urgent-bp': { code: 'urgent-referral', priority: 'stat' },
  'urgent-glucose-high': { code: 'urgent-referral', priority: 'stat' },
  'urgent-glucose-low': { code: 'urgent-referral', priority: 'stat' },
  'bp-uncontrolled-twice': { code: 'referral', priority: 'urgent' },
  'glucose-uncontrolled-twice': { code: 'referral', priority: 'urgent' },
  'bp-uncontrolled': { code: 'follow-up-2w', priority: 'asap' },
  'glucose-uncontrolled': { code: 'follow-up-2w', priority: 'asap' },
  'missed-refill': { code: 'refill-call', priority: 'asap' },
  'follow-up-overdue': { code: 'follow-up-visit', priority: 'routine' },
};

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
const plusDays = (date: IsoDate, days: number) => isoOfDay(dayOf(date) + days);
/** The lifetime part of a China-PAR summary: the guidelines' factor rule where it applies, else the 2019 guideline's note. */
function lifetimeSummary(indicated2019: boolean, lifetime: LifetimeRiskFactorResult): string {
  if (lifetime.applies && lifetime.high !== null) return `; lifetime risk ${lifetime.high ? 'high' : 'not high'} (${lifetime.factors.length} of 5 guideline risk factors)`;
  if (lifetime.applies) return `; lifetime risk undetermined (${lifetime.factors.length} of 5 guideline risk factors, unknown: ${lifetime.unknown.join(', ')})`;
  return indicated2019 ? '; lifetime risk indicated by the 2019 guideline but not computed (no published equation)' : '';
}
/** Due dates are never in the past: an overdue trigger is due on the assessment date. */
const notBefore = (due: IsoDate, asOf: IsoDate) => (due < asOf ? asOf : due);

/** The assessments and interventions of one resident on `asOf`. */
export function planResident(h: ResidentHistory, asOf: IsoDate, options: PlanOptions = {}): ResidentPlan {
  const assessments: PlannedAssessment[] = [];
  const interventions: PlannedIntervention[] = [];
  if (!h.birthDate || !h.sex) return { assessments, interventions };
  const age = ageOn(h.birthDate, asOf);
  const bp = h.bp.filter((r) => r.date <= asOf);
  const lastBp = bp[bp.length - 1];
  const diabetes = !!h.diabetesSince && h.diabetesSince <= asOf;
  const hypertension = !!h.hypertensionSince && h.hypertensionSince <= asOf;
  const f = h.factors;

  // Learned model: BP uncontrolled at the next visit.
  const model = options.model;
  const row = model ? buildFeatures(h, asOf) : null;
  if (model && row) {
    const p = predictProbability(model.model, row);
    const stratum = stratumOf(p, model.strata);
    const top = topContributions(model.model, row, 3).map((c) => ({ feature: c.feature, value: round(c.value, 3), logOdds: round(c.contribution, 3) }));
    assessments.push({
      model: 'bp-uncontrolled-lr',
      version: model.id,
      predictions: [{ outcome: 'BP uncontrolled at the next visit within 12 months', probability: round(p), stratum }],
      inputs: Object.fromEntries(model.model.featureNames.map((name, j) => [name, round(row[j], 3)])),
      explanation: { topContributions: top },
      basis: bp.slice(-3).map((r) => r.id),
      summary: `p = ${(100 * p).toFixed(1)} % (${stratum}); top: ${top.map((t) => `${t.feature} ${t.logOdds >= 0 ? '+' : ''}${t.logOdds}`).join(', ')}`,
    });
    if (stratum === 'high') {
      interventions.push({ code: 'bp-control-visit', assessment: assessments.length - 1, reason: { system: 'model', code: 'bp-uncontrolled-lr', text: `predicted risk of uncontrolled BP ${(100 * p).toFixed(0)} %` }, priority: 'asap', dueBy: plusDays(asOf, 14) });
    }
  }

  // China-PAR 10-year ASCVD risk (primary prevention only).
  const noAscvd = !h.ascvdSince || h.ascvdSince > asOf;
  if (age >= 35 && age <= 74 && noAscvd && lastBp && f.tc && f.hdl && f.waist) {
    const bpTreated = antihypertensiveCoverage(h, asOf, 14) > 0; // paper: antihypertensive drug in the last 2 weeks
    const input = {
      sex: h.sex,
      ageYears: age,
      sbpMmHg: lastBp.sbp,
      bpTreated,
      tcMmolL: f.tc.value,
      hdlMmolL: f.hdl.value,
      waistCm: f.waist.value,
      currentSmoker: f.smoker?.value === 1,
      diabetes,
      region: options.region ?? 'south',
      urban: options.urban ?? false,
      familyHistoryAscvd: false,
    };
    const r = chinaPar10YearRisk(input);
    // Lipid (2016, 2023) and primary-prevention (2020) guidelines: intermediate and < 55 → ≥ 2 of 5 factors is a high lifetime risk.
    const lifetime = lifetimeRiskByFactors({ ...input, tenYearCategory: r.category, dbpMmHg: lastBp.dbp, bmiKgM2: f.bmi?.value });
    const stratum: Stratum = r.category === 'high' ? 'high' : r.category === 'intermediate' ? 'moderate' : 'low';
    assessments.push({
      model: 'china-par',
      version: `Yang 2016, ${r.coefficients} coefficients`,
      predictions: [{ outcome: 'ASCVD (stroke, myocardial infarction, coronary death) within 10 years', probability: round(r.risk), stratum }],
      inputs: { ...input, assumed: ['region', 'urban', 'familyHistoryAscvd', ...(f.smoker ? [] : ['currentSmoker'])], outOfRange: r.outOfRange },
      // 2019 guideline: lifetime risk is due at 20–59 with 10-year risk < 10 %; no published equation, so say so.
      explanation: {
        individualSum: round(r.individualSum, 3),
        terms: r.terms.filter((t) => t.value !== 0).map((t) => ({ name: t.name, value: round(t.value, 3) })),
        lifetimeAssessmentIndicated: r.lifetimeAssessmentIndicated,
        lifetimeRisk: null,
        ...(lifetime.applies ? { lifetimeRiskHigh: lifetime.high, lifetimeRiskFactors: lifetime.factors, lifetimeRiskFactorsUnknown: lifetime.unknown } : {}),
      },
      basis: [lastBp.id, f.tc.id, f.hdl.id, f.waist.id, ...(f.smoker ? [f.smoker.id] : []), ...(lifetime.applies && f.bmi ? [f.bmi.id] : [])],
      summary: `10-year ASCVD risk ${(100 * r.risk).toFixed(1)} % (${r.category})${lifetimeSummary(r.lifetimeAssessmentIndicated, lifetime)}`,
    });
    // A high lifetime risk is managed as high risk (2023 lipid guideline, figure 1).
    const why =
      r.category === 'high' ? '(≥ 10 %)' : lifetime.high === true ? `(intermediate), age < 55, high lifetime risk: ${lifetime.factors.join(', ')}` : null;
    if (why) {
      interventions.push({ code: 'statin-counselling', assessment: assessments.length - 1, reason: { system: 'model', code: 'china-par', text: `China-PAR 10-year ASCVD risk ${(100 * r.risk).toFixed(1)} % ${why}` }, priority: 'routine', dueBy: plusDays(asOf, 30) });
    }
  }

  // Chinese Diabetes Risk Score: screening of adults without diabetes.
  if (age >= 20 && age <= 74 && !diabetes && lastBp && f.waist && f.bmi) {
    const input = { ageYears: age, sex: h.sex, waistCm: f.waist.value, bmiKgM2: f.bmi.value, sbpMmHg: lastBp.sbp, familyHistoryDiabetes: false };
    const r = chineseDiabetesRiskScore(input);
    assessments.push({
      model: 'cdrs',
      version: 'Zhou 2013',
      predictions: [{ outcome: `undiagnosed type 2 diabetes (score ${r.score} of 51)`, stratum: r.ogttRecommended ? 'high' : 'low' }],
      inputs: { ...input, assumed: ['familyHistoryDiabetes'], outOfRange: r.outOfRange },
      explanation: { score: r.score, points: r.points },
      basis: [lastBp.id, f.waist.id, f.bmi.id],
      summary: `diabetes risk score ${r.score}${r.ogttRecommended ? ' ≥ 25: OGTT' : ''}`,
    });
    if (r.ogttRecommended) {
      interventions.push({ code: 'ogtt', assessment: assessments.length - 1, reason: { system: 'model', code: 'cdrs', text: `diabetes risk score ${r.score} ≥ 25` }, priority: 'routine', dueBy: plusDays(asOf, 30) });
    }
  }

  // Chronic-care guideline triggers.
  if (hypertension || diabetes) {
    const yearAgo = plusDays(asOf, -365);
    const registered = [h.hypertensionSince, h.diabetesSince].filter((d): d is string => !!d && d <= asOf && d > '1900-01-01').sort()[0];
    const triggers: Trigger[] = evaluateGuidelineTriggers({
      asOf,
      birthDate: h.birthDate,
      hypertension,
      diabetes,
      registeredOn: registered,
      bpReadings: bp.map((r) => ({ date: r.date, sbpMmHg: r.sbp, dbpMmHg: r.dbp })),
      glucoseReadings: h.glucose.filter((g) => g.date <= asOf).map((g) => ({ date: g.date, glucoseMmolL: g.mmolL, fasting: true })),
      // Refills of the last year only: a regimen stopped long ago is not a missed refill.
      dispenses: h.dispenses.filter((d) => d.date <= asOf && d.date > yearAgo).map((d) => ({ date: d.date, daysSupply: d.daysSupply, drug: d.drugClass })),
      followUps: h.visits.filter((v) => v <= asOf).map((date) => ({ date })),
    });
    if (triggers.length > 0) {
      const rank = (t: Trigger) => (t.code.startsWith('urgent') ? 'high' : t.code.endsWith('twice') ? 'high' : 'moderate');
      assessments.push({
        model: 'guideline-triggers',
        version: 'BPHS 2017',
        predictions: triggers.map((t) => ({ outcome: t.reason, stratum: rank(t) })),
        inputs: { hypertension, diabetes, bpReadings: bp.length, lastBp: lastBp ? `${lastBp.sbp}/${lastBp.dbp} on ${lastBp.date}` : null },
        explanation: { triggers: triggers.map((t) => ({ code: t.code, date: t.date, dueBy: t.dueBy })) },
        basis: [...(lastBp ? [lastBp.id] : []), ...h.glucose.filter((g) => g.date <= asOf).slice(-1).map((g) => g.id)],
        summary: triggers.map((t) => t.code).join(', '),
      });
      const index = assessments.length - 1;
      const seen = new Set<InterventionCode>(interventions.map((i) => i.code));
      for (const t of triggers) {
        const action = TRIGGER_INTERVENTION[t.code];
        if (seen.has(action.code)) continue;
        seen.add(action.code);
        interventions.push({ code: action.code, assessment: index, reason: { system: 'trigger', code: t.code, text: t.reason }, priority: action.priority, dueBy: notBefore(t.dueBy, asOf) });
      }
    }
  }
  return { assessments, interventions };
}
