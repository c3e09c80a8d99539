/**
 * Two-way referral: create, move through the state machine, read one with its history, inbox and
 * outbox, indicators. Every write goes through the FhirStore (scope check, versioning, audit and the
 * projector in one transaction); a refused transition (409) or side (403) changes nothing.
 */
import type { CarePlan, ServiceRequest, Task } from '@medplum/fhirtypes';
import { withResources, type AccessService, type Principal } from '../../foundation/access/index.js';
import { accessDenied, insertAudit, OperationOutcomeError, outcomes, validateInput, type FhirStore, type RequestContext, type WriteSession } from '../../foundation/fhir/index.js';
import { facilityLevel, referralDirection } from './facility-level.js';
import { applyTransition, buildCarePlan, buildReferral, readReferralTask } from './referral-fhir.js';
import type { ListQuery, TransitionInput } from './referral-input.js';
import type { NewReferral } from './referral-fhir.js';
import { workPrefixes, worksIn } from './referral-access.js';
import { facilities, listNotifications, listReferrals, lockTask, referralEvents, referralIndicators, referralRow, type EventRow, type ReferralRow } from './referral.repository.js';
import { DEFAULT_SLA, slaStatus, type ReferralPriority, type SlaRules } from './referral-sla.js';
import { checkTransition, nextStates } from './referral-state.js';
import { buildNotification } from './referral-notification.js';
import { notificationView, type NotificationQuery } from './referral-notify-view.js';

/** 409 OperationOutcome (a transition the state machine does not allow). */
export function conflict(text: string): OperationOutcomeError {
  return new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'conflict', details: { text } }] });
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The JSON of a referral in lists and in the detail view. */
export function referralView(row: ReferralRow, now: Date, rules: SlaRules = DEFAULT_SLA) {
  const sla = slaStatus(
    { status: row.status, priority: row.priority as ReferralPriority, requestedAt: new Date(row.requested_at), seenAt: row.seen_at && new Date(row.seen_at), returnedAt: row.returned_at && new Date(row.returned_at), closedAt: row.closed_at && new Date(row.closed_at) },
    now,
    rules,
  );
  const timer = (t: { due: Date; met: boolean | null; overdue: boolean } | null) => (t ? { due: t.due.toISOString(), met: t.met, overdue: t.overdue } : null);
  return {
    id: row.referral_id,
    task: row.task_id,
    patient: row.patient_id,
    direction: row.direction,
    priority: row.priority,
    status: row.status,
    reason: { code: row.reason_code, text: row.reason_text },
    requester: { id: row.requester_org, name: row.requester_name, orgUnit: row.requester_org_unit, level: row.requester_level },
    performer: { id: row.performer_org, name: row.performer_name, orgUnit: row.performer_org_unit, level: row.performer_level },
    requestedAt: iso(row.requested_at),
    acceptedAt: iso(row.accepted_at),
    rejectedAt: iso(row.rejected_at),
    scheduledAt: iso(row.scheduled_at),
    appointmentAt: iso(row.appointment_at),
    seenAt: iso(row.seen_at),
    returnedAt: iso(row.returned_at),
    closedAt: iso(row.closed_at),
    cancelledAt: iso(row.cancelled_at),
    sla: { seen: timer(sla.seen), returnCheck: timer(sla.returnCheck), overdue: sla.overdue },
    next: nextStates(row.status),
  };
}

const eventView = (e: EventRow) => ({ seq: e.seq, from: e.from_status, to: e.to_status, by: e.actor, at: iso(e.at), note: e.note });

/** What the service needs of the access module (the demo seeding passes a system stand-in). */
export type ReferralAccess = Pick<AccessService, 'contextOf' | 'audit' | 'authorizeAggregate'>;

export class ReferralService {
  constructor(
    private readonly store: FhirStore,
    private readonly access: ReferralAccess,
    private readonly clock: () => Date = () => new Date(),
    private readonly rules: SlaRules = DEFAULT_SLA,
  ) {}

  private context(principal: Principal, action: string): RequestContext {
    const ctx = this.access.contextOf(principal);
    if (ctx.access && !(ctx.access.canReadType('ServiceRequest') && ctx.access.canReadType('Task'))) throw accessDenied(`Access denied: ${action} needs access to patient records`);
    return ctx;
  }

  /**
   * The caller's context widened by the referral's own resources (and the ones a step is about to
   * write) when the caller works for one of its two facilities: the receiver reads and moves the
   * referral addressed to it before acceptance gives it the record (referral-relationship.ts).
   */
  private partyContext(principal: Principal, ctx: RequestContext, row: ReferralRow | undefined, extra: { resourceType: string; id: string }[] = []): RequestContext {
    if (!row || !ctx.access) return ctx;
    if (!worksIn(principal, row.performer_org_unit) && !worksIn(principal, row.requester_org_unit)) return ctx;
    return { ...ctx, access: withResources(ctx.access, [{ resourceType: 'ServiceRequest', id: row.referral_id }, { resourceType: 'Task', id: row.task_id }, ...extra]) };
  }

  /** Creates the ServiceRequest, its Task (and the CarePlan of a down-referral) and the receiver's notification in one transaction. */
  async create(principal: Principal, input: NewReferral) {
    const staged = await this.prepare(principal, input);
    await this.store.inTransaction(staged.ctx, (session) => staged.write(session));
    return this.get(principal, staged.id);
  }

  /**
   * Checks a new referral (400/403/404 as create) and builds its resources without writing them:
   * `write(session)` adds them to a transaction of the caller's (a village visit that ends in a
   * referral writes the visit and the referral all or nothing).
   */
  async prepare(principal: Principal, input: NewReferral): Promise<{ id: string; ctx: RequestContext; write: (session: WriteSession) => Promise<void> }> {
    const ctx = this.context(principal, 'referring');
    const found = await facilities(this.store.db, [input.requester, input.performer]);
    const requester = found.get(input.requester);
    const performer = found.get(input.performer);
    if (!requester) outcomes.fail(`requester: no Organization/${input.requester}`, 'requester');
    if (!performer) outcomes.fail(`performer: no Organization/${input.performer}`, 'performer');
    const rl = facilityLevel(requester.type, requester.orgUnit);
    const pl = facilityLevel(performer.type, performer.orgUnit);
    if (rl === null) outcomes.fail('requester is not a facility of known level (facility-type or org-unit extension)', 'requester');
    if (pl === null) outcomes.fail('performer is not a facility of known level (facility-type or org-unit extension)', 'performer');
    const direction = referralDirection(rl, pl);
    if (direction === 'down' && !input.carePlan) outcomes.fail('a down-referral sends the patient back with a care plan: give carePlan', 'carePlan');
    if (!worksIn(principal, requester.orgUnit)) {
      await this.access.audit(principal.name, 'referral-create', 'denied', input.requester);
      throw accessDenied('Only staff of the sending facility may refer from it');
    }
    await this.store.read(ctx, 'Patient', input.patient);
    const at = this.clock().toISOString();
    const ids = { serviceRequest: this.store.newId(), task: this.store.newId(), ...(input.carePlan ? { carePlan: this.store.newId() } : {}) };
    const { serviceRequest, task } = buildReferral(input, ids, at, ctx.actor);
    const plan = input.carePlan && ids.carePlan ? buildCarePlan(ids.carePlan, input.patient, input.requester, input.carePlan, at) : null;
    const reason = input.reason.text ?? input.reason.coding?.[0]?.display ?? input.reason.coding?.[0]?.code;
    const notice = buildNotification({ id: this.store.newId(), referral: ids.serviceRequest, patient: input.patient, from: { id: input.requester, name: requester.name }, to: input.performer, state: 'requested', at, by: ctx.actor, ...(reason ? { note: reason } : {}) });
    const write = async (session: WriteSession) => {
      for (const resource of [...(plan ? [plan] : []), serviceRequest, task, notice]) {
        await this.store.createIn(session, validateInput(resource, resource.resourceType), resource.resourceType, resource.id as string);
      }
    };
    return { id: ids.serviceRequest, ctx, write };
  }

  /** One referral with its history; 404 unknown, 403 outside the caller's scope (audited by the store). */
  async get(principal: Principal, id: string) {
    const row = await referralRow(this.store.db, id);
    const ctx = this.partyContext(principal, this.context(principal, 'reading referrals'), row);
    const stored = await this.store.read(ctx, 'ServiceRequest', id);
    if (!row) throw new OperationOutcomeError(outcomes.notFoundOutcome(`ServiceRequest/${id} is not a referral`));
    const task = await this.store.read(ctx, 'Task', row.task_id);
    const events = await referralEvents(this.store.db, id);
    // The sides the caller works on (the web offers only the transitions of these sides; the server checks again on each one).
    const sides = [...(worksIn(principal, row.performer_org_unit) ? ['receiver' as const] : []), ...(worksIn(principal, row.requester_org_unit) ? ['sender' as const] : [])];
    return { ...referralView(row, this.clock(), this.rules), sides, history: events.map(eventView), resources: { serviceRequest: JSON.parse(stored.json as string) as ServiceRequest, task: JSON.parse(task.json as string) as Task } };
  }

  /** Moves a referral: 409 for a transition the state machine refuses, 403 for the wrong side; nothing is written then. */
  async transition(principal: Principal, id: string, input: TransitionInput) {
    const row = await referralRow(this.store.db, id);
    const planId = input.carePlan ? this.store.newId() : null;
    const noticeId = this.store.newId();
    const ctx = this.partyContext(principal, this.context(principal, 'moving referrals'), row, [
      { resourceType: 'Communication', id: noticeId },
      ...(planId ? [{ resourceType: 'CarePlan', id: planId }] : []),
    ]);
    await this.store.read(ctx, 'ServiceRequest', id);
    if (!row) throw new OperationOutcomeError(outcomes.notFoundOutcome(`ServiceRequest/${id} is not a referral`));
    const check = checkTransition(row.status, input.to);
    if (!check.ok) throw conflict(check.reason);
    const sideUnit = check.side === 'receiver' ? row.performer_org_unit : row.requester_org_unit;
    if (!worksIn(principal, sideUnit)) {
      await this.access.audit(principal.name, 'referral-transition', 'denied', `${id} → ${input.to}`);
      throw accessDenied(check.side === 'receiver' ? 'Only staff of the receiving facility may do this' : 'Only staff of the sending facility may do this');
    }
    const now = this.clock();
    await this.store.inTransaction(ctx, async (session) => {
      const locked = await lockTask(session.ex, row.task_id);
      const task = locked ? (JSON.parse(locked) as Task) : null;
      const current = task ? readReferralTask(task) : null;
      if (!task || !current) throw new OperationOutcomeError(outcomes.notFoundOutcome(`the Task of referral ${id} is gone`));
      // Re-checked under the row lock: a concurrent transition may have moved it since the read above.
      const again = checkTransition(current.state, input.to);
      if (!again.ok) throw conflict(again.reason);
      const last = current.transitions[current.transitions.length - 1];
      const at = input.at ?? now;
      if (last && at.getTime() < Date.parse(last.at)) outcomes.fail(`at must not be before the previous step (${last.at})`, 'at');
      const srStored = await session.current('ServiceRequest', id);
      if (!srStored?.json) throw new OperationOutcomeError(outcomes.notFoundOutcome(`ServiceRequest/${id} not found`));
      let plan: CarePlan | null = null;
      if (input.carePlan && planId) plan = buildCarePlan(planId, current.patient, current.performer, input.carePlan, at.toISOString());
      const request = JSON.parse(srStored.json) as ServiceRequest;
      const next = applyTransition(task, request, {
        to: input.to,
        at: at.toISOString(),
        by: ctx.actor,
        ...(input.note ? { note: input.note } : {}),
        ...(input.appointment ? { appointment: input.appointment.toISOString() } : {}),
        ...(plan ? { carePlan: plan.id } : {}),
      });
      if (plan) await this.store.createIn(session, validateInput(plan, 'CarePlan'), 'CarePlan', plan.id as string);
      await this.store.updateIn(session, validateInput(next.task, 'Task'), row.task_id, undefined, 'Task');
      // The ServiceRequest gets a new version only when its own status changes (active → completed | revoked).
      if (next.serviceRequest !== request) await this.store.updateIn(session, validateInput(next.serviceRequest, 'ServiceRequest'), id, undefined, 'ServiceRequest');
      // The other side is told, in the same transaction (issue 10: notifications on each transition).
      const receiverActs = check.side === 'receiver';
      const notice = buildNotification({
        id: noticeId,
        referral: id,
        patient: current.patient,
        from: receiverActs ? { id: row.performer_org, name: row.performer_name } : { id: row.requester_org, name: row.requester_name },
        to: receiverActs ? row.requester_org : row.performer_org,
        state: input.to,
        at: at.toISOString(),
        by: ctx.actor,
        ...(input.note ? { note: input.note } : {}),
      });
      await this.store.createIn(session, validateInput(notice, 'Communication'), 'Communication', noticeId);
    });
    return this.get(principal, id);
  }

  /** Inbox (received by the caller's org units) or outbox (sent from them); every listed referral is audited. */
  async list(principal: Principal, box: 'inbox' | 'outbox', q: ListQuery) {
    const ctx = this.context(principal, 'referral lists');
    const now = this.clock();
    // The box is the caller's facilities' side of each referral: a referral addressed to (or sent
    // from) them is listed whatever the patient's org unit (the receiver decides on it before any
    // care relationship opens the record); the patient's other data stays under the compiled scope.
    const page = await listReferrals(this.store.db, { box, prefixes: workPrefixes(principal), ...q, now });
    if (page.rows.length > 0) {
      await insertAudit(this.store.db, page.rows.map((r) => ({ recorded: now, actor: ctx.actor, action: 'referral-list', resourceType: 'ServiceRequest', resourceId: r.referral_id, residentId: r.resident_id, outcome: 'success', detail: box })));
    }
    const next = q.offset + page.rows.length < page.total ? q.offset + q.count : null;
    return { box, total: page.total, count: q.count, offset: q.offset, next, rows: page.rows.map((r) => referralView(r, now, this.rules)) };
  }

  /** Notifications addressed to the caller's facilities (newest first, `since` = recorded after); each one listed is audited. */
  async notifications(principal: Principal, q: NotificationQuery) {
    const ctx = this.context(principal, 'referral notifications');
    const now = this.clock();
    const rows = await listNotifications(this.store.db, { prefixes: workPrefixes(principal), since: q.since, count: q.count });
    if (rows.length > 0) {
      await insertAudit(this.store.db, rows.map((r) => ({ recorded: now, actor: ctx.actor, action: 'referral-notifications', resourceType: 'Communication', resourceId: r.id, residentId: r.resident_id, outcome: 'success', detail: 'referral' })));
    }
    const entries = rows.map(notificationView);
    const newest = entries.reduce<string | null>((m, e) => (m === null || e.recorded > m ? e.recorded : m), q.since?.toISOString() ?? null);
    return { count: entries.length, since: newest, entries };
  }

  /** Counts, completion and median time to seen, by direction and facility (aggregates of `orgUnit`). */
  async indicators(principal: Principal, q: { orgUnit: string; side: 'performer' | 'requester'; from: string; to: string }) {
    await this.access.authorizeAggregate(principal, q.orgUnit);
    const rows = await referralIndicators(this.store.db, { ...q, now: this.clock() });
    const shape = (r: (typeof rows)[number]) => ({
      direction: r.direction,
      facility: r.facility ? { id: r.facility, name: r.facility_name } : null,
      total: r.total,
      accepted: r.accepted,
      rejected: r.rejected,
      cancelled: r.cancelled,
      seen: r.seen,
      seenWithinSla: r.seen_in_time,
      returned: r.returned,
      closed: r.closed,
      overdue: r.overdue,
      // Completion: closed (returned and checked) out of the referrals not withdrawn by the sender.
      completionRate: r.total - r.cancelled > 0 ? r.closed / (r.total - r.cancelled) : null,
      medianHoursToSeen: r.median_hours_to_seen,
    });
    const all = rows.find((r) => r.direction === null);
    return {
      ...q,
      overall: all ? shape(all) : shape({ direction: null, facility: null, facility_name: null, total: 0, accepted: 0, rejected: 0, cancelled: 0, seen: 0, seen_in_time: 0, returned: 0, closed: 0, overdue: 0, median_hours_to_seen: null }),
      byDirection: rows.filter((r) => r.direction !== null && r.facility === null).map(shape),
      byFacility: rows.filter((r) => r.direction !== null && r.facility !== null).map(shape),
    };
  }
}
