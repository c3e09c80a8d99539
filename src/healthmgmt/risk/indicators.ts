/**
 * Risk-intervention indicators per org unit (for the cockpit), from proj_risk_task and
 * proj_risk_assessment — never from resource JSON:
 *
 *  residentsWithIntervention  distinct residents with a Task authored in [from, to] that was not
 *                             cancelled, rejected or entered in error (Xiaoshan's "170,400 patients")
 *  tasks / open / completed   Tasks authored in the period, by status
 *  withOutcome                completed Tasks whose output records an outcome
 *  residentsAssessed          distinct residents with a RiskAssessment in the period; highRisk: of them, high
 *  bpFollowedUp / bpControlledAfter  residents with a completed BP Task (bp-control-visit, or a reason
 *                             starting with "bp"/"urgent-bp") that have a plausible BP reading after
 *                             completion / whose first such reading is < 140/90 mmHg (= effect.bp)
 *  effect                     before/after counts for BP, fasting glucose, PDC and stroke/MI after completed Tasks
 *                             (intervention-effect.ts) — not a controlled comparison
 *  byIntervention, byReason   Tasks per intervention code and per reason (model or trigger)
 * Groups: org units (by prefix length), Task owners (`byTeam`) or models (`byModel`: the model that
 * raised the Task — china-par, cdrs, bp-uncontrolled-lr — or guideline-triggers).
 */
import { sql } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';
import { OPEN_TASK_STATUSES, VOID_TASK_STATUSES, type RiskModelCode } from './codes.js';
import { emptyEffect, interventionEffect, type InterventionEffect } from './intervention-effect.js';

/** The models a Task's reason can name; any other reason is a guideline trigger. */
const TASK_MODELS: readonly RiskModelCode[] = ['china-par', 'cdrs', 'bp-uncontrolled-lr'];

export interface RiskIndicators {
  /** The org unit (or, with `byTeam`, the owner reference `CareTeam/<id>` / `Organization/<id>`). */
  orgUnit: string;
  from: string;
  to: string;
  residentsWithIntervention: number;
  tasks: number;
  open: number;
  completed: number;
  withOutcome: number;
  residentsAssessed: number;
  highRisk: number;
  bpFollowedUp: number;
  bpControlledAfter: number;
  /** With `byModel`: the model (or guideline-triggers) the row counts. */
  model?: string;
  effect: InterventionEffect;
  byIntervention: Record<string, number>;
  byReason: Record<string, number>;
}

const likePrefix = (code: string) => `${code.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * Indicators for every org unit of `groupLength` characters under `orgUnit` (its own length = itself),
 * or, with `byTeam`, for every Task owner (family-doctor team) under `orgUnit` — residentsAssessed and
 * highRisk are then 0, as assessments have no owner.
 */
export async function riskIndicators(ex: Executor, q: { orgUnit: string; from: string; to: string; groupLength?: number; byTeam?: boolean; byModel?: boolean }): Promise<RiskIndicators[]> {
  const g = q.groupLength ?? q.orgUnit.length;
  const prefix = likePrefix(q.orgUnit);
  const models = sql.join(TASK_MODELS.map((m) => sql.lit(m)));
  const grp = q.byTeam
    ? sql`coalesce(owner, 'none')`
    : q.byModel
      ? sql`(CASE WHEN reason IN (${models}) THEN reason ELSE 'guideline-triggers' END)`
      : sql`substr(org_unit, 1, ${g})`;
  const assessedGrp = q.byModel ? sql`model` : sql`substr(org_unit, 1, ${g})`;
  const voided = sql.join([...VOID_TASK_STATUSES]);
  const open = sql.join([...OPEN_TASK_STATUSES]);
  const tasks = await sql<Record<string, string | number>>`
    SELECT ${grp} AS grp,
      count(DISTINCT resident_id) FILTER (WHERE status NOT IN (${voided}))::int AS residents,
      count(*) FILTER (WHERE status NOT IN (${voided}))::int AS tasks,
      count(*) FILTER (WHERE status IN (${open}))::int AS open,
      count(*) FILTER (WHERE status = 'completed')::int AS completed,
      count(*) FILTER (WHERE status = 'completed' AND outcome IS NOT NULL)::int AS with_outcome
    FROM proj_risk_task WHERE org_unit LIKE ${prefix} AND authored BETWEEN ${q.from} AND ${q.to} GROUP BY 1`.execute(ex);
  const assessed = q.byTeam ? { rows: [] } : await sql<Record<string, string | number>>`
    SELECT ${assessedGrp} AS grp, count(DISTINCT resident_id)::int AS assessed,
      count(DISTINCT resident_id) FILTER (WHERE stratum = 'high')::int AS high
    FROM proj_risk_assessment WHERE org_unit LIKE ${prefix} AND occurrence BETWEEN ${q.from} AND ${q.to} GROUP BY 1`.execute(ex);
  const effect = await interventionEffect(ex, { grp, prefix, from: q.from, to: q.to });
  const breakdown = await sql<{ grp: string; code: string; reason: string | null; n: number }>`
    SELECT ${grp} AS grp, code, reason, count(*)::int AS n FROM proj_risk_task
    WHERE org_unit LIKE ${prefix} AND authored BETWEEN ${q.from} AND ${q.to} AND status NOT IN (${voided}) GROUP BY 1, 2, 3`.execute(ex);
  const groups = new Map<string, RiskIndicators>();
  const row = (grp: string): RiskIndicators => {
    let r = groups.get(grp);
    if (!r) {
      r = {
        orgUnit: q.byModel ? q.orgUnit : grp,
        ...(q.byModel ? { model: grp } : {}),
        from: q.from,
        to: q.to,
        residentsWithIntervention: 0,
        tasks: 0,
        open: 0,
        completed: 0,
        withOutcome: 0,
        residentsAssessed: 0,
        highRisk: 0,
        bpFollowedUp: 0,
        bpControlledAfter: 0,
        effect: emptyEffect(),
        byIntervention: {},
        byReason: {},
      };
      groups.set(grp, r);
    }
    return r;
  };
  for (const t of tasks.rows) Object.assign(row(String(t.grp)), { residentsWithIntervention: Number(t.residents), tasks: Number(t.tasks), open: Number(t.open), completed: Number(t.completed), withOutcome: Number(t.with_outcome) });
  for (const a of assessed.rows) Object.assign(row(String(a.grp)), { residentsAssessed: Number(a.assessed), highRisk: Number(a.high) });
  for (const [grp, e] of effect) Object.assign(row(grp), { bpFollowedUp: e.bp.followedUp, bpControlledAfter: e.bp.goalAfter, effect: e });
  for (const b of breakdown.rows) {
    const r = row(String(b.grp));
    r.byIntervention[b.code] = (r.byIntervention[b.code] ?? 0) + Number(b.n);
    const reason = b.reason ?? 'unknown';
    r.byReason[reason] = (r.byReason[reason] ?? 0) + Number(b.n);
  }
  const key = (r: RiskIndicators) => r.model ?? r.orgUnit;
  return [...groups.values()].sort((a, b) => key(a).localeCompare(key(b)));
}
