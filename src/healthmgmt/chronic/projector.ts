/**
 * Keeps the chronic-care projection tables in step with the FHIR store: runs inside the write
 * transaction of every Patient, Condition, Observation, Encounter, EpisodeOfCare,
 * MedicationRequest and MedicationDispense change (replace-by-resource-id, so updates and deletes
 * are exact), then recomputes the registry rows of every resident the change touched (before and
 * after: a deleted or re-owned resource recomputes its former resident too).
 */
import { sql } from 'kysely';
import type { Condition, Encounter, EpisodeOfCare, MedicationDispense, MedicationRequest, Observation, Patient } from '@medplum/fhirtypes';
import { insertRows, type Executor } from '../../foundation/db/index.js';
import type { Projector, ResourceChange } from '../../foundation/fhir/index.js';
import { bloodPressure, conditionActive, conditionCategory, datePart, dispense, encounterStart, fastingGlucose } from './classify.js';
import { NATIONAL_RULES, type FollowUpRules } from './follow-up-rules.js';
import { refreshRegistry } from './registry.js';
import { encounterKind, enrolment, prescription, residentFacts } from './registry-sources.js';

type Row = Record<string, unknown>;

/**
 * Deletes the current rows of the changed resources and returns the residents who owned them (a
 * deleted or re-owned resource recomputes its former resident), all tables in one statement.
 */
async function deleteRows(ex: Executor, tables: Record<string, { ids: string[] }>): Promise<string[]> {
  const deletes = Object.entries(tables)
    .filter(([, { ids }]) => ids.length > 0)
    .map(([table, { ids }], i) => sql`${sql.ref(`d${i}`)} AS (DELETE FROM ${sql.table(table)} WHERE resource_id = ANY(${ids}::text[]) RETURNING resident_id)`);
  if (deletes.length === 0) return [];
  const union = sql.join(deletes.map((_d, i) => sql`SELECT resident_id FROM ${sql.ref(`d${i}`)}`), sql` UNION ALL `);
  const rows = await sql<{ resident_id: string }>`WITH ${sql.join(deletes)} SELECT DISTINCT resident_id FROM (${union}) AS r`.execute(ex);
  return rows.rows.map((r) => r.resident_id);
}

/** The chronic-care projector with the given follow-up rules (a district's configuration). */
export function createChronicProjector(rules: FollowUpRules = NATIONAL_RULES): Projector {
  return {
    name: 'chronic-care',
    resourceTypes: ['Patient', 'Condition', 'Observation', 'Encounter', 'EpisodeOfCare', 'MedicationRequest', 'MedicationDispense'],
    async apply(ex: Executor, changes: readonly ResourceChange[]): Promise<void> {
      const tables: Record<string, { ids: string[]; rows: Row[] }> = {
        proj_resident: { ids: [], rows: [] },
        proj_condition: { ids: [], rows: [] },
        proj_bp: { ids: [], rows: [] },
        proj_glucose: { ids: [], rows: [] },
        proj_encounter: { ids: [], rows: [] },
        proj_episode: { ids: [], rows: [] },
        proj_prescription: { ids: [], rows: [] },
        proj_dispense: { ids: [], rows: [] },
      };
      const touched = new Set<string>();
      // A created resource has no rows yet: nothing to delete, no former resident.
      const put = (table: string, c: ResourceChange, row: Row | null) => {
        if (!c.created) tables[table].ids.push(c.id);
        if (row) tables[table].rows.push(row);
      };
      for (const c of changes) {
        if (c.residentId) touched.add(c.residentId);
        const owner = { resident_id: c.residentId, org_unit: c.orgUnit };
        const r = c.resource && c.residentId ? c.resource : null;
        if (c.resourceType === 'Patient') {
          const p = r ? residentFacts(r as Patient) : null;
          put('proj_resident', c, p ? { resource_id: c.id, ...owner, birth_date: p.birthDate, deceased: p.deceased, care_team: p.careTeam } : null);
        } else if (c.resourceType === 'Condition') {
          const cat = r ? conditionCategory(r as Condition) : null;
          put('proj_condition', c, cat ? { resource_id: c.id, ...owner, category: cat.category, code: cat.code, onset: datePart((r as Condition).onsetDateTime ?? (r as Condition).recordedDate), active: conditionActive(r as Condition) } : null);
        } else if (c.resourceType === 'Observation') {
          const bp = r ? bloodPressure(r as Observation) : null;
          const glucose = r ? fastingGlucose(r as Observation) : null;
          put('proj_bp', c, bp ? { resource_id: c.id, ...owner, effective: bp.effective, sbp: bp.sbp, dbp: bp.dbp, plausible: bp.plausible } : null);
          put('proj_glucose', c, glucose ? { resource_id: c.id, ...owner, effective: glucose.effective, mmol_l: glucose.mmolL, plausible: glucose.plausible } : null);
        } else if (c.resourceType === 'Encounter') {
          const start = r ? encounterStart(r as Encounter) : null;
          const k = r ? encounterKind(r as Encounter) : null;
          put('proj_encounter', c, start && k ? { resource_id: c.id, ...owner, period_start: start, kind: k.kind, next_planned: k.nextPlanned } : null);
        } else if (c.resourceType === 'EpisodeOfCare') {
          const e = r ? enrolment(r as EpisodeOfCare) : null;
          put('proj_episode', c, e ? { resource_id: c.id, ...owner, category: e.category, status: e.status, start: e.start, care_team: e.careTeam } : null);
        } else if (c.resourceType === 'MedicationRequest') {
          const m = r ? prescription(r as MedicationRequest) : null;
          put('proj_prescription', c, m ? { resource_id: c.id, ...owner, authored: m.authored, drug: m.drug, drug_class: m.drugClass, category: m.category, days_supply: m.daysSupply, repeats: m.repeats, status: m.status } : null);
        } else if (c.resourceType === 'MedicationDispense') {
          const d = r ? dispense(r as MedicationDispense) : null;
          const rx = (r as MedicationDispense | null)?.authorizingPrescription?.[0]?.reference;
          put('proj_dispense', c, d ? { resource_id: c.id, ...owner, handed_over: d.handedOver, drug: d.drug, drug_class: d.drugClass, days_supply: d.daysSupply, prescription: rx?.startsWith('MedicationRequest/') ? rx.slice(18) : null, flag: null } : null);
        }
      }
      for (const id of await deleteRows(ex, tables)) touched.add(id);
      await insertRows(ex, Object.entries(tables).map(([table, { rows }]) => ({ table, rows })));
      // A dispense handed over before its prescription was written is stored and flagged, never silently counted as valid.
      const dispensed = tables.proj_dispense.rows.map((r) => r.resource_id as string);
      if (dispensed.length > 0) {
        await sql`UPDATE proj_dispense d SET flag = 'before-prescription' FROM proj_prescription p
                  WHERE d.resource_id = ANY(${dispensed}::text[]) AND p.resource_id = d.prescription AND d.handed_over < p.authored`.execute(ex);
      }
      await refreshRegistry(ex, touched, rules);
    },
  };
}

/** The projector to register with the FhirStore (national follow-up rules). */
export const chronicProjector: Projector = createChronicProjector();
