/**
 * Guideline triggers for hypertension and type 2 diabetes follow-up (pure; the clock is `asOf`).
 *
 * Source: National Basic Public Health Service Standard, 3rd edition (国家基本公共卫生服务规范（第三版）,
 * National Health and Family Planning Commission, 2017), hypertension and type 2 diabetes management
 * sections: at least 4 face-to-face follow-ups a year; control targets BP < 140/90 mmHg (< 150/90 at 65+,
 * per the Chinese hypertension guideline 2018) and fasting glucose < 7.0 mmol/L; a first uncontrolled
 * reading → follow-up within 2 weeks; two consecutive uncontrolled → referral, checked within 2 weeks;
 * urgent referral when SBP ≥ 180 or DBP ≥ 110 mmHg, or glucose ≥ 16.7 or ≤ 3.9 mmol/L. The rule values
 * are configurable ({@link GuidelineRules}); the chronic-care module documents them in docs/chronic-care.md.
 */
import { pushTo } from '../../../foundation/collections.js';

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

export interface BpReading {
  readonly date: IsoDate;
  readonly sbpMmHg: number;
  readonly dbpMmHg: number;
}

export interface GlucoseReading {
  readonly date: IsoDate;
  readonly glucoseMmolL: number;
  /** Only fasting readings are judged against the control target; any reading can be urgent. */
  readonly fasting: boolean;
}

export interface Dispense {
  readonly date: IsoDate;
  readonly daysSupply: number;
  /** Drug or therapeutic class; refills are followed per value (all dispenses together when absent). */
  readonly drug?: string;
}

export interface FollowUp {
  readonly date: IsoDate;
}

/** One patient's history, as of an evaluation date passed in. */
export interface TriggerInput {
  readonly asOf: IsoDate;
  readonly birthDate: IsoDate;
  readonly hypertension: boolean;
  readonly diabetes: boolean;
  /** Date of entry in the registry; the first follow-up is due one interval after it. */
  readonly registeredOn?: IsoDate;
  readonly bpReadings?: readonly BpReading[];
  readonly glucoseReadings?: readonly GlucoseReading[];
  readonly dispenses?: readonly Dispense[];
  readonly followUps?: readonly FollowUp[];
}

/** The configurable numbers of the rules; defaults from the national standard. */
export interface GuidelineRules {
  readonly bpTarget: { readonly sbpBelow: number; readonly dbpBelow: number };
  readonly bpTargetOlder: { readonly fromAgeYears: number; readonly sbpBelow: number; readonly dbpBelow: number };
  readonly fastingGlucoseBelowMmolL: number;
  readonly urgentSbpAtLeast: number;
  readonly urgentDbpAtLeast: number;
  readonly urgentGlucoseAtLeastMmolL: number;
  readonly urgentGlucoseAtMostMmolL: number;
  readonly uncontrolledFollowUpDays: number;
  readonly referralCheckDays: number;
  readonly followUpIntervalDays: number;
  readonly refillGraceDays: number;
}

export const DEFAULT_GUIDELINE_RULES: GuidelineRules = Object.freeze({
  bpTarget: { sbpBelow: 140, dbpBelow: 90 },
  bpTargetOlder: { fromAgeYears: 65, sbpBelow: 150, dbpBelow: 90 },
  fastingGlucoseBelowMmolL: 7.0,
  urgentSbpAtLeast: 180,
  urgentDbpAtLeast: 110,
  urgentGlucoseAtLeastMmolL: 16.7,
  urgentGlucoseAtMostMmolL: 3.9,
  uncontrolledFollowUpDays: 14,
  referralCheckDays: 14,
  followUpIntervalDays: 91, // 4 face-to-face follow-ups a year ≈ every quarter
  refillGraceDays: 7, // local policy, not in the standard
});

export type TriggerCode =
  | 'urgent-bp'
  | 'urgent-glucose-high'
  | 'urgent-glucose-low'
  | 'bp-uncontrolled'
  | 'bp-uncontrolled-twice'
  | 'glucose-uncontrolled'
  | 'glucose-uncontrolled-twice'
  | 'missed-refill'
  | 'follow-up-overdue';

/** A rule that fired: why, on which evidence date, and by when the team should act. */
export interface Trigger {
  readonly code: TriggerCode;
  /** Date of the reading or event the trigger rests on. */
  readonly date: IsoDate;
  /** Date by which the action is due (the evidence date for urgent triggers). */
  readonly dueBy: IsoDate;
  /** `dueBy` is before `asOf`. */
  readonly overdue: boolean;
  readonly reason: string;
}

const DAY_MS = 86_400_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(date: IsoDate, field: string): number {
  const m = ISO.exec(date);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date) throw new RangeError(`${field} must be a YYYY-MM-DD date, got ${date}`);
  return t / DAY_MS;
}

function isoOf(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function ageAt(birthDate: IsoDate, date: IsoDate): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = date.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Whether a BP reading meets the target for the patient's age on that date (< 140/90, < 150/90 at 65+). */
export function bpControlled(reading: BpReading, ageYears: number, rules: GuidelineRules = DEFAULT_GUIDELINE_RULES): boolean {
  const target = ageYears >= rules.bpTargetOlder.fromAgeYears ? rules.bpTargetOlder : rules.bpTarget;
  return reading.sbpMmHg < target.sbpBelow && reading.dbpMmHg < target.dbpBelow;
}

/** Sorted by date (stable), keeping only what happened on or before `asOf`. */
function upTo<T extends { date: IsoDate }>(items: readonly T[] | undefined, asOf: number, field: string): { item: T; day: number }[] {
  return (items ?? [])
    .map((item, index) => ({ item, day: dayNumber(item.date, `${field}[${index}].date`), index }))
    .filter((e) => e.day <= asOf)
    .sort((a, b) => a.day - b.day || a.index - b.index)
    .map(({ item, day }) => ({ item, day }));
}

/**
 * Evaluates the chronic-care rules for one patient as of `input.asOf` and returns the triggers that
 * fire, urgent ones first. Only the latest readings count: an old urgent value later followed by a
 * normal one does not fire.
 */
export function evaluateGuidelineTriggers(input: TriggerInput, rules: GuidelineRules = DEFAULT_GUIDELINE_RULES): Trigger[] {
  const asOf = dayNumber(input.asOf, 'asOf');
  dayNumber(input.birthDate, 'birthDate');
  const triggers: Trigger[] = [];
  const add = (code: TriggerCode, day: number, dueDay: number, reason: string) =>
    triggers.push({ code, date: isoOf(day), dueBy: isoOf(dueDay), overdue: dueDay < asOf, reason });

  const bp = upTo(input.bpReadings, asOf, 'bpReadings');
  if (input.hypertension && bp.length > 0) {
    const last = bp[bp.length - 1];
    const r = last.item;
    if (r.sbpMmHg >= rules.urgentSbpAtLeast || r.dbpMmHg >= rules.urgentDbpAtLeast) {
      add('urgent-bp', last.day, last.day, `BP ${r.sbpMmHg}/${r.dbpMmHg} mmHg: SBP ≥ ${rules.urgentSbpAtLeast} or DBP ≥ ${rules.urgentDbpAtLeast}, urgent referral`);
    }
    const uncontrolled = (e: { item: BpReading }) => !bpControlled(e.item, ageAt(input.birthDate, e.item.date), rules);
    if (uncontrolled(last)) {
      const previous = bp.length > 1 ? bp[bp.length - 2] : undefined;
      if (previous && uncontrolled(previous)) {
        add('bp-uncontrolled-twice', last.day, last.day + rules.referralCheckDays, `BP ${r.sbpMmHg}/${r.dbpMmHg} uncontrolled at two consecutive readings: refer, check within ${rules.referralCheckDays} days`);
      } else {
        add('bp-uncontrolled', last.day, last.day + rules.uncontrolledFollowUpDays, `BP ${r.sbpMmHg}/${r.dbpMmHg} above target: follow up within ${rules.uncontrolledFollowUpDays} days`);
      }
    }
  }

  const glucose = upTo(input.glucoseReadings, asOf, 'glucoseReadings');
  if (input.diabetes && glucose.length > 0) {
    const last = glucose[glucose.length - 1];
    const g = last.item.glucoseMmolL;
    if (g >= rules.urgentGlucoseAtLeastMmolL) add('urgent-glucose-high', last.day, last.day, `glucose ${g} mmol/L ≥ ${rules.urgentGlucoseAtLeastMmolL}: urgent referral`);
    if (g <= rules.urgentGlucoseAtMostMmolL) add('urgent-glucose-low', last.day, last.day, `glucose ${g} mmol/L ≤ ${rules.urgentGlucoseAtMostMmolL}: urgent referral`);
    const fasting = glucose.filter((e) => e.item.fasting);
    const high = (e: { item: GlucoseReading }) => e.item.glucoseMmolL >= rules.fastingGlucoseBelowMmolL;
    const lastFasting = fasting[fasting.length - 1];
    if (lastFasting && high(lastFasting)) {
      const previous = fasting.length > 1 ? fasting[fasting.length - 2] : undefined;
      const value = lastFasting.item.glucoseMmolL;
      if (previous && high(previous)) {
        add('glucose-uncontrolled-twice', lastFasting.day, lastFasting.day + rules.referralCheckDays, `fasting glucose ${value} mmol/L ≥ ${rules.fastingGlucoseBelowMmolL} at two consecutive readings: refer, check within ${rules.referralCheckDays} days`);
      } else {
        add('glucose-uncontrolled', lastFasting.day, lastFasting.day + rules.uncontrolledFollowUpDays, `fasting glucose ${value} mmol/L ≥ ${rules.fastingGlucoseBelowMmolL}: follow up within ${rules.uncontrolledFollowUpDays} days`);
      }
    }
  }

  // Refills: supply runs out when same-drug fills are laid end to end (an early refill shifts forward).
  const byDrug = new Map<string, { day: number; supply: number }[]>();
  for (const { item, day } of upTo(input.dispenses, asOf, 'dispenses')) {
    if (!Number.isFinite(item.daysSupply) || item.daysSupply <= 0) throw new RangeError(`daysSupply must be positive, got ${item.daysSupply}`);
    const key = item.drug ?? '';
    pushTo(byDrug, key, { day, supply: item.daysSupply });
  }
  for (const [drug, fills] of [...byDrug.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    let coveredUntil = -Infinity; // first day without medicine
    for (const fill of fills) coveredUntil = Math.max(coveredUntil, fill.day) + fill.supply;
    if (asOf > coveredUntil + rules.refillGraceDays) {
      add('missed-refill', coveredUntil, coveredUntil + rules.refillGraceDays, `${drug || 'medicine'} ran out on ${isoOf(coveredUntil)}, no refill within ${rules.refillGraceDays} days`);
    }
  }

  const visits = upTo(input.followUps, asOf, 'followUps');
  const lastVisit = visits.length > 0 ? visits[visits.length - 1].day : input.registeredOn ? dayNumber(input.registeredOn, 'registeredOn') : undefined;
  if ((input.hypertension || input.diabetes) && lastVisit !== undefined && asOf > lastVisit + rules.followUpIntervalDays) {
    add('follow-up-overdue', lastVisit, lastVisit + rules.followUpIntervalDays, `no face-to-face follow-up since ${isoOf(lastVisit)} (due every ${rules.followUpIntervalDays} days)`);
  }

  const rank = (t: Trigger) => (t.code.startsWith('urgent') ? 0 : 1);
  return triggers.sort((a, b) => rank(a) - rank(b));
}
