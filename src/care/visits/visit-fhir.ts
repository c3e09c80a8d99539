/**
 * A village-clinic visit as FHIR R4 resources (pure mapping, no I/O):
 * - Encounter (R4 §11.1): finished, class AMB (v3 ActCode), type `outpatient`, serviceProvider the
 *   clinic, subject the Patient, extension `village-visit-outcome` (outcome code, and the referral
 *   ServiceRequest or teleconsultation Task it led to).
 * - Observation (vital-signs profile, R4 §5.11): BP panel LOINC 85354-9 with 8480-6 / 8462-4
 *   (mm[Hg]), body weight 29463-7 (kg), body temperature 8310-5 (Cel); fasting glucose 14771-0
 *   (mmol/L, laboratory).
 * - Condition (R4 §9.2): one per diagnosis, ICD-10, category encounter-diagnosis.
 * - MedicationRequest (R4 §10.5) per prescription (ATC), and a MedicationDispense (R4 §10.6) when
 *   the clinic handed it over.
 */
import type { Condition, Encounter, Extension, MedicationDispense, MedicationRequest, Observation, Reference, Resource } from '@medplum/fhirtypes';
import { ACT_CODE_SYSTEM, ATC_SYSTEM, CONDITION_CATEGORY_SYSTEM, ENCOUNTER_TYPE_SYSTEM, ICD10_SYSTEM, LOINC, LOINC_SYSTEM, OBSERVATION_CATEGORY_SYSTEM, UCUM_SYSTEM } from '../../foundation/fhir/index.js';
import type { VisitInput, VisitOutcomeKind } from './visit-input.js';

/** Encounter extension: how the visit ended (sub-extensions outcome, referral, teleconsult). */
export const VISIT_OUTCOME_EXTENSION = 'https://healthy-brain.org/fhir/StructureDefinition/village-visit-outcome';
export const LOINC_BODY_WEIGHT = '29463-7';
export const LOINC_BODY_TEMPERATURE = '8310-5';

const ref = (type: string, id: string): Reference<any> => ({ reference: `${type}/${id}` });
const idOf = (reference: string | undefined, type: string): string | null => (reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : null);

export interface VisitIds {
  encounter: string;
  newId: () => string;
  /** The referral (ServiceRequest) or teleconsultation (Task) the visit led to. */
  referral?: string;
  teleconsult?: string;
}

export interface VisitResources {
  encounter: Encounter;
  observations: Observation[];
  conditions: Condition[];
  medicationRequests: MedicationRequest[];
  medicationDispenses: MedicationDispense[];
}

/** The outcome extension of the Encounter. */
export function outcomeExtension(kind: VisitOutcomeKind, ids: { referral?: string; teleconsult?: string }): Extension {
  return {
    url: VISIT_OUTCOME_EXTENSION,
    extension: [
      { url: 'outcome', valueCode: kind },
      ...(ids.referral ? [{ url: 'referral', valueReference: ref('ServiceRequest', ids.referral) }] : []),
      ...(ids.teleconsult ? [{ url: 'teleconsult', valueReference: ref('Task', ids.teleconsult) }] : []),
    ],
  };
}

/** The outcome a village-visit Encounter records; null for any other Encounter. */
export function readVisitOutcome(encounter: Encounter): { outcome: VisitOutcomeKind; referral: string | null; teleconsult: string | null; clinic: string | null; at: string | null } | null {
  const ext = encounter.extension?.find((e) => e.url === VISIT_OUTCOME_EXTENSION);
  const outcome = ext?.extension?.find((e) => e.url === 'outcome')?.valueCode;
  if (outcome !== 'resolved' && outcome !== 'teleconsult' && outcome !== 'referred') return null;
  const part = (url: string) => ext?.extension?.find((e) => e.url === url)?.valueReference?.reference;
  return { outcome, referral: idOf(part('referral'), 'ServiceRequest'), teleconsult: idOf(part('teleconsult'), 'Task'), clinic: idOf(encounter.serviceProvider?.reference, 'Organization'), at: encounter.period?.start ?? null };
}

/** Every resource of a visit, ids drawn from `ids.newId`. */
export function buildVisit(input: VisitInput, ids: VisitIds): VisitResources {
  const at = input.at.toISOString();
  const patient = ref('Patient', input.patient);
  const encounterRef = ref('Encounter', ids.encounter);
  const practitioner = input.practitioner ? ref('Practitioner', input.practitioner) : null;
  const encounter: Encounter = {
    resourceType: 'Encounter',
    id: ids.encounter,
    status: 'finished',
    class: { system: ACT_CODE_SYSTEM, code: 'AMB', display: 'ambulatory' },
    type: [{ coding: [{ system: ENCOUNTER_TYPE_SYSTEM, code: 'outpatient' }] }],
    subject: patient,
    period: { start: at, end: at },
    serviceProvider: ref('Organization', input.clinic),
    ...(practitioner ? { participant: [{ individual: practitioner }] } : {}),
    ...(input.complaint ? { reasonCode: [{ text: input.complaint }] } : {}),
    extension: [outcomeExtension(input.outcome.kind, { referral: ids.referral, teleconsult: ids.teleconsult })],
  };
  const base = (category: 'vital-signs' | 'laboratory', code: string, display: string) => ({
    resourceType: 'Observation' as const,
    id: ids.newId(),
    status: 'final' as const,
    category: [{ coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: category }] }],
    code: { coding: [{ system: LOINC_SYSTEM, code, display }] },
    subject: patient,
    encounter: encounterRef,
    effectiveDateTime: at,
    ...(practitioner ? { performer: [practitioner] } : {}),
  });
  const quantity = (value: number, unit: string, code: string) => ({ value, unit, system: UCUM_SYSTEM, code });
  const observations: Observation[] = [];
  if (input.bp) {
    observations.push({
      ...base('vital-signs', LOINC.bpPanel, 'Blood pressure panel with all children optional'),
      component: [
        { code: { coding: [{ system: LOINC_SYSTEM, code: LOINC.systolic, display: 'Systolic blood pressure' }] }, valueQuantity: quantity(input.bp.systolic, 'mmHg', 'mm[Hg]') },
        { code: { coding: [{ system: LOINC_SYSTEM, code: LOINC.diastolic, display: 'Diastolic blood pressure' }] }, valueQuantity: quantity(input.bp.diastolic, 'mmHg', 'mm[Hg]') },
      ],
    });
  }
  if (input.glucose) observations.push({ ...base('laboratory', LOINC.fastingGlucose, 'Fasting glucose [Moles/volume] in Serum or Plasma'), valueQuantity: quantity(input.glucose.mmolL, 'mmol/L', 'mmol/L') });
  if (input.weightKg !== null) observations.push({ ...base('vital-signs', LOINC_BODY_WEIGHT, 'Body weight'), valueQuantity: quantity(input.weightKg, 'kg', 'kg') });
  if (input.temperatureC !== null) observations.push({ ...base('vital-signs', LOINC_BODY_TEMPERATURE, 'Body temperature'), valueQuantity: quantity(input.temperatureC, '°C', 'Cel') });
  const conditions: Condition[] = input.diagnoses.map((d) => ({
    resourceType: 'Condition',
    id: ids.newId(),
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [{ coding: [{ system: CONDITION_CATEGORY_SYSTEM, code: 'encounter-diagnosis' }] }],
    code: { coding: [{ system: ICD10_SYSTEM, code: d.code, ...(d.display ? { display: d.display } : {}) }], ...(d.display ? { text: d.display } : {}) },
    subject: patient,
    encounter: encounterRef,
    recordedDate: at,
    ...(practitioner ? { recorder: practitioner } : {}),
  }));
  const medicationRequests: MedicationRequest[] = [];
  const medicationDispenses: MedicationDispense[] = [];
  for (const p of input.prescriptions) {
    const medication = { coding: [{ system: ATC_SYSTEM, code: p.atc }], ...(p.name ? { text: p.name } : {}) };
    const request: MedicationRequest = {
      resourceType: 'MedicationRequest',
      id: ids.newId(),
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: medication,
      subject: patient,
      encounter: encounterRef,
      authoredOn: at,
      ...(practitioner ? { requester: practitioner } : {}),
      ...(conditions.length ? { reasonReference: conditions.map((c) => ref('Condition', c.id as string)) } : {}),
      ...(p.perDay ? { dosageInstruction: [{ timing: { repeat: { frequency: p.perDay, period: 1, periodUnit: 'd' } } }] } : {}),
      dispenseRequest: {
        validityPeriod: { start: at },
        numberOfRepeatsAllowed: 0,
        expectedSupplyDuration: { value: p.daysSupply, unit: 'days', system: UCUM_SYSTEM, code: 'd' },
        ...(p.quantity ? { quantity: { value: p.quantity } } : {}),
      },
    };
    medicationRequests.push(request);
    if (p.dispensed) {
      medicationDispenses.push({
        resourceType: 'MedicationDispense',
        id: ids.newId(),
        status: 'completed',
        medicationCodeableConcept: medication,
        subject: patient,
        context: encounterRef,
        authorizingPrescription: [ref('MedicationRequest', request.id as string)],
        performer: [{ actor: ref('Organization', input.clinic) }],
        quantity: { value: p.dispensed.quantity },
        daysSupply: { value: p.daysSupply, unit: 'days', system: UCUM_SYSTEM, code: 'd' },
        whenPrepared: at,
        whenHandedOver: at,
      });
    }
  }
  return { encounter, observations, conditions, medicationRequests, medicationDispenses };
}

/** All resources of a visit in write order (the Encounter first: the others point at it). */
export function visitResources(v: VisitResources): Resource[] {
  return [v.encounter, ...v.observations, ...v.conditions, ...v.medicationRequests, ...v.medicationDispenses];
}
