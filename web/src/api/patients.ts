/**
 * Patient search and the pieces of the patient 360 view, each one bounded FHIR search on the
 * patient's compartment (so the page fills in as they arrive).
 */
import type { CareTeam, Condition, Encounter, MedicationDispense, MedicationRequest, Observation, Organization, Patient, RiskAssessment, Task } from '@medplum/fhirtypes';
import { OPEN_TASK_STATUSES, RISK_EXPLANATION_EXTENSION, RISK_INPUTS_EXTENSION, RISK_MODEL_SYSTEM } from '../../../src/healthmgmt/risk/codes';
import { api } from './client';
import { ApiError } from './errors';
import { LOINC, LOINC_SYSTEM, RESIDENT_ID_SYSTEM, token } from './fhir-codes';
import { person, personOfPatient } from './mpi';

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

// ---- risk with explanation (docs/risk-models.md "Assessment and the intervention loop") ----

/** One line of an explanation: a contribution (log-odds), an equation term, CDRS points or a trigger. */
export interface ExplanationItem {
  label: string;
  value: number | string;
  /** The feature's value (learned model) or a trigger's due date. */
  detail?: string | number;
}

export interface RiskView {
  id: string;
  /** RiskAssessment.method code: bp-uncontrolled-lr | china-par | cdrs | guideline-triggers. */
  model: string;
  version?: string;
  citation?: string;
  date?: string;
  predictions: { outcome: string; probability?: number; risk?: string }[];
  /** `log-odds` (learned model's top contributions), `terms` (China-PAR), `points` (CDRS), `triggers`. */
  explanation: { kind: 'log-odds' | 'terms' | 'points' | 'triggers'; items: ExplanationItem[]; total?: number } | null;
  inputs: Record<string, unknown> | null;
  /** Inputs the platform does not record and assumed (listed by the server under inputs.assumed). */
  assumed: string[];
  note?: string;
  /**
   * China-PAR's lifetime part of the explanation (plan.ts): `rule` when the guidelines' risk-factor rule
   * applied (high / not high / undetermined, the factors found and those not recorded), else only that
   * the 2019 guideline asks for a lifetime assessment the platform cannot compute. Null otherwise.
   */
  lifetime: { rule: boolean; high: boolean | null; factors: string[]; unknown: string[] } | null;
  /** Older assessments of the same model not shown. */
  older: number;
}

function jsonExtension(ra: RiskAssessment, url: string): Record<string, unknown> | null {
  const text = ra.extension?.find((e) => e.url === url)?.valueString;
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const arr = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
const byMagnitude = (a: ExplanationItem, b: ExplanationItem) => Math.abs(Number(b.value)) - Math.abs(Number(a.value));

/** Reads the server's explanation JSON (shapes of src/healthmgmt/risk/plan.ts) into rows, largest first; nothing is computed here. */
export function readExplanation(x: Record<string, unknown> | null): RiskView['explanation'] {
  if (!x) return null;
  if (Array.isArray(x.topContributions)) {
    const items = arr(x.topContributions).map((c) => ({ label: String(c.feature), value: num(c.logOdds) ?? 0, detail: num(c.value) }));
    return { kind: 'log-odds', items: items.sort(byMagnitude) };
  }
  if (Array.isArray(x.terms)) {
    const items = arr(x.terms).map((c) => ({ label: String(c.name), value: num(c.value) ?? 0 }));
    return { kind: 'terms', items: items.sort(byMagnitude), total: num(x.individualSum) };
  }
  if (x.points && typeof x.points === 'object') {
    const items = Object.entries(x.points as Record<string, unknown>).map(([label, v]) => ({ label, value: num(v) ?? 0 }));
    return { kind: 'points', items: items.filter((i) => i.value !== 0).sort(byMagnitude), total: num(x.score) };
  }
  if (Array.isArray(x.triggers)) {
    return { kind: 'triggers', items: arr(x.triggers).map((t) => ({ label: String(t.code), value: String(t.date ?? ''), detail: t.dueBy ? String(t.dueBy) : undefined })) };
  }
  return null;
}

/** The lifetime-risk fields of a China-PAR explanation (src/healthmgmt/risk/plan.ts); nothing is computed here. */
export function readLifetime(x: Record<string, unknown> | null): RiskView['lifetime'] {
  if (!x) return null;
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  if ('lifetimeRiskHigh' in x) {
    const high = typeof x.lifetimeRiskHigh === 'boolean' ? x.lifetimeRiskHigh : null;
    return { rule: true, high, factors: list(x.lifetimeRiskFactors), unknown: list(x.lifetimeRiskFactorsUnknown) };
  }
  return x.lifetimeAssessmentIndicated === true ? { rule: false, high: null, factors: [], unknown: [] } : null;
}

export function riskView(ra: RiskAssessment): Omit<RiskView, 'older'> {
  const method = ra.method?.coding?.find((c) => c.system === RISK_MODEL_SYSTEM) ?? ra.method?.coding?.[0];
  const inputs = jsonExtension(ra, RISK_INPUTS_EXTENSION);
  const explanation = jsonExtension(ra, RISK_EXPLANATION_EXTENSION);
  return {
    id: ra.id ?? '',
    model: method?.code ?? '',
    version: method?.version,
    citation: ra.method?.text ?? method?.display,
    date: ra.occurrenceDateTime ?? ra.occurrencePeriod?.start,
    predictions: (ra.prediction ?? []).map((p) => ({ outcome: p.outcome?.text ?? '', probability: p.probabilityDecimal, risk: p.qualitativeRisk?.coding?.[0]?.code })),
    explanation: readExplanation(explanation),
    lifetime: readLifetime(explanation),
    inputs,
    assumed: Array.isArray(inputs?.assumed) ? (inputs.assumed as unknown[]).map(String) : [],
    note: ra.note?.[0]?.text,
  };
}

/** The newest RiskAssessment of each model (`_sort=-date`), with how many older ones exist. */
export async function risksOf(id: string): Promise<RiskView[]> {
  const r = await api.search<RiskAssessment>('RiskAssessment', { subject: subject(id), _sort: '-date', _count: 100 });
  const latest = new Map<string, RiskView>();
  for (const ra of r.resources) {
    const v = riskView(ra);
    const seen = latest.get(v.model);
    if (seen) seen.older++;
    else latest.set(v.model, { ...v, older: 0 });
  }
  return [...latest.values()];
}

// ---- open tasks (risk interventions and referrals) ----

/** Open Tasks for the patient (statuses that count as open, src/healthmgmt/risk/codes.ts), due first. */
export async function openTasksOf(id: string): Promise<Task[]> {
  const r = await api.search<Task>('Task', { patient: subject(id), status: OPEN_TASK_STATUSES.join(','), _count: 100 });
  const due = (t: Task) => t.restriction?.period?.end ?? '9999';
  return r.resources.sort((a, b) => due(a).localeCompare(due(b)) || (a.authoredOn ?? '').localeCompare(b.authoredOn ?? ''));
}

// ---- linked sources (MPI, docs/mpi.md "API") ----

export interface LinkedRecord {
  patient: Patient;
  /** Person.link.assurance: level4 = confirmed by a person, level3 = automatic. */
  assurance?: string;
  organisation?: string;
}

/**
 * The other Patient records of the same person the caller may read: `GET /mpi/patients/{id}/person`,
 * then `GET /mpi/persons/{person}` (links filtered by the server to the caller's scope), then the
 * Patients with their managing organisations. `person: null` when the record is not linked yet (404).
 */
export async function linkedRecordsOf(id: string): Promise<{ person: string | null; records: LinkedRecord[] }> {
  let personId: string;
  try {
    personId = (await personOfPatient(id)).person;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { person: null, records: [] };
    throw e;
  }
  const p = await person(personId);
  const links = (p.link ?? []).map((l) => ({ id: l.target.reference?.replace(/^Patient\//, '') ?? '', assurance: l.assurance })).filter((l) => l.id && l.id !== id);
  if (links.length === 0) return { person: personId, records: [] };
  const r = await api.search<Patient>('Patient', { _id: links.map((l) => l.id).join(','), _include: 'Patient:organization', _count: 100 });
  const orgs = new Map<string, string>();
  for (const x of r.included) if (x.resourceType === 'Organization' && x.id) orgs.set(`Organization/${x.id}`, (x as Organization).name ?? x.id);
  const byId = new Map(r.resources.map((x) => [x.id, x]));
  const records = links.flatMap((l) => {
    const patient = byId.get(l.id);
    if (!patient) return [];
    const ref = patient.managingOrganization?.reference ?? '';
    return [{ patient, assurance: l.assurance, organisation: orgs.get(ref) ?? patient.managingOrganization?.display ?? (ref || undefined) }];
  });
  return { person: personId, records };
}
