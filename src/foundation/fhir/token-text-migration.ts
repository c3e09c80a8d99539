/**
 * Migration `0013-fhir-token-text-rows`: removes the token rows that held texts (CodeableConcept.text,
 * Coding.display, Identifier.type.text) as codes without a system, which the indexer no longer writes
 * (indexer.ts TEXT_VALUES). Such a row cannot be told from a code-typed element's row (`status`) in
 * SQL, so each resource that has system-less token rows is indexed again: its system-less rows are
 * replaced by those the indexer now gives. Keyset pages of 1,000 resources over the token index;
 * registered by the server composition (server/modules.ts), as it needs the indexer.
 */
import { sql, type Kysely } from 'kysely';
import type { Resource } from '@medplum/fhirtypes';
import { loadFhirDefinitions } from './definitions.js';
import { indexResource } from './indexer.js';
import { arrayLiteral } from './store.repository.js';

const PAGE = 1000;

export async function up(db: Kysely<any>): Promise<void> {
  loadFhirDefinitions();
  let after = { type: '', id: '' };
  for (;;) {
    const owners = await sql<{ resource_type: string; resource_id: string }>`
      SELECT resource_type, resource_id FROM sp_token
      WHERE system IS NULL AND (resource_type, resource_id) > (${after.type}, ${after.id})
      GROUP BY resource_type, resource_id ORDER BY resource_type, resource_id LIMIT ${PAGE}`.execute(db);
    if (owners.rows.length === 0) return;
    const last = owners.rows[owners.rows.length - 1];
    after = { type: last.resource_type, id: last.resource_id };
    const keys = owners.rows.map((o) => [o.resource_type, o.resource_id]);
    const types = arrayLiteral(keys, 0);
    const ids = arrayLiteral(keys, 1);
    const current = await sql<{ resource_type: string; id: string; content: string }>`
      SELECT r.resource_type, r.id, r.content::text AS content FROM fhir_resource r
      JOIN unnest(${types}::text[], ${ids}::text[]) AS k(resource_type, id) USING (resource_type, id)
      WHERE NOT r.deleted AND r.content IS NOT NULL`.execute(db);
    const keep: unknown[][] = [];
    for (const r of current.rows) {
      for (const t of indexResource(JSON.parse(r.content) as Resource).token) if (t.system === null) keep.push([r.resource_type, r.id, t.param, t.code]);
    }
    await sql`
      WITH gone AS (
        DELETE FROM sp_token t USING unnest(${types}::text[], ${ids}::text[]) AS k(resource_type, id)
        WHERE t.resource_type = k.resource_type AND t.resource_id = k.id AND t.system IS NULL)
      INSERT INTO sp_token (resource_type, resource_id, param, system, code)
      SELECT resource_type, resource_id, param, NULL, code
      FROM unnest(${arrayLiteral(keep, 0)}::text[], ${arrayLiteral(keep, 1)}::text[], ${arrayLiteral(keep, 2)}::text[], ${arrayLiteral(keep, 3)}::text[]) AS n(resource_type, resource_id, param, code)`.execute(db);
  }
}

export async function down(): Promise<void> {
  // The text rows are not restored: the indexer no longer writes them.
}
