/**
 * The two-way referral state machine (pure: no I/O, no clock). Issue 10 names the states:
 *
 *   requested ─▶ accepted ─▶ scheduled ─▶ seen ─▶ returned ─▶ closed
 *       │            │            │
 *       ├▶ rejected  └────────────┴──▶ cancelled (by the sender, before the patient is seen)
 *       └▶ cancelled
 *
 * The receiving facility (ServiceRequest.performer) accepts, rejects, schedules, sees and returns
 * the patient with a care plan; the sending facility (ServiceRequest.requester) may cancel until the
 * patient is seen, and closes the referral after its return check. The same machine serves both
 * directions: for a down-referral the village clinic is the receiver. FHIR Task.status follows the
 * business status (R4 §12.1 Task state machine: requested → accepted → ready → in-progress → completed).
 */

export const REFERRAL_STATES = ['requested', 'accepted', 'rejected', 'scheduled', 'seen', 'returned', 'closed', 'cancelled'] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

/** Who acts: the receiving facility (performer) or the sending facility (requester). */
export type ReferralSide = 'receiver' | 'sender';

/** Allowed transitions and the side that may make each one. */
const NEXT: Record<ReferralState, Partial<Record<ReferralState, ReferralSide>>> = {
  requested: { accepted: 'receiver', rejected: 'receiver', cancelled: 'sender' },
  accepted: { scheduled: 'receiver', cancelled: 'sender' },
  scheduled: { seen: 'receiver', cancelled: 'sender' },
  seen: { returned: 'receiver' },
  returned: { closed: 'sender' },
  rejected: {},
  closed: {},
  cancelled: {},
};

/** Terminal states: nothing follows them. */
export const TERMINAL_STATES: readonly ReferralState[] = ['rejected', 'closed', 'cancelled'];

export function isReferralState(value: unknown): value is ReferralState {
  return typeof value === 'string' && (REFERRAL_STATES as readonly string[]).includes(value);
}

/** The states a referral in `from` may move to. */
export function nextStates(from: ReferralState): ReferralState[] {
  return Object.keys(NEXT[from]) as ReferralState[];
}

export type TransitionCheck = { ok: true; side: ReferralSide } | { ok: false; reason: string };

/** Whether `from → to` is allowed, the side that may make it, or why not (the 409 text). */
export function checkTransition(from: ReferralState, to: ReferralState): TransitionCheck {
  const side = NEXT[from][to];
  if (side) return { ok: true, side };
  const allowed = nextStates(from);
  const why = from === to ? `The referral is already ${from}` : `A ${from} referral cannot become ${to}`;
  return { ok: false, reason: `${why} (${allowed.length ? `allowed next: ${allowed.join(', ')}` : `${from} is final`})` };
}

/** FHIR Task.status for a business status (R4 task-status value set). */
export function taskStatusOf(state: ReferralState): 'requested' | 'accepted' | 'rejected' | 'ready' | 'in-progress' | 'completed' | 'cancelled' {
  switch (state) {
    case 'requested':
    case 'accepted':
    case 'rejected':
    case 'cancelled':
      return state;
    case 'scheduled':
      return 'ready';
    case 'seen':
    case 'returned':
      return 'in-progress';
    case 'closed':
      return 'completed';
  }
}

/** FHIR ServiceRequest.status for a business status (R4 request-status: active | completed | revoked). */
export function requestStatusOf(state: ReferralState): 'active' | 'completed' | 'revoked' {
  if (state === 'closed') return 'completed';
  if (state === 'rejected' || state === 'cancelled') return 'revoked';
  return 'active';
}
