/**
 * Medication adherence per org unit (issue 6 "PDC ≥ 80 %"): the Pharmacy Quality Alliance
 * Proportion of Days Covered, computed by the same pure function as `healthy-brain adherence`
 * (medication/adherence.ts: index date = first fill in the period, same-drug overlaps shift
 * forward, ≥ 2 fills on different days, a patient with several classes counts with the lowest PDC).
 *
 *  period        the 12 months ending asOf: (asOf − 12 months, asOf]
 *  withFills     registered residents (active diagnosis on or before asOf, as chronicIndicators)
 *                with a dispense of the programme's drugs in the period
 *  measured      withFills with ≥ 2 fills on different days of one class (PQA denominator)
 *  adherent      measured with PDC ≥ 0.80 (PQA threshold)
 *  adherenceRate adherent / measured
 *
 * Drugs: hypertension = every antihypertensive class (ATC C02, C03, C07, C08, C09; the national
 * programme treats them alike — PQA's own measure PDC-RASA covers C09 only); diabetes = non-insulin
 * glucose-lowering drugs (ATC A10B) with residents who had insulin (A10A) in the period left out,
 * as PQA's PDC-DR does. Classes are ATC level 4 (proj_dispense.drug_class).
 */
import { sql } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';
import { adherence, type Fill } from '../medication/adherence.js';
import type { ChronicCategory } from './classify.js';
import { monthsBefore } from './indicators.js';

export interface AdherenceIndicators {
  orgUnit: string;
  condition: ChronicCategory;
  asOf: string;
  /** First day of the period. */
  from: string;
  withFills: number;
  measured: number;
  adherent: number;
  adherenceRate: number | null;
}

const DRUGS: Record<ChronicCategory, { classes: string; excludeIfAny: string | null }> = {
  hypertension: { classes: '^C0[23789]', excludeIfAny: null },
  diabetes: { classes: '^A10B', excludeIfAny: '^A10A' },
};

/** Per org unit of `groupLength` characters under `orgUnit` (as chronicIndicators). */
export async function adherenceIndicators(ex: Executor, q: { orgUnit: string; condition: ChronicCategory; asOf: string; groupLength?: number }): Promise<AdherenceIndicators[]> {
  const group = q.groupLength ?? q.orgUnit.length;
  const d12 = monthsBefore(q.asOf, 12);
  const from = new Date(Date.parse(`${d12}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const prefix = `${q.orgUnit.replace(/[\\%_]/g, '\\$&')}%`;
  const drugs = DRUGS[q.condition];
  const excluded = drugs.excludeIfAny
    ? sql`AND NOT EXISTS (SELECT 1 FROM proj_dispense x WHERE x.resident_id = reg.resident_id AND x.handed_over > ${d12} AND x.handed_over <= ${q.asOf} AND x.drug_class ~ ${drugs.excludeIfAny})`
    : sql``;
  const rows = await sql<{ grp: string; resident_id: string; drug: string; drug_class: string; day: string; days_supply: number }>`
    WITH reg AS (
      SELECT c.resident_id, min(substr(c.org_unit, 1, ${group})) AS grp
      FROM proj_condition c
      WHERE c.category = ${q.condition} AND c.active AND c.org_unit LIKE ${prefix} AND (c.onset IS NULL OR c.onset <= ${q.asOf})
      GROUP BY c.resident_id
    )
    SELECT reg.grp, d.resident_id, d.drug, d.drug_class, d.handed_over::text AS day, d.days_supply
    FROM reg JOIN proj_dispense d ON d.resident_id = reg.resident_id
    WHERE d.handed_over > ${d12} AND d.handed_over <= ${q.asOf} AND d.drug_class ~ ${drugs.classes} ${excluded}
    ORDER BY reg.grp, d.resident_id`.execute(ex);
  const byGroup = new Map<string, Fill[]>();
  for (const r of rows.rows) {
    const fills = byGroup.get(r.grp) ?? [];
    fills.push({ patient: r.resident_id, drug: r.drug, drugClass: r.drug_class, date: r.day, daysSupply: Number(r.days_supply) });
    byGroup.set(r.grp, fills);
  }
  return [...byGroup.entries()].map(([grp, fills]) => {
    const results = adherence(fills, from, q.asOf);
    const measured = results.filter((x) => x.pdc !== null).length;
    const adherent = results.filter((x) => x.adherent === true).length;
    return { orgUnit: grp, condition: q.condition, asOf: q.asOf, from, withFills: results.length, measured, adherent, adherenceRate: measured > 0 ? adherent / measured : null };
  });
}
