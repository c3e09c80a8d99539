/**
 * Keeps care_referral and care_referral_event in step with the FHIR store, inside the write
 * transaction of every Task change (replace by Task id, so a transition, an edit or a deletion is
 * exact). Only Tasks whose businessStatus is a referral state are projected; the facilities' levels
 * come from their Organizations (reference data) and give the direction; the SLA due times come
 * from the pure timers with the default rules.
 */
import type { Task } from '@medplum/fhirtypes';
import { grantCareRelationship, removeCareRelationships } from '../../foundation/access/index.js';
import type { Executor } from '../../foundation/db/index.js';
import type { Projector, ResourceChange } from '../../foundation/fhir/index.js';
import { facilityLevel, referralDirection } from './facility-level.js';
import { readReferralTask } from './referral-fhir.js';
import { facilities, referralIdsOfTasks, replaceReferrals } from './referral.repository.js';
import { relationshipSource, relationshipWindow } from './referral-relationship.js';
import { DEFAULT_SLA, returnCheckDue, seenDue, type SlaRules } from './referral-sla.js';

/** The referral projector with the given SLA rules (a district's configuration). */
export function createReferralProjector(rules: SlaRules = DEFAULT_SLA): Projector {
  return {
    name: 'care-referral',
    resourceTypes: ['Task'],
    async apply(ex: Executor, changes: readonly ResourceChange[]): Promise<void> {
      const parsed = changes.map((c) => ({ c, t: c.resource && c.residentId ? readReferralTask(c.resource as Task) : null }));
      const live = parsed.filter((p) => p.t !== null);
      const orgs = await facilities(ex, live.flatMap((p) => [p.t!.requester, p.t!.performer]));
      const rows: Record<string, unknown>[] = [];
      const grants: { source: string; grantee: string; residentId: string; validFrom: Date; validUntil: Date | null; at: Date }[] = [];
      const ungranted: string[] = [];
      const events: Record<string, unknown>[] = [];
      for (const { c, t } of live) {
        if (!t) continue;
        const requester = orgs.get(t.requester);
        const performer = orgs.get(t.performer);
        const rl = facilityLevel(requester?.type, requester?.orgUnit);
        const pl = facilityLevel(performer?.type, performer?.orgUnit);
        // First time each state was reached (the log is in order; a state is reached at most once).
        const at = new Map<string, Date>();
        for (const e of t.transitions) if (!at.has(e.status)) at.set(e.status, new Date(e.at));
        const requestedAt = at.get('requested') ?? new Date(t.authoredOn);
        const returnedAt = at.get('returned') ?? null;
        const last = t.transitions[t.transitions.length - 1];
        rows.push({
          referral_id: t.serviceRequest,
          task_id: c.id,
          resident_id: c.residentId,
          patient_id: t.patient,
          org_unit: c.orgUnit,
          requester_org: t.requester,
          requester_name: requester?.name ?? null,
          requester_org_unit: requester?.orgUnit ?? null,
          requester_level: rl,
          performer_org: t.performer,
          performer_name: performer?.name ?? null,
          performer_org_unit: performer?.orgUnit ?? null,
          performer_level: pl,
          direction: rl !== null && pl !== null ? referralDirection(rl, pl) : 'unknown',
          priority: t.priority,
          reason_code: t.reason?.coding?.[0]?.code ?? null,
          reason_text: t.reason?.text ?? t.reason?.coding?.[0]?.display ?? null,
          status: t.state,
          requested_at: requestedAt,
          accepted_at: at.get('accepted') ?? null,
          rejected_at: at.get('rejected') ?? null,
          scheduled_at: at.get('scheduled') ?? null,
          appointment_at: t.appointment ? new Date(t.appointment) : null,
          seen_at: at.get('seen') ?? null,
          returned_at: returnedAt,
          closed_at: at.get('closed') ?? null,
          cancelled_at: at.get('cancelled') ?? null,
          updated_at: last ? new Date(last.at) : requestedAt,
          seen_due_at: seenDue(t.priority, requestedAt, rules),
          return_due_at: returnedAt ? returnCheckDue(returnedAt, rules) : null,
        });
        // The receiver's care relationship (referral-relationship.ts): from acceptance, to the performer's org unit.
        const window = relationshipWindow(t.transitions);
        if (window && performer?.orgUnit && c.residentId) {
          grants.push({ source: relationshipSource(t.serviceRequest), grantee: performer.orgUnit, residentId: c.residentId, validFrom: window.from, validUntil: window.until, at: last ? new Date(last.at) : requestedAt });
        } else ungranted.push(relationshipSource(t.serviceRequest));
        t.transitions.forEach((e, i) => {
          events.push({ referral_id: t.serviceRequest, seq: i + 1, from_status: i === 0 ? null : t.transitions[i - 1].status, to_status: e.status, actor: e.by, at: new Date(e.at), note: e.note ?? null, resident_id: c.residentId });
        });
      }
      // Referrals whose Task is gone (deleted, or no longer a referral) lose their relationship too.
      const gone = await referralIdsOfTasks(ex, parsed.filter((p) => p.t === null).map((p) => p.c.id));
      await replaceReferrals(ex, changes.map((c) => c.id), rows, events);
      await removeCareRelationships(ex, [...ungranted, ...gone.map(relationshipSource)]);
      for (const { at, ...rel } of grants) await grantCareRelationship(ex, rel, at);
    },
  };
}

/** The projector to register with the FhirStore (default SLA rules). */
export const referralProjector: Projector = createReferralProjector();
