/**
 * Bulk enrolment: every resident with an active Condition meeting a centre's criteria and no open
 * enrolment in it gets one EpisodeOfCare, written through the store (projector, audit) in batches.
 * The enrolment starts when the qualifying Condition was recorded (else its onset, else now), so
 * a back-filled registry shows its history month by month. Used by `healthy-brain centres enrol`
 * and by tests; runs as the system actor given.
 */
import type { Condition, Encounter, MedicationAdministration, Procedure } from '@medplum/fhirtypes';
import { validateInput, type FhirStore, type RequestContext } from '../../foundation/fhir/index.js';
import { matchingCode, type CentreDefinition } from './centres-config.js';
import { buildEnrolment } from './centres-fhir.js';
import { candidateConditions, centreFacility, milestoneSources, replaceMilestones } from './centres.repository.js';
import { arrivalOf, pciOf, thrombolysisOf } from './pathway.js';

export interface BulkResult {
  centre: string;
  facility: string | null;
  enrolled: number;
  /** Residents that already had an open enrolment or no active matching Condition are not counted. */
  skipped: string | null;
}

const BATCH = 200;

function startOf(c: Condition, now: Date): string {
  const when = c.recordedDate ?? c.onsetDateTime;
  if (when && /^\d{4}-\d{2}-\d{2}$/.test(when)) return new Date(`${when}T00:00:00+08:00`).toISOString();
  return when && /^\d{4}-\d{2}-\d{2}T/.test(when) && !Number.isNaN(Date.parse(when)) ? new Date(when).toISOString() : now.toISOString();
}

/** Enrols every matching resident in each given centre; returns what was done per centre. */
export async function enrolMatching(store: FhirStore, ctx: RequestContext, centres: readonly CentreDefinition[], options: { orgUnit?: string; now?: Date } = {}): Promise<BulkResult[]> {
  const now = options.now ?? new Date();
  const results: BulkResult[] = [];
  for (const centre of centres) {
    const facility = await centreFacility(store.db, centre);
    if (!facility) {
      results.push({ centre: centre.code, facility: null, enrolled: 0, skipped: 'no facility of the district is bound to this centre' });
      continue;
    }
    const rows = await candidateConditions(store.db, centre, options.orgUnit ?? '');
    // One enrolment per resident: the earliest recorded active matching Condition qualifies.
    const first = new Map<string, { condition: Condition; start: string }>();
    for (const r of rows) {
      const condition = JSON.parse(r.content) as Condition;
      if (!matchingCode(centre, condition) || !condition.subject?.reference?.startsWith('Patient/')) continue;
      const start = startOf(condition, now);
      const prev = first.get(r.resident_id);
      if (!prev || start < prev.start) first.set(r.resident_id, { condition, start });
    }
    const episodes = [...first.values()].map(({ condition, start }) =>
      buildEnrolment({ id: store.newId(), centre: centre.code, centreName: centre.name, patient: (condition.subject?.reference ?? '').replace(/^Patient\//, ''), facility: facility.id, condition: condition.id ?? null, start }),
    );
    for (let i = 0; i < episodes.length; i += BATCH) {
      await store.inTransaction(ctx, async (session) => {
        for (const e of episodes.slice(i, i + BATCH)) await store.createIn(session, validateInput(e, 'EpisodeOfCare'), 'EpisodeOfCare', e.id as string);
      });
    }
    results.push({ centre: centre.code, facility: facility.id, enrolled: episodes.length, skipped: null });
  }
  return results;
}

/**
 * Re-projects the pathway milestones of resources written before the centres projector existed
 * (migration 0310 on a database with data); idempotent (replace by resource id). Returns the rows kept.
 */
export async function backfillMilestones(store: FhirStore): Promise<number> {
  let kept = 0;
  for (const type of ['Encounter', 'MedicationAdministration', 'Procedure'] as const) {
    for (let after = ''; ; ) {
      const page = await milestoneSources(store.db, type, after, 1000);
      if (page.length === 0) break;
      after = page[page.length - 1].id;
      const rows: Record<string, unknown>[] = [];
      for (const r of page) {
        if (!r.resident_id) continue;
        const resource = JSON.parse(r.content) as Encounter | MedicationAdministration | Procedure;
        const m = type === 'Encounter' ? arrivalOf(resource as Encounter) : type === 'MedicationAdministration' ? thrombolysisOf(resource as MedicationAdministration) : pciOf(resource as Procedure);
        if (m) rows.push({ resource_type: type, resource_id: r.id, resident_id: r.resident_id, org_unit: r.org_unit, kind: m.kind, at: new Date(m.at), encounter_id: m.encounter });
      }
      await store.db.transaction().execute((trx) => replaceMilestones(trx, page.map((r) => ({ resourceType: type, id: r.id })), rows));
      kept += rows.length;
    }
  }
  return kept;
}
