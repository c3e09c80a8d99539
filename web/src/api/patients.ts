/**
 * Patient search and the pieces of the patient 360 view, each one bounded FHIR search on the
 * patient's compartment (so the page fills in as they arrive).
 */
import type { CareTeam, Condition, Encounter, MedicationDispense, MedicationRequest, Observation, Organization, Patient } from '@medplum/fhirtypes';
import { api } from './client';
import { LOINC, LOINC_SYSTEM, RESIDENT_ID_SYSTEM, token } from './fhir-codes';

const RESIDENT_ID = /^\d{17}[\dXx]$|^\d{15}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Name, 15/18-digit resident ID or patient id → matching Patients (first 20). */
export async function searchPatients(text: string): Promise<{ patients: Patient[]; more: boolean }> {
  const q = text.trim();
  const params = RESIDENT_ID.test(q) ? { identifier: token(RESIDENT_ID_SYSTEM, q.toUpperCase()) } : UUID.test(q) ? { _id: q } : { name: q };
  const r = await api.search<Patient>('Patient', { ...params, _count: 20 });
  return { patients: r.resources, more: !!r.next };
}

const subject = (id: string) => `Patient/${id}`;

export function conditionsOf(id: string): Promise<Condition[]> {
  return api.search<Condition>('Condition', { subject: subject(id), _count: 200 }).then((r) => r.resources);
}

export interface VitalPoint {
  when: string;
  sbp?: number;
  dbp?: number;
  glucose?: number;
}

/** BP panels and fasting glucose, oldest first. */
export async function vitalsOf(id: string): Promise<VitalPoint[]> {
  const r = await api.search<Observation>('Observation', {
    subject: subject(id),
    code: [token(LOINC_SYSTEM, LOINC.bpPanel), token(LOINC_SYSTEM, LOINC.fastingGlucose)].join(','),
    _count: 1000,
  });
  const points: VitalPoint[] = [];
  for (const o of r.resources) {
    const when = o.effectiveDateTime ?? o.effectivePeriod?.start;
    if (!when) continue;
    const code = o.code.coding?.find((c) => c.system === LOINC_SYSTEM)?.code;
    if (code === LOINC.bpPanel) {
      const part = (c: string) => o.component?.find((x) => x.code.coding?.some((y) => y.code === c))?.valueQuantity?.value;
      points.push({ when, sbp: part(LOINC.systolic), dbp: part(LOINC.diastolic) });
    } else if (code === LOINC.fastingGlucose) points.push({ when, glucose: o.valueQuantity?.value });
  }
  return points.sort((a, b) => a.when.localeCompare(b.when));
}

export async function medicationsOf(id: string): Promise<{ requests: MedicationRequest[]; dispenses: MedicationDispense[] }> {
  const [requests, dispenses] = await Promise.all([
    api.search<MedicationRequest>('MedicationRequest', { subject: subject(id), _count: 200 }),
    api.search<MedicationDispense>('MedicationDispense', { subject: subject(id), _count: 300 }),
  ]);
  const newest = <T>(get: (x: T) => string | undefined) => (a: T, b: T) => (get(b) ?? '').localeCompare(get(a) ?? '');
  return {
    requests: requests.resources.sort(newest((m) => m.authoredOn)),
    dispenses: dispenses.resources.sort(newest((d) => d.whenHandedOver)),
  };
}

/** Encounters, newest first, with the facilities that provided them. */
export async function encountersOf(id: string): Promise<{ encounters: Encounter[]; facilities: Map<string, string> }> {
  const r = await api.search<Encounter>('Encounter', { subject: subject(id), _count: 300, _include: 'Encounter:service-provider' });
  const facilities = new Map<string, string>();
  for (const x of r.included) if (x.resourceType === 'Organization' && x.id) facilities.set(`Organization/${x.id}`, (x as Organization).name ?? x.id);
  return { encounters: r.resources.sort((a, b) => (b.period?.start ?? '').localeCompare(a.period?.start ?? '')), facilities };
}

export function careTeam(id: string): Promise<CareTeam> {
  return api.read<CareTeam>('CareTeam', id);
}
