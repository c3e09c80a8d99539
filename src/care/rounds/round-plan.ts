/**
 * The round plan of a mobile team for one day (pure: no I/O, no clock). Inputs are the chronic
 * registry's work lists (urgent, overdue, due — src/healthmgmt/chronic, passed in by the server),
 * the open risk-intervention Tasks and the refills due of the team's residents; the output groups
 * them by village and orders them (docs/care.md, "Mobile doctors"):
 *
 *  villages   most residents who are urgent or overdue first, then most residents to see, then code
 *  residents  by their most pressing item: urgent → overdue → due → risk task → refill; within a
 *             rank the earliest date first (longest overdue, soonest due), then resident id
 *
 * Urgent first because the BPHS Standard 2017 asks an urgent-range reading (SBP ≥ 180, DBP ≥ 110,
 * glucose ≥ 16.7 or ≤ 3.9) to be referred at once; overdue before due because they have already
 * missed the quarterly face-to-face follow-up (§2.2); risk tasks and refills need no measurement.
 */

export type PlanItemKind = 'urgent' | 'overdue' | 'due' | 'risk-task' | 'refill';
export const ITEM_RANK: Record<PlanItemKind, number> = { urgent: 0, overdue: 1, due: 2, 'risk-task': 3, refill: 4 };

/** A row of the chronic work lists (structurally the registry's WorklistRow; only what the plan uses). */
export interface RoundWorkRow {
  resident: string;
  condition: string;
  orgUnit: string | null;
  status: string;
  nextDue: string | null;
  lastFollowUp: string | null;
  lastReading: { date: string; sbp: number | null; dbp: number | null; glucose: number | null } | null;
  urgent: boolean;
  urgentReason: string | null;
  referral: boolean;
}

/** An open risk-intervention Task (proj_risk_task). */
export interface RoundRiskTask {
  task: string;
  resident: string;
  orgUnit: string | null;
  code: string;
  reason: string | null;
  authored: string;
  due: string | null;
}

/** A refill reminder of the medication service (structurally its RefillRow). */
export interface RoundRefillRow {
  resident: string;
  orgUnit: string | null;
  prescription: string;
  drug: string;
  category: string | null;
  due: string;
  kind: 'refill' | 'renewal';
}

export type PlanItem =
  | { kind: 'urgent'; condition: string; reason: string | null; lastReading: RoundWorkRow['lastReading']; nextDue: string | null }
  | { kind: 'overdue'; condition: string; nextDue: string; daysOverdue: number; lastFollowUp: string | null }
  | { kind: 'due'; condition: string; nextDue: string }
  | { kind: 'risk-task'; task: string; code: string; reason: string | null; due: string | null }
  | { kind: 'refill'; prescription: string; drug: string; due: string; refill: 'refill' | 'renewal' };

export interface PlanResident {
  resident: string;
  /** The most pressing item's kind (the resident's rank). */
  priority: PlanItemKind;
  /** Chronic programmes the resident is registered in (from the work lists and refills): what the capture form asks. */
  conditions: string[];
  items: PlanItem[];
}

export interface PlanVillage {
  orgUnit: string;
  name: string | null;
  counts: { residents: number; urgent: number; overdue: number; due: number; riskTasks: number; refills: number };
  residents: PlanResident[];
}

export interface RoundPlan {
  team: string;
  date: string;
  villages: PlanVillage[];
  totals: PlanVillage['counts'] & { villages: number };
  /** A source list longer than the plan reads (the plan is then incomplete: narrow the team). */
  truncated: boolean;
}

export interface PlanInput {
  team: string;
  date: string;
  urgent: readonly RoundWorkRow[];
  overdue: readonly RoundWorkRow[];
  due: readonly RoundWorkRow[];
  riskTasks: readonly RoundRiskTask[];
  refills: readonly RoundRefillRow[];
  villageNames: ReadonlyMap<string, string>;
  truncated?: boolean;
}

/** Whole days from `from` to `to` (ISO dates). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The date an item is ordered by within its rank (earliest first); null sorts last. */
function itemDate(item: PlanItem): string | null {
  switch (item.kind) {
    case 'urgent':
      return item.lastReading?.date ?? item.nextDue;
    case 'overdue':
    case 'due':
      return item.nextDue;
    case 'risk-task':
      return item.due;
    case 'refill':
      return item.due;
  }
}

const byItem = (a: PlanItem, b: PlanItem) => ITEM_RANK[a.kind] - ITEM_RANK[b.kind] || (itemDate(a) ?? '9999').localeCompare(itemDate(b) ?? '9999');

/** Orders two residents of a village: rank, then the date of their first item, then id. */
export function compareResidents(a: PlanResident, b: PlanResident): number {
  return ITEM_RANK[a.priority] - ITEM_RANK[b.priority] || (itemDate(a.items[0]) ?? '9999').localeCompare(itemDate(b.items[0]) ?? '9999') || a.resident.localeCompare(b.resident);
}

/** Orders two villages: urgent + overdue residents (desc), residents (desc), code. */
export function compareVillages(a: PlanVillage, b: PlanVillage): number {
  const pressing = (v: PlanVillage) => v.residents.filter((r) => r.priority === 'urgent' || r.priority === 'overdue').length;
  return pressing(b) - pressing(a) || b.counts.residents - a.counts.residents || a.orgUnit.localeCompare(b.orgUnit);
}

/** Builds the plan: one entry per resident (all their items), grouped by village and ordered. */
export function buildRoundPlan(input: PlanInput): RoundPlan {
  const residents = new Map<string, { orgUnit: string; conditions: Set<string>; items: PlanItem[] }>();
  const entry = (resident: string, orgUnit: string | null) => {
    let e = residents.get(resident);
    if (!e) residents.set(resident, (e = { orgUnit: orgUnit ?? '', conditions: new Set(), items: [] }));
    return e;
  };
  for (const r of input.urgent) {
    const e = entry(r.resident, r.orgUnit);
    e.conditions.add(r.condition);
    e.items.push({ kind: 'urgent', condition: r.condition, reason: r.urgentReason, lastReading: r.lastReading, nextDue: r.nextDue });
  }
  for (const r of input.overdue) {
    const e = entry(r.resident, r.orgUnit);
    e.conditions.add(r.condition);
    const nextDue = r.nextDue ?? input.date;
    e.items.push({ kind: 'overdue', condition: r.condition, nextDue, daysOverdue: Math.max(0, daysBetween(nextDue, input.date)), lastFollowUp: r.lastFollowUp });
  }
  for (const r of input.due) {
    const e = entry(r.resident, r.orgUnit);
    e.conditions.add(r.condition);
    e.items.push({ kind: 'due', condition: r.condition, nextDue: r.nextDue ?? input.date });
  }
  for (const t of input.riskTasks) entry(t.resident, t.orgUnit).items.push({ kind: 'risk-task', task: t.task, code: t.code, reason: t.reason, due: t.due });
  for (const r of input.refills) {
    const e = entry(r.resident, r.orgUnit);
    if (r.category) e.conditions.add(r.category);
    e.items.push({ kind: 'refill', prescription: r.prescription, drug: r.drug, due: r.due, refill: r.kind });
  }
  const villages = new Map<string, PlanVillage>();
  for (const [resident, e] of residents) {
    const items = [...e.items].sort(byItem);
    let v = villages.get(e.orgUnit);
    if (!v) villages.set(e.orgUnit, (v = { orgUnit: e.orgUnit, name: input.villageNames.get(e.orgUnit) ?? null, counts: { residents: 0, urgent: 0, overdue: 0, due: 0, riskTasks: 0, refills: 0 }, residents: [] }));
    v.residents.push({ resident, priority: items[0].kind, conditions: [...e.conditions].sort(), items });
    v.counts.residents++;
    const has = (k: PlanItemKind) => items.some((i) => i.kind === k);
    if (has('urgent')) v.counts.urgent++;
    if (has('overdue')) v.counts.overdue++;
    if (has('due')) v.counts.due++;
    if (has('risk-task')) v.counts.riskTasks++;
    if (has('refill')) v.counts.refills++;
  }
  const list = [...villages.values()];
  for (const v of list) v.residents.sort(compareResidents);
  list.sort(compareVillages);
  const totals = { villages: list.length, residents: 0, urgent: 0, overdue: 0, due: 0, riskTasks: 0, refills: 0 };
  for (const v of list) for (const k of ['residents', 'urgent', 'overdue', 'due', 'riskTasks', 'refills'] as const) totals[k] += v.counts[k];
  return { team: input.team, date: input.date, villages: list, totals, truncated: input.truncated ?? false };
}
