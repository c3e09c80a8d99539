/**
 * Removes the onset-info / abatement-string index rows that the indexer wrote for Conditions whose
 * onset or abatement is not a string (R4 `Condition.onset.as(string)` read as medplum's identity
 * as() function; the indexer now filters by type, src/foundation/fhir/indexer.ts conformantAs).
 * Rows of string onsets and abatements stay.
 */
import type { Kysely } from 'kysely';
import { execStatements } from '../exec-statements.js';

export async function up(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    DELETE FROM sp_string s
    WHERE s.resource_type = 'Condition' AND s.param IN ('onset-info', 'abatement-string')
      AND NOT EXISTS (
        SELECT 1 FROM fhir_resource r
        WHERE r.resource_type = 'Condition' AND r.id = s.resource_id
          AND r.content ? (CASE s.param WHEN 'onset-info' THEN 'onsetString' ELSE 'abatementString' END))
  `);
}

export async function down(): Promise<void> {
  // Nothing to restore: the removed rows were wrong.
}
