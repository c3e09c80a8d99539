/**
 * What the referral pages derive from the server's answers (pure, unit-tested): the transitions the
 * user may make — the server's own state machine (src/care/referral/referral-state.ts, imported,
 * never copied) restricted to the sides of the referral the server says the user works on — and
 * the SLA status of a row (docs/care.md "Service-level timers").
 */
import { checkTransition, nextStates, REFERRAL_STATES, TERMINAL_STATES } from '../../../../src/care/referral/referral-state';
import type { Facility } from '../../api/org-units';
import type { ReferralDirection, ReferralSide, ReferralState, ReferralTimer, ReferralView } from '../../api/referrals';

export { REFERRAL_STATES, TERMINAL_STATES };
export const REFERRAL_DIRECTIONS: readonly ReferralDirection[] = ['up', 'down', 'lateral'];

/** The states a referral in `status` may move to by a user working on `sides`, in the machine's order. */
export function allowedActions(status: ReferralState, sides: readonly ReferralSide[]): ReferralState[] {
  return nextStates(status).filter((to) => {
    const check = checkTransition(status, to);
    return check.ok && sides.includes(check.side);
  });
}

/** The side that makes `from → to`, or null when the machine does not allow it. */
export function sideOf(from: ReferralState, to: ReferralState): ReferralSide | null {
  const check = checkTransition(from, to);
  return check.ok ? check.side : null;
}

export type SlaState = 'met' | 'missed' | 'overdue' | 'open' | 'none';

export interface SlaSummary {
  /** Which timer: seen (request → seen) or the return check (returned → closed). */
  timer: 'seen' | 'returnCheck' | null;
  state: SlaState;
  due: string | null;
}

function stateOf(t: ReferralTimer): SlaState {
  if (t.met === true) return 'met';
  if (t.met === false) return 'missed';
  return t.overdue ? 'overdue' : 'open';
}

/**
 * The timer a row shows: the return check once the patient is returned, else the seen timer; none
 * for a referral rejected or cancelled before it was seen (no timer runs, referral-sla.ts).
 */
export function slaSummary(r: Pick<ReferralView, 'sla'>): SlaSummary {
  const { seen, returnCheck } = r.sla;
  if (returnCheck) return { timer: 'returnCheck', state: stateOf(returnCheck), due: returnCheck.due };
  if (seen) return { timer: 'seen', state: stateOf(seen), due: seen.due };
  return { timer: null, state: 'none', due: null };
}

/** Whether `value` is a referral state (URL filters). */
export function asState(value: string | null): ReferralState | undefined {
  return value && (REFERRAL_STATES as readonly string[]).includes(value) ? (value as ReferralState) : undefined;
}

export function asDirection(value: string | null): ReferralDirection | undefined {
  return value && (REFERRAL_DIRECTIONS as readonly string[]).includes(value) ? (value as ReferralDirection) : undefined;
}

/**
 * Facilities the user may refer from: those serving one of the units of their grants (every one on
 * an open server or with a platform-wide grant). The server checks it again (403 otherwise).
 */
export function sendingFacilities(facilities: readonly Facility[], orgUnits: readonly string[], platformWide: boolean): Facility[] {
  if (platformWide || orgUnits.length === 0) return [...facilities];
  return facilities.filter((f) => orgUnits.some((u) => f.orgUnit.startsWith(u)));
}
