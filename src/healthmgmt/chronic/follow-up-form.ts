/**
 * Two items of the national follow-up forms that the follow-up API records beside BP, glucose and
 * medicines: symptoms (症状) and self-reported medication adherence (服药依从性: 1 规律 regular,
 * 2 间断 intermittent, 3 不服药 not taking). Source: National Basic Public Health Service Standard,
 * 3rd edition (国家基本公共卫生服务规范（第三版）, 2017), 高血压患者随访服务记录表 and
 * 2型糖尿病患者随访服务记录表.
 *
 * Stored as FHIR Observations of the follow-up Encounter (category `survey`), not as a
 * QuestionnaireResponse: Observations are what the store projects and searches by code and
 * patient, so an indicator can count them later without parsing answers, and each item keeps its
 * own code. Symptoms: one Observation coded SYMPTOMS_CODE with one component per symptom reported
 * (component.code from FOLLOW_UP_SYMPTOM_SYSTEM, valueBoolean true); "none" (无症状) is its own code
 * and stands alone. Adherence: one Observation coded ADHERENCE_CODE with valueCodeableConcept from
 * MEDICATION_ADHERENCE_SYSTEM. Pure: parsing and resource building, no I/O.
 */
import type { Observation } from '@medplum/fhirtypes';
import { outcomes } from '../../foundation/fhir/index.js';
import { FOLLOW_UP_SYMPTOMS, MEDICATION_ADHERENCE, type FollowUpSymptom, type MedicationAdherence } from './follow-up-codes.js';

export { FOLLOW_UP_SYMPTOMS, MEDICATION_ADHERENCE, type FollowUpSymptom, type MedicationAdherence };

/** Codes of the follow-up forms' items (this platform's code system). */
export const FOLLOW_UP_ITEM_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/chronic-follow-up-item';
export const FOLLOW_UP_SYMPTOM_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/chronic-follow-up-symptom';
export const MEDICATION_ADHERENCE_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/medication-adherence';
export const SYMPTOMS_CODE = 'symptoms';
export const ADHERENCE_CODE = 'medication-adherence';

/** Parses `symptoms` and `adherence` of a follow-up body; throws a 400 naming the field. */
export function parseFormItems(b: Record<string, unknown>): { symptoms: FollowUpSymptom[] | null; adherence: MedicationAdherence | null } {
  let symptoms: FollowUpSymptom[] | null = null;
  if (b.symptoms !== undefined && b.symptoms !== null) {
    if (!Array.isArray(b.symptoms) || b.symptoms.length === 0) outcomes.fail('symptoms must be a non-empty list of symptom codes (["none"] when there are none)', 'symptoms');
    b.symptoms.forEach((s: unknown, i: number) => {
      if (typeof s !== 'string' || !Object.hasOwn(FOLLOW_UP_SYMPTOMS, s)) outcomes.fail(`symptoms[${i}] must be one of ${Object.keys(FOLLOW_UP_SYMPTOMS).join(', ')}`, `symptoms[${i}]`);
    });
    symptoms = [...new Set(b.symptoms as FollowUpSymptom[])];
    if (symptoms.includes('none') && symptoms.length > 1) outcomes.fail('symptoms: "none" cannot be given with other symptoms', 'symptoms');
  }
  let adherence: MedicationAdherence | null = null;
  if (b.adherence !== undefined && b.adherence !== null) {
    if (typeof b.adherence !== 'string' || !Object.hasOwn(MEDICATION_ADHERENCE, b.adherence)) outcomes.fail('adherence must be regular, intermittent or not-taking', 'adherence');
    adherence = b.adherence as MedicationAdherence;
  }
  return { symptoms, adherence };
}

/** The Observations of the form items (`base` carries status, subject, encounter, date, performer; category is set here). */
export function formItemObservations(items: { symptoms: FollowUpSymptom[] | null; adherence: MedicationAdherence | null }, base: Omit<Observation, 'code' | 'category'>): Observation[] {
  const category = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }];
  const out: Observation[] = [];
  if (items.symptoms) {
    out.push({
      ...base,
      category,
      code: { coding: [{ system: FOLLOW_UP_ITEM_SYSTEM, code: SYMPTOMS_CODE, display: '症状' }] },
      component: items.symptoms.map((s) => ({ code: { coding: [{ system: FOLLOW_UP_SYMPTOM_SYSTEM, code: s, display: FOLLOW_UP_SYMPTOMS[s] }] }, valueBoolean: true })),
    });
  }
  if (items.adherence) {
    out.push({
      ...base,
      category,
      code: { coding: [{ system: FOLLOW_UP_ITEM_SYSTEM, code: ADHERENCE_CODE, display: '服药依从性' }] },
      valueCodeableConcept: { coding: [{ system: MEDICATION_ADHERENCE_SYSTEM, code: items.adherence, display: MEDICATION_ADHERENCE[items.adherence] }] },
    });
  }
  return out;
}
