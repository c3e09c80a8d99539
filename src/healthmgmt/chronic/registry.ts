/**
 * The hypertension / type 2 diabetes registry: one row per resident and programme, recomputed
 * from the projection tables for every resident a write touches, inside that write's transaction
 * (so the registry, statuses and work lists change with the record, never later).
 *
 * A resident is registered in a programme on any of these grounds (`basis`, first that holds):
 *  diagnosis     an active hypertension (ICD-10 I10–I15) / type 2 diabetes (E11) Condition
 *  enrolled      an active EpisodeOfCare of the programme (CHRONIC_PROGRAMME_SYSTEM)
 *  prescription  a prescription of a protocol drug (ATC C02/C03/C07/C08/C09, A10)
 *  measurements  BP ≥ 140/90 on 3 different days (Chinese Hypertension Guideline 2018: 非同日3次),
 *                fasting glucose ≥ 7.0 mmol/L on 2 different days (WHO 2006 / CDS 2020) — to confirm
 * Follow-ups are encounters typed chronic-follow-up; readings are the plausible BP (hypertension) or
 * fasting glucose (diabetes) readings. The follow-up rules are in follow-up-rules.ts.
 */
import { sql, type RawBuilder } from 'kysely';
import { insertRows, type Executor } from '../../foundation/db/index.js';
import type { ChronicCategory } from './classify.js';
import { NATIONAL_RULES, assessPatient, type FollowUpRules, type Reading } from './follow-up-rules.js';
import { FOLLOW_UP_KIND } from './registry-sources.js';

export type RegistryBasis = 'diagnosis' | 'enrolled' | 'prescription' | 'measurements';

export interface RegistrySources {
  resident?: { org_unit: string | null; birth_date: string | null; deceased: string | null; care_team: string | null };
  conditions: { category: string; onset: string | null; active: boolean; org_unit: string | null }[];
  episodes: { resource_id: string; category: string; status: string; start: string | null; care_team: string | null }[];
  prescriptions: { category: string | null; authored: string }[];
  bp: { effective: string; sbp: number; dbp: number }[];
  glucose: { effective: string; mmol_l: number }[];
  encounters: { period_start: string; kind: string | null; next_planned: string | null }[];
}

const ACTIVE_EPISODE = new Set(['planned', 'waitlist', 'active', 'onhold']);

const min = (dates: (string | null | undefined)[]): string | null => dates.filter((d): d is string => !!d).sort()[0] ?? null;

/** Days with a reading at or above the diagnostic threshold. */
function highDays(s: RegistrySources, category: ChronicCategory): number {
  const days = category === 'hypertension' ? s.bp.filter((b) => b.sbp >= 140 || b.dbp >= 90).map((b) => b.effective) : s.glucose.filter((g) => g.mmol_l >= 7.0).map((g) => g.effective);
  return new Set(days).size;
}

/** Registration ground and date of one programme, or null when the resident is not registered in it. */
export function registration(s: RegistrySources, category: ChronicCategory): { basis: RegistryBasis; since: string | null; episodeId: string | null } | null {
  const dx = s.conditions.filter((c) => c.category === category && c.active);
  const ep = s.episodes.filter((e) => e.category === category && ACTIVE_EPISODE.has(e.status));
  const rx = s.prescriptions.filter((p) => p.category === category);
  const measured = highDays(s, category) >= (category === 'hypertension' ? 3 : 2);
  const basis: RegistryBasis | null = dx.length ? 'diagnosis' : ep.length ? 'enrolled' : rx.length ? 'prescription' : measured ? 'measurements' : null;
  if (!basis) return null;
  const firstHigh = min(category === 'hypertension' ? s.bp.filter((b) => b.sbp >= 140 || b.dbp >= 90).map((b) => b.effective) : s.glucose.filter((g) => g.mmol_l >= 7.0).map((g) => g.effective));
  const since = min([...dx.map((c) => c.onset), ...ep.map((e) => e.start), ...rx.map((p) => p.authored), ...(basis === 'measurements' ? [firstHigh] : [])]);
  return { basis, since, episodeId: ep[0]?.resource_id ?? null };
}

/** One source of the registry: `json_agg` of the listed columns of `table` for the residents, in `order`. */
function source(table: string, columns: Record<string, string>, residents: RawBuilder<unknown>, where: string, order = ''): RawBuilder<unknown> {
  const fields = Object.entries(columns).map(([name, expr]) => `'${name}', ${expr}`).join(', ');
  return sql`(SELECT coalesce(json_agg(json_build_object(${sql.raw(fields)})${sql.raw(order ? ` ORDER BY ${order}` : '')}), '[]'::json)
    FROM ${sql.table(table)} WHERE resident_id = ${residents}${sql.raw(where ? ` AND ${where}` : '')})`;
}

/**
 * The projection rows of these residents, every table in one statement (one row of JSON arrays).
 * The same statement deletes the residents' registry rows (a data-modifying CTE runs to completion
 * whether or not it is read, PostgreSQL 15 §7.8.4; the sources read no registry row), so a refresh
 * costs two round trips, not three.
 */
async function loadAndClear(ex: Executor, residents: string[]): Promise<Map<string, RegistrySources>> {
  const out = new Map<string, RegistrySources>();
  const get = (id: string) => {
    let s = out.get(id);
    if (!s) out.set(id, (s = { conditions: [], episodes: [], prescriptions: [], bp: [], glucose: [], encounters: [] }));
    return s;
  };
  const ids = sql`ANY(${residents}::text[])`;
  type Row = Record<string, unknown> & { resident_id: string };
  const { rows } = await sql<Record<'residents' | 'conditions' | 'episodes' | 'prescriptions' | 'bp' | 'glucose' | 'encounters', Row[]>>`
    WITH cleared AS (DELETE FROM chronic_registry WHERE resident_id = ${ids})
    SELECT
    ${source('proj_resident', { resident_id: 'resident_id', org_unit: 'org_unit', birth_date: 'birth_date::text', deceased: 'deceased::text', care_team: 'care_team' }, ids, '', '(resource_id = resident_id) DESC')} AS residents,
    ${source('proj_condition', { resident_id: 'resident_id', category: 'category', onset: 'onset::text', active: 'active', org_unit: 'org_unit' }, ids, '')} AS conditions,
    ${source('proj_episode', { resident_id: 'resident_id', resource_id: 'resource_id', category: 'category', status: 'status', start: 'start::text', care_team: 'care_team' }, ids, '', 'start DESC NULLS LAST')} AS episodes,
    ${source('proj_prescription', { resident_id: 'resident_id', category: 'category', authored: 'authored::text' }, ids, "category IS NOT NULL AND status NOT IN ('cancelled', 'entered-in-error')")} AS prescriptions,
    ${source('proj_bp', { resident_id: 'resident_id', effective: 'effective::text', sbp: 'sbp::float8', dbp: 'dbp::float8' }, ids, 'plausible')} AS bp,
    ${source('proj_glucose', { resident_id: 'resident_id', effective: 'effective::text', mmol_l: 'mmol_l::float8' }, ids, 'plausible')} AS glucose,
    ${source('proj_encounter', { resident_id: 'resident_id', period_start: 'period_start::text', kind: 'kind', next_planned: 'next_planned::text' }, ids, '')} AS encounters`.execute(ex);
  const all = rows[0];
  for (const r of all.residents) {
    const s = get(r.resident_id);
    s.resident ??= r as unknown as RegistrySources['resident'];
  }
  for (const r of all.conditions) get(r.resident_id).conditions.push(r as unknown as RegistrySources['conditions'][number]);
  for (const r of all.episodes) get(r.resident_id).episodes.push(r as unknown as RegistrySources['episodes'][number]);
  for (const r of all.prescriptions) get(r.resident_id).prescriptions.push(r as unknown as RegistrySources['prescriptions'][number]);
  for (const r of all.bp) get(r.resident_id).bp.push(r as unknown as RegistrySources['bp'][number]);
  for (const r of all.glucose) get(r.resident_id).glucose.push(r as unknown as RegistrySources['glucose'][number]);
  for (const r of all.encounters) get(r.resident_id).encounters.push(r as unknown as RegistrySources['encounters'][number]);
  return out;
}

/** Registry rows of one resident (pure given the sources). */
export function registryRows(residentId: string, s: RegistrySources, rules: FollowUpRules = NATIONAL_RULES): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const category of ['hypertension', 'diabetes'] as const) {
    const reg = registration(s, category);
    if (!reg) continue;
    const readings: Reading[] =
      category === 'hypertension' ? s.bp.map((b) => ({ date: b.effective, sbp: b.sbp, dbp: b.dbp })) : s.glucose.map((g) => ({ date: g.effective, glucose: g.mmol_l }));
    const visits = s.encounters.filter((e) => e.kind === FOLLOW_UP_KIND);
    const a = assessPatient(
      {
        category,
        birthDate: s.resident?.birth_date ?? null,
        deceased: s.resident?.deceased ?? null,
        since: reg.since,
        followUps: visits.map((e) => e.period_start),
        readings,
        planned: visits.filter((e) => e.next_planned).map((e) => ({ at: e.period_start, next: e.next_planned as string })),
      },
      rules,
    );
    const last = a.lastReading;
    const episode = s.episodes.find((e) => e.resource_id === reg.episodeId);
    out.push({
      resident_id: residentId,
      category,
      org_unit: s.resident?.org_unit ?? s.conditions.find((c) => c.org_unit)?.org_unit ?? null,
      care_team: s.resident?.care_team ?? episode?.care_team ?? null,
      basis: reg.basis,
      since: reg.since,
      birth_date: s.resident?.birth_date ?? null,
      deceased: s.resident?.deceased ?? null,
      episode_id: reg.episodeId,
      last_follow_up: a.lastFollowUp,
      last_reading: last?.date ?? null,
      last_sbp: last && 'sbp' in last ? last.sbp : null,
      last_dbp: last && 'dbp' in last ? last.dbp : null,
      last_glucose: last && 'glucose' in last ? last.glucose : null,
      control: a.control,
      consecutive_uncontrolled: a.consecutiveUncontrolled,
      urgent: a.urgent,
      urgent_reason: a.urgentReason,
      referral: a.referral,
      next_due: a.nextDue,
    });
  }
  return out;
}

/** Recomputes the registry rows of `residents` (delete + insert) on executor `ex` (the write transaction). */
export async function refreshRegistry(ex: Executor, residents: Iterable<string>, rules: FollowUpRules = NATIONAL_RULES): Promise<void> {
  const ids = [...new Set(residents)].filter(Boolean);
  if (ids.length === 0) return;
  const sources = await loadAndClear(ex, ids);
  const rows = ids.flatMap((id) => (sources.has(id) ? registryRows(id, sources.get(id) as RegistrySources, rules) : []));
  await insertRows(ex, [{ table: 'chronic_registry', rows }]);
}
