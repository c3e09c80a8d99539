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
import { monthsBefore } from './follow-up-rules.js';
import { ADHERENCE_DRUGS } from './protocol-drugs.js';

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

const DRUGS = ADHERENCE_DRUGS;

/** The period of the indicators: the 12 months ending asOf, as [from, asOf] with its exclusive start. */
function period(asOf: string): { d12: string; from: string } {
  const d12 = monthsBefore(asOf, 12);
  return { d12, from: new Date(Date.parse(`${d12}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) };
}

export interface ResidentAdherence {
  condition: ChronicCategory;
  from: string;
  to: string;
  fills: number;
  /** null with fewer than 2 fills on different days (PQA), or when insulin excludes a diabetes patient. */
  pdc: number | null;
  mpr: number | null;
  adherent: boolean | null;
  drugClass: string | null;
}

/** One resident's PDC per programme over the 12 months ending asOf (the same rules as the indicator). */
export async function residentAdherence(ex: Executor, residentId: string, asOf: string): Promise<ResidentAdherence[]> {
  const { d12, from } = period(asOf);
  const rows = await sql<{ drug: string; drug_class: string; day: string; days_supply: number }>`
    SELECT drug, drug_class, handed_over::text AS day, days_supply FROM proj_dispense
    WHERE resident_id = ${residentId} AND handed_over > ${d12} AND handed_over <= ${asOf} ORDER BY handed_over`.execute(ex);
  const out: ResidentAdherence[] = [];
  for (const condition of ['hypertension', 'diabetes'] as const) {
    const drugs = DRUGS[condition];
    // The same patterns the SQL of adherenceIndicators applies with `~`, compiled once per programme.
    const classes = new RegExp(drugs.classes);
    const exclude = drugs.excludeIfAny === null ? null : new RegExp(drugs.excludeIfAny);
    const fills: Fill[] = rows.rows
      .filter((r) => classes.test(r.drug_class))
      .map((r) => ({ patient: residentId, drug: r.drug, drugClass: r.drug_class, date: r.day, daysSupply: Number(r.days_supply) }));
    if (fills.length === 0) continue;
    const excluded = exclude !== null && rows.rows.some((r) => exclude.test(r.drug_class));
    const [a] = excluded ? [null] : adherence(fills, from, asOf);
    out.push({ condition, from, to: asOf, fills: fills.length, pdc: a?.pdc ?? null, mpr: a?.mpr ?? null, adherent: a?.adherent ?? null, drugClass: a?.drugClass ?? null });
  }
  return out;
}

/** Per org unit of `groupLength` characters under `orgUnit` (as chronicIndicators). */
export async function adherenceIndicators(ex: Executor, q: { orgUnit: string; condition: ChronicCategory; asOf: string; groupLength?: number }): Promise<AdherenceIndicators[]> {
  const group = q.groupLength ?? q.orgUnit.length;
  const { d12, from } = period(q.asOf);
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
