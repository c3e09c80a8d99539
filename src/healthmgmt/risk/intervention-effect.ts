/**
 * Outcome of the risk interventions, as BEFORE/AFTER COUNTS among the residents whose intervention
 * Task was completed — no control group, so these figures describe what happened after the Tasks,
 * not what the Tasks caused (regression to the mean alone moves an uncontrolled reading towards
 * control). One row per group (org unit, team or model); per group and resident the latest completed
 * Task counts. From the projections only (proj_risk_task, proj_bp, proj_glucose, proj_dispense).
 *
 *  bp       Tasks `bp-control-visit` or with a BP trigger (reason bp…, urgent-bp). Goal < 140/90 mmHg
 *           (the goal the bpFollowedUp indicator has always used).
 *  glucose  Tasks `ogtt` or with a glucose trigger (reason glucose…, urgent-glucose…). Goal: fasting
 *           glucose < 7.0 mmol/L (WHO 2006 / Chinese T2DM guideline 2020 diagnostic cut-off).
 *  For both: `followedUp` = a plausible reading after the completion date, `goalAfter` = the first such
 *  reading meets the goal; `paired` = followed up AND a reading on or before the day the Task was
 *  authored; `pairedGoalBefore` / `pairedGoalAfter` = of the paired, the last reading before / the first
 *  after meets the goal.
 *  pdc      Tasks `refill-call`, counted only when the 90 days after completion have ended by `to`.
 *           PDC (PQA, the medication module's `adherence`: all of the resident's dispenses, lowest class)
 *           over the 90 days before the Task was authored and the 90 days after completion; `paired` =
 *           a PDC in both windows (PQA needs ≥ 2 fills in a window); adherent = PDC ≥ 0.80.
 *  events   any completed Task, counted only when the 365 days after completion have ended by `to`:
 *           residents with a stroke or myocardial infarction (Condition ICD-10 I21–I22, I60–I64, onset
 *           or else record date, from the store's search indexes) in the 365 days up to the day the
 *           Task was authored (`before`) and in the 365 days after completion (`after`).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';
import { adherence, dayNumber, type Fill } from '../medication/index.js';

/** Before/after counts of a reading-based outcome (BP or fasting glucose). */
export interface ReadingEffect {
  residents: number;
  followedUp: number;
  goalAfter: number;
  paired: number;
  pairedGoalBefore: number;
  pairedGoalAfter: number;
}

/** Before/after PDC of the refill-call Tasks. */
export interface PdcEffect {
  residents: number;
  paired: number;
  pairedAdherentBefore: number;
  pairedAdherentAfter: number;
  /** Mean PDC of the paired residents (null when none), 3 decimals. */
  pairedMeanBefore: number | null;
  pairedMeanAfter: number | null;
}

/** Stroke / myocardial infarction in the year before the Task and the year after its completion. */
export interface EventEffect {
  residents: number;
  before: number;
  after: number;
}

export interface InterventionEffect {
  design: string;
  bp: ReadingEffect;
  glucose: ReadingEffect;
  pdc: PdcEffect;
  events: EventEffect;
}

export const EFFECT_DESIGN =
  'before/after counts among residents whose intervention Task was completed; no control group — not a controlled comparison or a causal effect';
/** Days of the PDC windows before the Task and after its completion. */
export const PDC_WINDOW_DAYS = 90;
/** Days of the event windows before the Task and after its completion. */
export const EVENT_WINDOW_DAYS = 365;

export const emptyEffect = (): InterventionEffect => ({
  design: EFFECT_DESIGN,
  bp: { residents: 0, followedUp: 0, goalAfter: 0, paired: 0, pairedGoalBefore: 0, pairedGoalAfter: 0 },
  glucose: { residents: 0, followedUp: 0, goalAfter: 0, paired: 0, pairedGoalBefore: 0, pairedGoalAfter: 0 },
  pdc: { residents: 0, paired: 0, pairedAdherentBefore: 0, pairedAdherentAfter: 0, pairedMeanBefore: null, pairedMeanAfter: null },
  events: { residents: 0, before: 0, after: 0 },
});

/** Which Tasks the effect query reads: group expression over proj_risk_task and the period. */
export interface EffectScope {
  grp: RawBuilder<unknown>;
  prefix: string;
  from: string;
  to: string;
}

const BP_TASKS = sql`(code = 'bp-control-visit' OR reason LIKE 'bp%' OR reason = 'urgent-bp')`;
const GLUCOSE_TASKS = sql`(code = 'ogtt' OR reason LIKE 'glucose%' OR reason LIKE 'urgent-glucose%')`;

/** The latest completed Task per group and resident among `which`. */
function completedTasks(s: EffectScope, which: RawBuilder<unknown>) {
  return sql`SELECT DISTINCT ON (grp, resident_id) grp, resident_id, authored, completed FROM (
      SELECT ${s.grp} AS grp, resident_id, authored, completed FROM proj_risk_task
      WHERE org_unit LIKE ${s.prefix} AND authored BETWEEN ${s.from} AND ${s.to} AND status = 'completed' AND completed IS NOT NULL AND ${which}
    ) t ORDER BY grp, resident_id, completed DESC`;
}

async function readingEffect(ex: Executor, s: EffectScope, which: RawBuilder<unknown>, table: 'proj_bp' | 'proj_glucose'): Promise<Map<string, ReadingEffect>> {
  const goal = table === 'proj_bp' ? sql`(r.sbp < 140 AND r.dbp < 90)` : sql`(r.mmol_l < 7.0)`;
  const rows = await sql<Record<string, string | number>>`
    WITH done AS (${completedTasks(s, which)})
    SELECT done.grp,
      count(*)::int AS residents,
      count(aft.ok)::int AS followed,
      count(*) FILTER (WHERE aft.ok)::int AS goal_after,
      count(*) FILTER (WHERE aft.ok IS NOT NULL AND bef.ok IS NOT NULL)::int AS paired,
      count(*) FILTER (WHERE aft.ok IS NOT NULL AND bef.ok)::int AS paired_before,
      count(*) FILTER (WHERE bef.ok IS NOT NULL AND aft.ok)::int AS paired_after
    FROM done
    LEFT JOIN LATERAL (SELECT ${goal} AS ok FROM ${sql.table(table)} r
      WHERE r.resident_id = done.resident_id AND r.plausible AND r.effective > done.completed ORDER BY r.effective LIMIT 1) aft ON true
    LEFT JOIN LATERAL (SELECT ${goal} AS ok FROM ${sql.table(table)} r
      WHERE r.resident_id = done.resident_id AND r.plausible AND r.effective <= done.authored ORDER BY r.effective DESC LIMIT 1) bef ON true
    GROUP BY 1`.execute(ex);
  return new Map(
    rows.rows.map((r) => [
      String(r.grp),
      { residents: Number(r.residents), followedUp: Number(r.followed), goalAfter: Number(r.goal_after), paired: Number(r.paired), pairedGoalBefore: Number(r.paired_before), pairedGoalAfter: Number(r.paired_after) },
    ]),
  );
}

const isoPlus = (iso: string, days: number): string => new Date((dayNumber(iso) + days) * 86_400_000).toISOString().slice(0, 10);

/** PDC before / after of one resident's completed refill-call Task (pure; PQA via `adherence`). */
export function pdcBeforeAfter(fills: readonly Fill[], authored: string, completed: string): { before: number | null; after: number | null } {
  const before = adherence(fills, isoPlus(authored, -PDC_WINDOW_DAYS), isoPlus(authored, -1))[0]?.pdc ?? null;
  const after = adherence(fills, isoPlus(completed, 1), isoPlus(completed, PDC_WINDOW_DAYS))[0]?.pdc ?? null;
  return { before, after };
}

async function pdcEffect(ex: Executor, s: EffectScope): Promise<Map<string, PdcEffect>> {
  const lastCompletion = isoPlus(s.to, -PDC_WINDOW_DAYS);
  const done = await sql<{ grp: string; resident_id: string; authored: string; completed: string }>`
    SELECT d.grp, d.resident_id, d.authored::text AS authored, d.completed::text AS completed
    FROM (${completedTasks(s, sql`code = 'refill-call'`)}) d WHERE d.completed <= ${lastCompletion}`.execute(ex);
  const out = new Map<string, PdcEffect & { sumBefore: number; sumAfter: number }>();
  if (done.rows.length === 0) return out;
  const ids = [...new Set(done.rows.map((d) => d.resident_id))];
  const dispenses = await sql<{ resident_id: string; handed_over: string; drug: string; drug_class: string; days_supply: number }>`
    SELECT resident_id, handed_over::text AS handed_over, drug, drug_class, days_supply FROM proj_dispense WHERE resident_id = ANY(${ids}::text[])`.execute(ex);
  const fills = new Map<string, Fill[]>();
  for (const d of dispenses.rows) {
    const list = fills.get(d.resident_id) ?? [];
    list.push({ patient: d.resident_id, drug: d.drug, drugClass: d.drug_class, date: d.handed_over, daysSupply: Number(d.days_supply) });
    fills.set(d.resident_id, list);
  }
  for (const d of done.rows) {
    const e = out.get(d.grp) ?? { residents: 0, paired: 0, pairedAdherentBefore: 0, pairedAdherentAfter: 0, pairedMeanBefore: null, pairedMeanAfter: null, sumBefore: 0, sumAfter: 0 };
    e.residents++;
    const { before, after } = pdcBeforeAfter(fills.get(d.resident_id) ?? [], d.authored, d.completed);
    if (before !== null && after !== null) {
      e.paired++;
      e.sumBefore += before;
      e.sumAfter += after;
      if (before >= 0.8) e.pairedAdherentBefore++;
      if (after >= 0.8) e.pairedAdherentAfter++;
    }
    out.set(d.grp, e);
  }
  const mean = (sum: number, n: number) => (n > 0 ? Math.round((1000 * sum) / n) / 1000 : null);
  return new Map(
    [...out].map(([grp, { sumBefore, sumAfter, ...e }]) => [grp, { ...e, pairedMeanBefore: mean(sumBefore, e.paired), pairedMeanAfter: mean(sumAfter, e.paired) }]),
  );
}

async function eventEffect(ex: Executor, s: EffectScope): Promise<Map<string, EventEffect>> {
  const lastCompletion = isoPlus(s.to, -EVENT_WINDOW_DAYS);
  // Same event definition as the China-PAR exclusion in repository.ts (search indexes, never resource JSON).
  const rows = await sql<Record<string, string | number>>`
    WITH done AS (SELECT * FROM (${completedTasks(s, sql`true`)}) d WHERE d.completed <= ${lastCompletion}),
    ev AS (
      SELECT DISTINCT r.resident_id, coalesce(d.low, r.last_updated)::date AS onset
      FROM fhir_resource r JOIN sp_token t ON t.resource_type = 'Condition' AND t.resource_id = r.id AND t.param = 'code'
      LEFT JOIN sp_date d ON d.resource_type = 'Condition' AND d.resource_id = r.id AND d.param = 'onset-date'
      WHERE r.resource_type = 'Condition' AND NOT r.deleted AND r.resident_id IN (SELECT resident_id FROM done)
        AND t.system LIKE 'http://hl7.org/fhir/sid/icd-10%' AND (t.code LIKE 'I21%' OR t.code LIKE 'I22%' OR t.code ~ '^I6[0-4]')
    )
    SELECT done.grp, count(*)::int AS residents,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ev WHERE ev.resident_id = done.resident_id
        AND ev.onset BETWEEN done.authored - ${EVENT_WINDOW_DAYS}::int AND done.authored))::int AS before,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ev WHERE ev.resident_id = done.resident_id
        AND ev.onset > done.completed AND ev.onset <= done.completed + ${EVENT_WINDOW_DAYS}::int))::int AS after
    FROM done GROUP BY 1`.execute(ex);
  return new Map(rows.rows.map((r) => [String(r.grp), { residents: Number(r.residents), before: Number(r.before), after: Number(r.after) }]));
}

/** Before/after effect per group of the scope. */
export async function interventionEffect(ex: Executor, s: EffectScope): Promise<Map<string, InterventionEffect>> {
  const bp = await readingEffect(ex, s, BP_TASKS, 'proj_bp');
  const glucose = await readingEffect(ex, s, GLUCOSE_TASKS, 'proj_glucose');
  const pdc = await pdcEffect(ex, s);
  const events = await eventEffect(ex, s);
  const out = new Map<string, InterventionEffect>();
  for (const grp of new Set([...bp.keys(), ...glucose.keys(), ...pdc.keys(), ...events.keys()])) {
    const e = emptyEffect();
    out.set(grp, { ...e, bp: bp.get(grp) ?? e.bp, glucose: glucose.get(grp) ?? e.glucose, pdc: pdc.get(grp) ?? e.pdc, events: events.get(grp) ?? e.events });
  }
  return out;
}
