/**
 * Follow-up rules of hypertension and type 2 diabetes management, pure (no database, no clock).
 *
 * Source: National Basic Public Health Service Standard, 3rd edition (国家基本公共卫生服务规范
 * 第三版, National Health and Family Planning Commission, 2017), "Hypertension patient health
 * management service specification" (高血压患者健康管理服务规范) and "Type 2 diabetes patient
 * health management service specification" (2型糖尿病患者健康管理服务规范), section 2 (service
 * content), "follow-up evaluation" and "classified intervention":
 *  - at least 4 face-to-face follow-ups a year (§2.2: 每年提供至少4次面对面的随访);
 *  - controlled: BP < 140/90 mmHg, or < 150/90 mmHg at 65 and over (the 2017 standard's target for
 *    the elderly); fasting glucose < 7.0 mmol/L;
 *  - urgent referral (§2.2(1)): SBP ≥ 180 or DBP ≥ 110 mmHg; fasting glucose ≥ 16.7 or ≤ 3.9 mmol/L
 *    — follow the referral up within 2 weeks;
 *  - first uncontrolled reading: adjust treatment, follow up within 2 weeks (§2.3(2));
 *  - two consecutive uncontrolled readings: refer to a higher facility, follow up within 2 weeks (§2.3(3));
 *  - controlled, no adverse reaction: next follow-up as scheduled (quarterly, §2.3(1)).
 * Every threshold is in `FollowUpRules` so a district can configure it; `NATIONAL_RULES` is the standard.
 */
import type { ChronicCategory } from './classify.js';

export interface FollowUpRules {
  /** Face-to-face follow-ups per year (≥ 4): the routine interval is 365 / this, in days. */
  followUpsPerYear: number;
  bpTarget: { sbp: number; dbp: number };
  /** Age (years, inclusive) from which `bpTargetElderly` applies. */
  elderlyAge: number;
  bpTargetElderly: { sbp: number; dbp: number };
  /** Fasting glucose target (mmol/L): controlled below it. */
  glucoseTarget: number;
  urgent: { sbp: number; dbp: number; glucoseHigh: number; glucoseLow: number };
  /** Days to the next follow-up after an uncontrolled reading or an urgent referral. */
  recheckDays: number;
  /** Consecutive uncontrolled readings that call for a referral. */
  referralAfter: number;
  /** No follow-up for this many months: lost to follow-up. */
  lostAfterMonths: number;
}

export const NATIONAL_RULES: FollowUpRules = {
  followUpsPerYear: 4,
  bpTarget: { sbp: 140, dbp: 90 },
  elderlyAge: 65,
  bpTargetElderly: { sbp: 150, dbp: 90 },
  glucoseTarget: 7.0,
  urgent: { sbp: 180, dbp: 110, glucoseHigh: 16.7, glucoseLow: 3.9 },
  recheckDays: 14,
  referralAfter: 2,
  lostAfterMonths: 12,
};

/** A plausible reading at a follow-up: BP (mmHg) for hypertension, fasting glucose (mmol/L) for diabetes. */
export type Reading = { date: string; sbp: number; dbp: number } | { date: string; glucose: number };

export interface PatientFacts {
  category: ChronicCategory;
  birthDate: string | null;
  deceased: string | null;
  /** Registration date (earliest diagnosis, enrolment or prescription). */
  since: string | null;
  /** Dates of face-to-face follow-ups (any order, duplicates allowed). */
  followUps: readonly string[];
  /** Plausible readings of the category (any order). */
  readings: readonly Reading[];
  /** Next dates the doctors planned at follow-ups: the latest one planned counts. */
  planned?: readonly { at: string; next: string }[];
}

export type Control = 'controlled' | 'uncontrolled' | 'unknown';

export interface Assessment {
  lastFollowUp: string | null;
  /** Date of the last reading and its values. */
  lastReading: Reading | null;
  control: Control;
  /** Uncontrolled readings in a row, counting back from the last one. */
  consecutiveUncontrolled: number;
  urgent: boolean;
  /** Why the last reading is urgent, e.g. "SBP ≥ 180". */
  urgentReason: string | null;
  /** Two (referralAfter) consecutive uncontrolled readings, or urgent: refer. */
  referral: boolean;
  /** Latest date the next follow-up is due (YYYY-MM-DD). */
  nextDue: string | null;
}

export type Status = 'controlled' | 'uncontrolled' | 'overdue' | 'lost' | 'dead';

const DAY = 86_400_000;

/** ISO date plus days. */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Whole years of age on `onDate` (birthday counted on the day itself). */
export function ageOn(birthDate: string, onDate: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = onDate.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The BP target for a person of that age on that date (national standard: < 150/90 at 65 and over). */
export function bpTargetFor(rules: FollowUpRules, birthDate: string | null, onDate: string): { sbp: number; dbp: number } {
  return birthDate && ageOn(birthDate, onDate) >= rules.elderlyAge ? rules.bpTargetElderly : rules.bpTarget;
}

/** Is a reading below target, and is it urgent? */
export function judgeReading(rules: FollowUpRules, reading: Reading, birthDate: string | null): { controlled: boolean; urgentReason: string | null } {
  const u = rules.urgent;
  if ('glucose' in reading) {
    const urgentReason = reading.glucose >= u.glucoseHigh ? `glucose ≥ ${u.glucoseHigh}` : reading.glucose <= u.glucoseLow ? `glucose ≤ ${u.glucoseLow}` : null;
    return { controlled: reading.glucose < rules.glucoseTarget && urgentReason === null, urgentReason };
  }
  const target = bpTargetFor(rules, birthDate, reading.date);
  const urgentReason = reading.sbp >= u.sbp ? `SBP ≥ ${u.sbp}` : reading.dbp >= u.dbp ? `DBP ≥ ${u.dbp}` : null;
  return { controlled: reading.sbp < target.sbp && reading.dbp < target.dbp, urgentReason };
}

/**
 * Control, referral and next-due date of one patient in one programme from their follow-ups and
 * readings (one reading per day counts: the last of the day).
 */
export function assessPatient(facts: PatientFacts, rules: FollowUpRules = NATIONAL_RULES): Assessment {
  const followUps = [...new Set(facts.followUps)].sort();
  const byDay = new Map<string, Reading>();
  for (const r of [...facts.readings].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))) byDay.set(r.date, r);
  const readings = [...byDay.values()];
  const lastFollowUp = followUps.at(-1) ?? null;
  const lastReading = readings.at(-1) ?? null;
  let consecutiveUncontrolled = 0;
  for (let i = readings.length - 1; i >= 0 && !judgeReading(rules, readings[i], facts.birthDate).controlled; i--) consecutiveUncontrolled++;
  const judged = lastReading ? judgeReading(rules, lastReading, facts.birthDate) : null;
  const control: Control = judged ? (judged.controlled ? 'controlled' : 'uncontrolled') : 'unknown';
  const urgentReason = judged?.urgentReason ?? null;
  const referral = urgentReason !== null || consecutiveUncontrolled >= rules.referralAfter;

  // Routine: the next quarterly follow-up after the last contact (follow-up or reading).
  const lastContact = [lastFollowUp, lastReading?.date].filter((d): d is string => !!d).sort().at(-1) ?? null;
  const candidates: string[] = [];
  if (lastContact) candidates.push(addDays(lastContact, Math.floor(365 / rules.followUpsPerYear)));
  else if (facts.since) candidates.push(facts.since); // registered, never followed up: due now
  // Uncontrolled or urgent: within two weeks of that reading (the recheck after a referral, too).
  if (lastReading && control === 'uncontrolled') candidates.push(addDays(lastReading.date, rules.recheckDays));
  // A date the doctor planned at the latest follow-up counts when it is earlier than the rules' date.
  const plan = [...(facts.planned ?? [])].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).at(-1);
  if (plan && (!lastContact || plan.at >= lastContact) && plan.next > plan.at) candidates.push(plan.next);
  const nextDue = candidates.sort()[0] ?? null;
  return { lastFollowUp, lastReading, control, consecutiveUncontrolled, urgent: urgentReason !== null, urgentReason, referral, nextDue };
}

/** An ISO date minus whole months, as YYYY-MM-DD (day clamped to the month's end). */
export function monthsBefore(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const target = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

/**
 * Status on `today`: dead; lost to follow-up (no follow-up in `lostAfterMonths`, or never followed
 * up and registered longer ago than that); overdue (next-due date passed); otherwise the control of
 * the last reading — 'unknown' (no reading) counts as uncontrolled, as Simple counts "visited, no
 * BP taken" outside the controlled numerator.
 */
export function patientStatus(
  a: Pick<Assessment, 'lastFollowUp' | 'lastReading' | 'control' | 'nextDue'>,
  facts: Pick<PatientFacts, 'deceased' | 'since'>,
  today: string,
  rules: FollowUpRules = NATIONAL_RULES,
): Status {
  if (facts.deceased && facts.deceased <= today) return 'dead';
  const lostBefore = monthsBefore(today, rules.lostAfterMonths);
  const lastContact = [a.lastFollowUp, a.lastReading?.date].filter((d): d is string => !!d).sort().at(-1) ?? null;
  if (lastContact ? lastContact <= lostBefore : !!facts.since && facts.since <= lostBefore) return 'lost';
  if (a.nextDue && a.nextDue < today) return 'overdue';
  return a.control === 'controlled' ? 'controlled' : 'uncontrolled';
}

/** Rules with some thresholds changed (a district's configuration), checked for sense. */
export function configureRules(overrides: Partial<FollowUpRules>): FollowUpRules {
  const rules = { ...NATIONAL_RULES, ...overrides };
  if (!(rules.followUpsPerYear >= 1 && rules.followUpsPerYear <= 52)) throw new RangeError('followUpsPerYear must be 1–52');
  if (!(rules.recheckDays >= 1 && rules.recheckDays <= 90)) throw new RangeError('recheckDays must be 1–90');
  if (!(rules.referralAfter >= 1)) throw new RangeError('referralAfter must be at least 1');
  if (!(rules.urgent.glucoseLow < rules.glucoseTarget && rules.glucoseTarget < rules.urgent.glucoseHigh)) throw new RangeError('glucose thresholds must satisfy low < target < high');
  if (!(rules.bpTarget.sbp < rules.urgent.sbp && rules.bpTargetElderly.sbp < rules.urgent.sbp)) throw new RangeError('BP targets must lie below the urgent thresholds');
  return rules;
}
