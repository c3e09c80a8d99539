/**
 * Recording a follow-up in one call: the visit (Encounter typed chronic-follow-up, with the next
 * date the doctor planned), its readings (BP panel, fasting glucose), the medicines prescribed
 * (MedicationRequest, long prescriptions up to 12 weeks) and, for a programme the resident is not
 * yet enrolled in, the enrolment (EpisodeOfCare) — all in one FHIR store transaction, whose
 * projector updates the registry, the status and so the work lists before it commits.
 */
import type { Encounter, EpisodeOfCare, MedicationRequest, Observation, Patient, Reference, Resource } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import {
  ACT_CODE_SYSTEM,
  ATC_SYSTEM,
  ENCOUNTER_TYPE_SYSTEM,
  FAMILY_DOCTOR_TEAM_EXTENSION,
  ICD10_SYSTEM,
  LOINC,
  LOINC_SYSTEM,
  OBSERVATION_CATEGORY_SYSTEM,
  UCUM_SYSTEM,
  outcomes,
  validateInput,
  type FhirStore,
  type RequestContext,
} from '../../foundation/fhir/index.js';
import type { Executor } from '../../foundation/db/index.js';
import type { ChronicCategory } from './classify.js';
import type { FollowUpInput } from './follow-up-input.js';
import { formItemObservations } from './follow-up-form.js';
import { CHRONIC_PROGRAMME_SYSTEM, FOLLOW_UP_KIND, NEXT_FOLLOW_UP_EXTENSION, drugCategory } from './registry-sources.js';
import { registryOf, type WorklistRow } from './worklist.repository.js';

const REASON: Record<ChronicCategory, { code: string; display: string }> = {
  hypertension: { code: 'I10', display: '原发性高血压' },
  diabetes: { code: 'E11.9', display: '2型糖尿病' },
};

export interface FollowUpResult {
  encounter: string;
  observations: string[];
  medicationRequests: string[];
  episodes: string[];
  registry: WorklistRow[];
}

const ref = (type: string, id: string): Reference<any> => ({ reference: `${type}/${id}` });

/**
 * Records one follow-up; 404/403 when the Patient is unknown or outside the caller's scope.
 * `within` runs in the same transaction after the resources are staged (a caller's own row that must
 * commit with the follow-up or not at all, e.g. the offline-sync client id of src/care/rounds).
 */
export async function recordFollowUp(store: FhirStore, ctx: RequestContext, input: FollowUpInput, today: string, within?: (ex: Executor, written: Omit<FollowUpResult, 'registry'>) => Promise<void>): Promise<FollowUpResult> {
  const stored = await store.read(ctx, 'Patient', input.patient);
  const patient = JSON.parse(stored.json as string) as Patient;
  const residentId = stored.residentId ?? input.patient;
  const team = patient.extension?.find((e) => e.url === FAMILY_DOCTOR_TEAM_EXTENSION)?.valueReference?.reference;

  const result = await store.inTransaction(ctx, async (session) => {
    const registered = await sql<{ category: ChronicCategory }>`SELECT category FROM chronic_registry WHERE resident_id = ${residentId}`.execute(session.ex);
    const conditions = input.conditions ?? registered.rows.map((r) => r.category);
    if (conditions.length === 0) outcomes.fail('the resident is in no chronic-disease programme: say which in conditions (hypertension, diabetes)', 'conditions');
    const enrolled = await sql<{ category: string; resource_id: string }>`
      SELECT category, resource_id FROM proj_episode WHERE resident_id = ${residentId} AND status IN ('planned', 'waitlist', 'active', 'onhold')`.execute(session.ex);
    const episodes = new Map(enrolled.rows.map((r) => [r.category, r.resource_id]));
    const created: Resource[] = [];
    const newEpisodes: string[] = [];
    for (const category of conditions) {
      if (episodes.has(category)) continue;
      const id = store.newId();
      const episode: EpisodeOfCare = {
        resourceType: 'EpisodeOfCare',
        id,
        status: 'active',
        type: [{ coding: [{ system: CHRONIC_PROGRAMME_SYSTEM, code: category, display: category === 'hypertension' ? '高血压患者健康管理' : '2型糖尿病患者健康管理' }] }],
        patient: ref('Patient', input.patient),
        period: { start: input.date },
        ...(patient.managingOrganization ? { managingOrganization: patient.managingOrganization } : {}),
        ...(team?.startsWith('CareTeam/') ? { team: [{ reference: team }] } : {}),
      };
      episodes.set(category, id);
      newEpisodes.push(id);
      created.push(episode);
    }
    const encounterId = store.newId();
    const encounter: Encounter = {
      resourceType: 'Encounter',
      id: encounterId,
      status: 'finished',
      class: { system: ACT_CODE_SYSTEM, code: 'AMB' },
      type: [{ coding: [{ system: ENCOUNTER_TYPE_SYSTEM, code: FOLLOW_UP_KIND }] }],
      subject: ref('Patient', input.patient),
      episodeOfCare: conditions.map((c) => ref('EpisodeOfCare', episodes.get(c) as string)),
      period: { start: input.date, end: input.date },
      reasonCode: conditions.map((c) => ({ coding: [{ system: ICD10_SYSTEM, ...REASON[c] }] })),
      ...(input.practitioner ? { participant: [{ individual: ref('Practitioner', input.practitioner) }] } : {}),
      ...(input.facility ? { serviceProvider: ref('Organization', input.facility) } : {}),
      ...(input.nextDate ? { extension: [{ url: NEXT_FOLLOW_UP_EXTENSION, valueDate: input.nextDate }] } : {}),
    };
    created.push(encounter);
    const observationBase = (category: string) => ({
      resourceType: 'Observation' as const,
      status: 'final' as const,
      category: [{ coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: category }] }],
      subject: ref('Patient', input.patient),
      encounter: ref('Encounter', encounterId),
      effectiveDateTime: input.date,
      ...(input.practitioner ? { performer: [ref('Practitioner', input.practitioner)] } : {}),
    });
    const observations: string[] = [];
    if (input.bp) {
      const id = store.newId();
      const mmHg = (value: number) => ({ value, unit: 'mmHg', system: UCUM_SYSTEM, code: 'mm[Hg]' });
      const bp: Observation = {
        ...observationBase('vital-signs'),
        id,
        code: { coding: [{ system: LOINC_SYSTEM, code: LOINC.bpPanel, display: 'Blood pressure panel with all children optional' }] },
        component: [
          { code: { coding: [{ system: LOINC_SYSTEM, code: LOINC.systolic, display: 'Systolic blood pressure' }] }, valueQuantity: mmHg(input.bp.systolic) },
          { code: { coding: [{ system: LOINC_SYSTEM, code: LOINC.diastolic, display: 'Diastolic blood pressure' }] }, valueQuantity: mmHg(input.bp.diastolic) },
        ],
      };
      observations.push(id);
      created.push(bp);
    }
    if (input.glucose) {
      const id = store.newId();
      const glucose: Observation = {
        ...observationBase('laboratory'),
        id,
        code: { coding: [{ system: LOINC_SYSTEM, code: LOINC.fastingGlucose, display: 'Fasting glucose [Moles/volume] in Serum or Plasma' }] },
        valueQuantity: { value: input.glucose.mmolL, unit: 'mmol/L', system: UCUM_SYSTEM, code: 'mmol/L' },
      };
      observations.push(id);
      created.push(glucose);
    }
    // Symptoms and self-reported adherence of the national form (follow-up-form.ts).
    for (const item of formItemObservations(input, observationBase('survey'))) {
      const id = store.newId();
      observations.push(id);
      created.push({ ...item, id });
    }
    const medicationRequests: string[] = [];
    for (const m of input.medicines) {
      const id = store.newId();
      const perFill = Math.round(m.daysSupply / (m.refills + 1));
      const category = drugCategory(m.atc) ?? conditions[0];
      const request: MedicationRequest = {
        resourceType: 'MedicationRequest',
        id,
        status: 'active',
        intent: 'order',
        medicationCodeableConcept: { coding: [{ system: ATC_SYSTEM, code: m.atc }], ...(m.name ? { text: m.name } : {}) },
        subject: ref('Patient', input.patient),
        encounter: ref('Encounter', encounterId),
        authoredOn: input.date,
        ...(input.practitioner ? { requester: ref('Practitioner', input.practitioner) } : {}),
        reasonCode: [{ coding: [{ system: ICD10_SYSTEM, ...REASON[category] }] }],
        ...(m.perDay ? { dosageInstruction: [{ timing: { repeat: { frequency: m.perDay, period: 1, periodUnit: 'd' } } }] } : {}),
        dispenseRequest: {
          validityPeriod: { start: input.date },
          numberOfRepeatsAllowed: m.refills,
          expectedSupplyDuration: { value: perFill, unit: 'days', system: UCUM_SYSTEM, code: 'd' },
          ...(m.perDay ? { quantity: { value: Math.ceil(perFill * m.perDay) } } : {}),
        },
      };
      medicationRequests.push(id);
      created.push(request);
    }
    for (const resource of created) {
      const valid = validateInput(resource, resource.resourceType);
      await store.createIn(session, valid, resource.resourceType, resource.id as string);
    }
    const written = { encounter: encounterId, observations, medicationRequests, episodes: newEpisodes };
    if (within) await within(session.ex, written);
    return written;
  });
  return { ...result, registry: await registryOf(store.db, residentId, today) };
}
