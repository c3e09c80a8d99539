/**
 * Feature table and label of the learned model, from one resident's platform history (pure: the
 * clock is `asOf`, nothing is read from the database here).
 *
 * Target: "BP uncontrolled at the next visit within 12 months" — for a resident on the hypertension
 * registry on `asOf`, the first plausible BP reading in (asOf, asOf + 365 days] is above the target of
 * the National BPHS Standard (3rd ed., 2017) / Chinese hypertension guideline 2018: < 140/90 mmHg,
 * < 150/90 from 65 years (`bpControlled` of the guideline triggers). No reading in the window → no label
 * (the person is left out of training, not counted as controlled).
 *
 * Only data dated on or before `asOf` enter the features, so training on a past `asOf` and scoring on
 * today's use the same code without leakage.
 */
import { bpControlled, type IsoDate } from './models/index.js';
import { isAntihypertensive as isAntihypertensiveAtc } from '../chronic/protocol-drugs.js';

/** One resident's history as the projection tables and the Patient record give it. */
export interface ResidentHistory {
  readonly residentId: string;
  readonly orgUnit: string | null;
  readonly sex: 'male' | 'female' | null;
  readonly birthDate: IsoDate | null;
  /** CareTeam id of the family-doctor team the resident signed with. */
  readonly careTeam: string | null;
  /** Organization id of the managing facility (owner of Tasks when no team is signed). */
  readonly managingOrganization: string | null;
  /** Earliest onset of an active hypertension diagnosis (null = not on the registry). */
  readonly hypertensionSince: IsoDate | null;
  readonly diabetesSince: IsoDate | null;
  /** Earliest stroke / myocardial infarction diagnosis (ICD-10 I21–I22, I60–I64), if any. */
  readonly ascvdSince: IsoDate | null;
  /** Plausible BP readings, ascending by date; `id` is the Observation id. */
  readonly bp: readonly { readonly id: string; readonly date: IsoDate; readonly sbp: number; readonly dbp: number }[];
  /** Plausible fasting-glucose readings, ascending. */
  readonly glucose: readonly { readonly id: string; readonly date: IsoDate; readonly mmolL: number }[];
  /** Completed dispenses, ascending by hand-over date; `drugClass` is ATC level 4 (e.g. C08CA). */
  readonly dispenses: readonly { readonly date: IsoDate; readonly drug: string; readonly drugClass: string; readonly daysSupply: number }[];
  /** Encounter start dates, ascending. */
  readonly visits: readonly IsoDate[];
  /** Latest risk-factor measurements (health check), each with its Observation id and date. */
  readonly factors: Readonly<Partial<Record<RiskFactorKind, { readonly id: string; readonly date: IsoDate; readonly value: number }>>>;
}

/** Risk-factor observations read for the equations: cholesterol and HDL (mmol/L), waist (cm), BMI, smoking (1 = current). */
export type RiskFactorKind = 'tc' | 'hdl' | 'waist' | 'bmi' | 'smoker';

/** Features of the learned model, in this order (names are written into the model file). */
export const FEATURE_NAMES = [
  'ageYears',
  'male',
  'diabetes',
  'yearsSinceHypertension',
  'lastSbp',
  'lastDbp',
  'meanSbpLast3',
  'uncontrolledShare12m',
  'readings12m',
  'daysSinceLastBp',
  'visits12m',
  'antihypertensivePdc180',
  'onAntihypertensive12m',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function dayOf(date: IsoDate): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** YYYY-MM-DD of a day number. */
export function isoOfDay(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Completed years of age on `date`. */
export function ageOn(birthDate: IsoDate, date: IsoDate): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = date.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Antihypertensive classes, WHO ATC: C02 (other), C03 (diuretics), C07 (β-blockers), C08 (CCB), C09 (RAS agents). */
export function isAntihypertensive(drugClass: string): boolean {
  return isAntihypertensiveAtc(drugClass);
}

/**
 * Share of the `days` days up to and including `asOf` covered by antihypertensive supply (any class;
 * fills laid end to end, an early refill shifts forward — the PQA PDC convention, pooled over classes).
 */
export function antihypertensiveCoverage(h: ResidentHistory, asOf: IsoDate, days: number): number {
  const end = dayOf(asOf);
  const start = end - days + 1;
  const covered = new Uint8Array(days);
  let next = -Infinity;
  for (const d of h.dispenses) {
    if (!isAntihypertensive(d.drugClass)) continue;
    const day = dayOf(d.date);
    if (day > end) break;
    const from = Math.max(day, next);
    next = from + d.daysSupply;
    for (let x = Math.max(from, start); x < Math.min(next, end + 1); x++) covered[x - start] = 1;
  }
  let n = 0;
  for (const c of covered) n += c;
  return n / days;
}

/** Whether the resident is on the hypertension registry and has what the model needs on `asOf`. */
export function eligibleForBpModel(h: ResidentHistory, asOf: IsoDate): boolean {
  if (!h.hypertensionSince || h.hypertensionSince > asOf || !h.birthDate || !h.sex) return false;
  if (ageOn(h.birthDate, asOf) < 18) return false;
  return h.bp.some((r) => r.date <= asOf);
}

/**
 * The feature row of a resident on `asOf` (order of {@link FEATURE_NAMES}), or null when the resident
 * is not eligible ({@link eligibleForBpModel}).
 */
export function buildFeatures(h: ResidentHistory, asOf: IsoDate): number[] | null {
  if (!eligibleForBpModel(h, asOf)) return null;
  const birth = h.birthDate as IsoDate;
  const now = dayOf(asOf);
  const yearAgo = now - 365;
  const bp = h.bp.filter((r) => r.date <= asOf);
  const last = bp[bp.length - 1];
  const last3 = bp.slice(-3);
  const recent = bp.filter((r) => dayOf(r.date) > yearAgo);
  const judged = recent.length > 0 ? recent : [last];
  const uncontrolled = judged.filter((r) => !bpControlled({ date: r.date, sbpMmHg: r.sbp, dbpMmHg: r.dbp }, ageOn(birth, r.date))).length;
  const visits12m = h.visits.filter((v) => v <= asOf && dayOf(v) > yearAgo).length;
  const onDrug = h.dispenses.some((d) => isAntihypertensive(d.drugClass) && d.date <= asOf && dayOf(d.date) > yearAgo);
  const row: Record<FeatureName, number> = {
    ageYears: ageOn(birth, asOf),
    male: h.sex === 'male' ? 1 : 0,
    diabetes: h.diabetesSince && h.diabetesSince <= asOf ? 1 : 0,
    yearsSinceHypertension: Math.min(30, (now - dayOf(h.hypertensionSince as IsoDate)) / 365.25),
    lastSbp: last.sbp,
    lastDbp: last.dbp,
    meanSbpLast3: last3.reduce((s, r) => s + r.sbp, 0) / last3.length,
    uncontrolledShare12m: uncontrolled / judged.length,
    readings12m: recent.length,
    daysSinceLastBp: Math.min(730, now - dayOf(last.date)),
    visits12m,
    antihypertensivePdc180: antihypertensiveCoverage(h, asOf, 180),
    onAntihypertensive12m: onDrug ? 1 : 0,
  };
  return FEATURE_NAMES.map((name) => row[name]);
}

/**
 * Label on `asOf`: 1 if the first BP reading in (asOf, asOf + horizonDays] is uncontrolled for the
 * resident's age, 0 if controlled, null if there is no reading in the window.
 */
export function uncontrolledAtNextVisit(h: ResidentHistory, asOf: IsoDate, horizonDays = 365): 0 | 1 | null {
  if (!h.birthDate) return null;
  const end = dayOf(asOf) + horizonDays;
  const next = h.bp.find((r) => r.date > asOf && dayOf(r.date) <= end);
  if (!next) return null;
  return bpControlled({ date: next.date, sbpMmHg: next.sbp, dbpMmHg: next.dbp }, ageOn(h.birthDate, next.date)) ? 0 : 1;
}

/**
 * Deterministic held-out split: FNV-1a hash (with the MurmurHash3 finaliser) of `seed:residentId` → the resident's rows all go to the
 * test set when the hash falls below `testShare` (same residents whatever the order of the data).
 */
export function inTestSet(residentId: string, seed: number, testShare = 0.3): boolean {
  let h = 0x811c9dc5;
  const key = `${seed}:${residentId}`;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // MurmurHash3 fmix32 finaliser: FNV-1a alone mixes the high bits of similar keys poorly.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 4294967296 < testShare;
}
