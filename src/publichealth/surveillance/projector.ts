/**
 * Keeps proj_case in step with the FHIR store inside the write transaction of every Condition change
 * (replace by resource id, so updates, refutations and deletions are exact). The time a Condition was
 * first received is kept across updates: it is the report time when the Condition has no recordedDate.
 */
import { sql } from 'kysely';
import type { Condition, Encounter } from '@medplum/fhirtypes';
import { replaceRows, type Executor } from '../../foundation/db/index.js';
import { replacedIds, type Projector, type ResourceChange } from '../../foundation/fhir/index.js';
import { classifyCondition, encounterIdOf, needsEncounterStart } from './case-report.js';
import { DEFAULT_DISEASES, type DiseaseList } from './diseases.js';

/** A proj_case row (column → value). */
type CaseRow = Record<'resource_id' | 'disease' | 'kind' | 'disease_class' | 'resident_id' | 'patient_id' | 'org_unit' | 'code' | 'day' | 'diagnosed_at' | 'reported_at' | 'received_at' | 'deadline_at' | 'late' | 'verification', unknown>;

/**
 * Start of each Encounter (live ones only): from this flush's own Encounters where it wrote them (a
 * facility's bundle usually carries the Encounter with its Conditions), else read from the store.
 */
async function encounterStarts(ex: Executor, ids: string[], flushed: readonly ResourceChange[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const written = new Map(flushed.filter((c) => c.resourceType === 'Encounter' && c.resource && !c.deleted).map((c) => [c.id, c.resource as Encounter]));
  const ask: string[] = [];
  for (const id of ids) {
    const own = written.get(id);
    if (!own) ask.push(id);
    else if (own.period?.start) out.set(id, own.period.start);
  }
  if (ask.length === 0) return out;
  const rows = await sql<{ id: string; start: string | null }>`
    SELECT id, content #>> '{period,start}' AS start FROM fhir_resource
    WHERE resource_type = 'Encounter' AND id = ANY(${ask}::text[]) AND deleted = false`.execute(ex);
  for (const r of rows.rows) if (r.start) out.set(r.id, r.start);
  return out;
}

/** A projector for a disease list ({@link caseProjector} has the built-in list; createStore swaps in the district's, HB_SURVEILLANCE_DISEASES). */
export function createCaseProjector(list: DiseaseList): Projector {
  return {
    name: 'surveillance-cases',
    // Encounters only to read their start from the same flush (encounterStarts); rows are of Conditions.
    resourceTypes: ['Condition', 'Encounter'],
    async apply(ex: Executor, flushed: readonly ResourceChange[]): Promise<void> {
      const changes = flushed.filter((c) => c.resourceType === 'Condition');
      if (changes.length === 0) return;
      const ids = replacedIds(changes);
      const previous = ids.length === 0 ? [] : (await sql<{ resource_id: string; received_at: Date }>`
        SELECT resource_id, min(received_at) AS received_at FROM proj_case WHERE resource_id = ANY(${ids}::text[]) GROUP BY resource_id`.execute(ex)).rows;
      const received = new Map(previous.map((r) => [r.resource_id, new Date(r.received_at)]));
      const live = changes.filter((c) => c.resource && c.residentId);
      const wanted = live.map((c) => c.resource as Condition).filter(needsEncounterStart).map((c) => encounterIdOf(c) as string);
      const starts = await encounterStarts(ex, [...new Set(wanted)], flushed);
      const rows: CaseRow[] = [];
      for (const c of live) {
        const condition = c.resource as Condition;
        const lastUpdated = condition.meta?.lastUpdated ? new Date(condition.meta.lastUpdated) : new Date(0);
        const receivedAt = received.get(c.id) ?? lastUpdated;
        const enc = encounterIdOf(condition);
        for (const r of classifyCondition(condition, list, { encounterStart: enc ? starts.get(enc) : null, receivedAt })) {
          rows.push({ resource_id: c.id, disease: r.disease, kind: r.kind, disease_class: r.diseaseClass, resident_id: c.residentId, patient_id: r.patientId, org_unit: c.orgUnit, code: r.code, day: r.day, diagnosed_at: r.diagnosedAt, reported_at: r.reportedAt, received_at: receivedAt, deadline_at: r.deadlineAt, late: r.late, verification: r.verification });
        }
      }
      await replaceRows(ex, 'proj_case', 'resource_id', ids, rows);
    },
  };
}

/** The case projector with the default disease list (registered in server/modules.ts). */
export const caseProjector: Projector = createCaseProjector(DEFAULT_DISEASES);
