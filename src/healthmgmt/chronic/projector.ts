/**
 * Keeps the chronic-care projection tables in step with the FHIR store: runs inside the write
 * transaction of every Condition, Observation, Encounter and MedicationDispense change
 * (replace-by-resource-id, so updates and deletes are exact).
 */
import { sql } from 'kysely';
import type { Condition, Encounter, MedicationDispense, Observation } from '@medplum/fhirtypes';
import type { Executor } from '../../foundation/db/index.js';
import type { Projector, ResourceChange } from '../../foundation/fhir/index.js';
import { bloodPressure, conditionActive, conditionCategory, datePart, dispense, encounterStart, fastingGlucose } from './classify.js';

type Row = Record<string, unknown>;

/** Deletes the rows of every changed resource, then inserts the new rows (500 per statement). */
async function replace(ex: Executor, table: string, ids: string[], rows: Row[]): Promise<void> {
  if (ids.length > 0) await sql`DELETE FROM ${sql.table(table)} WHERE resource_id = ANY(${ids}::text[])`.execute(ex);
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const columns = Object.keys(chunk[0]);
    const values = chunk.map((r) => sql`(${sql.join(columns.map((c) => r[c]))})`);
    await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) VALUES ${sql.join(values)}`.execute(ex);
  }
}

/** The projector to register with the FhirStore. */
export const chronicProjector: Projector = {
  name: 'chronic-care',
  resourceTypes: ['Condition', 'Observation', 'Encounter', 'MedicationDispense'],
  async apply(ex: Executor, changes: readonly ResourceChange[]): Promise<void> {
    const tables: Record<string, { ids: string[]; rows: Row[] }> = {
      proj_condition: { ids: [], rows: [] },
      proj_bp: { ids: [], rows: [] },
      proj_glucose: { ids: [], rows: [] },
      proj_encounter: { ids: [], rows: [] },
      proj_dispense: { ids: [], rows: [] },
    };
    const put = (table: string, id: string, row: Row | null) => {
      tables[table].ids.push(id);
      if (row) tables[table].rows.push(row);
    };
    for (const c of changes) {
      const owner = { resident_id: c.residentId, org_unit: c.orgUnit };
      const r = c.resource;
      if (c.resourceType === 'Condition') {
        const cat = r && c.residentId ? conditionCategory(r as Condition) : null;
        put('proj_condition', c.id, cat ? { resource_id: c.id, ...owner, category: cat.category, code: cat.code, onset: datePart((r as Condition).onsetDateTime ?? (r as Condition).recordedDate), active: conditionActive(r as Condition) } : null);
      } else if (c.resourceType === 'Observation') {
        const bp = r && c.residentId ? bloodPressure(r as Observation) : null;
        const glucose = r && c.residentId ? fastingGlucose(r as Observation) : null;
        put('proj_bp', c.id, bp ? { resource_id: c.id, ...owner, effective: bp.effective, sbp: bp.sbp, dbp: bp.dbp, plausible: bp.plausible } : null);
        put('proj_glucose', c.id, glucose ? { resource_id: c.id, ...owner, effective: glucose.effective, mmol_l: glucose.mmolL, plausible: glucose.plausible } : null);
      } else if (c.resourceType === 'Encounter') {
        const start = r && c.residentId ? encounterStart(r as Encounter) : null;
        put('proj_encounter', c.id, start ? { resource_id: c.id, ...owner, period_start: start } : null);
      } else if (c.resourceType === 'MedicationDispense') {
        const d = r && c.residentId ? dispense(r as MedicationDispense) : null;
        put('proj_dispense', c.id, d ? { resource_id: c.id, ...owner, handed_over: d.handedOver, drug: d.drug, drug_class: d.drugClass, days_supply: d.daysSupply } : null);
      }
    }
    for (const [table, { ids, rows }] of Object.entries(tables)) await replace(ex, table, ids, rows);
  },
};
