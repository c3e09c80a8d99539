/**
 * Chronic-care work routes (issue 6), for family-doctor teams and village doctors:
 *  GET  /api/chronic/worklists/:list      due | overdue | urgent | lost, per village (orgUnit) or team, paginated
 *  GET  /api/chronic/registry/:patient    a resident's programmes, status, next-due date, last call,
 *                                         and PDC per programme over the last 12 months
 *  POST /api/chronic/calls                outcome of a call from the overdue list (audited)
 *  POST /api/chronic/follow-ups           a follow-up in one call (FHIR resources + registry in one transaction)
 * Every route authenticates; patient-level answers are limited by the caller's scope in SQL.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessDenied, insertAudit, outcomes, type FhirStore, type RequestContext } from '../../foundation/fhir/index.js';
import type { ChronicCategory } from './classify.js';
import { residentAdherence } from './adherence-indicators.js';
import { addDays } from './follow-up-rules.js';
import { parseFollowUp } from './follow-up-input.js';
import { recordFollowUp } from './follow-up.service.js';
import { insertCall, registryOf, worklist, type CallOutcome, type WorklistName } from './worklist.repository.js';

export interface ChronicCareRoutesOptions {
  store: FhirStore;
  clock?: () => Date;
  /** The authenticated caller's request context (401 when not signed in). */
  context: (request: FastifyRequest) => Promise<RequestContext>;
  /** Days an "agreed to visit" call keeps a patient off the overdue list (default 7). */
  agreedDays?: number;
}

const LISTS: readonly WorklistName[] = ['due', 'overdue', 'urgent', 'lost'];
const OUTCOMES: readonly CallOutcome[] = ['agreed', 'call-later', 'removed'];
/** Reasons for taking a patient off the overdue list (as Simple's overdue list asks them). */
export const REMOVAL_REASONS = ['moved', 'transferred', 'died', 'refused', 'unreachable', 'invalid-phone', 'other'] as const;

function condition(value: unknown, field = 'condition'): ChronicCategory | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value !== 'hypertension' && value !== 'diabetes') outcomes.fail(`${field} must be hypertension or diabetes`, field);
  return value;
}

function integer(value: string | undefined, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) outcomes.fail(`${field} must be an integer 0–${max}`, field);
  return n;
}

export async function chronicCareRoutes(app: FastifyInstance, options: ChronicCareRoutesOptions): Promise<void> {
  const now = () => (options.clock ?? (() => new Date()))();
  const today = () => now().toISOString().slice(0, 10);
  const db = options.store.db;

  app.get('/api/chronic/worklists/:list', async (request) => {
    const ctx = await options.context(request);
    const list = (request.params as { list: string }).list as WorklistName;
    if (!LISTS.includes(list)) outcomes.fail(`list must be one of ${LISTS.join(', ')}`, 'list');
    const q = request.query as Record<string, string | undefined>;
    if (q.orgUnit !== undefined && !/^\d{6}(\d{3}){0,2}$/.test(q.orgUnit)) outcomes.fail('orgUnit must be an org-unit code of 6, 9 or 12 digits', 'orgUnit');
    if (q.team !== undefined && !/^[A-Za-z0-9\-.]{1,64}$/.test(q.team)) outcomes.fail('team must be a CareTeam id', 'team');
    const count = integer(q._count, '_count', 50, 500);
    const offset = integer(q._offset, '_offset', 0, 10_000_000);
    if (ctx.access && !(ctx.access.canReadType('Patient') && ctx.access.canReadType('Observation'))) throw accessDenied('Access denied: work lists need access to patients and their readings');
    const day = today();
    const page = await worklist(db, { list, today: day, orgUnit: q.orgUnit, careTeam: q.team, condition: condition(q.condition), scope: ctx.access?.readable, count, offset, agreedDays: options.agreedDays });
    if (page.rows.length > 0) {
      const recorded = now();
      await insertAudit(db, page.rows.map((r) => ({ recorded, actor: ctx.actor, action: 'worklist', resourceType: 'Patient', resourceId: r.resident, residentId: r.resident, outcome: 'success', detail: `chronic ${list}` })));
    }
    const next = offset + page.rows.length < page.total ? offset + count : null;
    return { list, today: day, total: page.total, count, offset, next, rows: page.rows };
  });

  app.get('/api/chronic/registry/:patient', async (request) => {
    const ctx = await options.context(request);
    const id = (request.params as { patient: string }).patient;
    // The programmes, control status and adherence come from diagnoses and readings: a role that may not read those gets none of it.
    if (ctx.access && !(ctx.access.canReadType('Condition') && ctx.access.canReadType('Observation'))) throw accessDenied('Access denied: the registry needs access to diagnoses and readings');
    const patient = await options.store.read(ctx, 'Patient', id);
    const resident = patient.residentId ?? id;
    // PDC over the 12 months ending asOf (default today; an earlier date shows the adherence then).
    const asOf = (request.query as Record<string, string | undefined>).asOf ?? today();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) outcomes.fail('asOf must be a date YYYY-MM-DD', 'asOf');
    return { patient: id, rows: await registryOf(db, resident, today()), adherence: await residentAdherence(db, resident, asOf) };
  });

  app.post('/api/chronic/calls', async (request, reply) => {
    const ctx = await options.context(request);
    const b = (request.body ?? {}) as Record<string, unknown>;
    if (typeof b.patient !== 'string' || !/^[A-Za-z0-9\-.]{1,64}$/.test(b.patient)) outcomes.fail('patient must be the Patient id', 'patient');
    const outcome = b.outcome as CallOutcome;
    if (!OUTCOMES.includes(outcome)) outcomes.fail(`outcome must be one of ${OUTCOMES.join(', ')}`, 'outcome');
    const day = today();
    let reason: string | null = null;
    let callAgain: string | null = null;
    if (outcome === 'removed') {
      if (!REMOVAL_REASONS.includes(b.reason as (typeof REMOVAL_REASONS)[number])) outcomes.fail(`reason must be one of ${REMOVAL_REASONS.join(', ')}`, 'reason');
      reason = b.reason as string;
      if (b.note !== undefined) {
        if (typeof b.note !== 'string' || b.note.length > 200) outcomes.fail('note must be text of at most 200 characters', 'note');
        reason = `${reason}: ${b.note}`;
      }
    }
    if (outcome === 'call-later') {
      const d = b.callAgain;
      if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d))) outcomes.fail('callAgain must be a date YYYY-MM-DD', 'callAgain');
      if (d <= day || d > addDays(day, 90)) outcomes.fail('callAgain must be within the next 90 days', 'callAgain');
      callAgain = d;
    }
    const cond = condition(b.condition) ?? null;
    const patient = await options.store.read(ctx, 'Patient', b.patient);
    const residentId = patient.residentId ?? b.patient;
    const at = now();
    const id = randomUUID();
    await db.transaction().execute(async (trx) => {
      await insertCall(trx, { id, residentId, orgUnit: patient.orgUnit ?? null, condition: cond, outcome, reason, callAgain, at, actor: ctx.actor });
      await insertAudit(trx, [{ recorded: at, actor: ctx.actor, action: 'chronic-call', resourceType: 'Patient', resourceId: b.patient as string, residentId, outcome: 'success', detail: `${outcome}${reason ? ` (${reason.split(':')[0]})` : ''}` }]);
    });
    reply.code(201);
    return { id, patient: b.patient, outcome, reason, callAgain, registry: await registryOf(db, residentId, day) };
  });

  app.post('/api/chronic/follow-ups', async (request, reply) => {
    const ctx = await options.context(request);
    const day = today();
    const input = parseFollowUp(request.body, day);
    const result = await recordFollowUp(options.store, ctx, input, day);
    reply.code(201);
    return result;
  });
}
