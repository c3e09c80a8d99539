/**
 * A teleconsultation as FHIR R4 resources (pure mapping, no I/O):
 * - Task (R4 §12.1): code `teleconsultation`, `for` the Patient, `focus` the visit's Encounter (or
 *   the Patient), `requester` the asking facility, `owner` the consulted one, `input` the question
 *   (valueString), the question Communication and every Attachment; businessStatus the state of
 *   teleconsult-state.ts, one teleconsult-transition extension per step (state, at, by, note);
 *   `output` the answer Communication; executionPeriod request → answer.
 * - Communication (R4 §11.2) carrying the question: `basedOn` the Task, `payload` the question
 *   text then one contentAttachment per attachment (data or url), sender/recipient the facilities.
 * - Communication in reply (answer or decline): `inResponseTo` the question, `basedOn` the Task.
 */
import type { Attachment, Communication, Extension, Reference, Task } from '@medplum/fhirtypes';
import { isTeleconsultState, teleconsultTaskStatus, type TeleconsultState } from './teleconsult-state.js';

export const TELECONSULT_STATUS_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/teleconsult-status';
export const TELECONSULT_CODE = { system: 'https://healthy-brain.org/fhir/CodeSystem/care-task', code: 'teleconsultation', display: 'Teleconsultation' } as const;
export const TELECONSULT_TRANSITION_EXTENSION = 'https://healthy-brain.org/fhir/StructureDefinition/teleconsult-transition';

export interface AttachmentInput {
  contentType: string;
  title?: string;
  /** base64 content (small files), or */
  data?: string;
  /** a link to the file (large files, images in a PACS). */
  url?: string;
  /** Bytes of the content (decoded size of `data`). */
  size?: number;
}

export interface NewTeleconsult {
  patient: string;
  requester: string;
  consultant: string;
  priority: 'routine' | 'urgent';
  question: string;
  attachments: AttachmentInput[];
  /** The visit the question comes from. */
  encounter?: string;
}

export interface TeleconsultEntry {
  status: TeleconsultState;
  at: string;
  by: string;
  note?: string;
}

const ref = (type: string, id: string): Reference<any> => ({ reference: `${type}/${id}` });
const idOf = (reference: string | undefined, type: string): string | null => (reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : null);

function entryExtension(e: TeleconsultEntry): Extension {
  return {
    url: TELECONSULT_TRANSITION_EXTENSION,
    extension: [
      { url: 'status', valueCode: e.status },
      { url: 'at', valueDateTime: e.at },
      { url: 'by', valueString: e.by },
      ...(e.note ? [{ url: 'note', valueString: e.note }] : []),
    ],
  };
}

function attachment(a: AttachmentInput, at: string): Attachment {
  return { contentType: a.contentType, creation: at, ...(a.title ? { title: a.title } : {}), ...(a.data ? { data: a.data } : {}), ...(a.url ? { url: a.url } : {}), ...(a.size !== undefined ? { size: a.size } : {}) };
}

/** The Task and the question Communication of a new teleconsultation. */
export function buildTeleconsult(input: NewTeleconsult, ids: { task: string; question: string }, at: string, by: string): { task: Task; question: Communication } {
  const attachments = input.attachments.map((a) => attachment(a, at));
  const task: Task = {
    resourceType: 'Task',
    id: ids.task,
    status: teleconsultTaskStatus('requested'),
    businessStatus: { coding: [{ system: TELECONSULT_STATUS_SYSTEM, code: 'requested' }] },
    intent: 'order',
    priority: input.priority,
    code: { coding: [{ ...TELECONSULT_CODE }] },
    description: input.question.slice(0, 200),
    focus: input.encounter ? ref('Encounter', input.encounter) : ref('Patient', input.patient),
    ...(input.encounter ? { encounter: ref('Encounter', input.encounter) } : {}),
    for: ref('Patient', input.patient),
    authoredOn: at,
    lastModified: at,
    requester: ref('Organization', input.requester),
    owner: ref('Organization', input.consultant),
    executionPeriod: { start: at },
    input: [
      { type: { text: 'question' }, valueString: input.question },
      { type: { text: 'question-communication' }, valueReference: ref('Communication', ids.question) },
      ...attachments.map((valueAttachment) => ({ type: { text: 'attachment' }, valueAttachment })),
    ],
    extension: [entryExtension({ status: 'requested', at, by })],
  };
  const question: Communication = {
    resourceType: 'Communication',
    id: ids.question,
    status: 'completed',
    basedOn: [ref('Task', ids.task)],
    category: [{ coding: [{ ...TELECONSULT_CODE }], text: 'question' }],
    priority: input.priority,
    subject: ref('Patient', input.patient),
    ...(input.encounter ? { encounter: ref('Encounter', input.encounter) } : {}),
    sent: at,
    sender: ref('Organization', input.requester),
    recipient: [ref('Organization', input.consultant)],
    payload: [{ contentString: input.question }, ...attachments.map((contentAttachment) => ({ contentAttachment }))],
  };
  return { task, question };
}

/** What a teleconsultation Task says; null for another Task. */
export interface TeleconsultTask {
  state: TeleconsultState;
  patient: string;
  requester: string;
  consultant: string;
  encounter: string | null;
  question: string;
  questionCommunication: string | null;
  attachments: number;
  priority: 'routine' | 'urgent';
  authoredOn: string;
  transitions: TeleconsultEntry[];
}

export function readTeleconsultTask(task: Task): TeleconsultTask | null {
  const state = task.businessStatus?.coding?.find((c) => c.system === TELECONSULT_STATUS_SYSTEM)?.code;
  if (!isTeleconsultState(state)) return null;
  const patient = idOf(task.for?.reference, 'Patient');
  const requester = idOf(task.requester?.reference, 'Organization');
  const consultant = idOf(task.owner?.reference, 'Organization');
  if (!patient || !requester || !consultant || !task.authoredOn) return null;
  const transitions: TeleconsultEntry[] = [];
  for (const e of task.extension ?? []) {
    if (e.url !== TELECONSULT_TRANSITION_EXTENSION) continue;
    const part = (url: string) => e.extension?.find((x) => x.url === url);
    const status = part('status')?.valueCode;
    const at = part('at')?.valueDateTime;
    const by = part('by')?.valueString;
    const note = part('note')?.valueString;
    if (isTeleconsultState(status) && at && by) transitions.push({ status, at, by, ...(note ? { note } : {}) });
  }
  const input = task.input ?? [];
  return {
    state,
    patient,
    requester,
    consultant,
    encounter: idOf(task.encounter?.reference, 'Encounter'),
    question: input.find((i) => i.type?.text === 'question')?.valueString ?? '',
    questionCommunication: idOf(input.find((i) => i.type?.text === 'question-communication')?.valueReference?.reference, 'Communication'),
    attachments: input.filter((i) => i.type?.text === 'attachment').length,
    priority: task.priority === 'urgent' || task.priority === 'asap' || task.priority === 'stat' ? 'urgent' : 'routine',
    authoredOn: task.authoredOn,
    transitions,
  };
}

export interface TeleconsultChange {
  to: TeleconsultState;
  at: string;
  by: string;
  note?: string;
  /** answered / declined: the reply Communication. */
  reply?: string;
}

/** The next version of the Task after a transition (already checked by the state machine). */
export function applyTeleconsultTransition(task: Task, change: TeleconsultChange): Task {
  return {
    ...task,
    status: teleconsultTaskStatus(change.to),
    businessStatus: { coding: [{ system: TELECONSULT_STATUS_SYSTEM, code: change.to }] },
    lastModified: change.at,
    executionPeriod: { ...task.executionPeriod, end: change.at },
    ...(change.to !== 'answered' && change.note ? { statusReason: { text: change.note } } : {}),
    ...(change.reply ? { output: [...(task.output ?? []), { type: { text: change.to === 'answered' ? 'answer' : 'decline' }, valueReference: ref('Communication', change.reply) }] } : {}),
    extension: [...(task.extension ?? []), entryExtension({ status: change.to, at: change.at, by: change.by, ...(change.note && change.to !== 'answered' ? { note: change.note } : {}) })],
  };
}

/** The reply (answer or decline) to the question, from the consulted facility. */
export function buildReply(args: { id: string; task: string; question: string | null; patient: string; from: string; to: string; at: string; text: string; kind: 'answer' | 'decline'; attachments: AttachmentInput[] }): Communication {
  return {
    resourceType: 'Communication',
    id: args.id,
    status: 'completed',
    basedOn: [ref('Task', args.task)],
    ...(args.question ? { inResponseTo: [ref('Communication', args.question)] } : {}),
    category: [{ coding: [{ ...TELECONSULT_CODE }], text: args.kind }],
    subject: ref('Patient', args.patient),
    sent: args.at,
    sender: ref('Organization', args.from),
    recipient: [ref('Organization', args.to)],
    payload: [{ contentString: args.text }, ...args.attachments.map((a) => ({ contentAttachment: attachment(a, args.at) }))],
  };
}
