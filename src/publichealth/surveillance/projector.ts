/**
 * Keeps proj_case in step with the FHIR store inside the write transaction of every Condition change
 * (replace by resource id, so updates, refutations and deletions are exact). The time a Condition was
 * first received is kept across updates: it is the report time when the Condition has no recordedDate.
 */
import { sql } from 'kysely';
import type { Condition } from '@medplum/fhirtypes';
import type { Executor } from '../../foundation/db/index.js';
import type { Projector, ResourceChange } from '../../foundation/fhir/index.js';
import { classifyCondition, encounterIdOf, needsEncounterStart } from './case-report.js';
import { DEFAULT_DISEASES, type DiseaseList } from './diseases.js';

const COLUMNS = ['resource_id', 'disease', 'kind', 'disease_class', 'resident_id', 'patient_id', 'org_unit', 'code', 'day', 'diagnosed_at', 'reported_at', 'received_at', 'deadline_at', 'late', 'verification'] as const;

async function encounterStarts(ex: Executor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: string; start: string | null }>`
    SELECT id, content #>> '{period,start}' AS start FROM fhir_resource
    WHERE resource_type = 'Encounter' AND id = ANY(${ids}::text[]) AND deleted = false`.execute(ex);
  return new Map(rows.rows.filter((r) => r.start).map((r) => [r.id, r.start as string]));
}

/** A projector for a disease list (the server and CLI use {@link caseProjector} with the default list). */
export function createCaseProjector(list: DiseaseList): Projector {
  return {
    name: 'surveillance-cases',
    resourceTypes: ['Condition'],
    async apply(ex: Executor, changes: readonly ResourceChange[]): Promise<void> {
      const ids = changes.map((c) => c.id);
      const previous = await sql<{ resource_id: string; received_at: Date }>`
        SELECT resource_id, min(received_at) AS received_at FROM proj_case WHERE resource_id = ANY(${ids}::text[]) GROUP BY resource_id`.execute(ex);
      const received = new Map(previous.rows.map((r) => [r.resource_id, new Date(r.received_at)]));
      const live = changes.filter((c) => c.resource && c.residentId);
      const wanted = live.map((c) => c.resource as Condition).filter(needsEncounterStart).map((c) => encounterIdOf(c) as string);
      const starts = await encounterStarts(ex, [...new Set(wanted)]);
      const rows: unknown[][] = [];
      for (const c of live) {
        const condition = c.resource as Condition;
        const lastUpdated = condition.meta?.lastUpdated ? new Date(condition.meta.lastUpdated) : new Date(0);
        const receivedAt = received.get(c.id) ?? lastUpdated;
        const enc = encounterIdOf(condition);
        for (const r of classifyCondition(condition, list, { encounterStart: enc ? starts.get(enc) : null, receivedAt })) {
          rows.push([c.id, r.disease, r.kind, r.diseaseClass, c.residentId, r.patientId, c.orgUnit, r.code, r.day, r.diagnosedAt, r.reportedAt, receivedAt, r.deadlineAt, r.late, r.verification]);
        }
      }
      if (ids.length > 0) await sql`DELETE FROM proj_case WHERE resource_id = ANY(${ids}::text[])`.execute(ex);
      for (let i = 0; i < rows.length; i += 500) {
        const values = rows.slice(i, i + 500).map((r) => sql`(${sql.join(r)})`);
        await sql`INSERT INTO proj_case (${sql.join(COLUMNS.map((k) => sql.ref(k)))}) VALUES ${sql.join(values)}`.execute(ex);
      }
    },
  };
}

/** The case projector with the default disease list (registered in server/modules.ts). */
export const caseProjector: Projector = createCaseProjector(DEFAULT_DISEASES);
