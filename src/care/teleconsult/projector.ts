/**
 * Keeps care_teleconsult in step with the FHIR store, inside the write transaction of every Task
 * change (replace by Task id): only Tasks whose businessStatus is a teleconsultation state are
 * projected; the facilities' names and org units come from their Organizations.
 */
import type { Task } from '@medplum/fhirtypes';
import type { Executor } from '../../foundation/db/index.js';
import { replacedIds, type Projector, type ResourceChange } from '../../foundation/fhir/index.js';
import { facilities } from '../referral/index.js';
import { readTeleconsultTask } from './teleconsult-fhir.js';
import { turnaroundMinutes } from './teleconsult-state.js';
import { replaceTeleconsults } from './teleconsult.repository.js';

export const teleconsultProjector: Projector = {
  name: 'care-teleconsult',
  resourceTypes: ['Task'],
  async apply(ex: Executor, changes: readonly ResourceChange[]): Promise<void> {
    const live = changes.flatMap((c) => {
      const t = c.resource && c.residentId ? readTeleconsultTask(c.resource as Task) : null;
      return t ? [{ c, t }] : [];
    });
    const orgs = await facilities(ex, live.flatMap(({ t }) => [t.requester, t.consultant]));
    const rows = live.map(({ c, t }) => {
      // First time each state was reached (a state is reached at most once).
      const at = new Map<string, Date>();
      for (const e of t.transitions) if (!at.has(e.status)) at.set(e.status, new Date(e.at));
      const requestedAt = at.get('requested') ?? new Date(t.authoredOn);
      const answeredAt = at.get('answered') ?? null;
      const last = t.transitions[t.transitions.length - 1];
      const requester = orgs.get(t.requester);
      const consultant = orgs.get(t.consultant);
      return {
        task_id: c.id,
        resident_id: c.residentId,
        patient_id: t.patient,
        org_unit: c.orgUnit,
        requester_org: t.requester,
        requester_name: requester?.name ?? null,
        requester_org_unit: requester?.orgUnit ?? null,
        consultant_org: t.consultant,
        consultant_name: consultant?.name ?? null,
        consultant_org_unit: consultant?.orgUnit ?? null,
        encounter_id: t.encounter,
        priority: t.priority,
        question: t.question,
        attachments: t.attachments,
        status: t.state,
        requested_at: requestedAt,
        answered_at: answeredAt,
        declined_at: at.get('declined') ?? null,
        cancelled_at: at.get('cancelled') ?? null,
        updated_at: last ? new Date(last.at) : requestedAt,
        turnaround_minutes: turnaroundMinutes(requestedAt, answeredAt),
      };
    });
    await replaceTeleconsults(ex, replacedIds(changes), rows);
  },
};
