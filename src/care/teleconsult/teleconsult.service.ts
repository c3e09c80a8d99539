/**
 * Teleconsultation: a village doctor asks a township or district doctor (issue 10). Create, answer,
 * decline or cancel, read one, inbox and outbox. Every write goes through the FhirStore (scope
 * check, versioning, audit, projector in one transaction); a refused transition (409) or side (403)
 * changes nothing. The consulted facility's staff read the request (its Task and Communications)
 * without the patient's record: the question and its attachments are what they answer from.
 */
import type { Communication, Task } from '@medplum/fhirtypes';
import { withResources, type Principal } from '../../foundation/access/index.js';
import { accessDenied, insertAudit, OperationOutcomeError, outcomes, validateInput, type FhirStore, type RequestContext, type WriteSession } from '../../foundation/fhir/index.js';
import { conflict, facilities, facilityLevel, lockTask, workPrefixes, worksIn, type ReferralAccess } from '../referral/index.js';
import { applyTeleconsultTransition, buildReply, buildTeleconsult, readTeleconsultTask, type NewTeleconsult } from './teleconsult-fhir.js';
import type { TeleconsultListQuery, TeleconsultTransitionInput } from './teleconsult-input.js';
import { checkTeleconsultTransition, teleconsultNext } from './teleconsult-state.js';
import { listTeleconsults, teleconsultRow, type TeleconsultRow } from './teleconsult.repository.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The JSON of a teleconsultation in lists and in the detail view. */
export function teleconsultView(row: TeleconsultRow) {
  return {
    id: row.task_id,
    patient: row.patient_id,
    encounter: row.encounter_id,
    priority: row.priority,
    status: row.status,
    question: row.question,
    attachments: row.attachments,
    requester: { id: row.requester_org, name: row.requester_name, orgUnit: row.requester_org_unit },
    consultant: { id: row.consultant_org, name: row.consultant_name, orgUnit: row.consultant_org_unit },
    requestedAt: iso(row.requested_at),
    answeredAt: iso(row.answered_at),
    declinedAt: iso(row.declined_at),
    cancelledAt: iso(row.cancelled_at),
    turnaroundMinutes: row.turnaround_minutes,
    next: teleconsultNext(row.status),
  };
}

export class TeleconsultService {
  constructor(
    private readonly store: FhirStore,
    private readonly access: ReferralAccess,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private context(principal: Principal, action: string): RequestContext {
    const ctx = this.access.contextOf(principal);
    if (ctx.access && !(ctx.access.canReadType('Task') && ctx.access.canReadType('Communication'))) throw accessDenied(`Access denied: ${action} needs access to patient records`);
    return ctx;
  }

  /** The caller's context widened by the request's own resources when the caller works for one of its two facilities. */
  private partyContext(principal: Principal, ctx: RequestContext, row: TeleconsultRow | undefined, extra: { resourceType: string; id: string }[]): RequestContext {
    if (!row || !ctx.access) return ctx;
    if (!worksIn(principal, row.consultant_org_unit) && !worksIn(principal, row.requester_org_unit)) return ctx;
    return { ...ctx, access: withResources(ctx.access, [{ resourceType: 'Task', id: row.task_id }, ...extra]) };
  }

  /**
   * Checks a new request (400 facility, 403 not the caller's facility or patient, 404 unknown
   * patient) and builds its Task and question Communication; `write(session)` adds them to a
   * transaction (a village visit writes them with the visit).
   */
  async prepare(principal: Principal, input: NewTeleconsult): Promise<{ id: string; ctx: RequestContext; write: (session: WriteSession) => Promise<void> }> {
    const ctx = this.context(principal, 'teleconsultation');
    const found = await facilities(this.store.db, [input.requester, input.consultant]);
    const requester = found.get(input.requester);
    const consultant = found.get(input.consultant);
    if (!requester) outcomes.fail(`requester: no Organization/${input.requester}`, 'requester');
    if (!consultant) outcomes.fail(`consultant: no Organization/${input.consultant}`, 'consultant');
    // Issue 10: the village doctor asks a township or district doctor (level 2 or 3 of tiered care, facility-level.ts).
    const level = facilityLevel(consultant.type, consultant.orgUnit);
    if (level === null || level < 2) outcomes.fail('consultant must be a township health centre, the district hospital or a specialised centre', 'consultant');
    if (!worksIn(principal, requester.orgUnit)) {
      await this.access.audit(principal.name, 'teleconsult-create', 'denied', input.requester);
      throw accessDenied('Only staff of the asking facility may ask from it');
    }
    await this.store.read(ctx, 'Patient', input.patient);
    const ids = { task: this.store.newId(), question: this.store.newId() };
    const { task, question } = buildTeleconsult(input, ids, this.clock().toISOString(), ctx.actor);
    const write = async (session: WriteSession) => {
      await this.store.createIn(session, validateInput(task, 'Task'), 'Task', ids.task);
      await this.store.createIn(session, validateInput(question, 'Communication'), 'Communication', ids.question);
    };
    return { id: ids.task, ctx, write };
  }

  async create(principal: Principal, input: NewTeleconsult) {
    const staged = await this.prepare(principal, input);
    await this.store.inTransaction(staged.ctx, (session) => staged.write(session));
    return this.get(principal, staged.id);
  }

  /** One request with its question and reply; 404 unknown, 403 for a caller of neither facility without the patient in scope. */
  async get(principal: Principal, id: string) {
    const row = await teleconsultRow(this.store.db, id);
    const base = this.context(principal, 'reading teleconsultations');
    const stored = await this.store.read(this.partyContext(principal, base, row, []), 'Task', id);
    if (!row) throw new OperationOutcomeError(outcomes.notFoundOutcome(`Task/${id} is not a teleconsultation`));
    const task = JSON.parse(stored.json as string) as Task;
    const commIds = [readTeleconsultTask(task)?.questionCommunication, ...(task.output ?? []).map((o) => o.valueReference?.reference?.replace(/^Communication\//, ''))].filter((x): x is string => !!x);
    const ctx = this.partyContext(principal, base, row, commIds.map((c) => ({ resourceType: 'Communication', id: c })));
    const communications: Communication[] = [];
    for (const c of commIds) communications.push(JSON.parse((await this.store.read(ctx, 'Communication', c)).json as string) as Communication);
    return { ...teleconsultView(row), resources: { task, communications } };
  }

  /** Answers, declines or cancels: 409 when the state machine refuses, 403 for the wrong side; nothing is written then. */
  async transition(principal: Principal, id: string, input: TeleconsultTransitionInput) {
    const row = await teleconsultRow(this.store.db, id);
    const replyId = this.store.newId();
    const ctx = this.partyContext(principal, this.context(principal, 'teleconsultation'), row, [{ resourceType: 'Communication', id: replyId }]);
    await this.store.read(ctx, 'Task', id);
    if (!row) throw new OperationOutcomeError(outcomes.notFoundOutcome(`Task/${id} is not a teleconsultation`));
    const check = checkTeleconsultTransition(row.status, input.to);
    if (!check.ok) throw conflict(check.reason);
    if (!worksIn(principal, check.side === 'consultant' ? row.consultant_org_unit : row.requester_org_unit)) {
      await this.access.audit(principal.name, 'teleconsult-transition', 'denied', `${id} → ${input.to}`);
      throw accessDenied(check.side === 'consultant' ? 'Only staff of the consulted facility may do this' : 'Only staff of the asking facility may do this');
    }
    const at = input.at ?? this.clock();
    if (at.getTime() < new Date(row.requested_at).getTime()) outcomes.fail('at must not be before the request', 'at');
    await this.store.inTransaction(ctx, async (session) => {
      const locked = await lockTask(session.ex, id);
      const task = locked ? (JSON.parse(locked) as Task) : null;
      const current = task ? readTeleconsultTask(task) : null;
      if (!task || !current) throw new OperationOutcomeError(outcomes.notFoundOutcome(`Task/${id} is gone`));
      // Re-checked under the row lock: a concurrent answer may have moved it since the read above.
      const again = checkTeleconsultTransition(current.state, input.to);
      if (!again.ok) throw conflict(again.reason);
      const replies = input.to === 'answered' || input.to === 'declined';
      const next = applyTeleconsultTransition(task, { to: input.to, at: at.toISOString(), by: ctx.actor, ...(input.text ? { note: input.text } : {}), ...(replies ? { reply: replyId } : {}) });
      await this.store.updateIn(session, validateInput(next, 'Task'), id, undefined, 'Task');
      if (replies) {
        const reply = buildReply({ id: replyId, task: id, question: current.questionCommunication, patient: current.patient, from: current.consultant, to: current.requester, at: at.toISOString(), text: input.text as string, kind: input.to === 'answered' ? 'answer' : 'decline', attachments: input.attachments });
        await this.store.createIn(session, validateInput(reply, 'Communication'), 'Communication', replyId);
      }
    });
    return this.get(principal, id);
  }

  /** Inbox (asked of the caller's facilities) or outbox (asked by them); every listed request is audited. */
  async list(principal: Principal, box: 'inbox' | 'outbox', q: TeleconsultListQuery) {
    const ctx = this.context(principal, 'teleconsultation lists');
    const page = await listTeleconsults(this.store.db, { box, prefixes: workPrefixes(principal), ...q });
    if (page.rows.length > 0) {
      const now = this.clock();
      await insertAudit(this.store.db, page.rows.map((r) => ({ recorded: now, actor: ctx.actor, action: 'teleconsult-list', resourceType: 'Task', resourceId: r.task_id, residentId: r.resident_id, outcome: 'success', detail: box })));
    }
    const next = q.offset + page.rows.length < page.total ? q.offset + q.count : null;
    return { box, total: page.total, count: q.count, offset: q.offset, next, rows: page.rows.map(teleconsultView) };
  }
}
