/**
 * Parsing of referral request bodies and list queries (400 OperationOutcome naming the field on bad
 * input). Pure: the current time is an argument.
 */
import type { CodeableConcept } from '@medplum/fhirtypes';
import { ICD10_SYSTEM, outcomes } from '../../foundation/fhir/index.js';
import type { CarePlanInput, NewReferral } from './referral-fhir.js';
import { isReferralState, REFERRAL_STATES, type ReferralState } from './referral-state.js';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function id(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ID.test(value)) outcomes.fail(`${field} must be a resource id`, field);
  return value;
}

function text(value: unknown, field: string, max: number, required = false): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) outcomes.fail(`${field} is required`, field);
    return undefined;
  }
  if (typeof value !== 'string' || value.length > max) outcomes.fail(`${field} must be text of at most ${max} characters`, field);
  return value;
}

/** An ISO date-time with zone (or a date) as a Date; 400 otherwise. */
export function dateTime(value: unknown, field: string): Date {
  if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) outcomes.fail(`${field} must be an ISO date-time with zone, e.g. 2025-06-30T09:00:00+08:00`, field);
  return new Date(value);
}

function carePlan(value: unknown, field: string): CarePlanInput | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) outcomes.fail(`${field} must be an object {title?, description, activities[]}`, field);
  const v = value as Record<string, unknown>;
  const activities = v.activities ?? [];
  if (!Array.isArray(activities) || activities.length > 30) outcomes.fail(`${field}.activities must be a list of at most 30 texts`, `${field}.activities`);
  return {
    ...(text(v.title, `${field}.title`, 200) ? { title: v.title as string } : {}),
    description: text(v.description, `${field}.description`, 4000, true) as string,
    activities: activities.map((a, i) => text(a, `${field}.activities[${i}]`, 500, true) as string),
  };
}

/** Body of POST /api/referrals. */
export function parseNewReferral(body: unknown): NewReferral {
  if (!body || typeof body !== 'object') outcomes.fail('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  const priority = b.priority ?? 'routine';
  if (priority !== 'routine' && priority !== 'urgent') outcomes.fail('priority must be routine or urgent', 'priority');
  const r = (b.reason ?? {}) as Record<string, unknown>;
  if (typeof r !== 'object' || Array.isArray(r)) outcomes.fail('reason must be an object {code?, system?, display?, text?}', 'reason');
  const code = text(r.code, 'reason.code', 64);
  const reasonText = text(r.text, 'reason.text', 500);
  if (!code && !reasonText) outcomes.fail('reason needs a code (ICD-10 by default) or a text', 'reason');
  const system = text(r.system, 'reason.system', 200) ?? ICD10_SYSTEM;
  const display = text(r.display, 'reason.display', 200);
  const reason: CodeableConcept = { ...(code ? { coding: [{ system, code, ...(display ? { display } : {}) }] } : {}), ...(reasonText ? { text: reasonText } : {}) };
  const requester = id(b.requester, 'requester');
  const performer = id(b.performer, 'performer');
  if (requester === performer) outcomes.fail('performer must be another facility than requester', 'performer');
  const note = text(b.note, 'note', 2000);
  const plan = carePlan(b.carePlan, 'carePlan');
  return { patient: id(b.patient, 'patient'), requester, performer, priority, reason, ...(note ? { note } : {}), ...(plan ? { carePlan: plan } : {}) };
}

export interface TransitionInput {
  to: ReferralState;
  note?: string;
  /** When it happened (default now): a doctor may record a visit afterwards. */
  at?: Date;
  appointment?: Date;
  carePlan?: CarePlanInput;
}

/** Body of POST /api/referrals/:id/$transition. */
export function parseTransition(body: unknown, now: Date): TransitionInput {
  if (!body || typeof body !== 'object') outcomes.fail('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (!isReferralState(b.to)) outcomes.fail(`to must be one of ${REFERRAL_STATES.join(', ')}`, 'to');
  const note = text(b.note, 'note', 2000);
  const at = b.at === undefined ? undefined : dateTime(b.at, 'at');
  if (at && at.getTime() > now.getTime()) outcomes.fail('at must not be in the future', 'at');
  let appointment: Date | undefined;
  if (b.to === 'scheduled') appointment = dateTime(b.appointment, 'appointment');
  else if (b.appointment !== undefined) outcomes.fail('appointment goes with to=scheduled only', 'appointment');
  const plan = carePlan(b.carePlan, 'carePlan');
  if (plan && b.to !== 'returned') outcomes.fail('carePlan goes with to=returned only', 'carePlan');
  return { to: b.to, ...(note ? { note } : {}), ...(at ? { at } : {}), ...(appointment ? { appointment } : {}), ...(plan ? { carePlan: plan } : {}) };
}

/** Query of the inbox and outbox. */
export interface ListQuery {
  status?: ReferralState;
  /** up | down | lateral (facility-level.ts). */
  direction?: 'up' | 'down' | 'lateral';
  overdue: boolean;
  facility?: string;
  count: number;
  offset: number;
}

function integer(value: string | undefined, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) outcomes.fail(`${field} must be an integer 0–${max}`, field);
  return n;
}

export function parseListQuery(q: Record<string, string | undefined>): ListQuery {
  if (q.status !== undefined && !isReferralState(q.status)) outcomes.fail(`status must be one of ${REFERRAL_STATES.join(', ')}`, 'status');
  if (q.overdue !== undefined && q.overdue !== 'true' && q.overdue !== 'false') outcomes.fail('overdue must be true or false', 'overdue');
  if (q.facility !== undefined) id(q.facility, 'facility');
  if (q.direction !== undefined && q.direction !== 'up' && q.direction !== 'down' && q.direction !== 'lateral') outcomes.fail('direction must be up, down or lateral', 'direction');
  return { status: q.status as ReferralState | undefined, ...(q.direction ? { direction: q.direction as 'up' | 'down' | 'lateral' } : {}), overdue: q.overdue === 'true', facility: q.facility, count: integer(q._count, '_count', 50, 500), offset: integer(q._offset, '_offset', 0, 10_000_000) };
}
