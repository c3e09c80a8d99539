/**
 * The org-unit Locations (FHIR Location with an ORG_UNIT_SYSTEM identifier: district, towns,
 * villages; docs/simulation.md): reference data the domains read by code — names for the rounds,
 * positions for the space-time scan.
 */
import type { Location } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import type { Executor } from '../db/index.js';
import { ORG_UNIT_SYSTEM } from './conventions.js';

/** Current org-unit Locations with these codes, or with codes of this length (one org level). */
export async function orgUnitLocations(ex: Executor, which: { readonly codes: readonly string[] } | { readonly codeLength: number }): Promise<{ code: string; location: Location }[]> {
  if ('codes' in which && which.codes.length === 0) return [];
  const match = 'codes' in which ? sql`t.code = ANY(${[...which.codes]}::text[])` : sql`length(t.code) = ${which.codeLength}`;
  const rows = await sql<{ code: string; content: string }>`
    SELECT t.code, r.content::text AS content FROM sp_token t
    JOIN fhir_resource r ON r.resource_type = 'Location' AND r.id = t.resource_id AND r.deleted = false
    WHERE t.resource_type = 'Location' AND t.param = 'identifier' AND t.system = ${ORG_UNIT_SYSTEM} AND ${match}`.execute(ex);
  return rows.rows.map((r) => ({ code: r.code, location: JSON.parse(r.content) as Location }));
}
