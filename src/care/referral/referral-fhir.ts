/**
 * A referral as FHIR R4 resources (pure mapping, no I/O):
 * - ServiceRequest (R4 §12.9): category "Patient referral" (SNOMED CT 3457005), subject Patient,
 *   requester = the sending facility (Organization), performer = the receiving facility, reasonCode,
 *   priority routine | urgent; status active → completed (closed) | revoked (rejected, cancelled).
 * - Task (R4 §12.1): code "fulfill", focus/basedOn the ServiceRequest, for the Patient, requester and
 *   owner the two facilities, Task.status per the FHIR task state machine and businessStatus the
 *   referral state; every transition (state, when, who, note) is kept on the Task as a
 *   referral-transition extension, so the Task alone is the record and its history is versioned.
 * - CarePlan (R4 §12.3): the plan a patient goes back to the village with (a down-referral, or the
 *   return of an up-referral), referenced from ServiceRequest.supportingInfo / Task.output.
 */
import type { CarePlan, CodeableConcept, Extension, Organization, Reference, ServiceRequest, Task } from '@medplum/fhirtypes';
import { FACILITY_TYPE_SYSTEM, ORG_UNIT_EXTENSION, SNOMED_SYSTEM } from '../../foundation/fhir/index.js';
import { requestStatusOf, taskStatusOf, type ReferralState, isReferralState } from './referral-state.js';
import type { ReferralPriority } from './referral-sla.js';

/** Task.businessStatus system: the referral state (requested … closed). */
export const REFERRAL_STATUS_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/referral-status';
/** Task extension: one transition (sub-extensions status, at, by, note). */
export const REFERRAL_TRANSITION_EXTENSION = 'https://healthy-brain.org/fhir/StructureDefinition/referral-transition';
/** ServiceRequest.category of a referral: SNOMED CT 3457005 |Patient referral| (R4 servicerequest-category). */
export const REFERRAL_CATEGORY = { system: SNOMED_SYSTEM, code: '3457005', display: 'Patient referral' } as const;
/** Task.code: fulfil the focal request (R4 CodeSystem task-code). */
export const TASK_FULFILL = { system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' } as const;

/** A facility (Organization) as the referral needs it. */
export interface Facility {
  id: string;
  name: string | null;
  orgUnit: string | null;
  type: string | null;
}

/** The facility facts of an Organization (name, org unit served, facility-type code). */
export function facilityOf(org: Organization): Facility {
  const orgUnit = org.extension?.find((e) => e.url === ORG_UNIT_EXTENSION);
  const type = org.type?.flatMap((t) => t.coding ?? []).find((c) => c.system === FACILITY_TYPE_SYSTEM)?.code;
  return { id: org.id as string, name: org.name ?? null, orgUnit: orgUnit?.valueCode ?? orgUnit?.valueString ?? null, type: type ?? null };
}

export interface CarePlanInput {
  title?: string;
  description: string;
  activities: string[];
}

export interface NewReferral {
  patient: string;
  requester: string;
  performer: string;
  priority: ReferralPriority;
  reason: CodeableConcept;
  note?: string;
  carePlan?: CarePlanInput;
}

/** One transition as the Task keeps it. */
export interface TransitionEntry {
  status: ReferralState;
  at: string;
  by: string;
  note?: string;
}

const ref = (type: string, id: string): Reference<any> => ({ reference: `${type}/${id}` });
const idOf = (reference: string | undefined, type: string): string | null => (reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : null);

function entryExtension(e: TransitionEntry): Extension {
  return {
    url: REFERRAL_TRANSITION_EXTENSION,
    extension: [
      { url: 'status', valueCode: e.status },
      { url: 'at', valueDateTime: e.at },
      { url: 'by', valueString: e.by },
      ...(e.note ? [{ url: 'note', valueString: e.note }] : []),
    ],
  };
}

/** The CarePlan a patient goes back with, authored by `author` (Organization id). */
export function buildCarePlan(id: string, patient: string, author: string, plan: CarePlanInput, at: string): CarePlan {
  return {
    resourceType: 'CarePlan',
    id,
    status: 'active',
    intent: 'plan',
    subject: ref('Patient', patient),
    period: { start: at },
    created: at,
    author: ref('Organization', author),
    ...(plan.title ? { title: plan.title } : {}),
    description: plan.description,
    activity: plan.activities.map((description) => ({ detail: { status: 'not-started' as const, description } })),
  };
}

/** The ServiceRequest and Task of a new referral (and its CarePlan id, when one goes with it). */
export function buildReferral(input: NewReferral, ids: { serviceRequest: string; task: string; carePlan?: string }, at: string, by: string): { serviceRequest: ServiceRequest; task: Task } {
  const serviceRequest: ServiceRequest = {
    resourceType: 'ServiceRequest',
    id: ids.serviceRequest,
    status: 'active',
    intent: 'order',
    category: [{ coding: [{ ...REFERRAL_CATEGORY }] }],
    priority: input.priority,
    code: { coding: [{ ...REFERRAL_CATEGORY }], text: 'Referral' },
    subject: ref('Patient', input.patient),
    authoredOn: at,
    requester: ref('Organization', input.requester),
    performer: [ref('Organization', input.performer)],
    reasonCode: [input.reason],
    ...(input.note ? { note: [{ text: input.note, time: at, authorString: by }] } : {}),
    ...(ids.carePlan ? { supportingInfo: [ref('CarePlan', ids.carePlan)] } : {}),
  };
  const task: Task = {
    resourceType: 'Task',
    id: ids.task,
    status: taskStatusOf('requested'),
    businessStatus: { coding: [{ system: REFERRAL_STATUS_SYSTEM, code: 'requested' }] },
    intent: 'order',
    priority: input.priority,
    code: { coding: [{ ...TASK_FULFILL }] },
    focus: ref('ServiceRequest', ids.serviceRequest),
    basedOn: [ref('ServiceRequest', ids.serviceRequest)],
    for: ref('Patient', input.patient),
    authoredOn: at,
    lastModified: at,
    requester: ref('Organization', input.requester),
    owner: ref('Organization', input.performer),
    reasonCode: input.reason,
    extension: [entryExtension({ status: 'requested', at, by, ...(input.note ? { note: input.note } : {}) })],
    ...(ids.carePlan ? { input: [{ type: { text: 'care plan' }, valueReference: ref('CarePlan', ids.carePlan) }] } : {}),
  };
  return { serviceRequest, task };
}

/** What a referral Task says; null for a Task that is not a referral's. */
export interface ReferralTask {
  state: ReferralState;
  serviceRequest: string;
  patient: string;
  requester: string;
  performer: string;
  priority: ReferralPriority;
  reason: CodeableConcept | null;
  appointment: string | null;
  authoredOn: string;
  transitions: TransitionEntry[];
}

/** Reads a referral Task (the projector and the service use this one reading). */
export function readReferralTask(task: Task): ReferralTask | null {
  const state = task.businessStatus?.coding?.find((c) => c.system === REFERRAL_STATUS_SYSTEM)?.code;
  if (!isReferralState(state)) return null;
  const serviceRequest = idOf(task.focus?.reference, 'ServiceRequest');
  const patient = idOf(task.for?.reference, 'Patient');
  const requester = idOf(task.requester?.reference, 'Organization');
  const performer = idOf(task.owner?.reference, 'Organization');
  if (!serviceRequest || !patient || !requester || !performer || !task.authoredOn) return null;
  const transitions: TransitionEntry[] = [];
  for (const e of task.extension ?? []) {
    if (e.url !== REFERRAL_TRANSITION_EXTENSION) continue;
    const part = (url: string) => e.extension?.find((x) => x.url === url);
    const status = part('status')?.valueCode;
    const at = part('at')?.valueDateTime;
    const by = part('by')?.valueString;
    const note = part('note')?.valueString;
    if (isReferralState(status) && at && by) transitions.push({ status, at, by, ...(note ? { note } : {}) });
  }
  return {
    state,
    serviceRequest,
    patient,
    requester,
    performer,
    priority: task.priority === 'urgent' || task.priority === 'asap' || task.priority === 'stat' ? 'urgent' : 'routine',
    reason: task.reasonCode ?? null,
    appointment: task.restriction?.period?.start ?? null,
    authoredOn: task.authoredOn,
    transitions,
  };
}

export interface TransitionChange {
  to: ReferralState;
  at: string;
  by: string;
  note?: string;
  /** scheduled: when the patient is expected. */
  appointment?: string;
  /** returned: the CarePlan the patient goes back with. */
  carePlan?: string;
}

/** The next versions of the Task and ServiceRequest after a transition (already checked by the state machine). */
export function applyTransition(task: Task, serviceRequest: ServiceRequest, change: TransitionChange): { task: Task; serviceRequest: ServiceRequest } {
  const next: Task = {
    ...task,
    status: taskStatusOf(change.to),
    businessStatus: { coding: [{ system: REFERRAL_STATUS_SYSTEM, code: change.to }] },
    lastModified: change.at,
    extension: [...(task.extension ?? []), entryExtension({ status: change.to, at: change.at, by: change.by, ...(change.note ? { note: change.note } : {}) })],
  };
  if ((change.to === 'rejected' || change.to === 'cancelled') && change.note) next.statusReason = { text: change.note };
  if (change.appointment) next.restriction = { ...task.restriction, period: { start: change.appointment } };
  if (change.to === 'seen') next.executionPeriod = { start: change.at };
  if (change.to === 'returned') next.executionPeriod = { ...task.executionPeriod, end: change.at };
  if (change.carePlan) next.output = [...(task.output ?? []), { type: { text: 'care plan' }, valueReference: ref('CarePlan', change.carePlan) }];
  const status = requestStatusOf(change.to);
  const request: ServiceRequest = status === serviceRequest.status ? serviceRequest : { ...serviceRequest, status };
  return { task: next, serviceRequest: request };
}
