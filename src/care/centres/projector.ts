/**
 * Keeps care_centre_enrolment and care_centre_milestone in step with the FHIR store, inside the
 * write transaction of every EpisodeOfCare, Encounter, MedicationAdministration and Procedure
 * change (replace by resource id, so edits and deletions are exact). Only centre enrolments
 * (centres-fhir.ts) and pathway milestones (pathway.ts) leave rows.
 */
import type { Encounter, EpisodeOfCare, MedicationAdministration, Procedure } from '@medplum/fhirtypes';
import type { Executor } from '../../foundation/db/index.js';
import { replacedIds, type Projector, type ResourceChange } from '../../foundation/fhir/index.js';
import { readEnrolment } from './centres-fhir.js';
import { arrivalOf, pciOf, thrombolysisOf, type Milestone } from './pathway.js';
import { replaceEnrolments, replaceMilestones } from './centres.repository.js';

function milestoneOf(c: ResourceChange): Milestone | null {
  const r = c.resource;
  if (!r || !c.residentId) return null;
  if (c.resourceType === 'Encounter') return arrivalOf(r as Encounter);
  if (c.resourceType === 'MedicationAdministration') return thrombolysisOf(r as MedicationAdministration);
  if (c.resourceType === 'Procedure') return pciOf(r as Procedure);
  return null;
}

export const centresProjector: Projector = {
  name: 'care-centres',
  resourceTypes: ['EpisodeOfCare', 'Encounter', 'MedicationAdministration', 'Procedure'],
  async apply(ex: Executor, changes: readonly ResourceChange[]): Promise<void> {
    const episodes = changes.filter((c) => c.resourceType === 'EpisodeOfCare');
    const enrolments: Record<string, unknown>[] = [];
    for (const c of episodes) {
      const e = c.resource && c.residentId ? readEnrolment(c.resource as EpisodeOfCare) : null;
      if (!e) continue;
      enrolments.push({ episode_id: c.id, centre: e.centre, resident_id: c.residentId, patient_id: e.patient, org_unit: c.orgUnit, facility: e.facility, condition_id: e.condition, enrolled: new Date(e.enrolled), ended: e.ended ? new Date(e.ended) : null, status: e.status });
    }
    await replaceEnrolments(ex, replacedIds(episodes), enrolments);
    const others = changes.filter((c) => c.resourceType !== 'EpisodeOfCare');
    const milestones: Record<string, unknown>[] = [];
    for (const c of others) {
      const m = milestoneOf(c);
      if (m) milestones.push({ resource_type: c.resourceType, resource_id: c.id, resident_id: c.residentId, org_unit: c.orgUnit, kind: m.kind, at: new Date(m.at), encounter_id: m.encounter });
    }
    await replaceMilestones(ex, others.filter((c) => !c.created).map((c) => ({ resourceType: c.resourceType, id: c.id })), milestones);
  },
};
