/**
 * Keeps care_visit in step with the FHIR store, inside the write transaction of every Encounter:
 * an Encounter with a village-visit-outcome extension is a row (replace by Encounter id), any other
 * Encounter (or a deleted, cancelled or entered-in-error one) none.
 */
import type { Encounter } from '@medplum/fhirtypes';
import type { Executor } from '../../foundation/db/index.js';
import { replacedIds, type Projector, type ResourceChange } from '../../foundation/fhir/index.js';
import { facilities } from '../referral/index.js';
import { readVisitOutcome } from './visit-fhir.js';
import { replaceVisits } from './visits.repository.js';

export const visitsProjector: Projector = {
  name: 'care-visits',
  resourceTypes: ['Encounter'],
  async apply(ex: Executor, changes: readonly ResourceChange[]): Promise<void> {
    const live = changes.flatMap((c) => {
      const e = c.resource as Encounter | null;
      if (!e || !c.residentId || e.status === 'cancelled' || e.status === 'entered-in-error') return [];
      const v = readVisitOutcome(e);
      return v && v.at ? [{ c, v, at: v.at }] : [];
    });
    const orgs = await facilities(ex, live.flatMap(({ v }) => (v.clinic ? [v.clinic] : [])));
    const rows = live.map(({ c, v, at }) => ({
      encounter_id: c.id,
      resident_id: c.residentId,
      patient_id: (c.resource as Encounter).subject?.reference?.replace(/^Patient\//, '') ?? c.residentId,
      org_unit: c.orgUnit,
      clinic_org: v.clinic,
      clinic_org_unit: v.clinic ? (orgs.get(v.clinic)?.orgUnit ?? null) : null,
      visit_at: new Date(at),
      outcome: v.outcome,
      referral_id: v.referral,
      teleconsult_id: v.teleconsult,
    }));
    await replaceVisits(ex, replacedIds(changes), rows);
  },
};
