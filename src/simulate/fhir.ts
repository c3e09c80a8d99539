/**
 * Small builders for the clinical resources the simulator emits, so the event generators read as
 * clinical logic rather than JSON. Every builder takes its id and references ready-made.
 */
import type { CodeableConcept, Condition, Encounter, Observation, Quantity, Reference } from '@medplum/fhirtypes';
import {
  ACT_CODE_SYSTEM,
  CASE_REPORT_CATEGORY_SYSTEM,
  CONDITION_CATEGORY_SYSTEM,
  ENCOUNTER_TYPE_SYSTEM,
  ICD10_SYSTEM,
  LOINC,
  LOINC_SYSTEM,
  OBSERVATION_CATEGORY_SYSTEM,
  SNOMED_SYSTEM,
  UCUM_SYSTEM,
} from '../foundation/fhir/index.js';
import type { Facility, Staff } from './district.js';
import { dayToDateTime } from './options.js';

export type EncounterKind = 'outpatient' | 'chronic-follow-up' | 'health-check' | 'infectious-case' | 'specialised-admission' | 'specialised-visit';

/** `Type/id` reference (untyped target: the caller knows the type it names). */
export function ref(type: string, id: string, display?: string): Reference<any> {
  return display ? { reference: `${type}/${id}`, display } : { reference: `${type}/${id}` };
}

/** ICD-10 concept. */
export function icd10(code: string, display?: string): CodeableConcept {
  return { coding: [{ system: ICD10_SYSTEM, code, ...(display ? { display } : {}) }], ...(display ? { text: display } : {}) };
}

/** A finished encounter at a facility; `minutes` is the start time after midnight (CST). */
export function encounter(args: {
  id: string;
  patientId: string;
  kind: EncounterKind;
  facility: Facility;
  staff?: Staff;
  day: number;
  minutes: number;
  endDay?: number;
  reason?: CodeableConcept[];
}): Encounter {
  const cls = args.kind === 'specialised-admission' ? 'IMP' : 'AMB';
  const endDay = args.endDay ?? args.day;
  const endMinutes = args.endDay === undefined ? args.minutes + 15 : 10 * 60;
  return {
    resourceType: 'Encounter',
    id: args.id,
    status: 'finished',
    class: { system: ACT_CODE_SYSTEM, code: cls },
    type: [{ coding: [{ system: ENCOUNTER_TYPE_SYSTEM, code: args.kind }] }],
    subject: ref('Patient', args.patientId),
    ...(args.staff ? { participant: [{ individual: ref('Practitioner', args.staff.id) }] } : {}),
    period: { start: dayToDateTime(args.day, args.minutes), end: dayToDateTime(endDay, endMinutes) },
    ...(args.reason ? { reasonCode: args.reason } : {}),
    serviceProvider: ref('Organization', args.facility.id),
  };
}

/**
 * A diagnosis. `problem` = long-term problem-list entry (hypertension, diabetes, COPD, cancer);
 * otherwise an encounter diagnosis. `notifiable` adds the case-report category.
 */
export function condition(args: {
  id: string;
  patientId: string;
  encounterId?: string;
  code: string;
  display?: string;
  onsetDay: number;
  recordedDay: number;
  problem?: boolean;
  notifiable?: boolean;
  resolvedDay?: number;
  recorder?: Staff;
}): Condition {
  const category = [{ coding: [{ system: CONDITION_CATEGORY_SYSTEM, code: args.problem ? 'problem-list-item' : 'encounter-diagnosis' }] }];
  if (args.notifiable) category.push({ coding: [{ system: CASE_REPORT_CATEGORY_SYSTEM, code: 'notifiable' }] });
  const resolved = args.resolvedDay !== undefined;
  return {
    resourceType: 'Condition',
    id: args.id,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: resolved ? 'resolved' : 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category,
    code: icd10(args.code, args.display),
    subject: ref('Patient', args.patientId),
    ...(args.encounterId ? { encounter: ref('Encounter', args.encounterId) } : {}),
    onsetDateTime: dayToDateTime(args.onsetDay, 8 * 60),
    ...(resolved ? { abatementDateTime: dayToDateTime(args.resolvedDay as number, 8 * 60) } : {}),
    recordedDate: dayToDateTime(args.recordedDay, 9 * 60),
    ...(args.recorder ? { recorder: ref('Practitioner', args.recorder.id) } : {}),
  };
}

function quantity(value: number, unit: string, code = unit): Quantity {
  return { value, unit, system: UCUM_SYSTEM, code };
}

function observationBase(id: string, patientId: string, encounterId: string, when: string, category: string, code: string, display: string): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [{ coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: category }] }],
    code: { coding: [{ system: LOINC_SYSTEM, code, display }] },
    subject: ref('Patient', patientId),
    encounter: ref('Encounter', encounterId),
    effectiveDateTime: when,
  };
}

/** Blood-pressure panel (LOINC 85354-9) with systolic 8480-6 and diastolic 8462-4 components. */
export function bloodPressure(id: string, patientId: string, encounterId: string, when: string, sbp: number, dbp: number): Observation {
  return {
    ...observationBase(id, patientId, encounterId, when, 'vital-signs', LOINC.bpPanel, 'Blood pressure panel with all children optional'),
    component: [
      { code: { coding: [{ system: LOINC_SYSTEM, code: LOINC.systolic, display: 'Systolic blood pressure' }] }, valueQuantity: quantity(sbp, 'mm[Hg]') },
      { code: { coding: [{ system: LOINC_SYSTEM, code: LOINC.diastolic, display: 'Diastolic blood pressure' }] }, valueQuantity: quantity(dbp, 'mm[Hg]') },
    ],
  };
}

/** A single numeric observation (glucose mmol/L, BMI, waist, cholesterol). */
export function numeric(
  id: string,
  patientId: string,
  encounterId: string,
  when: string,
  code: string,
  display: string,
  value: number,
  unit: string,
  category = 'laboratory',
): Observation {
  return { ...observationBase(id, patientId, encounterId, when, category, code, display), valueQuantity: quantity(value, unit) };
}

const SMOKING_CODES = {
  current: ['77176002', 'Smoker'],
  former: ['8517006', 'Ex-smoker'],
  never: ['266919005', 'Never smoked tobacco'],
} as const;

/** Tobacco smoking status (LOINC 72166-2) valued with SNOMED CT. */
export function smokingStatus(id: string, patientId: string, encounterId: string, when: string, status: keyof typeof SMOKING_CODES): Observation {
  const [code, display] = SMOKING_CODES[status];
  return {
    ...observationBase(id, patientId, encounterId, when, 'social-history', LOINC.smokingStatus, 'Tobacco smoking status'),
    valueCodeableConcept: { coding: [{ system: SNOMED_SYSTEM, code, display }] },
  };
}
