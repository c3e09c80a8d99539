/**
 * Service-level timers of a referral (pure: the clock is an argument).
 *
 * - Seen: an urgent referral is to be seen within 24 h of the request (issue 10's service level); a
 *   routine one within 14 days (a configurable project default: no national figure exists for it).
 * - Return check: the sending side follows the returned patient up within 2 weeks — the chronic-care
 *   standard: National Basic Public Health Service Standards, 3rd ed. (国家基本公共卫生服务规范
 *   第三版, NHFPC 2017), hypertension and type 2 diabetes management: "对于紧急转诊者，乡镇卫生院、
 *   村卫生室、社区卫生服务中心（站）应在2周内主动随访转诊情况". Closing the referral records that check.
 */
import type { ReferralState } from './referral-state.js';

export interface SlaRules {
  /** Hours from request to seen for an urgent referral. */
  urgentSeenHours: number;
  /** Days from request to seen for a routine referral. */
  routineSeenDays: number;
  /** Days from return (discharge back to the sender) to the return check (closing). */
  returnCheckDays: number;
}

/** The defaults above (docs/care.md "SLA rules"). */
export const DEFAULT_SLA: SlaRules = { urgentSeenHours: 24, routineSeenDays: 14, returnCheckDays: 14 };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type ReferralPriority = 'routine' | 'urgent';

/** When a referral requested at `requestedAt` is due to be seen. */
export function seenDue(priority: ReferralPriority, requestedAt: Date, rules: SlaRules = DEFAULT_SLA): Date {
  const span = priority === 'urgent' ? rules.urgentSeenHours * HOUR : rules.routineSeenDays * DAY;
  return new Date(requestedAt.getTime() + span);
}

/** When the return check of a referral returned at `returnedAt` is due. */
export function returnCheckDue(returnedAt: Date, rules: SlaRules = DEFAULT_SLA): Date {
  return new Date(returnedAt.getTime() + rules.returnCheckDays * DAY);
}

/** One timer: its due time, whether it was met (null while open) and whether it is overdue now. */
export interface Timer {
  due: Date;
  met: boolean | null;
  overdue: boolean;
}

export interface SlaFacts {
  status: ReferralState;
  priority: ReferralPriority;
  requestedAt: Date;
  seenAt: Date | null;
  returnedAt: Date | null;
  closedAt: Date | null;
}

export interface SlaStatus {
  /** Null for a referral rejected or cancelled before it was seen: no timer runs. */
  seen: Timer | null;
  /** Null until the patient is returned. */
  returnCheck: Timer | null;
  /** Some timer is overdue now. */
  overdue: boolean;
}

/** Both timers of a referral at `now`. A timer is met when its event happened by the due time (inclusive). */
export function slaStatus(f: SlaFacts, now: Date, rules: SlaRules = DEFAULT_SLA): SlaStatus {
  let seen: Timer | null = null;
  if (f.seenAt || (f.status !== 'rejected' && f.status !== 'cancelled')) {
    const due = seenDue(f.priority, f.requestedAt, rules);
    seen = f.seenAt ? { due, met: f.seenAt.getTime() <= due.getTime(), overdue: false } : { due, met: null, overdue: now.getTime() > due.getTime() };
  }
  let returnCheck: Timer | null = null;
  if (f.returnedAt) {
    const due = returnCheckDue(f.returnedAt, rules);
    returnCheck = f.closedAt ? { due, met: f.closedAt.getTime() <= due.getTime(), overdue: false } : { due, met: null, overdue: f.status === 'returned' && now.getTime() > due.getTime() };
  }
  return { seen, returnCheck, overdue: Boolean(seen?.overdue || returnCheck?.overdue) };
}
