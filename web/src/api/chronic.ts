/**
 * Chronic-care work APIs (issue 6, docs/chronic-care.md) and the risk-intervention Tasks
 * (docs/risk-models.md) as the workstation and the dispensing page use them. Types mirror
 * src/healthmgmt/chronic/worklist.repository.ts and src/healthmgmt/medication/*.
 */
import type { MedicationDispense, MedicationRequest, Patient, Task } from '@medplum/fhirtypes';
import { INTERVENTION_SYSTEM } from '../../../src/healthmgmt/risk/codes';
import type { WorklistRow } from '../../../src/healthmgmt/chronic/worklist.repository';
import type { FollowUpSymptom, MedicationAdherence } from '../../../src/healthmgmt/chronic/follow-up-codes';
import { api, queryString } from './client';

export { INTERVENTION_SYSTEM };

export type ChronicCondition = 'hypertension' | 'diabetes';
export type WorklistName = 'due' | 'overdue' | 'urgent' | 'lost';
export const WORKLISTS: readonly WorklistName[] = ['due', 'overdue', 'urgent', 'lost'];

/** A work-list row: the server's own type (src/healthmgmt/chronic/worklist.repository.ts), not a copy. */
export type { WorklistRow };

export interface WorklistPage {
  list: WorklistName;
  today: string;
  total: number;
  count: number;
  offset: number;
  next: number | null;
  rows: WorklistRow[];
}

/** Registry counts of one org unit and programme as of today (GET /api/indicators/chronic/worklists). */
export interface RegistrySummary {
  orgUnit: string;
  condition: ChronicCondition;
  today: string;
  registered: number;
  controlled: number;
  uncontrolled: number;
  dueThisWeek: number;
  overdue: number;
  urgent: number;
  referral: number;
  lost: number;
  dead: number;
}

/** Body of POST /api/chronic/follow-ups. */
export interface FollowUpBody {
  patient: string;
  date: string;
  conditions?: ChronicCondition[];
  bp?: { systolic: number; diastolic: number };
  glucose?: { value: number; unit: 'mmol/L' | 'mg/dL' };
  medicines?: { atc: string; name?: string; daysSupply: number; refills: number; perDay?: number }[];
  nextDate?: string;
  /** Symptoms and self-reported adherence of the national form (src/healthmgmt/chronic/follow-up-codes.ts). */
  symptoms?: FollowUpSymptom[];
  adherence?: MedicationAdherence;
}

export interface FollowUpResult {
  encounter: string;
  observations: string[];
  medicationRequests: string[];
  episodes: string[];
  registry: WorklistRow[];
}

export interface RefillRow {
  resident: string;
  orgUnit: string | null;
  prescription: string;
  drug: string;
  category: string | null;
  authored: string;
  fillsAllowed: number;
  fills: number;
  due: string;
  kind: 'refill' | 'renewal';
}

export interface StockRow {
  facility: string;
  drug: string;
  quantity: number;
  updatedAt: string;
}

export interface DispenseBody {
  prescription: string;
  facility: string;
  date: string;
  quantity: number;
  daysSupply?: number;
}

export interface DispenseResult {
  dispense: string;
  fills: number;
  fillsAllowed: number;
  stockLeft: number | null;
  refillDue: string;
}

const json = { contentType: 'application/json' } as const;

export function worklist(list: WorklistName, params: { orgUnit?: string; condition?: ChronicCondition; _count?: number; _offset?: number } = {}): Promise<WorklistPage> {
  return api.request(`/api/chronic/worklists/${list}${queryString(params)}`);
}

export function registrySummary(orgUnit: string, condition: ChronicCondition): Promise<{ rows: RegistrySummary[] }> {
  return api.request(`/api/indicators/chronic/worklists${queryString({ orgUnit, condition })}`);
}

/** PDC per programme over the 12 months ending `to` (PQA; the server computes it, docs/chronic-care.md). */
export interface ResidentAdherence {
  condition: ChronicCondition;
  from: string;
  to: string;
  fills: number;
  pdc: number | null;
  mpr: number | null;
  adherent: boolean | null;
  drugClass: string | null;
}

export function registryOf(patient: string, asOf?: string): Promise<{ patient: string; rows: WorklistRow[]; adherence: ResidentAdherence[] }> {
  return api.request(`/api/chronic/registry/${encodeURIComponent(patient)}${queryString({ asOf })}`);
}

export function recordFollowUp(body: FollowUpBody): Promise<FollowUpResult> {
  return api.request('/api/chronic/follow-ups', { method: 'POST', body, ...json });
}

export function refills(params: { orgUnit?: string; within?: number; lapsed?: number; _count?: number; _offset?: number } = {}): Promise<{ today: string; total: number; next: number | null; rows: RefillRow[] }> {
  return api.request(`/api/chronic/refills${queryString(params)}`);
}

export function dispense(body: DispenseBody): Promise<DispenseResult> {
  return api.request('/api/chronic/dispenses', { method: 'POST', body, ...json });
}

export function stock(facility: string): Promise<{ facility: string; rows: StockRow[] }> {
  return api.request(`/api/chronic/stock${queryString({ facility })}`);
}

/** Patients by id (names for work-list rows); ids the caller may not read are simply missing. */
export async function patientsById(ids: readonly string[]): Promise<Map<string, Patient>> {
  const out = new Map<string, Patient>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 100) {
    const r = await api.search<Patient>('Patient', { _id: unique.slice(i, i + 100).join(','), _count: 100 });
    for (const p of r.resources) if (p.id) out.set(p.id, p);
  }
  return out;
}

// ---- risk-intervention Tasks ----

/** Open (status requested) risk-intervention Tasks the caller may read, due first. */
export async function openRiskTasks(count = 100): Promise<{ tasks: Task[]; total?: number; more: boolean }> {
  const r = await api.search<Task>('Task', { status: 'requested', code: `${INTERVENTION_SYSTEM}|`, _count: count });
  const due = (t: Task) => t.restriction?.period?.end ?? '9999';
  return { tasks: r.resources.sort((a, b) => due(a).localeCompare(due(b))), total: r.total, more: !!r.next };
}

/** Completes a Task (PUT /fhir/Task/{id}): status completed, executionPeriod.end now, the outcome as output. */
export async function completeTask(id: string, outcome: string): Promise<Task> {
  const task = await api.read<Task>('Task', id);
  const done: Task = {
    ...task,
    status: 'completed',
    executionPeriod: { ...task.executionPeriod, end: new Date().toISOString() },
    output: [...(task.output ?? []), { type: { text: 'outcome' }, valueString: outcome }],
  };
  return api.request<Task>(`/fhir/Task/${encodeURIComponent(id)}`, { method: 'PUT', body: done });
}

// ---- prescriptions of one patient (dispensing) ----

export interface PrescriptionView {
  request: MedicationRequest;
  fills: number;
  fillsAllowed: number;
  lastHandedOver?: string;
  /** Days' supply of one fill (expectedSupplyDuration). */
  daysPerFill?: number;
}

/** Active prescriptions of a patient with the fills handed over so far (FHIR searches the pharmacist may make). */
export async function activePrescriptions(patient: string): Promise<PrescriptionView[]> {
  const [requests, dispenses] = await Promise.all([
    api.search<MedicationRequest>('MedicationRequest', { subject: `Patient/${patient}`, status: 'active', _count: 100 }),
    api.search<MedicationDispense>('MedicationDispense', { subject: `Patient/${patient}`, _count: 500 }),
  ]);
  return requests.resources
    .map((request) => {
      const mine = dispenses.resources.filter((d) => d.status === 'completed' && d.authorizingPrescription?.some((a) => a.reference === `MedicationRequest/${request.id}`));
      const last = mine.map((d) => d.whenHandedOver ?? '').sort().pop();
      return {
        request,
        fills: mine.length,
        fillsAllowed: (request.dispenseRequest?.numberOfRepeatsAllowed ?? 0) + 1,
        lastHandedOver: last || undefined,
        daysPerFill: request.dispenseRequest?.expectedSupplyDuration?.value,
      };
    })
    .sort((a, b) => (b.request.authoredOn ?? '').localeCompare(a.request.authoredOn ?? ''));
}
