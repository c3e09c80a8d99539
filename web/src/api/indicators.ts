/**
 * Cockpit indicators computed from plain FHIR searches. Counts use `_summary=count` (no resources
 * travel). What FHIR search cannot scope to an org unit (conditions of the residents of a town, BP
 * control) is district-only here and waits for the server-side projections of issue 6 / cockpit.
 */
import type { Condition, Observation } from '@medplum/fhirtypes';
import { api, type ChronicIndicators, type SearchParams } from './client';
import { ApiError } from './errors';
import { activeSignals, centreIndicators, referralIndicators, riskIndicators, signalMetrics, worklistSummary, type CentreIndicators, type ReferralTotals, type RiskIndicatorRow } from './aggregates';
import {
  CASE_REPORT_CATEGORY_SYSTEM,
  DIABETES_CODES,
  ENCOUNTER_TYPE_SYSTEM,
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
import { facilitiesWithin, refs, townshipCentresFor, type District, type OrgUnit } from './org-units';

export interface Scope {
  district: District;
  unit: OrgUnit;
}

/** Residents' primary records: kept by the township centres; a village narrows by address. */
export function residentParams(scope: Scope): SearchParams | null {
  const centres = townshipCentresFor(scope.district, scope.unit);
  if (centres.length === 0) return null;
  return { organization: refs(centres), ...(scope.unit.level === 'village' ? { 'address:contains': scope.unit.name } : {}) };
}

/**
 * Living residents = records − deceased records. (`deceased=false` matches nearly every row and
 * makes the server's search ~30× slower than the two selective counts.)
 */
async function livingResidents(params: SearchParams): Promise<number> {
  const [all, dead] = await Promise.all([api.count('Patient', params), api.count('Patient', { ...params, deceased: 'true' })]);
  return all - dead;
}

/** Encounters at the facilities of the unit (the whole district: every encounter). */
export function encounterParams(scope: Scope): SearchParams | null {
  if (scope.unit.level === 'district') return {};
  const facilities = facilitiesWithin(scope.district, scope.unit);
  return facilities.length ? { 'service-provider': refs(facilities) } : null;
}

const countOrZero = async (type: 'Encounter', params: SearchParams | null) => (params ? api.count(type, params) : 0);

/**
 * The month the cockpit reports on: the current month, or — for a simulated district whose data
 * ends in the past — the latest month with encounters. Found with counts (newest year with data,
 * then its newest month): `_sort=-date` over every encounter is slow on the server today.
 */
export async function referenceMonth(now = new Date()): Promise<string> {
  const current = monthOf(now);
  try {
    if ((await api.count('Encounter', { date: current })) > 0) return current;
  } catch (e) {
    // A role that may not count encounters (the bureau) reports on the current month.
    if (e instanceof ApiError && e.status === 403) return current;
    throw e;
  }
  const year = now.getUTCFullYear();
  for (let y = year; y > year - 5; y--) {
    if ((await api.count('Encounter', { date: String(y) })) === 0) continue;
    for (let m = y === year ? now.getUTCMonth() + 1 : 12; m >= 1; m--) {
      const month = `${y}-${String(m).padStart(2, '0')}`;
      if ((await api.count('Encounter', { date: month })) > 0) return month;
    }
  }
  return current;
}

/** `date` range covering the 12 months ending with `month`. */
function last12(month: string): string[] {
  return [`ge${lastMonths(month, 12)[0]}`, `le${month}`];
}

const INFECTIOUS = token(ENCOUNTER_TYPE_SYSTEM, 'infectious-case');

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
  const enc = encounterParams(scope);
  const residents = residentParams(scope);
  const [r, e, c] = await Promise.all([
    settle(residents && (() => livingResidents(residents))),
    settle(enc && (() => api.count('Encounter', { ...enc, date: month }))),
    settle(enc && (() => api.count('Encounter', { ...enc, type: INFECTIOUS, date: last12(month) }))),
  ]);
  return { residents: r, encountersMonth: e, casesYear: c };
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

/** Notifiable-disease case reports of the last 12 months, by ICD-10 code (district level). */
export async function notifiableByDisease(month: string): Promise<{ code: string; count: number }[]> {
  const base = { category: token(CASE_REPORT_CATEGORY_SYSTEM, 'notifiable'), 'recorded-date': last12(month) };
  return Promise.all(NOTIFIABLE_CODES.map(async (code) => ({ code, count: await api.count('Condition', { ...base, code: token(ICD10_SYSTEM, code) }) })));
}

export interface TrendPoint {
  month: string;
  encounters: number;
  cases: number;
}

/** Encounters and infectious-disease visits per month, for the 12 months ending with `month`. */
export async function monthlyTrend(scope: Scope, month: string): Promise<TrendPoint[]> {
  const enc = encounterParams(scope);
  return Promise.all(
    lastMonths(month, 12).map(async (m) => {
      const [encounters, cases] = await Promise.all([countOrZero('Encounter', enc && { ...enc, date: m }), countOrZero('Encounter', enc && { ...enc, type: INFECTIOUS, date: m })]);
      return { month: m, encounters, cases };
    }),
  );
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
  return Promise.all(
    scope.unit.children.map(async (code) => {
      const unit = scope.district.units.get(code)!;
      const s = { district: scope.district, unit };
      let value = 0;
      if (indicator === 'residents') {
        const params = residentParams(s);
        value = params ? await livingResidents(params) : 0;
      }
      else {
        const enc = encounterParams(s);
        value = await countOrZero('Encounter', enc && (indicator === 'encountersMonth' ? { ...enc, date: month } : { ...enc, type: INFECTIOUS, date: last12(month) }));
      }
      return { code, value };
    }),
  );
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
