/**
 * SQL of the chronic medication service: refill reminders over the prescription and dispense
 * projections, and protocol-drug stock per facility (every change a row in chronic_stock_move).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';

export interface RefillRow {
  resident: string;
  orgUnit: string | null;
  prescription: string;
  drug: string;
  category: string | null;
  authored: string;
  /** Fills allowed (repeats + 1) and handed over so far. */
  fillsAllowed: number;
  fills: number;
  /** The date the patient's supply runs out (or the prescription date when nothing was handed over yet). */
  due: string;
  /** refill: fills left on the prescription; renewal: a new prescription is needed. */
  kind: 'refill' | 'renewal';
}

/**
 * Refill reminders: the latest prescription of each resident and drug whose supply runs out by
 * `until` (and ran out no more than `lapsedDays` ago), for living residents inside `scope`.
 */
export async function refillReminders(ex: Executor, q: { today: string; until: string; lapsedSince: string; orgUnit?: string; scope?: RawBuilder<boolean>; count: number; offset: number }): Promise<{ total: number; rows: RefillRow[] }> {
  const filters = [
    sql`(res.deceased IS NULL OR res.deceased > ${q.today})`,
    sql`x.due <= ${q.until}`,
    sql`x.due >= ${q.lapsedSince}`,
    ...(q.orgUnit ? [sql`x.org_unit LIKE ${`${q.orgUnit}%`}`] : []),
    ...(q.scope ? [q.scope] : []),
  ];
  const result = await sql<Record<string, unknown>>`
    WITH latest AS (
      SELECT DISTINCT ON (p.resident_id, p.drug) p.* FROM proj_prescription p
      WHERE p.status IN ('active', 'completed') AND p.authored <= ${q.today} ${q.orgUnit ? sql`AND p.org_unit LIKE ${`${q.orgUnit}%`}` : sql``}
      ORDER BY p.resident_id, p.drug, p.authored DESC, p.resource_id
    ), x AS (
      SELECT l.resident_id, l.org_unit, l.resource_id, l.drug, l.category, l.authored, l.repeats + 1 AS allowed,
        count(d.resource_id)::int AS fills, coalesce(max(d.handed_over + d.days_supply), l.authored) AS due
      FROM latest l LEFT JOIN proj_dispense d ON d.prescription = l.resource_id AND d.resident_id = l.resident_id
      GROUP BY l.resident_id, l.org_unit, l.resource_id, l.drug, l.category, l.authored, l.repeats
    )
    SELECT x.resident_id, x.org_unit, x.resource_id, x.drug, x.category, x.authored::text AS authored, x.allowed, x.fills, x.due::text AS due,
      count(*) OVER () AS total
    FROM x JOIN fhir_resource r ON r.resource_type = 'Patient' AND r.id = x.resident_id AND r.deleted = false
    LEFT JOIN proj_resident res ON res.resource_id = x.resident_id
    WHERE ${sql.join(filters, sql` AND `)}
    ORDER BY x.due, x.resident_id, x.drug LIMIT ${q.count} OFFSET ${q.offset}`.execute(ex);
  return {
    total: result.rows.length ? Number(result.rows[0].total) : 0,
    rows: result.rows.map((r) => ({
      resident: String(r.resident_id),
      orgUnit: r.org_unit === null ? null : String(r.org_unit),
      prescription: String(r.resource_id),
      drug: String(r.drug),
      category: r.category === null ? null : String(r.category),
      authored: String(r.authored),
      fillsAllowed: Number(r.allowed),
      fills: Number(r.fills),
      due: String(r.due),
      kind: Number(r.fills) < Number(r.allowed) ? 'refill' : 'renewal',
    })),
  };
}

/** Fills already handed over on a prescription. */
export async function fillsOf(ex: Executor, prescriptionId: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM proj_dispense WHERE prescription = ${prescriptionId}`.execute(ex);
  return Number(r.rows[0]?.n ?? 0);
}

export interface StockRow {
  facility: string;
  drug: string;
  quantity: number;
  updatedAt: string;
}

/** Stock of a facility (every drug, or one). */
export async function stockOf(ex: Executor, facility: string, drug?: string): Promise<StockRow[]> {
  const r = await sql<{ facility: string; drug: string; quantity: number; updated_at: Date | string }>`
    SELECT facility, drug, quantity::float8 AS quantity, updated_at FROM chronic_stock WHERE facility = ${facility} ${drug ? sql`AND drug = ${drug}` : sql``} ORDER BY drug`.execute(ex);
  return r.rows.map((s) => ({ facility: s.facility, drug: s.drug, quantity: Number(s.quantity), updatedAt: new Date(s.updated_at).toISOString() }));
}

/**
 * Changes a facility's stock of a drug by `delta` (negative = out) and records the move. Returns
 * the new quantity, or null when the stock would go below zero (nothing is changed then).
 */
export async function moveStock(ex: Executor, m: { id: string; facility: string; drug: string; delta: number; reason: string; reference: string | null; at: Date; actor: string }): Promise<number | null> {
  const at = m.at.toISOString();
  const r =
    m.delta >= 0
      ? await sql<{ quantity: number }>`INSERT INTO chronic_stock (facility, drug, quantity, updated_at) VALUES (${m.facility}, ${m.drug}, ${m.delta}, ${at})
          ON CONFLICT (facility, drug) DO UPDATE SET quantity = chronic_stock.quantity + EXCLUDED.quantity, updated_at = EXCLUDED.updated_at
          RETURNING quantity::float8 AS quantity`.execute(ex)
      : await sql<{ quantity: number }>`UPDATE chronic_stock SET quantity = quantity + ${m.delta}, updated_at = ${at}
          WHERE facility = ${m.facility} AND drug = ${m.drug} AND quantity + ${m.delta} >= 0 RETURNING quantity::float8 AS quantity`.execute(ex);
  if (r.rows.length === 0) return null;
  await sql`INSERT INTO chronic_stock_move (id, facility, drug, delta, reason, reference, recorded_at, actor)
    VALUES (${m.id}, ${m.facility}, ${m.drug}, ${m.delta}, ${m.reason}, ${m.reference}, ${at}, ${m.actor})`.execute(ex);
  return Number(r.rows[0].quantity);
}
