/**
 * Cockpit indicators. Residents, encounters, infectious cases, the 12-month trend and notifiable
 * cases by disease come from the cockpit module's aggregate endpoint (GET /api/indicators/cockpit,
 * docs/cockpit.md: one request per view, same definitions as the FHIR counts it replaced); the
 * others from the other modules' indicator APIs. The browser BP estimate is the fallback for a
 * server without chronic-care indicators.
 */
import type { Condition, Observation } from '@medplum/fhirtypes';
import { api, queryString, type ChronicIndicators } from './client';
import { ApiError } from './errors';
import { activeSignals, centreIndicators, referralIndicators, riskIndicators, signalMetrics, worklistSummary, type CentreIndicators, type ReferralTotals, type RiskIndicatorRow } from './aggregates';
import {
  DIABETES_CODES,
  HYPERTENSION_CODES,
  ICD10_SYSTEM,
  LOINC,
  LOINC_SYSTEM,
  NOTIFIABLE_CODES,
  lastMonths,
  monthOf,
  refId,
  token,
} from './fhir-codes';
import type { District, OrgUnit } from './org-units';
import type { CockpitRow, TrendPoint } from '../../../src/cockpit/cockpit.repository';

export interface Scope {
  district: District;
  unit: OrgUnit;
}

/**
 * The month the cockpit reports on: the current month, or — for a simulated district whose data
 * ends in the past — the newest month with encounters of the unit's residents (server:
 * GET /api/indicators/cockpit/latest-month). A role refused the unit, or an older server without
 * that endpoint, reports on the current month.
 */
export async function referenceMonth(orgUnit: string, now = new Date()): Promise<string> {
  try {
    return (await api.request<{ month: string }>(`/api/indicators/cockpit/latest-month${queryString({ orgUnit })}`)).month;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return monthOf(now);
    throw e;
  }
}

/** One row of GET /api/indicators/cockpit. */
export type { CockpitRow, TrendPoint } from '../../../src/cockpit/cockpit.repository';

type By = 'self' | 'town' | 'village';
const cockpitCache = new Map<string, { at: number; rows: Promise<CockpitRow[]> }>();

/**
 * The cockpit rows of `orgUnit` for `month` (by=self: the unit itself; town/village: one row per
 * unit below). The headline, the trend and the disease chart share one request: answers are kept
 * for 30 s (react-query keeps them longer).
 */
export function cockpitRows(orgUnit: string, month: string, by: By = 'self'): Promise<CockpitRow[]> {
  const key = `${orgUnit}|${month}|${by}`;
  const hit = cockpitCache.get(key);
  if (hit && Date.now() - hit.at < 30_000) return hit.rows;
  const rows = api.request<{ rows: CockpitRow[] }>(`/api/indicators/cockpit${queryString({ orgUnit, month, by })}`).then((r) => r.rows);
  cockpitCache.set(key, { at: Date.now(), rows });
  rows.catch(() => cockpitCache.delete(key));
  return rows;
}

/** The row of the unit itself (an empty unit has no row: zeros). */
async function cockpitRow(orgUnit: string, month: string): Promise<CockpitRow> {
  const rows = await cockpitRows(orgUnit, month);
  return rows.find((r) => r.orgUnit === orgUnit) ?? { orgUnit, residents: 0, encountersMonth: 0, casesYear: 0, trend: lastMonths(month, 12).map((m) => ({ month: m, encounters: 0, cases: 0 })), casesByDisease: [] };
}

/** A value, or why there is none: `forbidden` (the role may not count it), `unavailable` (not at this level). */
export type Value = { value: number } | { missing: 'forbidden' | 'unavailable' };

/** Settles one indicator: a 403 means "not for your role", not a failed page. */
async function settle(run: (() => Promise<number>) | null): Promise<Value> {
  if (!run) return { missing: 'unavailable' };
  try {
    return { value: await run() };
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return { missing: 'forbidden' };
    throw e;
  }
}

/** Counts from FHIR search: fast to first paint, refused to roles that read no patient records. */
export interface CountsHeadline {
  residents: Value;
  encountersMonth: Value;
  casesYear: Value;
}

/** Chronic-care cohort numbers, from the server's indicators when it has them. */
export interface ChronicHeadline {
  hypertension: Value;
  diabetes: Value;
  /** Hypertension patients under care whose last BP in 3 months is < 140/90 (server, Simple.org). */
  bpControl: Value;
  /** Diabetes patients under care whose last fasting glucose is < 7.0 mmol/L. */
  glucoseControl: Value;
  medicationService: Value;
  /** True when the numbers come from the server's indicator API. */
  serverChronic: boolean;
}

/** Last day of a YYYY-MM month, or today when that is earlier. */
export function asOfDate(month: string, now = new Date()): string {
  const [y, m] = month.split('-').map(Number);
  const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  const today = now.toISOString().slice(0, 10);
  return end < today ? end : today;
}

/** The chronic-care rows of the unit from the server, or null on a server without that API (404). */
async function chronicRow(scope: Scope, condition: 'hypertension' | 'diabetes', month: string): Promise<ChronicIndicators | null> {
  try {
    const r = await api.chronicIndicators({ condition, orgUnit: scope.unit.code, asOf: asOfDate(month) });
    return r.rows[0] ?? null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export async function countsHeadline(scope: Scope, month: string): Promise<CountsHeadline> {
  let row: CockpitRow;
  try {
    row = await cockpitRow(scope.unit.code, month);
  } catch (e) {
    // A role refused the unit's aggregates: every figure "—".
    if (e instanceof ApiError && e.status === 403) return { residents: { missing: 'forbidden' }, encountersMonth: { missing: 'forbidden' }, casesYear: { missing: 'forbidden' } };
    throw e;
  }
  return { residents: { value: row.residents }, encountersMonth: { value: row.encountersMonth }, casesYear: { value: row.casesYear } };
}

export async function chronicHeadline(scope: Scope, month: string): Promise<ChronicHeadline> {
  const district = scope.unit.level === 'district';
  const [htn, dm] = await Promise.all([chronicRow(scope, 'hypertension', month), chronicRow(scope, 'diabetes', month)]);
  const icd = (codes: string[]) => codes.map((c) => token(ICD10_SYSTEM, c)).join(',');
  const problem = { category: 'problem-list-item', 'clinical-status': 'active' };
  // Without the server's indicators: FHIR counts, which cannot be scoped below the district.
  const fhirCondition = (codes: string[]) => (district ? () => api.count('Condition', { code: icd(codes), ...problem }) : null);
  const rate = (row: ChronicIndicators | null) => (row && row.controlRate !== null ? async () => row.controlRate as number : null);
  const [h, d, bp, gl, ms] = await Promise.all([
    settle(htn ? async () => htn.registered : fhirCondition(HYPERTENSION_CODES)),
    settle(dm ? async () => dm.registered : fhirCondition(DIABETES_CODES)),
    settle(rate(htn)),
    settle(rate(dm)),
    settle(htn ? async () => htn.medicationService : null),
  ]);
  return { hypertension: h, diabetes: d, bpControl: bp, glucoseControl: gl, medicationService: ms, serverChronic: !!htn };
}

/** Notifiable-disease case reports recorded in the 12 months ending with `month`, by ICD-10 code (the cockpit's list of diseases). */
export async function notifiableByDisease(scope: Scope, month: string): Promise<{ code: string; count: number }[]> {
  const counts = new Map((await cockpitRow(scope.unit.code, month)).casesByDisease.map((c) => [c.code, c.count]));
  return NOTIFIABLE_CODES.map((code) => ({ code, count: counts.get(code) ?? 0 }));
}

/** Encounters and infectious-disease visits per month, for the 12 months ending with `month`. */
export async function monthlyTrend(scope: Scope, month: string): Promise<TrendPoint[]> {
  return (await cockpitRow(scope.unit.code, month)).trend;
}

/** Like settle, and a 404 (a server without that API) is `unavailable`. */
async function settleApi(run: () => Promise<number>): Promise<Value> {
  try {
    return await settle(run);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { missing: 'unavailable' };
    throw e;
  }
}

/** The seed's care headline figures, from the server's aggregate indicators (12 months ending the as-of date). */
export interface CareHeadline {
  /** Residents given risk interventions (`residentsWithIntervention`). */
  riskInterventions: Value;
  risk?: RiskIndicatorRow;
  /** Referrals received by the unit's facilities (`overall.total`). */
  referrals: Value;
  referral?: ReferralTotals;
  /** Patients managed by the specialised-disease centres (the API's `patientsManaged`: a resident of two centres once). */
  centres: Value;
  centre?: CentreIndicators;
}

/** Overdue follow-ups of both registries: hypertension + diabetes (a resident in both counts twice, once per work list). */
async function overdueOf(orgUnit: string, asOf: string): Promise<{ hypertension: number; diabetes: number; today: string }> {
  const [h, d] = await Promise.all([worklistSummary(orgUnit, 'hypertension', 'self', asOf), worklistSummary(orgUnit, 'diabetes', 'self', asOf)]);
  return { hypertension: h.rows[0]?.overdue ?? 0, diabetes: d.rows[0]?.overdue ?? 0, today: h.rows[0]?.today ?? d.rows[0]?.today ?? '' };
}

/** Work the unit still owes: overdue chronic follow-ups and outbreak signals not yet resolved. */
export interface AlertHeadline {
  /** Overdue follow-ups, hypertension + diabetes registries, as of the as-of date. */
  overdue: Value;
  overdueBy?: { hypertension: number; diabetes: number; today: string };
  /** Signals in status new or under-investigation, period ending by the as-of date. */
  activeSignals: Value;
  signals?: { new: number; investigating: number };
}

export async function alertHeadline(scope: Scope, month: string): Promise<AlertHeadline> {
  let overdueBy: AlertHeadline['overdueBy'];
  let signals: AlertHeadline['signals'];
  const [o, a] = await Promise.all([
    settleApi(async () => {
      overdueBy = await overdueOf(scope.unit.code, asOfDate(month));
      return overdueBy.hypertension + overdueBy.diabetes;
    }),
    settleApi(async () => {
      const m = await signalMetrics(scope.unit.code, asOfDate(month));
      signals = { new: m.byStatus['new'] ?? 0, investigating: m.byStatus['under-investigation'] ?? 0 };
      return activeSignals(m);
    }),
  ]);
  return { overdue: o, overdueBy, activeSignals: a, signals };
}

export async function careHeadline(scope: Scope, month: string): Promise<CareHeadline> {
  const to = asOfDate(month);
  let risk: RiskIndicatorRow | undefined;
  let referral: ReferralTotals | undefined;
  let centre: CentreIndicators | undefined;
  const [r, f, c] = await Promise.all([
    settleApi(async () => {
      risk = (await riskIndicators(scope.unit.code, to)).rows[0];
      return risk?.residentsWithIntervention ?? 0;
    }),
    settleApi(async () => {
      referral = (await referralIndicators(scope.unit.code, to)).overall;
      return referral.total;
    }),
    settleApi(async () => {
      centre = await centreIndicators(scope.unit.code, to);
      return centre.patientsManaged;
    }),
  ]);
  return { riskInterventions: r, risk, referrals: f, referral, centres: c, centre };
}

export type TileIndicator = 'residents' | 'encountersMonth' | 'casesYear' | 'bpControl' | 'riskInterventions' | 'referrals' | 'centres' | 'overdue' | 'activeSignals';
export const TILE_INDICATORS: readonly TileIndicator[] = ['residents', 'encountersMonth', 'casesYear', 'bpControl', 'riskInterventions', 'referrals', 'centres', 'overdue', 'activeSignals'];

/** One indicator for every unit directly below `scope.unit`. */
export async function childValues(scope: Scope, indicator: TileIndicator, month: string): Promise<{ code: string; value: number }[]> {
  if (indicator === 'bpControl') {
    // One request for every unit below: the server groups by town or village code.
    const by = scope.unit.level === 'district' ? 'town' : 'village';
    const r = await api.chronicIndicators({ condition: 'hypertension', orgUnit: scope.unit.code, asOf: asOfDate(month), by });
    const rates = new Map(r.rows.map((row) => [row.orgUnit, row.controlRate]));
    return scope.unit.children.flatMap((code) => {
      const rate = rates.get(code);
      return rate === null || rate === undefined ? [] : [{ code, value: rate }];
    });
  }
  if (indicator === 'riskInterventions') {
    const by = scope.unit.level === 'district' ? 'town' : 'village';
    const r = await riskIndicators(scope.unit.code, asOfDate(month), by);
    const values = new Map(r.rows.map((row) => [row.orgUnit, row.residentsWithIntervention]));
    return scope.unit.children.map((code) => ({ code, value: values.get(code) ?? 0 }));
  }
  if (indicator === 'referrals') {
    // The referral API has no per-unit grouping: one request per unit below.
    return Promise.all(scope.unit.children.map(async (code) => ({ code, value: (await referralIndicators(code, asOfDate(month))).overall.total })));
  }
  if (indicator === 'overdue') {
    // One request per registry for every unit below: the server groups by town or village code.
    const by = scope.unit.level === 'district' ? 'town' : 'village';
    const [h, d] = await Promise.all([worklistSummary(scope.unit.code, 'hypertension', by, asOfDate(month)), worklistSummary(scope.unit.code, 'diabetes', by, asOfDate(month))]);
    const sum = new Map<string, number>();
    for (const row of [...h.rows, ...d.rows]) sum.set(row.orgUnit, (sum.get(row.orgUnit) ?? 0) + row.overdue);
    return scope.unit.children.map((code) => ({ code, value: sum.get(code) ?? 0 }));
  }
  if (indicator === 'activeSignals') {
    // The metrics API has no per-unit grouping: one request per unit below.
    return Promise.all(scope.unit.children.map(async (code) => ({ code, value: activeSignals(await signalMetrics(code, asOfDate(month))) })));
  }
  if (indicator === 'centres') {
    // Nor has the centres API: one request per unit below.
    return Promise.all(scope.unit.children.map(async (code) => ({ code, value: (await centreIndicators(code, asOfDate(month))).patientsManaged })));
  }
  // residents, encountersMonth, casesYear: one request, the server groups by town or village code.
  const rows = new Map((await cockpitRows(scope.unit.code, month, scope.unit.level === 'district' ? 'town' : 'village')).map((r) => [r.orgUnit, r]));
  return scope.unit.children.map((code) => ({ code, value: rows.get(code)?.[indicator] ?? 0 }));
}

export interface BpControl {
  /** Hypertension patients with a reading in the window. */
  denominator: number;
  controlled: number;
  /** False when the page cap cut the data (then the rate is an estimate). */
  complete: boolean;
  readings: number;
}

const BP_PAGES = 5;

/**
 * BP control after Simple.org's definition: of hypertension patients with a BP in the last 3
 * months, the share whose latest reading is < 140/90. Computed in the browser from at most
 * BP_PAGES × 1000 readings — at district scale this needs the server's BP projection (issue 6).
 */
export async function bpControl(month: string): Promise<BpControl> {
  const window = lastMonths(month, 3);
  const [conditions, readings] = await Promise.all([
    api.searchAll<Condition>('Condition', { code: HYPERTENSION_CODES.map((c) => token(ICD10_SYSTEM, c)).join(','), category: 'problem-list-item', _count: 1000 }, BP_PAGES),
    api.searchAll<Observation>('Observation', { code: token(LOINC_SYSTEM, LOINC.bpPanel), date: [`ge${window[0]}`, `le${month}`], _count: 1000 }, BP_PAGES),
  ]);
  const patients = new Set(conditions.resources.map((c) => refId(c.subject)).filter(Boolean));
  const latest = new Map<string, { when: string; sbp?: number; dbp?: number }>();
  for (const o of readings.resources) {
    const who = refId(o.subject);
    if (!who || !patients.has(who)) continue;
    const when = o.effectiveDateTime ?? '';
    const prev = latest.get(who);
    if (prev && prev.when >= when) continue;
    const part = (code: string) => o.component?.find((c) => c.code.coding?.some((x) => x.code === code))?.valueQuantity?.value;
    latest.set(who, { when, sbp: part(LOINC.systolic), dbp: part(LOINC.diastolic) });
  }
  let controlled = 0;
  for (const r of latest.values()) if (r.sbp !== undefined && r.dbp !== undefined && r.sbp < 140 && r.dbp < 90) controlled++;
  return { denominator: latest.size, controlled, complete: conditions.complete && readings.complete, readings: readings.resources.length };
}
